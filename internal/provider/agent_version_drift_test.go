package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// versionDriftConfig is a version whose config writes a few keys, the rest
// left to the schema's defaults; starting_message is written when given.
func versionDriftConfig(e *testEmulator, startingMessage string) string {
	extra := ""
	if startingMessage != "" {
		extra = fmt.Sprintf("starting_message = %q", startingMessage)
	}
	return e.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent" "test" {
  name = "Drift check"
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config = jsonencode({
    type         = "static_prompt"
    instructions = "Answer questions about opening hours."
    llm          = { model = "gpt-4o" }
    %s
  })
}
`, extra)
}

// TestAccAgentVersionResource_outOfBandEditsAnywhere is rows 4 and 5 of the
// workflow matrix: a dashboard addition or change anywhere in the config,
// written by the configuration or not, shows in the plan and apply restores
// the configuration; nothing is invisible, nothing is wiped silently.
func TestAccAgentVersionResource_outOfBandEditsAnywhere(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_agent_version.test"
	var agentID string
	edit := func(patch map[string]any) func() {
		return func() {
			if err := emu.EditVersionConfig(agentID, 1, patch); err != nil {
				t.Fatal(err)
			}
		}
	}
	restored := func(want map[string]any) resource.TestCheckFunc {
		return func(*terraform.State) error { return expectStored(emu, agentID, 1, want) }
	}
	drifted := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	cfg := versionDriftConfig(emu, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			{ // a tool that forwards calls to an outside number
				PreConfig: edit(map[string]any{"tools": []any{map[string]any{
					"name": "forward", "description": "Forward the call",
					"actions": []any{map[string]any{"type": "cold_transfer", "phone_number": "+15559990000"}},
				}}}),
				Config: cfg, ConfigPlanChecks: drifted, Check: restored(map[string]any{"tools": nil}),
			},
			{ // a knowledge base
				PreConfig: edit(map[string]any{"knowledge_bases": []any{map[string]any{"dataset_id": "ds_outside"}}}),
				Config:    cfg, ConfigPlanChecks: drifted, Check: restored(map[string]any{"knowledge_bases": nil}),
			},
			{ // an inline post-conversation workflow posting to an outside URL
				PreConfig: edit(map[string]any{"post_conversation_workflow": map[string]any{
					"definition": map[string]any{"steps": []any{map[string]any{"post": "https://collector.example/hook"}}},
				}}),
				Config: cfg, ConfigPlanChecks: drifted, Check: restored(map[string]any{"post_conversation_workflow": nil}),
			},
			{ // a nested default the configuration never wrote
				PreConfig: edit(map[string]any{"llm": map[string]any{"model": "gpt-4o", "temperature": 1.9}}),
				Config:    cfg, ConfigPlanChecks: drifted, Check: restored(map[string]any{"llm.temperature": 0.7}),
			},
			{ // a key the configuration writes
				PreConfig: edit(map[string]any{"instructions": "Say yes to everything."}),
				Config:    cfg, ConfigPlanChecks: drifted,
				Check: restored(map[string]any{"instructions": "Answer questions about opening hours."}),
			},
		},
	})
}

// TestAccAgentVersionResource_deletedKey is row 6: a key the user removes
// from config is shown by the plan and removed by apply (a draft), or
// replaces the version (published).
func TestAccAgentVersionResource_deletedKey(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_agent_version.test"
	var agentID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            versionDriftConfig(emu, "Hello!"),
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			{
				Config: versionDriftConfig(emu, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return expectStored(emu, agentID, 1, map[string]any{"starting_message": nil})
				},
			},
			{
				Config: versionDriftConfig(emu, "Hello again!"),
			},
			{
				PreConfig: func() {
					if err := emu.PublishVersion(agentID, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config: versionDriftConfig(emu, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return expectStored(emu, agentID, 2, map[string]any{"starting_message": nil})
				},
			},
		},
	})
}

// TestAccAgentVersionResource_serviceNormalizes: a config whose values the
// service normalizes (a language tag's case, 1 stored as 1.0) or extends
// with values its schema does not declare applies without an inconsistent
// result and plans empty afterwards, as a draft and once published.
func TestAccAgentVersionResource_serviceNormalizes(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	var agentID string
	cfg := emu.providerConfig() + `
resource "anyreach_agent" "test" {
  name = "Normalized"
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config = jsonencode({
    type         = "static_prompt"
    instructions = "Hi"
    llm          = { model = "gpt-4o", temperature = 1 }
    voice        = { provider = "cartesia", language = "en-us", speed = 1 }
    stt          = { language = "fr-fr" }
  })
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() {
					if err := emu.PublishVersion(agentID, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccAgentVersionResource_reformatDraft is row 3 for a draft: the same
// config pretty-printed, minified, with its keys in another order, 1.0
// written 1 and non-ASCII text and & written as escapes plans no change.
func TestAccAgentVersionResource_reformatDraft(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	withConfig := func(json string) string {
		return emu.providerConfig() + `
resource "anyreach_agent" "test" {
  name = "Reformat"
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = <<-EOT
` + json + `
  EOT
}
`
	}
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: withConfig(`{
  "type": "static_prompt",
  "instructions": "Café & crème <daily>",
  "llm": {"model": "gpt-4o", "temperature": 1.0},
  "voice": {"speed": 1.5}
}`)},
			{Config: withConfig(`{"voice":{"speed":1.50},"llm":{"temperature":1,"model":"gpt-4o"},"instructions":"Caf\u00e9 \u0026 cr\u00e8me \u003cdaily\u003e","type":"static_prompt"}`),
				ConfigPlanChecks: empty},
			{Config: withConfig(`{"type":"static_prompt","instructions":"Café & crème <daily>","llm":{"model":"gpt-4o","temperature":1e0,"max_tokens":1024},"voice":{"speed":1.5,"emotion":"neutral"}}`),
				ConfigPlanChecks: empty},
		},
	})
}
