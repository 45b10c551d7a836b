package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// harness is one emulator behind a real HTTP server, with a client that
// speaks as a given token.
type harness struct {
	t     *testing.T
	e     *Emulator
	srv   *httptest.Server
	token string
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &harness{t: t, e: e, srv: srv, token: DefaultToken}
}

// response is a finished exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// obj decodes the body as a JSON object.
func (r response) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// list decodes the body as a JSON array.
func (r response) list(t *testing.T) []any {
	t.Helper()
	var l []any
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("body is not a JSON array: %v: %s", err, r.body)
	}
	return l
}

// detail returns a string detail, or the JSON of a list detail.
func (r response) detail(t *testing.T) string {
	t.Helper()
	d, ok := r.obj(t)["detail"]
	if !ok {
		t.Fatalf("no detail in %s", r.body)
	}
	if s, ok := d.(string); ok {
		return s
	}
	return jsonText(d)
}

// locs returns the loc of every entry of a 422 detail list, as JSON texts.
func (r response) locs(t *testing.T) []string {
	t.Helper()
	list, ok := r.obj(t)["detail"].([]any)
	if !ok {
		t.Fatalf("detail is not a list: %s", r.body)
	}
	var out []string
	for _, item := range list {
		out = append(out, jsonText(item.(map[string]any)["loc"]))
	}
	return out
}

// do sends a request; body may be nil, a string (sent raw) or any JSON value.
// headers are "Key: value" strings.
func (h *harness) do(method, path string, body any, headers ...string) response {
	h.t.Helper()
	resp, err := h.send(method, path, body, headers...)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func (h *harness) send(method, path string, body any, headers ...string) (response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, h.srv.URL+path, rd)
	if err != nil {
		return response{}, err
	}
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, hv := range headers {
		k, v, _ := strings.Cut(hv, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}, err
}

// as returns a client for the same emulator with another token.
func (h *harness) as(token string) *harness {
	c := *h
	c.token = token
	return &c
}

// expect fails unless the response has the status.
func expect(t *testing.T, r response, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// createAgent creates an agent and returns its ID.
func (h *harness) createAgent(body map[string]any) string {
	h.t.Helper()
	r := expect(h.t, h.do("POST", "/core/agents", body), http.StatusCreated)
	return r.obj(h.t)["agent_id"].(string)
}

// minimalConfig is the smallest valid static_prompt config.
func minimalConfig(instructions string) map[string]any {
	return map[string]any{"type": "static_prompt", "instructions": instructions, "llm": map[string]any{"model": "gpt-4o"}}
}

// createVersion posts a version body and returns the version object.
func (h *harness) createVersion(agentID string, body map[string]any) map[string]any {
	h.t.Helper()
	return expect(h.t, h.do("POST", "/core/agents/"+agentID+"/versions", body), http.StatusCreated).obj(h.t)
}

// publish publishes a version with an optional body and returns the response.
func (h *harness) publish(agentID string, version int, body any) response {
	h.t.Helper()
	return h.do("POST", fmt.Sprintf("/core/agents/%s/versions/%d/publish", agentID, version), body)
}

// number fetches one directory record from the emulator's state.
func (h *harness) number(n string) PhoneNumber {
	h.t.Helper()
	for _, p := range h.e.Snapshot().PhoneNumbers {
		if p.PhoneNumber == n {
			return p
		}
	}
	h.t.Fatalf("phone number %s not in the directory", n)
	return PhoneNumber{}
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func assertEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// fakeClock is the emulator's clock in tests: time moves only when the test
// says, and Sleep reports each wait instead of taking it (or, with block,
// waits for its context to end, as a latency the client gives up on).
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	block  bool
	asleep chan struct{} // with block: receives once per Sleep that waits
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), asleep: make(chan struct{}, 16)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) bool {
	c.mu.Lock()
	c.slept = append(c.slept, d)
	block := c.block
	c.mu.Unlock()
	if !block || ctx.Done() == nil {
		return true
	}
	c.asleep <- struct{}{}
	<-ctx.Done()
	return false
}

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration{}, c.slept...)
}

// newHarnessWithClock is newHarness with the emulator's clock replaced
// before it serves anything.
func newHarnessWithClock(t *testing.T, opts Options, c clock) *harness {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.clock = c
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &harness{t: t, e: e, srv: srv, token: DefaultToken}
}
