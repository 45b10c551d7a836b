package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func TestVersionEndpoints(t *testing.T) {
	rec, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.URL.Path == "/core/agents/a1/versions/compare":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("Version 2 raises the voice speed to 1.2."))
		case r.URL.Path == "/core/agents/a1/versions/3/generate-instructions":
			writeJSON(w, http.StatusAccepted, map[string]any{"status": "queued"})
		case r.Method == http.MethodPost:
			writeJSON(w, 201, fullVersion(map[string]any{"version": 3, "version_id": "v3", "config": json.RawMessage(body)}))
		default: // no agent_id in the answer: the client fills it in
			writeJSON(w, 200, fullVersion(map[string]any{"version": 4, "version_id": "v4", "instructions_status": "idle", "config": map[string]any{"type": "static_prompt"}}))
		}
	})
	c := newTestClient(t, srv.URL)
	ctx := t.Context()

	v, err := c.GetVersion(ctx, "a1", 4)
	if err != nil || v.AgentID != "a1" || v.Version != 4 {
		t.Fatalf("GetVersion = %+v, %v", v, err)
	}
	if _, err := c.GetLatestVersion(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	v, err = c.CreateVersion(ctx, "a1", VersionCreate{BaseVersion: ptr(1)})
	if err != nil || v.Version != 3 || v.AgentID != "a1" {
		t.Fatalf("CreateVersion = %+v, %v", v, err)
	}
	if _, err := c.UpdateVersion(ctx, "a1", 4, VersionUpdate{InstructionBuilderInputs: json.RawMessage(`{"industry":"dental"}`)}); err != nil {
		t.Fatal(err)
	}
	diff, err := c.CompareVersions(ctx, "a1", 1, 2)
	if err != nil || diff != "Version 2 raises the voice speed to 1.2." {
		t.Fatalf("CompareVersions = %q, %v", diff, err)
	}
	if err := c.GenerateInstructions(ctx, "a1", 3); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListVersions(ctx, "a1", VersionListOptions{}); err == nil {
		// The default branch answers an object without "data".
		t.Error("ListVersions should reject a non-list answer")
	}
	if _, err := c.GetVersion(ctx, "a1", 0); err == nil {
		t.Error("version 0 must be refused")
	}

	want := []struct{ method, path, body string }{
		{"GET", "/core/agents/a1/versions/4", ""},
		{"GET", "/core/agents/a1/versions/latest", ""},
		{"POST", "/core/agents/a1/versions", `{"base_version":1}`},
		{"PUT", "/core/agents/a1/versions/4", `{"instruction_builder_inputs":{"industry":"dental"}}`},
		{"POST", "/core/agents/a1/versions/compare", `{"from_version":1,"to_version":2}`},
		{"POST", "/core/agents/a1/versions/3/generate-instructions", ""},
		{"GET", "/core/agents/a1/versions", ""},
	}
	reqs := rec.all()
	if len(reqs) != len(want) {
		t.Fatalf("requests = %+v", reqs)
	}
	for i, w := range want {
		if reqs[i].Method != w.method || reqs[i].Path != w.path || string(reqs[i].Body) != w.body {
			t.Errorf("request %d = %s %s %q, want %s %s %q", i, reqs[i].Method, reqs[i].Path, reqs[i].Body, w.method, w.path, w.body)
		}
	}
	if reqs[5].Header.Get("Content-Type") != "" {
		t.Error("a request without a body must not claim a content type")
	}
}

func TestWaitForInstructions(t *testing.T) {
	var polls atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		status := InstructionsGenerating
		if polls.Add(1) >= 3 {
			status = InstructionsCompleted
		}
		writeJSON(w, 200, fullVersion(map[string]any{"agent_id": "a1", "version": 2, "instructions_status": status}))
	})
	c := newTestClient(t, srv.URL)
	v, err := c.WaitForInstructions(t.Context(), "a1", 2)
	if err != nil || v.InstructionsStatus != InstructionsCompleted {
		t.Fatalf("WaitForInstructions = %+v, %v", v, err)
	}
	if polls.Load() != 3 {
		t.Errorf("%d polls, want 3", polls.Load())
	}
}

func TestWaitForInstructionsReturnsFailedVersion(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, fullVersion(map[string]any{"version": 2, "instructions_status": "failed", "instructions_error": "no inputs"}))
	})
	v, err := newTestClient(t, srv.URL).WaitForInstructions(t.Context(), "a1", 2)
	if err != nil || v.InstructionsStatus != InstructionsFailed || *v.InstructionsError != "no inputs" {
		t.Fatalf("WaitForInstructions = %+v, %v", v, err)
	}
}

func TestWaitForInstructionsDeadline(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, fullVersion(map[string]any{"version": 7, "instructions_status": "generating"}))
	})
	c := newTestClient(t, srv.URL)
	ctx := newDeadlineContext(t.Context())
	// The deadline passes during the third wait between polls.
	useFakeClock(c, func(n int, _ time.Duration) {
		if n == 3 {
			ctx.expire()
		}
	})
	_, err := c.WaitForInstructions(ctx, "agent-9", 7)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if got, want := err.Error(), "waiting for instruction generation of agent agent-9 version 7: context deadline exceeded"; got != want {
		t.Errorf("err = %q, want %q", got, want)
	}
}

func TestWaitForInstructionsBacksOff(t *testing.T) {
	var polls atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		writeJSON(w, 200, fullVersion(map[string]any{"version": 1, "instructions_status": "generating"}))
	})
	c := newTestClient(t, srv.URL)
	c.pollMin, c.pollMax = 20*time.Millisecond, 45*time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	clk := useFakeClock(c, func(n int, _ time.Duration) {
		if n == 6 {
			cancel()
		}
	})
	_, _ = c.WaitForInstructions(ctx, "a", 1)
	// Delays 20, 30, 45, 45…: growing by half, capped; one poll before each.
	ms := time.Millisecond
	if got, want := clk.waited(), []time.Duration{20 * ms, 30 * ms, 45 * ms, 45 * ms, 45 * ms, 45 * ms}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	if n := polls.Load(); n != 6 {
		t.Errorf("%d polls, want 6", n)
	}
}

func TestWaitForInstructionsCancelled(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, fullVersion(map[string]any{"version": 3, "instructions_status": "generating"}))
	})
	c := newTestClient(t, srv.URL)
	c.pollMin, c.pollMax = time.Second, time.Second
	ctx, cancel := context.WithCancel(t.Context())
	// The cancel lands during the first wait between polls.
	clk := useFakeClock(c, func(int, time.Duration) { cancel() })
	_, err := c.WaitForInstructions(ctx, "agent-4", 3)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want Canceled", err)
	}
	if got, want := err.Error(), "waiting for instruction generation of agent agent-4 version 3: context canceled"; got != want {
		t.Errorf("err = %q, want %q", got, want)
	}
	if got := clk.waited(); !slices.Equal(got, []time.Duration{time.Second}) {
		t.Errorf("waits %v, want the one wait the cancel ended", got)
	}
}
