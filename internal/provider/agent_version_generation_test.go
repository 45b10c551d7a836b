package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// generationConfig is a draft whose instructions are generated from purpose.
func generationConfig(e *testEmulator, purpose string) string {
	return testAccVersionConfig(e, "gpt-4o", fmt.Sprintf(`
  instruction_builder_inputs = jsonencode({ industry = "dental", purpose = %q })
  generate_instructions      = true
`, purpose))
}

// generatedFrom checks version 1's instructions were generated from purpose.
func generatedFrom(e *testEmulator, purpose string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, a := range e.Snapshot().Agents {
			for _, v := range a.Versions {
				if v.Version == 1 && !strings.Contains(fmt.Sprint(v.Config["instructions"]), "purpose: "+purpose) {
					return fmt.Errorf("instructions %q were not generated from %q", v.Config["instructions"], purpose)
				}
			}
		}
		return nil
	}
}

// converged is a step that must plan the pending generation, finish it, and
// leave nothing to do.
func converged(e *testEmulator, purpose string) resource.TestStep {
	const addr = "anyreach_agent_version.test"
	return resource.TestStep{
		Config: generationConfig(e, purpose),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("instructions_status"), knownvalue.StringExact("completed")),
		},
		Check: generatedFrom(e, purpose),
	}
}

// TestAccAgentVersionResource_generationConvergesAfterFailure: a generation
// that fails after the inputs changed leaves work the next plan shows and
// the next apply finishes, instead of "No changes" and a publish refused
// for stale instructions.
func TestAccAgentVersionResource_generationConvergesAfterFailure(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: generationConfig(emu, "Book cleanings"), Check: generatedFrom(emu, "Book cleanings")},
			{
				PreConfig:   func() { emu.SetGenerationFailure("the builder is overloaded") },
				Config:      generationConfig(emu, "Book implants"),
				ExpectError: regexp.MustCompile(`Instruction generation failed`),
			},
			func() resource.TestStep {
				s := converged(emu, "Book implants")
				s.PreConfig = func() { emu.SetGenerationFailure("") }
				return s
			}(),
		},
	})
}

// TestAccAgentVersionResource_generationConvergesAfterConflict: against a
// service that answers 409 to an input change while a generation (started
// in the dashboard) runs, the refused change stays pending and the next
// apply, once generation finished, makes it.
func TestAccAgentVersionResource_generationConvergesAfterConflict(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{RefuseInputsWhileGenerating: true})
	var agentID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            generationConfig(emu, "Book cleanings"),
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			{
				PreConfig: func() {
					emu.HoldGeneration()
					startVersionGeneration(t, emu, agentID, 1)
				},
				Config:      generationConfig(emu, "Book implants"),
				ExpectError: regexp.MustCompile(`Cannot update Anyreach agent version`),
			},
			func() resource.TestStep {
				s := converged(emu, "Book implants")
				s.PreConfig = func() { emu.ReleaseGeneration() }
				return s
			}(),
		},
	})
}

// TestAccAgentVersionResource_generationToggledOnPublished: turning
// generate_instructions on without builder inputs and back off on a
// published version writes nothing, so it never plans a replacement.
func TestAccAgentVersionResource_generationToggledOnPublished(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_agent_version.test"
	var agentID string
	inPlace := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            testAccVersionConfig(emu, "gpt-4o", ""),
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			{
				PreConfig: func() {
					if err := emu.PublishVersion(agentID, 1); err != nil {
						t.Fatal(err)
					}
				},
				Config:           testAccVersionConfig(emu, "gpt-4o", "generate_instructions = true"),
				ConfigPlanChecks: inPlace,
			},
			{Config: testAccVersionConfig(emu, "gpt-4o", "generate_instructions = false"), ConfigPlanChecks: inPlace},
		},
	})
}
