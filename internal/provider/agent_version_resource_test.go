package provider

import (
	"encoding/json"
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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
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

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Server defaults (voice.speed, llm.temperature, ...) cause no diff.
			{
				Config: testAccVersionConfig(emu, "gpt-4o", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
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
					sameVersion.AddStateValue(addr, tfjsonpath.New("version_id")),
				},
				Check: func(*terraform.State) error {
					return expectStored(emu, agentID, 1, map[string]any{"llm.model": "gpt-4o-mini", "llm.temperature": 0.7})
				},
			},
			// Dashboard edits are drift whether or not config writes the key: the
			// model config sets, and a temperature and max_tool_steps it leaves
			// to the schema's defaults. Apply restores all three.
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
				Check: func(*terraform.State) error {
					return expectStored(emu, agentID, 1, map[string]any{"llm.model": "gpt-4o-mini", "llm.temperature": 0.7, "max_tool_steps": 10})
				},
			},
			// Import: config then holds the stored config without its defaults.
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
	resource.UnitTest(t, resource.TestCase{
		// Import blocks and generated configuration need Terraform 1.5.
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
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
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("anyreach_agent_version.copy", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
			},
			Check: func(*terraform.State) error {
				agents := emu.Snapshot().Agents
				if len(agents) != 1 || len(agents[0].Versions) != 2 {
					return fmt.Errorf("want one agent with two versions, got %+v", agents)
				}
				if a, b := agents[0].Versions[0].Config, agents[0].Versions[1].Config; !configjson.Equal(normalizedAny(a), normalizedAny(b)) {
					return fmt.Errorf("the copy's config differs from version 1's: %v vs %v", b, a)
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

func TestAccAgentVersionResource_generation(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{GenerationDelay: 300 * time.Millisecond})
	const addr = "anyreach_agent_version.test"
	inputs := func(purpose string) string {
		// Spacing and key order the API does not keep: state must hold
		// this text, with no drift, because the JSON means the same.
		return fmt.Sprintf(`
  instruction_builder_inputs = <<-EOT
    { "purpose": %q,   "industry": "dental" }
  EOT
  generate_instructions      = true
`, purpose)
	}
	resource.UnitTest(t, resource.TestCase{
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

// TestAccAgentVersionResource_generationTurnedOnAndOff switches
// generate_instructions both ways: turned off, config's instructions take over
// (written to a draft in place); turned on for a published version, a new
// version is generated, since a published one cannot change.
func TestAccAgentVersionResource_generationTurnedOnAndOff(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_agent_version.test"
	cfg := func(generate bool) string {
		return testAccVersionConfig(emu, "gpt-4o", fmt.Sprintf(`
  instruction_builder_inputs = jsonencode({ industry = "dental", purpose = "Book cleanings" })
  generate_instructions      = %t
`, generate))
	}
	instructions := func(version int, want string) func(*terraform.State) error {
		return func(*terraform.State) error {
			for _, a := range emu.Snapshot().Agents {
				for _, v := range a.Versions {
					if v.Version == version {
						if got := fmt.Sprint(v.Config["instructions"]); !strings.Contains(got, want) {
							return fmt.Errorf("version %d instructions = %q, want them to contain %q", version, got, want)
						}
						return nil
					}
				}
			}
			return fmt.Errorf("no version %d", version)
		}
	}
	var agentID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg(true),
				Check:             instructions(1, "purpose: Book cleanings"),
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			// Off: the draft takes config's instructions, in place and in one apply.
			{
				Config: cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: instructions(1, "You book dental appointments for Riverside Dental."),
			},
			// On again, for a version published meanwhile: a new version is generated.
			{
				PreConfig: func() {
					if err := emu.PublishVersion(agentID, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("instructions_status"), knownvalue.StringExact("completed")),
				},
				Check: instructions(2, "purpose: Book cleanings"),
			},
			// Off for a published version whose generated instructions differ from config's: a new version too.
			{
				PreConfig: func() {
					if err := emu.PublishVersion(agentID, 2); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
				},
				Check: instructions(3, "You book dental appointments for Riverside Dental."),
			},
		},
	})
}

// TestAccAgentVersionResource_schemaUnavailable: when the schema cannot be
// fetched, plan warns and goes on, and the API still validates on apply.
func TestAccAgentVersionResource_schemaUnavailable(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	emu.FailRoute("GET /core/agent-config-schema", 500, 0)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccVersionConfig(emu, "gpt-4o", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("anyreach_agent_version.test", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
			},
			Check: func(*terraform.State) error {
				for _, r := range emu.RequestLog() {
					if r.Method == "GET" && r.Route == "/core/agent-config-schema" {
						if r.Status != 500 {
							return fmt.Errorf("the schema route answered %d, the test needs it failing", r.Status)
						}
						return nil
					}
				}
				return fmt.Errorf("the provider never asked for the schema")
			},
		}},
	})
}

// TestAccAgentVersionResource_validateConfigOff leaves validation to the API:
// the plan passes and the API's 422 names the path on apply.
func TestAccAgentVersionResource_validateConfigOff(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	cfg := fmt.Sprintf(`
provider "anyreach" {
  base_url        = %q
  token           = %q
  validate_config = false
}

resource "anyreach_agent" "test" {
  name = "Riverside Dental Scheduler"
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode({ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" }, voice = { speed = 7 } })
}
`, emu.URL, testToken)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: cfg, ExpectError: regexp.MustCompile(`(?s)422.*config\.voice\.speed`)},
		},
	})
	if n := emu.RequestCounts()["GET /core/agent-config-schema"]; n != 0 {
		t.Errorf("validate_config = false still fetched the schema %d times", n)
	}
}

// expectStored checks values of a version's config as the emulator stores
// it, by dotted path ("llm.temperature").
func expectStored(emu *testEmulator, agentID string, version int, want map[string]any) error {
	for _, a := range emu.Snapshot().Agents {
		if a.AgentID != agentID {
			continue
		}
		for _, v := range a.Versions {
			if v.Version != version {
				continue
			}
			cfg := normalizedAny(v.Config)
			for p, w := range want {
				cur := cfg
				for _, k := range strings.Split(p, ".") {
					m, _ := cur.(map[string]any)
					cur = m[k]
				}
				if !configjson.Equal(cur, normalizedAny(w)) {
					return fmt.Errorf("stored config of version %d has %s = %v, want %v", version, p, cur, w)
				}
			}
			return nil
		}
	}
	return fmt.Errorf("the emulator has no version %d of agent %s", version, agentID)
}

// normalizedAny re-decodes a Go value the way the provider decodes JSON, so
// jsonEqual can compare it.
func normalizedAny(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	out, err := configjson.Decode(string(b))
	if err != nil {
		return err
	}
	return out
}
