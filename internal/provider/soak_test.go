//go:build soak

package provider

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// The soak test (make test-soak) applies a fleet through an emulator that
// fails, throttles and loses responses at random, and holds the provider to
// the same result as a healthy service: an empty plan afterwards, exactly the
// objects the configuration names (no duplicate from a create retried after
// its response was lost), and nothing left after destroy.

const (
	soakAgents      = 30
	soakSeed        = 20261122
	soakFaultRate   = 0.2  // 500 or 503 before the request is handled
	soakLostRate    = 0.1  // writes applied, then the connection dropped
	soakRateLimit   = 25.0 // requests per second; Terraform's 10 workers exceed it
	soakLatency     = 3 * time.Millisecond
	soakMaxRetries  = 10
	soakSIPInterval = 5 // every fifth agent is also deployed as SIP
)

// soakStats tallies what the emulator did to the requests.
type soakStats struct {
	requests, tooMany, status500, status503, dropped   int
	droppedCreates, agentRecoveries, versionRecoveries int
	droppedByRoute                                     map[string]int
}

func (s *soakStats) add(log []emulator.LoggedRequest) {
	if s.droppedByRoute == nil {
		s.droppedByRoute = map[string]int{}
	}
	for _, r := range log {
		s.requests++
		switch r.Status {
		case http.StatusTooManyRequests:
			s.tooMany++
		case http.StatusInternalServerError:
			s.status500++
		case http.StatusServiceUnavailable:
			s.status503++
		}
		key := r.Method + " " + r.Route
		if r.Dropped {
			s.dropped++
			s.droppedByRoute[key]++
			if key == "POST /core/agents" || key == "POST /core/agents/{agent_id}/versions" {
				s.droppedCreates++
			}
		}
		// The create recovery's look-ups: agents by name and marker, versions by creation time.
		if key == "GET /core/agents" && strings.Contains(r.Query, "_tf_request_token") {
			s.agentRecoveries++
		}
		if key == "GET /core/agents/{agent_id}/versions" && strings.Contains(r.Query, "created_after") {
			s.versionRecoveries++
		}
	}
}

func (s *soakStats) String() string {
	routes := make([]string, 0, len(s.droppedByRoute))
	for r, n := range s.droppedByRoute {
		routes = append(routes, fmt.Sprintf("%s: %d", r, n))
	}
	sort.Strings(routes)
	return fmt.Sprintf("%d requests: %d answered 429, %d answered 500, %d answered 503, %d responses lost after the write was applied "+
		"(%d of them creates; recovery look-ups: %d for agents, %d for versions)\n  lost by route: %s",
		s.requests, s.tooMany, s.status500, s.status503, s.dropped, s.droppedCreates, s.agentRecoveries, s.versionRecoveries,
		strings.Join(routes, "; "))
}

// soakConfig is the fleet: names[i] is published on numbers[i]. Every
// resource uses count (the legacy state shim behind Check supports no
// for_each). generation changes every agent's description and config.
func soakConfig(e *testEmulator, generation string, names, numbers []string) string {
	quote := func(list []string) string {
		q := make([]string, len(list))
		for i, s := range list {
			q[i] = fmt.Sprintf("%q", s)
		}
		return strings.Join(q, ", ")
	}
	return fmt.Sprintf(`
provider "anyreach" {
  base_url        = %q
  token           = %q
  max_retries     = %d
  request_timeout = "10s"
}

locals {
  generation = %q
  names      = [%s]
  numbers    = [%s]
}

resource "anyreach_agent" "fleet" {
  count       = length(local.names)
  name        = local.names[count.index]
  description = "Soak fleet, generation ${local.generation}"
  metadata    = { fleet = "soak" }
}

resource "anyreach_agent_version" "fleet" {
  count    = length(local.names)
  agent_id = anyreach_agent.fleet[count.index].id
  config = jsonencode({
    type         = "static_prompt"
    instructions = "You are ${local.names[count.index]}, generation ${local.generation}."
    llm          = { model = "gpt-4o" }
    voice        = { provider = "elevenlabs", voice_id = "rachel" }
  })
}

resource "anyreach_publish" "fleet" {
  count         = length(local.names)
  agent_id      = anyreach_agent.fleet[count.index].id
  version       = anyreach_agent_version.fleet[count.index].version
  phone_numbers = [local.numbers[count.index]]
}

# Every %dth agent is also deployed as SIP.
resource "anyreach_sip_deployment" "fleet" {
  count      = ceil(length(local.names) / %d)
  agent_id   = anyreach_agent.fleet[count.index * %d].id
  depends_on = [anyreach_publish.fleet]
}
`, e.URL, testToken, soakMaxRetries, generation, quote(names), quote(numbers), soakSIPInterval, soakSIPInterval, soakSIPInterval)
}

