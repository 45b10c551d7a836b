package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// This file holds the fault tests fast enough for every run: a lost response
// for every kind of write, an apply that fails halfway, and waits that run out
// of time. The randomised soak test is in soak_test.go (make test-soak).

// newLossyEmulator starts an emulator that loses the response of the first
// successful request to each route (a "METHOD /pattern" key as in
// RequestCounts): it applies the request, then drops the connection.
func newLossyEmulator(t *testing.T, opts emulator.Options, routes ...string) *testEmulator {
	t.Helper()
	e := newTestEmulator(t, opts)
	for _, r := range routes {
		e.LoseResponses(r, 1)
	}
	return e
}

// fleetState checks the emulator holds exactly one agent per name, each with
// the given number of versions, the newest published.
func fleetState(e *testEmulator, names []string, versions int) error {
	agents := e.Snapshot().Agents
	byName := map[string]int{}
	for _, a := range agents {
		byName[a.Name]++
		if len(a.Versions) != versions {
			return fmt.Errorf("agent %q has %d versions, want %d", a.Name, len(a.Versions), versions)
		}
		if newest := a.Versions[len(a.Versions)-1]; !newest.Published {
			return fmt.Errorf("agent %q: version %d is not published", a.Name, newest.Version)
		}
	}
	for _, n := range names {
		if byName[n] != 1 {
			return fmt.Errorf("the emulator holds %d agents named %q, want exactly 1", byName[n], n)
		}
	}
	if len(agents) != len(names) {
		return fmt.Errorf("the emulator holds %d agents, want %d", len(agents), len(names))
	}
	return nil
}

