package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// testAccVersionConfig is an agent with one version whose config sets only a
// few keys, so the server fills the rest with defaults.
func testAccVersionConfig(e *testEmulator, model, extra string) string {
	return e.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent" "test" {
  name = "Riverside Dental Scheduler"
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config = jsonencode({
    type         = "static_prompt"
    instructions = "You book dental appointments for Riverside Dental."
    llm          = { model = %q }
    voice        = { provider = "elevenlabs", voice_id = "rachel" }
  })
  %s
}
`, model, extra)
}

func TestAccAgentVersionResource_draftLifecycle(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_agent_version.test"
	var agentID string
	sameVersion := statecheck.CompareValue(compare.ValuesSame())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Server defaults (voice.speed, llm.temperature, ...) cause no diff.
			{
				Config: testAccVersionConfig(emu, "gpt-4o", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("published"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("effective_config"), knownvalue.StringRegexp(regexp.MustCompile(`"temperature":0.7`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[^/]+/1$`))),
					captureAttr("anyreach_agent.test", "id", &agentID),
					sameVersion.AddStateValue(addr, tfjsonpath.New("version_id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// A draft is updated in place: same version number and ID.
			{
				Config: testAccVersionConfig(emu, "gpt-4o-mini", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("effective_config"), knownvalue.StringRegexp(regexp.MustCompile(`"model":"gpt-4o-mini"`))),
					sameVersion.AddStateValue(addr, tfjsonpath.New("version_id")),
				},
			},
			// A dashboard edit of a key the user wrote is detected; a server-side
			// edit of a key the user did not write is not drift.
			{
				PreConfig: func() {
					if err := emu.EditVersionConfig(agentID, 1, map[string]any{
						"llm":            map[string]any{"model": "claude-sonnet", "temperature": 0.2},
						"max_tool_steps": 3,
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccVersionConfig(emu, "gpt-4o-mini", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("config"), knownvalue.StringRegexp(regexp.MustCompile(`gpt-4o-mini`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// Import: config then holds the full server config; the import plans clean.
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"config"},
			},
			// Published out of band: the next config change plans a replacement (a new version).
			{
				PreConfig: func() {
					if err := emu.PublishVersion(agentID, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccVersionConfig(emu, "gpt-4.1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("published"), knownvalue.Bool(false)),
				},
			},
		},
	})

	// The replaced published version stays in the agent's history.
	snap := emu.Snapshot()
	if len(snap.Agents) != 0 {
		t.Fatalf("destroy left agents behind: %d", len(snap.Agents))
	}
}

func TestAccAgentVersionResource_importBlockGeneratesConfig(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	var agentID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            testAccVersionConfig(emu, "gpt-4o", ""),
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			{
				Config:          emu.providerConfig(),
				ResourceName:    "anyreach_agent_version.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return agentID + "/1", nil
				},
				GenerateConfig: true,
			},
		},
	})
}

func TestAccAgentVersionResource_baseVersion(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	cfg := testAccVersionConfig(emu, "gpt-4o", "") + `
resource "anyreach_agent_version" "copy" {
  agent_id     = anyreach_agent.test.id
  base_version = anyreach_agent_version.test.version
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("anyreach_agent_version.copy", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				statecheck.CompareValuePairs("anyreach_agent_version.copy", tfjsonpath.New("effective_config"),
					"anyreach_agent_version.test", tfjsonpath.New("effective_config"), compare.ValuesSame()),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

func TestAccAgentVersionResource_invalidConfigFailsAtPlan(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"out of range", `{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" }, voice = { speed = 7 } }`,
			regexp.MustCompile(`config\.voice\.speed`)},
		{"unknown enum value", `{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" }, voice = { provider = "nope" } }`,
			regexp.MustCompile(`config\.voice\.provider`)},
		{"wrong type", `{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" }, max_tool_steps = "ten" }`,
			regexp.MustCompile(`config\.max_tool_steps`)},
		{"missing required field", `{ type = "static_prompt", instructions = "x" }`,
			regexp.MustCompile(`(?s)Invalid agent config.*llm`)},
		{"workflow_id and definition together", `{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" },
			post_conversation_workflow = { workflow_id = "wf", workflow_version = 1, definition = {} } }`,
			regexp.MustCompile(`config\.post_conversation_workflow`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: emu.providerConfig() + `
resource "anyreach_agent" "test" { name = "` + tc.name + `" }
resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode(` + tc.config + `)
}`,
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
	// Plan-time failures create nothing.
	if n := len(emu.Snapshot().Agents); n != 0 {
		t.Fatalf("a failed plan created %d agents", n)
	}
}

func TestAccAgentVersionResource_generation(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{GenerationDelay: 300 * time.Millisecond})
	const addr = "anyreach_agent_version.test"
	inputs := func(purpose string) string {
		return fmt.Sprintf(`
  instruction_builder_inputs = jsonencode({ industry = "dental", purpose = %q })
  generate_instructions      = true
`, purpose)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccVersionConfig(emu, "gpt-4o", inputs("Book cleanings")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("instructions_status"), knownvalue.StringExact("completed")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					for _, a := range emu.Snapshot().Agents {
						for _, v := range a.Versions {
							if !strings.Contains(fmt.Sprint(v.Config["instructions"]), "Book cleanings") {
								return fmt.Errorf("generated instructions do not reflect the inputs: %v", v.Config["instructions"])
							}
						}
					}
					return nil
				},
			},
			// Changing the inputs of the draft regenerates in place.
			{
				Config: testAccVersionConfig(emu, "gpt-4o", inputs("Book whitening")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// A failed generation surfaces the server's message.
			{
				PreConfig:   func() { emu.SetGenerationFailure("industry \"dental\" needs a practice name") },
				Config:      testAccVersionConfig(emu, "gpt-4o", inputs("Book implants")),
				ExpectError: regexp.MustCompile(`(?s)Instruction generation failed.*needs a practice name`),
			},
		},
	})
}