func TestAccSoak_fleetUnderFaults(t *testing.T) {
	names := make([]string, soakAgents)
	directory := make([]string, soakAgents)
	numbers := map[string]string{} // name -> number
	for i := range names {
		names[i] = fmt.Sprintf("soak-agent-%02d", i)
		directory[i] = fmt.Sprintf("+1555020%04d", i)
		numbers[names[i]] = directory[i]
	}
	emu := newTestEmulator(t, emulator.Options{
		PhoneNumbers:     directory,
		FaultRate:        soakFaultRate,
		LostResponseRate: soakLostRate,
		RateLimit:        soakRateLimit,
		Latency:          soakLatency,
		Seed:             soakSeed,
	})
	stats := &soakStats{}
	collect := func() {
		stats.add(emu.RequestLog())
		emu.ResetRequests()
	}

	// check holds the emulator to the configuration: one agent per name, each
	// with `versions` versions, the newest published on the agent's number,
	// the SIP endpoints that are configured, and no create marker in state.
	check := func(versions int) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			collect()
			if err := fleetState(emu, names, versions); err != nil {
				return err
			}
			snap := emu.Snapshot()
			holder := map[string]string{}
			for _, n := range snap.PhoneNumbers {
				if n.InboundAgentVersionID != nil {
					holder[*n.InboundAgentVersionID] = n.PhoneNumber
				}
			}
			sip := 0
			for _, a := range snap.Agents {
				newest := a.Versions[len(a.Versions)-1]
				if got := holder[newest.VersionID]; got != numbers[a.Name] {
					return fmt.Errorf("agent %q: its newest version is on %q, want %q", a.Name, got, numbers[a.Name])
				}
				if a.SIPEndpoint != nil {
					sip++
				}
			}
			if want := (soakAgents + soakSIPInterval - 1) / soakSIPInterval; sip != want {
				return fmt.Errorf("%d agents are deployed as SIP, want %d", sip, want)
			}
			for addr, r := range s.RootModule().Resources {
				if r.Type != "anyreach_agent" {
					continue
				}
				for k := range r.Primary.Attributes {
					if strings.Contains(k, client.RequestTokenMetadataKey) {
						return fmt.Errorf("%s: the create marker %s is in state", addr, k)
					}
				}
				if r.Primary.Attributes["metadata.%"] != "1" || r.Primary.Attributes["metadata.fleet"] != "soak" {
					return fmt.Errorf("%s: metadata in state is not exactly the configured one", addr)
				}
			}
			return nil
		}
	}

	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			collect()
			if n := len(emu.Snapshot().Agents); n != 0 {
				return fmt.Errorf("destroy left %d agents", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: soakConfig(emu, "1", names, directory),
				Check:  check(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			// A new generation: every agent is updated in place and gets a
			// new version (the published one is immutable), promoted on its number.
			{
				Config: soakConfig(emu, "2", names, directory),
				Check:  check(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	t.Logf("soak of %d agents finished in %s\n  %s", soakAgents, time.Since(start).Round(time.Second), stats)

	// The faults must have happened, or the test proved nothing.
	for what, n := range map[string]int{
		"429 answers":                      stats.tooMany,
		"500 answers":                      stats.status500,
		"503 answers":                      stats.status503,
		"lost responses":                   stats.dropped,
		"lost responses to creates":        stats.droppedCreates,
		"recovery look-ups after a create": stats.agentRecoveries + stats.versionRecoveries,
	} {
		if n == 0 {
			t.Errorf("the soak saw no %s", what)
		}
	}
}
