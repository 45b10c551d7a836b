package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// exampleDir copies an example root module for the acceptance harness, which
// serves the provider under the test namespace instead of anyreach/anyreach,
// and points its empty provider block at the emulator.
func exampleDir(t *testing.T, e *testEmulator, name string) config.TestStepConfigFunc {
	t.Helper()
	src := filepath.Join("..", "..", "examples", name)
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, entry.Name()))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.HasSuffix(entry.Name(), ".tf") {
			text = strings.ReplaceAll(text, `source = "anyreach/anyreach"`, `source = "hashicorp/anyreach"`)
			text = strings.ReplaceAll(text, `provider "anyreach" {}`, fmt.Sprintf(
				"provider \"anyreach\" {\n  base_url = %q\n  token    = %q\n}", e.URL, testToken))
		}
		if err := os.WriteFile(filepath.Join(dst, entry.Name()), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return config.StaticDirectory(dst)
}

// TestAccExample_quickstart applies the quickstart exactly as `make demo` does.
func TestAccExample_quickstart(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	dir := exampleDir(t, emu, "quickstart")
	resource.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			// A directory with its own provider block takes the factories per step.
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          dir,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("version", knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("anyreach_publish.scheduler", tfjsonpath.New("phone_numbers"), knownvalue.SetSizeExact(2)),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				snap := emu.Snapshot()
				if len(snap.Agents) != 1 || snap.Agents[0].SIPEndpoint == nil {
					return fmt.Errorf("want one agent with a SIP endpoint, got %+v", snap.Agents)
				}
				return nil
			},
		}},
	})
}

// TestAccExample_promotion runs the promotion example: a config change after
// publishing creates version 2 and moves the numbers; version 1 is kept. The
// staging overlay is merged into the config file (config_merge, so 1.8+).
func TestAccExample_promotion(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	dir := exampleDir(t, emu, "promotion")
	withConfig := func(file string) config.Variables {
		return config.Variables{"config_file": config.StringVariable(file)}
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				ConfigDirectory:          dir,
				ConfigVariables:          withConfig("agent-config.v1.json"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("live_version", knownvalue.Int64Exact(1)),
				},
				Check: func(*terraform.State) error {
					// The overlay's keys are merged into the file's nested objects.
					cfg := emu.Snapshot().Agents[0].Versions[0].Config
					llm, _ := cfg["llm"].(map[string]any)
					if llm["model"] != "gpt-4o" || fmt.Sprint(llm["temperature"]) != "0.2" ||
						!strings.Contains(fmt.Sprint(cfg["starting_message"]), "staging line") {
						return fmt.Errorf("version 1 does not hold the file merged with the staging overlay: %v", cfg)
					}
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				ConfigDirectory:          dir,
				ConfigVariables:          withConfig("agent-config.v2.json"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("anyreach_agent_version.scheduler", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("anyreach_publish.scheduler", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("live_version", knownvalue.Int64Exact(2)),
				},
				Check: func(*terraform.State) error {
					snap := emu.Snapshot()
					if len(snap.Agents) != 1 || len(snap.Agents[0].Versions) != 2 {
						return fmt.Errorf("want one agent with versions 1 and 2 kept, got %+v", snap.Agents)
					}
					v2 := versionIDOf(emu, 2)
					for _, n := range []string{"+15550100003", "+15550100004"} {
						if got := slotsOf(emu)[n][0]; got != v2 {
							return fmt.Errorf("%s answers %q, want version 2 (%s)", n, got, v2)
						}
					}
					return nil
				},
			},
		},
	})
}
