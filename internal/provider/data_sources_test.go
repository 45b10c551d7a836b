package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

func TestAccAgentConfigSchemaDataSource(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "data.anyreach_agent_config_schema.current"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: emu.providerConfig() + `
data "anyreach_agent_config_schema" "current" {}

output "schema_type" {
  value = jsondecode(data.anyreach_agent_config_schema.current.schema)["$defs"]["StaticPromptConfig"]["properties"]["type"]["const"]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				statecheck.ExpectKnownOutputValue("schema_type", knownvalue.StringExact("static_prompt")),
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckTypeSetElemAttr(addr, "properties.*", "llm"),
				resource.TestCheckTypeSetElemAttr(addr, "properties.*", "channel_overrides"),
				resource.TestCheckTypeSetElemAttr(addr, "properties.*", "tools"),
				func(s *terraform.State) error {
					attrs := s.RootModule().Resources[addr].Primary.Attributes
					sum := sha256.Sum256([]byte(attrs["schema"]))
					if hex.EncodeToString(sum[:]) != attrs["sha256"] {
						return fmt.Errorf("sha256 does not match the schema")
					}
					return nil
				},
			),
		}},
	})
}

func TestAccAgentDataSources(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	cfg := testAccPublishConfig(emu, "v1", []string{"+15550100001"}, "both") + `
resource "anyreach_agent" "other" {
  name     = "Riverside Dental Billing"
  active   = false
  metadata = { team = "billing" }
}

data "anyreach_agent" "by_id" {
  id         = anyreach_agent.test.id
  depends_on = [anyreach_publish.test, anyreach_agent_version.v2]
}

data "anyreach_agent" "by_name" {
  name       = anyreach_agent.test.name
  depends_on = [anyreach_publish.test, anyreach_agent_version.v2]
}

data "anyreach_agents" "inactive" {
  active     = false
  depends_on = [anyreach_agent.other, anyreach_agent.test]
}

data "anyreach_agents" "all" {
  depends_on = [anyreach_agent.other, anyreach_agent.test]
}

data "anyreach_agent_version" "one" {
  agent_id   = anyreach_agent.test.id
  version    = 1
  depends_on = [anyreach_publish.test, anyreach_agent_version.v2]
}

data "anyreach_agent_version" "live" {
  agent_id         = anyreach_agent.test.id
  latest_published = true
  depends_on       = [anyreach_publish.test, anyreach_agent_version.v2]
}

data "anyreach_phone_numbers" "assigned" {
  phone_number = "0100001"
  depends_on   = [anyreach_publish.test, anyreach_agent_version.v2]
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("data.anyreach_agent.by_name", tfjsonpath.New("id"),
					"anyreach_agent.test", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.anyreach_agent.by_id", tfjsonpath.New("versions"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.anyreach_agent.by_id", tfjsonpath.New("versions").AtSliceIndex(0).AtMapKey("published"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.anyreach_agent.by_id", tfjsonpath.New("phone_numbers"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"phone_number": knownvalue.StringExact("+15550100001")}),
				})),
				statecheck.CompareValuePairs("data.anyreach_agent.by_id", tfjsonpath.New("phone_numbers").AtSliceIndex(0).AtMapKey("outbound_agent_version_id"),
					"anyreach_agent_version.v1", tfjsonpath.New("version_id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue("data.anyreach_agent.by_id", tfjsonpath.New("sip_uri"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.anyreach_agents.inactive", tfjsonpath.New("agents"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":     knownvalue.StringExact("Riverside Dental Billing"),
						"metadata": knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("billing")}),
					}),
				})),
				statecheck.ExpectKnownValue("data.anyreach_agents.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.anyreach_agent_version.one", tfjsonpath.New("config"), knownvalue.StringRegexp(regexp.MustCompile(`"temperature":0.7`))),
				statecheck.ExpectKnownValue("data.anyreach_agent_version.live", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("data.anyreach_agent_version.live", tfjsonpath.New("published"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.anyreach_phone_numbers.assigned", tfjsonpath.New("phone_numbers"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"phone_number": knownvalue.StringExact("+15550100001"),
						"trunk_id":     knownvalue.StringExact("trunk_default"),
					}),
				})),
				statecheck.CompareValuePairs("data.anyreach_phone_numbers.assigned", tfjsonpath.New("phone_numbers").AtSliceIndex(0).AtMapKey("inbound_agent_version_id"),
					"anyreach_agent_version.v1", tfjsonpath.New("version_id"), compare.ValuesSame()),
			},
			Check: func(*terraform.State) error {
				// Data sources never call versions/latest (it creates drafts).
				for route := range emu.RequestCounts() {
					if regexp.MustCompile(`/versions/latest`).MatchString(route) {
						return fmt.Errorf("a data source called %s", route)
					}
				}
				for _, a := range emu.Snapshot().Agents {
					if a.Name == "Riverside Dental Scheduler" && len(a.Versions) != 2 {
						return fmt.Errorf("reading created a version: %d versions", len(a.Versions))
					}
				}
				return nil
			},
		}},
	})
}

func TestAccAgentDataSource_errors(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      emu.providerConfig() + `data "anyreach_agent" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes must be\s+configured: \[id,name\]`),
			},
			{
				Config:      emu.providerConfig() + `data "anyreach_agent" "x" { name = "Nobody" }`,
				ExpectError: regexp.MustCompile(`No agent is named "Nobody"`),
			},
			{
				Config: emu.providerConfig() + `
resource "anyreach_agent" "draft_only" { name = "Drafts only" }
data "anyreach_agent_version" "live" {
  agent_id         = anyreach_agent.draft_only.id
  latest_published = true
}`,
				ExpectError: regexp.MustCompile(`(?s)No published version.*has no published version yet`),
			},
		},
	})
}
