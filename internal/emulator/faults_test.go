package emulator

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestFailRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "faults"})
	h.createVersion(id, map[string]any{"config": minimalConfig("x")})
	const route = "POST /core/agents/{agent_id}/versions/{version}/publish"

	t.Run("[A] the next N requests to the route get the injected status before anything is done", func(t *testing.T) {
		h.e.FailRoute(route, 500, 1)
		r := expect(t, h.publish(id, 1, nil), 500)
		assertEqual(t, "detail", r.detail(t), "Injected fault")
		if h.e.Snapshot().Agents[0].Versions[0].Published {
			t.Fatal("the failed publish was applied")
		}
		expect(t, h.publish(id, 1, nil), 200)
	})
	t.Run("[A] other routes are unaffected", func(t *testing.T) {
		h.e.FailRoute(route, 503, 0)
		expect(t, h.do("GET", "/core/agents/"+id, nil), 200)
	})
	t.Run("[A] times <= 0 fails until ClearFaults", func(t *testing.T) {
		for range 3 {
			expect(t, h.publish(id, 1, nil), 503)
		}
		h.e.ClearFaults()
		expect(t, h.publish(id, 1, nil), 200)
	})
	t.Run("[A] faulted requests are counted under their route", func(t *testing.T) {
		if n := h.e.RequestCounts()[route]; n != 6 {
			t.Errorf("count %d, want 6", n)
		}
	})
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	h := newHarnessWithClock(t, Options{RateLimit: 2, Tokens: map[string][]string{"ak_a.x": nil, "ak_b.x": nil}}, clk)
	a, b := h.as("ak_a.x"), h.as("ak_b.x")
	expect(t, a.do("GET", "/core/agents", nil), 200)
	expect(t, a.do("GET", "/core/agents", nil), 200)
	r := expect(t, a.do("GET", "/core/agents", nil), http.StatusTooManyRequests)
	if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("[A] 429 carries Retry-After in whole seconds >= 1, got %q", r.header.Get("Retry-After"))
	}
	expect(t, b.do("GET", "/core/agents", nil), 200) // [A] limits are per token
	expect(t, h.do("GET", "/_emulator/state", nil), 200)
	clk.Advance(400 * time.Millisecond)
	expect(t, a.do("GET", "/core/agents", nil), http.StatusTooManyRequests) // 0.8 of a token
	clk.Advance(200 * time.Millisecond)
	expect(t, a.do("GET", "/core/agents", nil), 200) // refilled
}

// statuses sends n GETs and returns the status codes.
func statuses(t *testing.T, h *harness, n int) []int {
	var out []int
	for range n {
		out = append(out, h.do("GET", "/core/agents", nil).status)
	}
	return out
}

func TestFaultRateIsSeeded(t *testing.T) {
	t.Parallel()
	a := statuses(t, newHarness(t, Options{FaultRate: 0.5, Seed: 7}), 40)
	b := statuses(t, newHarness(t, Options{FaultRate: 0.5, Seed: 7}), 40)
	assertEqual(t, "[A] same seed, same faults", a, b)
	seen := map[int]bool{}
	for _, s := range a {
		seen[s] = true
	}
	if !seen[200] || !seen[500] || !seen[503] || len(seen) != 3 {
		t.Errorf("[A] FaultRate answers 500 or 503 at random: %v", a)
	}
	h := newHarness(t, Options{FaultRate: 1})
	expect(t, h.do("GET", "/_emulator/state", nil), 200) // never on the control surface
}

func TestLostResponses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{LostResponseRate: 1})
	t.Run("[A] a lost write is applied but the client sees a connection error", func(t *testing.T) {
		if _, err := h.send("POST", "/core/agents", map[string]any{"name": "ghost"}); err == nil {
			t.Fatal("the client got a response")
		}
		s := h.e.Snapshot()
		if len(s.Agents) != 1 || s.Agents[0].Name != "ghost" {
			t.Fatalf("agents %+v", s.Agents)
		}
		log := h.e.RequestLog()
		if len(log) != 1 || !log[0].Dropped || log[0].Status != 201 {
			t.Errorf("log %+v", log)
		}
	})
	t.Run("[A] reads and failed writes are answered", func(t *testing.T) {
		expect(t, h.do("GET", "/core/agents", nil), 200)
		expect(t, h.do("POST", "/core/agents", map[string]any{}), 422)
	})
	t.Run("[A] the seed makes lost responses repeatable", func(t *testing.T) {
		run := func() []bool {
			h := newHarness(t, Options{LostResponseRate: 0.5, Seed: 3})
			var lost []bool
			for range 20 {
				_, err := h.send("POST", "/core/agents", map[string]any{"name": "x"})
				lost = append(lost, err != nil)
			}
			if n := len(h.e.Snapshot().Agents); n != 20 {
				t.Errorf("%d agents, want 20 (every write applied)", n)
			}
			return lost
		}
		a, b := run(), run()
		assertEqual(t, "pattern", a, b)
	})
}

func TestLatency(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	h := newHarnessWithClock(t, Options{Latency: 60 * time.Millisecond}, clk)
	expect(t, h.do("GET", "/core/agents", nil), 200)
	expect(t, h.do("GET", "/_emulator/state", nil), 200)
	assertEqual(t, "[A] waits: one of 60ms for the /core request, none for /_emulator/", clk.sleeps(), []time.Duration{60 * time.Millisecond})
}

func TestLoseResponses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.e.LoseResponses("post /core/agents", 1)
	if got := h.e.PendingLosses(); len(got) != 1 || got[0] != "POST /core/agents" {
		t.Fatalf("pending losses %v", got)
	}
	// A failed request does not use the loss up.
	expect(t, h.do("POST", "/core/agents", map[string]any{}), 422)
	if _, err := h.send("POST", "/core/agents", map[string]any{"name": "applied"}); err == nil {
		t.Fatal("the client got the response that was to be lost")
	}
	if s := h.e.Snapshot(); len(s.Agents) != 1 || s.Agents[0].Name != "applied" {
		t.Fatalf("the request whose response was lost was not applied: %+v", s.Agents)
	}
	if got := h.e.PendingLosses(); len(got) != 0 {
		t.Errorf("pending losses after the loss: %v", got)
	}
	expect(t, h.do("POST", "/core/agents", map[string]any{"name": "answered"}), 201)
}
