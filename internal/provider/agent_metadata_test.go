package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// metadataConfig is an agent whose metadata holds values set in the
// dashboard as numbers, a boolean, an object and null, written as
// anyreach_agent shows them.
func metadataConfig(e *testEmulator, description string) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent" "test" {
  name        = "Typed metadata"
  description = %q
  metadata = {
    team    = "dental"
    count   = "3"
    ratio   = "1.0"
    flag    = "true"
    object  = jsonencode({ a = [1, "b"] })
    nothing = "null"
  }
}

data "anyreach_agent" "test" {
  id         = anyreach_agent.test.id
  depends_on = [anyreach_agent.test]
}

output "metadata_json" {
  value = data.anyreach_agent.test.metadata_json
}
`, description)
}

// TestAccAgentResource_metadataKeepsJSONTypes is row 18 for anyreach_agent:
// metadata the dashboard stored as numbers, a boolean, an object and null
// plans clean under configuration that writes them as anyreach_agent shows
// them, and an unrelated update (the description) writes every one of them
// back as the same JSON value, not as its text.
func TestAccAgentResource_metadataKeepsJSONTypes(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const typed = `{"count":3,"flag":true,"nothing":null,"object":{"a":[1,"b"]},"ratio":1.0,"team":"dental"}`
	var agentID string
	held := func(*terraform.State) error {
		for _, a := range emu.Snapshot().Agents {
			if a.AgentID == agentID {
				b, err := json.Marshal(a.Metadata)
				if err != nil {
					return err
				}
				if string(b) != typed {
					return fmt.Errorf("metadata is %s, want %s", b, typed)
				}
				return nil
			}
		}
		return fmt.Errorf("agent %s is gone", agentID)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            metadataConfig(emu, "First"),
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			{
				// The dashboard stores the values with their JSON types.
				PreConfig: func() {
					if err := emu.EditAgent(agentID, map[string]any{"metadata": json.RawMessage(typed)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: metadataConfig(emu, "First"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("anyreach_agent.test", plancheck.ResourceActionNoop)},
				},
			},
			{
				Config: metadataConfig(emu, "Second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("anyreach_agent.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(held, resource.TestCheckOutput("metadata_json", typed)),
			},
		},
	})
}
