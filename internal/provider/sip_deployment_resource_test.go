package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

func TestAccSIPDeploymentResource(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	base := testAccPublishConfig(emu, "v1", nil, "inbound")
	const addr = "anyreach_sip_deployment.test"
	resource.UnitTest(t, resource.TestCase{
		// Import blocks and generated configuration need Terraform 1.5.
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: base + `
resource "anyreach_sip_deployment" "test" {
  agent_id   = anyreach_agent.test.id
  depends_on = [anyreach_publish.test]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("sip_uri"), knownvalue.StringRegexp(regexp.MustCompile(`^sip:[0-9a-f-]+@`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

func TestAccSIPDeploymentResource_undeployUnsupported(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{DisableSIPUndeploy: true})
	cfg := testAccPublishConfig(emu, "v1", nil, "inbound") + `
resource "anyreach_sip_deployment" "test" {
  agent_id   = anyreach_agent.test.id
  depends_on = [anyreach_publish.test]
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			// Removing only the SIP resource must succeed (with a warning) although the service cannot undeploy.
			{
				Config: testAccPublishConfig(emu, "v1", nil, "inbound"),
				Check: func(*terraform.State) error {
					for _, a := range emu.Snapshot().Agents {
						if a.SIPEndpoint == nil {
							return fmt.Errorf("the endpoint should still exist in Anyreach")
						}
					}
					return nil
				},
			},
		},
	})
}
