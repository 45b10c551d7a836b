package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
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

// testAccPublishConfig publishes version "v<which>" of two versions onto numbers.
func testAccPublishConfig(e *testEmulator, which string, numbers []string, direction string) string {
	quoted := make([]string, len(numbers))
	for i, n := range numbers {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return e.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent" "test" {
  name = "Riverside Dental Scheduler"
}

resource "anyreach_agent_version" "v1" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode({ type = "static_prompt", instructions = "Version one.", llm = { model = "gpt-4o" } })
}

resource "anyreach_agent_version" "v2" {
  agent_id   = anyreach_agent.test.id
  depends_on = [anyreach_agent_version.v1] # v1 is version 1, v2 version 2
  config   = jsonencode({ type = "static_prompt", instructions = "Version two.", llm = { model = "gpt-4o" } })
}

resource "anyreach_publish" "test" {
  agent_id      = anyreach_agent.test.id
  version       = anyreach_agent_version.%s.version
  phone_numbers = [%s]
  direction     = %q
}
`, which, strings.Join(quoted, ", "), direction)
}

// slotsOf returns number -> [inbound, outbound] version IDs ("" when empty).
func slotsOf(e *testEmulator) map[string][2]string {
	out := map[string][2]string{}
	for _, n := range e.Snapshot().PhoneNumbers {
		var s [2]string
		if n.InboundAgentVersionID != nil {
			s[0] = *n.InboundAgentVersionID
		}
		if n.OutboundAgentVersionID != nil {
			s[1] = *n.OutboundAgentVersionID
		}
		out[n.PhoneNumber] = s
	}
	return out
}

func versionIDOf(e *testEmulator, number int) string {
	for _, a := range e.Snapshot().Agents {
		for _, v := range a.Versions {
			if v.Version == number {
				return v.VersionID
			}
		}
	}
	return ""
}

func expectSlots(e *testEmulator, want map[string][2]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := slotsOf(e)
		for number, w := range want {
			var resolved [2]string
			for i, v := range w {
				if v != "" {
					n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
					if err != nil {
						return fmt.Errorf("bad version name %q in the test", v)
					}
					resolved[i] = versionIDOf(e, n)
				}
			}
			if got[number] != resolved {
				return fmt.Errorf("slots of %s = %v, want %v (%v)", number, got[number], resolved, w)
			}
		}
		return nil
	}
}

func TestAccPublishResource_promotion(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_publish.test"
	a, b, c := "+15550100001", "+15550100002", "+15550100003"
	var agentID string

	resource.UnitTest(t, resource.TestCase{
		// Import blocks and generated configuration need Terraform 1.5.
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Version 1 answers two numbers inbound; their outbound slots stay empty.
			{
				Config: testAccPublishConfig(emu, "v1", []string{a, b}, "inbound"),
				Check:  expectSlots(emu, map[string][2]string{a: {"v1", ""}, b: {"v1", ""}, c: {"", ""}}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("phone_numbers"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(a), knownvalue.StringExact(b)})),
					captureAttr("anyreach_agent.test", "id", &agentID),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// Promotion to version 2 is in place and never unassigns a wanted number.
			{
				PreConfig: func() { emu.ResetRequests() },
				Config:    testAccPublishConfig(emu, "v2", []string{a, c}, "inbound"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					expectSlots(emu, map[string][2]string{a: {"v2", ""}, b: {"", ""}, c: {"v2", ""}}),
					func(*terraform.State) error {
						for _, r := range emu.RequestLog() {
							if !strings.HasSuffix(r.Route, "/publish") {
								continue
							}
							var body struct {
								Unassign []string `json:"unassign_phone_numbers"`
							}
							_ = json.Unmarshal([]byte(r.Body), &body)
							for _, n := range body.Unassign {
								if n == a || n == c {
									return fmt.Errorf("a still-wanted number %s was unassigned: %s", n, r.Body)
								}
							}
						}
						return nil
					},
				),
			},
			// Outbound and both write the right slots.
			{
				Config: testAccPublishConfig(emu, "v2", []string{a}, "both"),
				Check:  expectSlots(emu, map[string][2]string{a: {"v2", "v2"}, c: {"", ""}}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: testAccPublishConfig(emu, "v2", []string{a}, "outbound"),
				Check:  expectSlots(emu, map[string][2]string{a: {"", "v2"}}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// Import reconstructs the numbers and the direction from the slots.
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID + "/2", nil },
			},
			// The same through an import block: the generated configuration plans clean.
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID + "/2", nil },
			},
			// A number reassigned in the dashboard is drift.
			{
				PreConfig: func() {
					if err := emu.SetPhoneNumberSlots(a, nil, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccPublishConfig(emu, "v2", []string{a}, "outbound"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectSlots(emu, map[string][2]string{a: {"", "v2"}}),
			},
			// Deleting the publication leaves alone a number that moved to another version.
			{
				PreConfig: func() {
					v1 := versionIDOf(emu, 1)
					if err := emu.PublishVersion(agentID, 1); err != nil {
						t.Fatal(err)
					}
					if err := emu.SetPhoneNumberSlots(b, nil, &v1); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccPublishConfig(emu, "v2", []string{a, b}, "outbound"),
				Check:  expectSlots(emu, map[string][2]string{a: {"", "v2"}, b: {"", "v2"}}),
			},
			{
				PreConfig: func() {
					v1 := versionIDOf(emu, 1)
					if err := emu.SetPhoneNumberSlots(b, nil, &v1); err != nil {
						t.Fatal(err)
					}
				},
				Config: strings.Replace(testAccPublishConfig(emu, "v2", nil, "outbound"), `resource "anyreach_publish" "test"`, `resource "anyreach_publish" "unused"`, 1),
				Check:  expectSlots(emu, map[string][2]string{a: {"", ""}, b: {"", "v1"}}),
			},
		},
	})
}

// TestAccPublishResource_workflows covers rows 1, 3 and 7 of the workflow
// matrix for anyreach_publish: a number-only
// change keeps id and version_id known in the plan; the numbers written in
// another order plan nothing; import through the CLI, an import block and
// generated configuration plans clean; importing an unpublished version says
// so. (Row 2 and row 10 need the real CLI: publish_cli_test.go.)
func TestAccPublishResource_workflows(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const addr = "anyreach_publish.test"
	a, b, c := "+15550100001", "+15550100002", "+15550100003"
	var agentID, versionID string
	resource.UnitTest(t, resource.TestCase{
		// Import blocks and generated configuration need Terraform 1.5.
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccPublishConfig(emu, "v1", []string{a, b}, "inbound"),
				ConfigStateChecks: []statecheck.StateCheck{
					captureAttr("anyreach_agent.test", "id", &agentID),
					captureAttr(addr, "version_id", &versionID),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// Row 3: the same set written in another order.
			{
				Config:   testAccPublishConfig(emu, "v1", []string{b, a}, "inbound"),
				PlanOnly: true,
			},
			// Item 10: only the numbers change, so the version and its ID are known.
			{
				Config: testAccPublishConfig(emu, "v1", []string{a, c}, "inbound"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						expectPlannedString(addr, "version_id", func() string { return versionID }),
						expectPlannedString(addr, "id", func() string { return agentID + "/1" }),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectSlots(emu, map[string][2]string{a: {"v1", ""}, b: {"", ""}, c: {"v1", ""}}),
			},
			// Row 7: CLI import under the user's own configuration, an import block, generated configuration.
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID + "/1", nil },
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID + "/1", nil },
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				GenerateConfig:    true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID + "/1", nil },
			},
			// Item 11: version 2 is a draft, so there is no publication to import.
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return agentID + "/2", nil },
				ExpectError:       regexp.MustCompile(`(?s)Version is not published.*Version 2 of agent [0-9a-f-]+ is not\s+published`),
			},
		},
	})
}

// expectPlannedString checks that the plan holds a known value for a string
// attribute, equal to want().
func expectPlannedString(address, attribute string, want func() string) plancheck.PlanCheck {
	return plannedStringCheck{address: address, attribute: attribute, want: want}
}

type plannedStringCheck struct {
	address, attribute string
	want               func() string
}

func (c plannedStringCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address {
			continue
		}
		if unknown, ok := rc.Change.AfterUnknown.(map[string]any); ok && unknown[c.attribute] == true {
			resp.Error = fmt.Errorf("%s.%s is (known after apply) in the plan; want %q", c.address, c.attribute, c.want())
			return
		}
		after, _ := rc.Change.After.(map[string]any)
		if got := fmt.Sprint(after[c.attribute]); got != c.want() {
			resp.Error = fmt.Errorf("%s.%s is planned as %q, want %q", c.address, c.attribute, got, c.want())
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.address)
}

// TestAccPublishResource_waitsForGeneration: a publish that meets a version
// whose instructions are being generated (started in the dashboard) waits for
// generation and publishes, on the variant wire, where every error message is
// reworded: the wait is decided from the status code and the version's
// documented fields, never from the message.
func TestAccPublishResource_waitsForGeneration(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{VariantWire: true})
	var agentID string
	base := emu.providerConfig() + `