// TestAccLostResponses loses the response of every kind of write once, after
// the emulator applied it: the provider must neither duplicate anything (the
// creates recover what the lost attempt made), nor fail (a repeated delete
// meets a 404), nor leave drift behind.
func TestAccLostResponses(t *testing.T) {
	t.Parallel()
	emu := newLossyEmulator(t, emulator.Options{},
		"POST /core/agents",
		"POST /core/agents/{agent_id}/versions",
		"POST /core/agents/{agent_id}/versions/{version}/generate-instructions",
		"POST /core/agents/{agent_id}/versions/{version}/publish",
		"POST /core/agents/{agent_id}/deploy-as-sip",
		"PUT /core/agents/{agent_id}",
		"DELETE /core/agents/{agent_id}/deploy-as-sip",
		"DELETE /core/agents/{agent_id}",
	)
	cfg := func(description, number string) string {
		return emu.providerConfig() + fmt.Sprintf(`
resource "anyreach_agent" "test" {
  name        = "Lossy"
  description = %q
  metadata    = { team = "dental" }
}

resource "anyreach_agent_version" "test" {
  agent_id                   = anyreach_agent.test.id
  config                     = jsonencode({ type = "static_prompt", instructions = "(generated)", llm = { model = "gpt-4o" } })
  instruction_builder_inputs = jsonencode({ industry = "dental", purpose = "Book cleanings" })
  generate_instructions      = true
}

resource "anyreach_publish" "test" {
  agent_id      = anyreach_agent.test.id
  version       = anyreach_agent_version.test.version
  phone_numbers = [%q]
}

resource "anyreach_sip_deployment" "test" {
  agent_id   = anyreach_agent.test.id
  depends_on = [anyreach_publish.test]
}
`, description, number)
	}
	holds := func(number string) func(*terraform.State) error {
		return func(*terraform.State) error {
			if err := fleetState(emu, []string{"Lossy"}, 1); err != nil {
				return err
			}
			snap := emu.Snapshot()
			a := snap.Agents[0]
			if a.SIPEndpoint == nil {
				return fmt.Errorf("the agent has no SIP endpoint")
			}
			for _, n := range snap.PhoneNumbers {
				held := n.InboundAgentVersionID != nil && *n.InboundAgentVersionID == a.Versions[0].VersionID
				if held != (n.PhoneNumber == number) {
					return fmt.Errorf("number %s holds the version: %v", n.PhoneNumber, held)
				}
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(emu.Snapshot().Agents); n != 0 {
				return fmt.Errorf("destroy left %d agents", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("first", "+15550100001"),
				Check:  holds("+15550100001"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: cfg("second", "+15550100002"),
				Check:  holds("+15550100002"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	if unused := emu.PendingLosses(); len(unused) > 0 {
		t.Errorf("these writes never lost a response, so the test did not exercise them: %v", unused)
	}
}

// TestUndeploySIP covers the one ambiguity a lost response creates in SIP
// undeploy: the retry's 404 looks like a service that cannot undeploy, and
// only reading the agent back tells them apart.
func TestUndeploySIP(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		opts     emulator.Options
		rules    []string
		notFound bool // answer DELETE .../deploy-as-sip 404 without reaching the emulator
		wantLeft string
	}{
		{name: "applied, response lost, retry meets 404: done", rules: []string{"DELETE /core/agents/{agent_id}/deploy-as-sip"}},
		{name: "service answers 405: endpoint left in place", opts: emulator.Options{DisableSIPUndeploy: true}, wantLeft: "405"},
		{name: "service answers 404 and the endpoint is still there: left in place", notFound: true, wantLeft: "404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newLossyEmulator(t, tc.opts, tc.rules...)
			base := emu.URL
			if tc.notFound {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodDelete && strings.HasSuffix(r.URL.Path, "/deploy-as-sip") {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusNotFound)
						_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
						return
					}
					emu.ServeHTTP(w, r)
				}))
				t.Cleanup(srv.Close)
				base = srv.URL
			}
			c, err := client.New(client.Config{BaseURL: base, Token: testToken, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			agentID := deployedAgent(ctx, t, c)

			left, err := undeploySIP(ctx, newAPIClient(c, newAgentReads(c.GetAgent)), agentID)
			if err != nil {
				t.Fatalf("undeploySIP: %v", err)
			}
			stillThere := emu.Snapshot().Agents[0].SIPEndpoint != nil
			switch {
			case tc.wantLeft == "" && left != nil:
				t.Fatalf("undeploySIP reported the endpoint left in place (%v), but it is gone: %v", left, !stillThere)
			case tc.wantLeft != "" && (left == nil || !strings.Contains(left.Error(), tc.wantLeft)):
				t.Fatalf("left = %v, want the service's %s refusal", left, tc.wantLeft)
			case (tc.wantLeft != "") != stillThere:
				t.Fatalf("endpoint still there: %v, reported left: %v", stillThere, left)
			}
			if unused := emu.PendingLosses(); len(unused) > 0 {
				t.Errorf("no response was lost for %v", unused)
			}
		})
	}
}

// deployedAgent creates an agent with a published version and a SIP endpoint.
func deployedAgent(ctx context.Context, t *testing.T, c *client.Client) string {
	t.Helper()
	a, err := c.CreateAgent(ctx, client.AgentCreate{Name: "SIP"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateVersion(ctx, a.ID, client.VersionCreate{Config: []byte(`{"type":"static_prompt","instructions":"x","llm":{"model":"gpt-4o"}}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishVersion(ctx, a.ID, 1, client.PublishRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeployAsSIP(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// TestAccPartialFailure fails publishing for good halfway through an apply:
// the agent and the version exist and stay in state, nothing is published,
// and once the service recovers the next apply publishes without creating
// anything again.
func TestAccPartialFailure(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const publishRoute = "POST /core/agents/{agent_id}/versions/{version}/publish"
	cfg := emu.providerConfig() + publishWith(`"+15550100001"`, "inbound")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { emu.FailRoute(publishRoute, http.StatusInternalServerError, 0) },
				Config:    cfg,
				ExpectError: diagAt("Cannot publish Anyreach agent version", "anyreach_publish.test", "",
					words("Publishing version 1 of agent")+`.*`+words("failed: POST")+`.*`+words("/publish: 500 Internal Server Error: Injected fault")),
			},
			{
				PreConfig: func() {
					if err := all(onlyAgent(1), noSlots)(emu); err != nil {
						t.Error(err)
					}
					// max_retries = 2: the first attempt and two retries.
					if n := emu.RequestCounts()[publishRoute]; n != 3 {
						t.Errorf("publish was attempted %d times, want 3", n)
					}
					emu.ClearFaults()
					emu.ResetRequests()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("anyreach_agent.test", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("anyreach_agent_version.test", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("anyreach_publish.test", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if err := fleetState(emu, []string{"Bad input"}, 1); err != nil {
						return err
					}
					counts := emu.RequestCounts()
					if n := counts["POST /core/agents"] + counts["POST /core/agents/{agent_id}/versions"]; n != 0 {
						return fmt.Errorf("the second apply created %d objects again", n)
					}
					return expectSlots(emu, map[string][2]string{"+15550100001": {"v1", ""}})(nil)
				},
			},
		},
	})
}

// TestAccTimeouts holds instruction generation past the timeouts block: the
// wait gives up at the operation's deadline and the error says what it was
// waiting for. (A wait that ignored the deadline would hang until the test
// binary's -timeout.)
func TestAccTimeouts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		setup string // applied first
		pre   func(t *testing.T, e *testEmulator)
		cfg   string
		want  *regexp.Regexp
	}{
		{
			name: "version create waits for generation",
			cfg: badAgent + `
resource "anyreach_agent_version" "test" {
  agent_id                   = anyreach_agent.test.id
  config                     = jsonencode({ type = "static_prompt", instructions = "(generated)", llm = { model = "gpt-4o" } })
  instruction_builder_inputs = jsonencode({ industry = "dental", purpose = "Book cleanings" })
  generate_instructions      = true
  timeouts {
    create = "10s"
  }
}
`,
			want: diagAt("Instruction generation did not finish", "anyreach_agent_version.test", "",
				words("Gave up waiting for instruction generation of version 1 of agent")+`\s+\S+\s+`+
					words("after 10s, the create timeout; generation is still running in Anyreach (waiting for instruction generation of agent")+`.*`+
					words("context deadline exceeded).")+`.*`+words(`timeouts { create = "15m" }`)),
		},
		{
			name:  "publish waits for generation started elsewhere",
			setup: builderVersion("Book cleanings", generatedText("Book cleanings")),
			pre:   startGeneration,
			cfg: builderVersion("Book cleanings", generatedText("Book cleanings")) + `
resource "anyreach_publish" "test" {
  agent_id = anyreach_agent.test.id
  version  = anyreach_agent_version.test.version
  timeouts {
    create = "10s"
  }
}
`,
			want: diagAt("Cannot publish while instructions are generating", "anyreach_publish.test", "",
				words("Gave up waiting for instruction generation of version 1 of agent")+`\s+\S+\s+`+
					words("to finish before publishing it after 10s, the create timeout")+`.*`+words(`timeouts { create = "15m" }`)),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newTestEmulator(t, emulator.Options{})
			var steps []resource.TestStep
			if tc.setup != "" {
				steps = append(steps, resource.TestStep{Config: emu.providerConfig() + tc.setup})
			}
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					emu.HoldGeneration()
					if tc.pre != nil {
						tc.pre(t, emu)
					}
				},
				Config:      emu.providerConfig() + tc.cfg,
				ExpectError: tc.want,
			})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
		})
	}
}
