package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// seededAgentIDs seeds the export test's organization (exportSeed) and
// returns its agents' IDs by name.
func seededAgentIDs(t *testing.T, emu *testEmulator) map[string]string {
	t.Helper()
	seedExportOrganization(t, emu)
	c, err := client.New(client.Config{BaseURL: emu.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	agents, err := c.ListAgents(context.Background(), client.AgentListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, a := range agents {
		ids[a.Name] = a.ID
	}
	return ids
}

// TestAccListResources runs terraform query (Terraform 1.14 and later) over
// an organization holding agents in every shape: each list finds what its
// filters select, names each result so a person recognises it, carries its
// identity, and with include_resource the object as its import reads it.
func TestAccListResources(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	ids := seededAgentIDs(t, emu)
	frontDesk, multi, callCenter := ids["Front Desk"], ids["Multi Version"], ids["Call Center"]
	version := func(agentID string, n int64) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"agent_id": knownvalue.StringExact(agentID), "version": knownvalue.Int64Exact(n)}
	}
	publication := func(agentID string, n int64, direction string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"agent_id": knownvalue.StringExact(agentID), "version": knownvalue.Int64Exact(n),
			"direction": knownvalue.StringExact(direction)}
	}
	query := emu.providerConfig() + fmt.Sprintf(`
list "anyreach_agent" "all" {
  provider = anyreach
}

list "anyreach_agent" "first_two" {
  provider = anyreach
  limit    = 2
}

list "anyreach_agent" "dental" {
  provider = anyreach
  config {
    metadata = { team = "dental", tier = "2" } # tier is the number 2
  }
}

list "anyreach_agent" "named" {
  provider         = anyreach
  include_resource = true
  config {
    name = "Call Center"
  }
}

list "anyreach_agent_version" "multi" {
  provider = anyreach
  config {
    agent_id = %[1]q
  }
}

list "anyreach_agent_version" "multi_published" {
  provider         = anyreach
  include_resource = true
  config {
    agent_id  = %[1]q
    published = true
  }
}

list "anyreach_publish" "front_desk" {
  provider         = anyreach
  include_resource = true
  config {
    agent_id = %[2]q
  }
}

list "anyreach_publish" "multi" {
  provider = anyreach
  config {
    agent_id = %[1]q
  }
}

list "anyreach_sip_deployment" "all" {
  provider         = anyreach
  include_resource = true
}
`, multi, frontDesk)

	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: `output "ready" { value = true }`},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("anyreach_agent.all", len(exportSeed)),
					querycheck.ExpectLength("anyreach_agent.first_two", 2),
					querycheck.ExpectLength("anyreach_agent.dental", 1),
					querycheck.ExpectIdentity("anyreach_agent.dental", map[string]knownvalue.Check{"id": knownvalue.StringExact(frontDesk)}),
					querycheck.ExpectResourceDisplayName("anyreach_agent.dental",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(frontDesk)}),
						knownvalue.StringExact("Front Desk")),
					querycheck.ExpectLength("anyreach_agent.named", 1),
					querycheck.ExpectResourceKnownValues("anyreach_agent.named",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(callCenter)}),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("Call Center")},
							{Path: tfjsonpath.New("is_demo"), KnownValue: knownvalue.Bool(true)},
							{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringRegexp(regexp.MustCompile(`^Main line <24/7>`))},
						}),

					// Every version, oldest first, named by what it is to the agent.
					querycheck.ExpectLength("anyreach_agent_version.multi", 4),
					querycheck.ExpectResourceDisplayName("anyreach_agent_version.multi", queryfilter.ByResourceIdentity(version(multi, 1)),
						knownvalue.StringExact("Multi Version version 1 (published)")),
					querycheck.ExpectResourceDisplayName("anyreach_agent_version.multi", queryfilter.ByResourceIdentity(version(multi, 2)),
						knownvalue.StringExact("Multi Version version 2 (published, holds phone numbers)")),
					querycheck.ExpectResourceDisplayName("anyreach_agent_version.multi", queryfilter.ByResourceIdentity(version(multi, 3)),
						knownvalue.StringExact("Multi Version version 3 (published, live)")),
					querycheck.ExpectResourceDisplayName("anyreach_agent_version.multi", queryfilter.ByResourceIdentity(version(multi, 4)),
						knownvalue.StringExact("Multi Version version 4 (draft)")),
					querycheck.ExpectLength("anyreach_agent_version.multi_published", 3),
					querycheck.ExpectNoIdentity("anyreach_agent_version.multi_published", version(multi, 4)),
					// The config as the import reads it: without the values
					// equal to the schema's defaults (provider "elevenlabs",
					// speed 1.0), with the stock voice the service filled in.
					querycheck.ExpectResourceKnownValues("anyreach_agent_version.multi_published", queryfilter.ByResourceIdentity(version(multi, 2)),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("config"), KnownValue: knownvalue.StringExact(
								`{"instructions":"v2","llm":{"model":"gpt-4o","temperature":0.5},"starting_message":"Hello from Multi Version","type":"static_prompt","voice":{"voice_id":"21m00Tcm4TlvDq8ikWAM"}}`)},
							{Path: tfjsonpath.New("generate_instructions"), KnownValue: knownvalue.Bool(false)},
						}),

					// One publication per version and direction holding numbers,
					// and the live version published on the web only.
					querycheck.ExpectLength("anyreach_publish.front_desk", 2),
					querycheck.ExpectResourceKnownValues("anyreach_publish.front_desk",
						queryfilter.ByResourceIdentity(publication(frontDesk, 1, client.DirectionOutbound)),
						[]querycheck.KnownValueCheck{{Path: tfjsonpath.New("phone_numbers"),
							KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("+15550100002")})}}),
					querycheck.ExpectResourceDisplayName("anyreach_publish.front_desk",
						queryfilter.ByResourceIdentity(publication(frontDesk, 1, client.DirectionInbound)),
						knownvalue.StringExact("Front Desk version 1, inbound on +15550100001")),
					querycheck.ExpectLength("anyreach_publish.multi", 2),
					querycheck.ExpectIdentity("anyreach_publish.multi", publication(multi, 2, client.DirectionInbound)),
					querycheck.ExpectResourceDisplayName("anyreach_publish.multi", queryfilter.ByResourceIdentity(publication(multi, 3, client.DirectionInbound)),
						knownvalue.StringExact("Multi Version version 3, published on the web only")),

					querycheck.ExpectLength("anyreach_sip_deployment.all", 1),
					querycheck.ExpectResourceKnownValues("anyreach_sip_deployment.all",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"agent_id": knownvalue.StringExact(callCenter)}),
						[]querycheck.KnownValueCheck{{Path: tfjsonpath.New("sip_uri"),
							KnownValue: knownvalue.StringExact("sip:" + callCenter + "@sip.anyreach.ai")}}),
				},
			},
		},
	})
}
