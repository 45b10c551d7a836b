package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Row 8 of the workflow matrix: the service spells its data its own way. This
// file runs a slice of the acceptance suite, covering every resource's
// create, refresh, update, import, publish, generation wait and delete,
// against the emulator's variant wire: the agent's ID as "id", pages of 2
// without a final next_cursor, versions as a bare array, string 422 details,
// reworded error messages, and unset optional config fields as null.

// variantWire is the emulator options of this file.
func variantWire() emulator.Options {
	return emulator.Options{VariantWire: true, NullOptionalFields: true, GenerationDelay: 300 * time.Millisecond}
}

// testAccVariantConfig is the quickstart's shape: an agent, a version whose
// instructions are generated, its publication on two numbers, and a SIP
// deployment. Spelling cases ride along: a float field written as an int, a
// name with characters Go's encoder escapes.
func testAccVariantConfig(e *testEmulator, description, purpose string) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent" "test" {
  name        = "Riverside Dental & Ortho <scheduler> é"
  description = %q
  metadata    = { team = "dental" }
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config = jsonencode({
    type         = "static_prompt"
    instructions = "Replaced by generation."
    llm          = { model = "gpt-4o", temperature = 1 }
    voice        = { provider = "elevenlabs", speed = 1 }
  })
  instruction_builder_inputs = jsonencode({ industry = "dental", purpose = %q })
  generate_instructions      = true
}

resource "anyreach_publish" "test" {
  agent_id      = anyreach_agent.test.id
  version       = anyreach_agent_version.test.version
  phone_numbers = ["+15550100001", "+15550100002"]
}

resource "anyreach_sip_deployment" "test" {
  agent_id   = anyreach_agent.test.id
  depends_on = [anyreach_publish.test]
}

data "anyreach_agents" "all" {
  depends_on = [anyreach_agent.test]
}

data "anyreach_phone_numbers" "all" {}
`, description, purpose)
}

func TestAccVariantWire_lifecycle(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, variantWire())
	// Four more agents, so the agents list takes three pages of 2.
	c, err := client.New(client.Config{BaseURL: emu.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := c.CreateAgent(t.Context(), client.AgentCreate{Name: fmt.Sprintf("other %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var agentID string
	const (
		agent   = "anyreach_agent.test"
		version = "anyreach_agent_version.test"
		publish = "anyreach_publish.test"
		sip     = "anyreach_sip_deployment.test"
	)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, a := range emu.Snapshot().Agents {
				if a.AgentID == agentID {
					return fmt.Errorf("agent %s is left after destroy", agentID)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			// Create, with a generation wait; refresh plans nothing.
			{
				Config: testAccVariantConfig(emu, "Books appointments.", "Book cleanings"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					captureAttr(agent, "id", &agentID),
					statecheck.ExpectKnownValue(version, tfjsonpath.New("instructions_status"), knownvalue.StringExact("completed")),
					statecheck.ExpectKnownValue(sip, tfjsonpath.New("sip_uri"), knownvalue.StringRegexp(regexp.MustCompile(`^sip:[0-9a-f-]{36}@`))),
					statecheck.ExpectKnownValue("data.anyreach_agents.all", tfjsonpath.New("agents"), knownvalue.ListSizeExact(5)),
					statecheck.ExpectKnownValue("data.anyreach_phone_numbers.all", tfjsonpath.New("phone_numbers"), knownvalue.ListSizeExact(5)),
				},
			},
			// Refresh-only after apply reports nothing changed outside Terraform.
			{
				RefreshState:      true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// Update: the agent in place; the published version is replaced, regenerated and republished.
			{
				Config: testAccVariantConfig(emu, "Books and moves appointments.", "Book whitening"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(agent, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(version, plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(publish, plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(version, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
			// Import of every resource reads back what is in state (refreshed
			// first: the publish changed the version's published flag).
			{RefreshState: true},
			{ResourceName: agent, ImportState: true, ImportStateVerify: true},
			{ResourceName: version, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"config", "generate_instructions", "effective_config"}},
			{
				ResourceName: publish, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID + "/2", nil },
			},
			{
				ResourceName: sip, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID, nil },
			},
		},
	})
}

// TestAccVariantWire_badInput: the refusals whose hint depends on what the
// API's answer means still get the right hint when every message is worded
// differently. The organization case failed while the hint looked for the
// word "organization" in the message.
func TestAccVariantWire_badInput(t *testing.T) {
	t.Parallel()
	const (
		pat           = "pat_variant.user"
		readOnlyToken = "ak_readonly.variant"
	)
	tokens := map[string][]string{testToken: nil, pat: nil, readOnlyToken: {"agents:read", "phone_numbers:read"}}
	cases := []badInputCase{
		{
			name: "personal access token naming another organization",
			opts: emulator.Options{VariantWire: true, Tokens: tokens},
			provider: func(e *testEmulator) string {
				return fmt.Sprintf("provider \"anyreach\" {\n  base_url        = %q\n  token           = %q\n  organization_id = \"org_other\"\n}\n", e.URL, pat)
			},
			config: "data \"anyreach_phone_numbers\" \"all\" {}\n",
			want: diagAt("Cannot list Anyreach phone numbers", "data.anyreach_phone_numbers.all", "",
				words("403 Forbidden: Access denied.")+`.*`+
					words("The credential has no access to the organization the request named. Check organization_id")),
			atPlan: true,
		},
		{
			name:     "token without agents:manage",
			opts:     emulator.Options{VariantWire: true, Tokens: tokens},
			provider: func(e *testEmulator) string { return providerBlock(e.URL, readOnlyToken) },
			config:   badVersion,
			want: diagAt("Cannot create Anyreach agent", "anyreach_agent.test", "",
				words("403 Forbidden: Access denied.")+`.*`+words("Use a key with agents:manage.")),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runBadInputCase(t, tc)
		})
	}
}
