package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
)

// TestRoutingCalls pins the request floor of anyreach_agent_routing: one
// publish call per version and direction that gains slots, clears riding on
// the last write of their direction, and a call of its own only for a
// direction that gains nothing.
func TestRoutingCalls(t *testing.T) {
	in := func(numbers ...string) []routing.Slot { return routing.Slots(numbers, client.DirectionInbound) }
	cases := []struct {
		name                       string
		hadIn, hadOut, wantIn, out routes
		clear                      []routing.Slot
		want                       []routingCall
	}{
		{
			name:  "A/B swap: one call per version, nothing cleared",
			hadIn: routes{"+1": 1, "+2": 2}, wantIn: routes{"+1": 2, "+2": 1},
			want: []routingCall{
				{1, client.PublishRequest{PhoneNumbers: []string{"+2"}, Direction: "inbound"}},
				{2, client.PublishRequest{PhoneNumbers: []string{"+1"}, Direction: "inbound"}},
			},
		},
		{
			name:  "end of the test: the winner takes both, one call",
			hadIn: routes{"+1": 1, "+2": 2}, wantIn: routes{"+1": 1, "+2": 1},
			want: []routingCall{{1, client.PublishRequest{PhoneNumbers: []string{"+2"}, Direction: "inbound"}}},
		},
		{
			name:  "a number leaves while another moves: the clear rides on the write",
			hadIn: routes{"+1": 1, "+2": 1}, wantIn: routes{"+1": 2}, clear: in("+2"),
			want: []routingCall{{2, client.PublishRequest{PhoneNumbers: []string{"+1"}, UnassignPhoneNumbers: []string{"+2"}, Direction: "inbound"}}},
		},
		{
			name:  "only a clear: one call on the version that held it",
			hadIn: routes{"+1": 1, "+2": 3}, wantIn: routes{"+1": 1}, clear: in("+2"),
			want: []routingCall{{3, client.PublishRequest{UnassignPhoneNumbers: []string{"+2"}, Direction: "inbound"}}},
		},
		{
			name:   "both slots to one version: one call with both",
			wantIn: routes{"+1": 1, "+2": 1}, out: routes{"+1": 1},
			want: []routingCall{
				{1, client.PublishRequest{PhoneNumbers: []string{"+1"}, Direction: "both"}},
				{1, client.PublishRequest{PhoneNumbers: []string{"+2"}, Direction: "inbound"}},
			},
		},
		{name: "unchanged: no call", hadIn: routes{"+1": 1}, wantIn: routes{"+1": 1}, want: []routingCall{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range []*routes{&c.hadIn, &c.hadOut, &c.wantIn, &c.out} {
				if *m == nil {
					*m = routes{}
				}
			}
			if got := routingCalls(c.hadIn, c.hadOut, c.wantIn, c.out, c.clear); !reflect.DeepEqual(got, c.want) {
				t.Errorf("routingCalls =\n%+v\nwant\n%+v", got, c.want)
			}
		})
	}
}

