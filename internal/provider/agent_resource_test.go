package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

func testAccAgentConfig(e *testEmulator, name, description string, active bool) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent" "test" {
  name        = %q
  description = %q
  active      = %t
  metadata = {
    team = "dental"
  }
}
`, name, description, active)
}

func TestAccAgentResource_lifecycle(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_agent.test"
	var agentID string
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(emu.Snapshot().Agents); n != 0 {
				return fmt.Errorf("destroy left %d agents in the emulator", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			// Create: every argument lands in the API and in state, and nothing drifts.
			{
				Config: testAccAgentConfig(emu, "Riverside Dental Scheduler", "Books appointments for Riverside Dental.", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Riverside Dental Scheduler")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("Books appointments for Riverside Dental.")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("is_demo"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("dental"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					captureAttr(addr, "id", &agentID),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// Update in place: the ID stays.
			{
				Config: testAccAgentConfig(emu, "Riverside Dental Front Desk", "Answers the front desk line.", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Riverside Dental Front Desk")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("active"), knownvalue.Bool(false)),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
				},
				Check: func(*terraform.State) error {
					a := emu.Snapshot().Agents
					if len(a) != 1 || a[0].Name != "Riverside Dental Front Desk" || a[0].Active {
						return fmt.Errorf("emulator does not hold the updated agent: %+v", a)
					}
					return nil
				},
			},
			// Import by ID.
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			// Import by exact name.
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "name=Riverside Dental Front Desk",
				ImportStateVerify: true,
			},
			// A dashboard edit shows as drift and apply puts it back.
			{
				PreConfig: func() {
					if err := emu.EditAgent(agentID, map[string]any{"description": "edited in the dashboard"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccAgentConfig(emu, "Riverside Dental Front Desk", "Answers the front desk line.", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("Answers the front desk line.")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// An agent deleted in the dashboard is planned for re-creation.
			{
				PreConfig: func() {
					if err := emu.DeleteAgent(agentID); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccAgentConfig(emu, "Riverside Dental Front Desk", "Answers the front desk line.", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccAgentResource_importBlockGeneratesConfig adopts an agent made outside
// Terraform with an import block and -generate-config-out; the generated
// configuration must plan clean.
func TestAccAgentResource_importBlockGeneratesConfig(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})

	resource.UnitTest(t, resource.TestCase{
		// Import blocks and generated configuration need Terraform 1.5.
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccAgentConfig(emu, "Riverside Dental Scheduler", "Books appointments.", true),
			},
			{
				Config:          emu.providerConfig(),
				ResourceName:    "anyreach_agent.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				GenerateConfig:  true,
			},
			{
				Config:          emu.providerConfig(),
				ResourceName:    "anyreach_agent.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "name=Riverside Dental Scheduler",
				GenerateConfig:  true,
			},
		},
	})
}

func TestMetadataFromAPIEncodesNonStrings(t *testing.T) {
	got, diags := metadataFromAPI(map[string]any{
		"team":  "a&b <ops>",
		"limit": 1.5,
		"rule":  map[string]any{"match": "<b>&"},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := map[string]string{"team": "a&b <ops>", "limit": "1.5", "rule": `{"match":"<b>&"}`}
	for k, w := range want {
		v, ok := got.Elements()[k].(types.String)
		if !ok || v.ValueString() != w {
			t.Errorf("metadata[%q] = %v, want %q (JSON without HTML escaping)", k, got.Elements()[k], w)
		}
	}
}
