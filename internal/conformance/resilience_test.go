package conformance_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Section 1 [A]: rate limiting and transient failures.
func TestRetries(t *testing.T) {
	t.Parallel()

	t.Run("[A] rate limiting: 429 with Retry-After (seconds) is waited out, creates included, without duplicates", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{RateLimit: 4})
		var created []string
		for i := range 6 {
			created = append(created, e.agent(fmt.Sprintf("Rate %d", i)).ID)
		}
		for _, id := range created[:3] {
			if _, err := e.c.GetAgent(t.Context(), id); err != nil {
				t.Fatalf("GetAgent under the rate limit: %v", err)
			}
		}
		// Each 429 says to retry after at least a second (RetryWaitMax is
		// 20 ms), so the client's next request for the same path must reach
		// the emulator a second or more after it, by the emulator's clock.
		log := e.emu.RequestLog()
		limited := 0
		for i, r := range log {
			if r.Status != http.StatusTooManyRequests {
				continue
			}
			limited++
			for _, next := range log[i+1:] {
				if next.Method == r.Method && next.Path == r.Path {
					if gap := next.At.Sub(r.At); gap < time.Second {
						t.Errorf("%s %s was sent again %s after a 429 that said to wait a second or more", r.Method, r.Path, gap)
					}
					break
				}
			}
		}
		if limited == 0 {
			t.Fatal("the emulator never answered 429; the test proves nothing")
		}
		if n := len(e.emu.Snapshot().Agents); n != 6 {
			t.Errorf("%d agents, want 6 (a 429 is refused before any work, so retrying a create is safe)", n)
		}
	})

	t.Run("[A] when retries run out, the last 429 is the error", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		e.emu.FailRoute("GET /core/agents", http.StatusTooManyRequests, 0)
		_, err := e.client(emulator.DefaultToken, "", withRetries(1)).ListAgents(t.Context(), client.AgentListOptions{})
		wantAPIError(t, err, http.StatusTooManyRequests, "Injected fault")
		if n := len(e.requests("GET /core/agents")); n != 2 {
			t.Errorf("%d attempts, want 2", n)
		}
	})

	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(fmt.Sprintf("[A] %d is transient: reads and idempotent writes are retried", status), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			a := e.agent("Transient")
			e.version(a.ID, config("x"))
			e.emu.FailRoute("GET /core/agents/{agent_id}", status, 1)
			e.emu.FailRoute("PUT /core/agents/{agent_id}/versions/{version}", status, 1)
			e.emu.FailRoute("POST /core/agents/{agent_id}/versions/{version}/publish", status, 1)
			if _, err := e.c.GetAgent(t.Context(), a.ID); err != nil {
				t.Errorf("GetAgent: %v", err)
			}
			if _, err := e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{Config: config("y")}); err != nil {
				t.Errorf("UpdateVersion: %v", err)
			}
			if _, err := e.c.PublishVersion(t.Context(), a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1}}); err != nil {
				t.Errorf("PublishVersion: %v", err)
			}
			for _, route := range []string{"GET /core/agents/{agent_id}", "PUT /core/agents/{agent_id}/versions/{version}", "POST /core/agents/{agent_id}/versions/{version}/publish"} {
				if n := len(e.requests(route)); n != 2 {
					t.Errorf("%s: %d attempts, want 2", route, n)
				}
			}
		})

		t.Run(fmt.Sprintf("[A] %d on a create is survived without a duplicate", status), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			e.emu.FailRoute("POST /core/agents", status, 1)
			a := e.agent("Created once")
			e.emu.FailRoute("POST /core/agents/{agent_id}/versions", status, 1)
			v := e.version(a.ID, config("x"))
			s := e.emu.Snapshot()
			if len(s.Agents) != 1 || s.Agents[0].AgentID != a.ID || len(s.Agents[0].Versions) != 1 || s.Agents[0].Versions[0].VersionID != v.VersionID {
				t.Errorf("state after the retried creates: %d agents", len(s.Agents))
			}
		})
	}

	t.Run("[A] a non-transient status is not retried", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		for _, route := range []string{"GET /core/agents/{agent_id}", "POST /core/agents"} {
			e.emu.FailRoute(route, http.StatusBadRequest, 1)
		}
		if _, err := e.c.GetAgent(t.Context(), "x"); !client.IsBadRequest(err) {
			t.Errorf("GetAgent: %v", err)
		}
		if _, err := e.c.CreateAgent(t.Context(), client.AgentCreate{Name: "x"}); !client.IsBadRequest(err) {
			t.Errorf("CreateAgent: %v", err)
		}
		if n := len(e.emu.RequestLog()); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
}