// TestAccAgentRouting_driftAndValidation: a create on an agent that already
// answers numbers leaves exactly the configured routing; a number cleared or
// moved outside Terraform shows in the plan and apply puts it back; a number not in E.164
// form and a version below 1 are refused at validate time, on the map.
func TestAccAgentRouting_driftAndValidation(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	agentID, versions := createAgentWithVersions(t, emu, "Routing", "Variant A.", "Variant B.")
	cfg := func(inbound string) string {
		return routingConfig(emu, agentID, inbound, `{ "+15550100003" = 2 }`)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`{ "5550100001" = 1 }`), ExpectError: regexp.MustCompile(`must be a phone number in E.164 form`)},
			{Config: cfg(`{ "+15550100001" = 0 }`), ExpectError: regexp.MustCompile(`must be at least 1`)},
			{
				// The agent already answers +15550100004 and +15550100001: create leaves exactly the configured routing.
				PreConfig: func() {
					if _, err := testClient(t, emu).PublishVersion(context.Background(), agentID, versions[0].Version,
						client.PublishRequest{PhoneNumbers: []string{"+15550100001", "+15550100004"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(`{ "+15550100001" = 1, "+15550100002" = 2 }`),
				Check: func(*terraform.State) error {
					if got := slotsOf(emu)["+15550100004"]; got != [2]string{} {
						return fmt.Errorf("+15550100004, which the routing does not name, still holds %v", got)
					}
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("anyreach_agent_routing.this", tfjsonpath.New("id"), knownvalue.StringExact(agentID)),
				},
			},
			{
				// The dashboard moves +15550100001 to version 2 and clears +15550100003's outbound slot.
				PreConfig: func() {
					c, ctx := testClient(t, emu), context.Background()
					if _, err := c.PublishVersion(ctx, agentID, versions[1].Version, client.PublishRequest{PhoneNumbers: []string{"+15550100001"}}); err != nil {
						t.Fatal(err)
					}
					if _, err := c.PublishVersion(ctx, agentID, versions[1].Version,
						client.PublishRequest{UnassignPhoneNumbers: []string{"+15550100003"}, Direction: client.DirectionOutbound}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(`{ "+15550100001" = 1, "+15550100002" = 2 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("anyreach_agent_routing.this", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					got := slotsOf(emu)
					want := map[string][2]string{"+15550100001": {versions[0].VersionID, ""}, "+15550100002": {versions[1].VersionID, ""},
						"+15550100003": {"", versions[1].VersionID}}
					for n, w := range want {
						if got[n] != w {
							return fmt.Errorf("%s holds %v, want %v", n, got[n], w)
						}
					}
					return nil
				},
			},
		},
	})
}

// TestAccAgentRouting_agentDeletedOutOfBand is workflow row 14: the agent,
// and with it its routing, deleted in the dashboard. The refresh drops the
// routing from state without an error, the plan creates it again with the
// agent and its versions, and after apply the numbers answer for the new
// agent and the plan is empty.
func TestAccAgentRouting_agentDeletedOutOfBand(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	config := emu.providerConfig() + `
resource "anyreach_agent" "this" {
  name = "Routing row 14"
}

resource "anyreach_agent_version" "a" {
  agent_id = anyreach_agent.this.id
  config   = jsonencode({ type = "static_prompt", instructions = "Variant A.", llm = { model = "gpt-4o" } })
}

resource "anyreach_agent_version" "b" {
  agent_id = anyreach_agent.this.id
  config   = jsonencode({ type = "static_prompt", instructions = "Variant B.", llm = { model = "gpt-4o" } })
}

resource "anyreach_agent_routing" "this" {
  agent_id = anyreach_agent.this.id
  inbound  = { "+15550100001" = anyreach_agent_version.a.version, "+15550100002" = anyreach_agent_version.b.version }
}
`
	const addr = "anyreach_agent_routing.this"
	var agentID string
	// answersFor records the agent's ID from state and checks both numbers
	// answer for versions of that agent.
	answersFor := func(want *string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			r, ok := s.RootModule().Resources["anyreach_agent.this"]
			if !ok {
				return fmt.Errorf("anyreach_agent.this is not in state")
			}
			*want = r.Primary.ID
			for _, n := range []string{"+15550100001", "+15550100002"} {
				slot := slotsOf(emu)[n][0]
				if slot == "" {
					return fmt.Errorf("%s answers for no version", n)
				}
				owner := ""
				for _, a := range emu.Snapshot().Agents {
					for _, v := range a.Versions {
						if v.VersionID == slot {
							owner = a.AgentID
						}
					}
				}
				if owner != *want {
					return fmt.Errorf("%s answers for version %s of agent %q, want agent %q", n, slot, owner, *want)
				}
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  answersFor(&agentID),
			},
			{
				PreConfig: func() {
					if err := emu.DeleteAgent(agentID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("anyreach_agent.this", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: answersFor(&agentID),
			},
		},
	})
}

// TestAccAgentRouting_identity: the routing records its identity (the
// agent's ID) on create and update, and an import block naming it by that
// identity imports it with no change planned (Terraform 1.12 and later).
func TestAccAgentRouting_identity(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	agentID, _ := createAgentWithVersions(t, emu, "Routing identity", "Variant A.", "Variant B.")
	cfg := func(inbound string) string { return routingConfig(emu, agentID, inbound, "{}") }
	const addr = "anyreach_agent_routing.this"
	identity := []statecheck.StateCheck{
		statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"agent_id": knownvalue.StringExact(agentID)}),
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`{ "+15550100001" = 1 }`), ConfigStateChecks: identity},
			{Config: cfg(`{ "+15550100001" = 2, "+15550100002" = 1 }`), ConfigStateChecks: identity},
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		},
	})
}

// routingConfig is an anyreach_agent_routing "this" of an agent created
// outside Terraform, with its inbound and outbound maps as HCL.
func routingConfig(emu *testEmulator, agentID, inbound, outbound string) string {
	return emu.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent_routing" "this" {
  agent_id = %q
  inbound  = %s
  outbound = %s
}
`, agentID, inbound, outbound)
}