resource "anyreach_agent" "test" {
  name = "Generating"
}

resource "anyreach_agent_version" "test" {
  agent_id                   = anyreach_agent.test.id
  config                     = jsonencode({ type = "static_prompt", instructions = "Placeholder.", llm = { model = "gpt-4o" } })
  instruction_builder_inputs = jsonencode({ industry = "dental" })
  generate_instructions      = true
}
`
	withPublish := base + `
resource "anyreach_publish" "test" {
  agent_id      = anyreach_agent.test.id
  version       = anyreach_agent_version.test.version
  phone_numbers = ["+15550100001"]
}
`
	const publishRoute = "/core/agents/{agent_id}/versions/{version}/publish"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            base,
				ConfigStateChecks: []statecheck.StateCheck{captureAttr("anyreach_agent.test", "id", &agentID)},
			},
			{
				PreConfig: func() {
					// Generation started again in the dashboard, running
					// until the publish has met it.
					holdGenerationUntilPublishMeetsIt(emu)
					startVersionGeneration(t, emu, agentID, 1)
				},
				Config: withPublish,
				Check: func(*terraform.State) error {
					var refused, published bool
					for _, r := range emu.RequestLog() {
						if r.Method == http.MethodPost && r.Route == publishRoute {
							refused = refused || r.Status == http.StatusConflict
							published = published || (refused && r.Status < 300)
						}
					}
					if !refused || !published {
						return fmt.Errorf("want a publish refused with 409 while generating, then one that succeeded (refused %v, published %v)", refused, published)
					}
					return nil
				},
			},
		},
	})
}