// Section 1 [A]: random faults and lost responses.
func TestFaults(t *testing.T) {
	t.Parallel()

	// lifecycle drives one agent through every kind of call and checks the
	// emulator ends up holding exactly what was asked for, once.
	lifecycle := func(t *testing.T, e *env) {
		t.Helper()
		ctx := t.Context()
		a := e.agentWith(client.AgentCreate{Name: "Survivor", Metadata: map[string]any{"team": "dental"}})
		e.version(a.ID, config("v1"))
		e.versionWith(a.ID, client.VersionCreate{BaseVersion: ptr(1)})
		if _, err := e.c.UpdateVersion(ctx, a.ID, 2, client.VersionUpdate{Config: config("v2")}); err != nil {
			t.Fatal(err)
		}
		e.publish(a.ID, 2, client.PublishRequest{PhoneNumbers: []string{num1}, Direction: client.DirectionBoth})
		if _, err := e.c.DeployAsSIP(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.UpdateAgent(ctx, a.ID, client.AgentUpdate{Description: ptr("done")}); err != nil {
			t.Fatal(err)
		}
		doomed := e.agent("Doomed")
		// A DELETE whose response was lost is answered 404 when sent again:
		// the documented way to read that is "already gone".
		if err := e.c.DeleteAgent(ctx, doomed.ID); err != nil && !client.IsNotFound(err) {
			t.Fatal(err)
		}
		list, err := e.c.ListAgents(ctx, client.AgentListOptions{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != a.ID {
			t.Errorf("ListAgents = %v", ids(list))
		}
		s := e.emu.Snapshot()
		if len(s.Agents) != 1 {
			t.Fatalf("the emulator holds %d agents, want exactly 1", len(s.Agents))
		}
		got := s.Agents[0]
		if got.AgentID != a.ID || got.Description != "done" || len(got.Versions) != 2 || !got.Versions[1].Published || got.SIPEndpoint == nil {
			t.Errorf("final agent: %+v", got)
		}
		if at(got.Versions[1].Config, "instructions") != "v2" {
			t.Errorf("version 2 config: %v", got.Versions[1].Config)
		}
		n := e.number(num1)
		if str(n.InboundAgentVersionID) != got.Versions[1].VersionID || str(n.OutboundAgentVersionID) != got.Versions[1].VersionID {
			t.Errorf("%s slots: %s / %s", num1, str(n.InboundAgentVersionID), str(n.OutboundAgentVersionID))
		}
	}

	t.Run("[A] random 500/503 faults (FaultRate with a Seed) are survived with enough retries", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{FaultRate: 0.3, Seed: 7}, withRetries(15))
		lifecycle(t, e)
		faults := 0
		for _, r := range e.emu.RequestLog() {
			if r.Status == http.StatusInternalServerError || r.Status == http.StatusServiceUnavailable {
				faults++
			}
		}
		if faults == 0 {
			t.Error("no fault was injected; the test proves nothing")
		}
	})

	t.Run("[A] random faults and lost responses together are survived without duplicates", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{FaultRate: 0.2, LostResponseRate: 0.3, Seed: 11}, withRetries(15))
		lifecycle(t, e)
		dropped := 0
		for _, r := range e.emu.RequestLog() {
			if r.Dropped {
				dropped++
			}
		}
		if dropped == 0 {
			t.Error("no response was lost; the test proves nothing")
		}
	})

	t.Run("[A] a create whose response is lost (LostResponseRate 1.0) returns the created agent and version, and the emulator holds exactly one", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{LostResponseRate: 1.0})
		a, err := e.c.CreateAgent(t.Context(), client.AgentCreate{Name: "Lost", Description: ptr("d"), Metadata: map[string]any{"team": "dental"}})
		if err != nil {
			t.Fatalf("CreateAgent: %v", err)
		}
		if a.ID == "" || a.Name != "Lost" || a.Description != "d" || a.Metadata["team"] != "dental" || len(a.Metadata) != 1 {
			t.Errorf("recovered agent = %+v", a)
		}
		cfg := config("lost", map[string]any{"voice": map[string]any{"speed": 1.5}})
		v, err := e.c.CreateVersion(t.Context(), a.ID, client.VersionCreate{Config: cfg, InstructionBuilderInputs: mustJSON(map[string]any{"industry": "dental"})})
		if err != nil {
			t.Fatalf("CreateVersion: %v", err)
		}
		if v.Version != 1 || v.AgentID != a.ID || !client.ConfigContains(v.Config, cfg) {
			t.Errorf("recovered version = %+v", v)
		}
		base, err := e.c.CreateVersion(t.Context(), a.ID, client.VersionCreate{BaseVersion: ptr(1)})
		if err != nil {
			t.Fatalf("CreateVersion(base_version): %v", err)
		}
		if base.Version != 2 {
			t.Errorf("recovered base_version copy = %+v", base)
		}
		s := e.emu.Snapshot()
		if len(s.Agents) != 1 || s.Agents[0].AgentID != a.ID {
			t.Fatalf("the emulator holds %d agents, want exactly the one returned", len(s.Agents))
		}
		if got := s.Agents[0].Versions; len(got) != 2 || got[0].VersionID != v.VersionID || got[1].VersionID != base.VersionID {
			t.Errorf("the emulator holds %d versions, want exactly the two returned", len(got))
		}
		for _, route := range []string{"POST /core/agents", "POST /core/agents/{agent_id}/versions"} {
			reqs := e.requests(route)
			var sent []string
			for _, r := range reqs {
				sent = append(sent, fmt.Sprintf("%d dropped=%v", r.Status, r.Dropped))
			}
			if route == "POST /core/agents" && (len(reqs) != 1 || !reqs[0].Dropped) {
				t.Errorf("%s: %s, want one dropped request (recovery instead of a resend)", route, strings.Join(sent, ", "))
			}
			if route != "POST /core/agents" && len(reqs) != 2 {
				t.Errorf("%s: %s, want two dropped requests", route, strings.Join(sent, ", "))
			}
		}
	})

	t.Run("[A] an idempotent write whose response is always lost fails with a transport error after its retries", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{LostResponseRate: 1.0}, withRetries(2))
		a := e.agent("Lossy")
		_, err := e.c.UpdateAgent(t.Context(), a.ID, client.AgentUpdate{Description: ptr("x")})
		if err == nil || client.StatusCode(err) != 0 {
			t.Errorf("UpdateAgent with every response lost: %v, want a transport error", err)
		}
		if n := len(e.requests("PUT /core/agents/{agent_id}")); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
		if d := e.stored(a.ID).Description; d != "x" {
			t.Errorf("description = %q, want the update applied (only its response was lost)", d)
		}
	})

	t.Run("[A] a DELETE whose response is lost is answered 404 when retried (callers read IsNotFound as done)", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{LostResponseRate: 1.0})
		a := e.agent("Lossy")
		err := e.c.DeleteAgent(t.Context(), a.ID)
		if !client.IsNotFound(err) {
			t.Errorf("DeleteAgent = %v, want the retry's 404", err)
		}
		if e.stored(a.ID) != nil {
			t.Error("the agent still exists")
		}
		if r := e.requests("DELETE /core/agents/{agent_id}"); len(r) != 2 || !r[0].Dropped || r[1].Status != http.StatusNotFound {
			t.Errorf("deletes logged as %+v", r)
		}
	})
}
