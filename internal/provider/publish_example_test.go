package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestAccExample_abTest runs examples/ab-test through its three stages: each
// variant on its own number, the numbers traded, then variant A on both. Each
// change is one in-place update of the routing; after each apply every number
// answers the variant the stage gives it, no publish call in between left one
// answering nothing, and the plan is empty.
func TestAccExample_abTest(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{Latency: 5 * time.Millisecond})
	dir := exampleDir(t, emu, "ab-test")
	const n1, n2 = "+15550100001", "+15550100002"
	f := &publishFixture{emu: emu, versionIDs: map[int]string{}}
	var before map[string]int
	stage := func(name string, want map[string]int, actions ...plancheck.PlanCheck) resource.TestStep {
		return resource.TestStep{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          dir,
			ConfigVariables:          config.Variables{"stage": config.StringVariable(name)},
			PreConfig: func() {
				before = f.inbound()
				emu.ResetRequests()
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             actions,
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				for _, a := range emu.Snapshot().Agents {
					for _, v := range a.Versions {
						f.versionIDs[v.Version] = v.VersionID
					}
				}
				got := f.inbound()
				for n, v := range want {
					if got[n] != v {
						return fmt.Errorf("stage %s: %s answers version %d, want %d", name, n, got[n], v)
					}
				}
				if name != "test" {
					f.checkNoBlankSlot(t, "stage "+name, before, []string{n1, n2})
				}
				return nil
			},
		}
	}
	resource.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			stage("test", map[string]int{n1: 1, n2: 2}),
			stage("swapped", map[string]int{n1: 2, n2: 1},
				plancheck.ExpectResourceAction("anyreach_agent_routing.ab", plancheck.ResourceActionUpdate)),
			stage("done", map[string]int{n1: 1, n2: 1},
				plancheck.ExpectResourceAction("anyreach_agent_routing.ab", plancheck.ResourceActionUpdate)),
		},
	})
}
