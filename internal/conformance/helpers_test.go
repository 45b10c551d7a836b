package conformance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Credentials of the scoped emulators. A token listed without scopes has all of them.
const (
	tokFull    = "ak_full.conformance"
	tokRead    = "ak_read.conformance"   // agents:read, phone_numbers:read
	tokManage  = "ak_manage.conformance" // agents:manage only
	tokPhones  = "ak_phones.conformance" // phone_numbers:manage only
	tokPAT     = "pat_user.conformance"
	tokUnknown = "ak_unknown.conformance"
	orgID      = "org_conformance"
)

// scopedTokens is the token table of emulators that test auth and scopes.
func scopedTokens() map[string][]string {
	return map[string][]string{
		tokFull:   nil,
		tokPAT:    nil,
		tokRead:   {"agents:read", "phone_numbers:read"},
		tokManage: {"agents:manage"},
		tokPhones: {"phone_numbers:manage"},
	}
}

// The emulator's default phone directory.
const (
	num1 = "+15550100001"
	num2 = "+15550100002"
	num3 = "+15550100003"
	num4 = "+15550100004"
	num5 = "+15550100005"
)

var (
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	e164RE = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)
)

// env is one emulator behind an httptest server and a client talking to it.
type env struct {
	t   *testing.T
	emu *emulator.Emulator
	url string
	c   *client.Client // the default token (tokFull when opts.Tokens is set)
}

// newEnv starts an emulator with opts, closed with the test, and a client
// with the default credential; mods adjust the client's Config.
func newEnv(t *testing.T, opts emulator.Options, mods ...func(*client.Config)) *env {
	t.Helper()
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	e := &env{t: t, emu: emu, url: srv.URL}
	token := emulator.DefaultToken
	if len(opts.Tokens) > 0 {
		token = tokFull
	}
	e.c = e.client(token, "", mods...)
	return e
}

// client builds another client of the same emulator with small retry waits.
func (e *env) client(token, org string, mods ...func(*client.Config)) *client.Client {
	e.t.Helper()
	c, err := client.New(e.config(token, org, mods...))
	if err != nil {
		e.t.Fatalf("client.New: %v", err)
	}
	return c
}

func (e *env) config(token, org string, mods ...func(*client.Config)) client.Config {
	cfg := client.Config{
		BaseURL:        e.url,
		Token:          token,
		OrganizationID: org,
		MaxRetries:     4,
		RequestTimeout: 10 * time.Second,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   20 * time.Millisecond,
		UserAgent:      "anyreach-conformance",
	}
	for _, m := range mods {
		m(&cfg)
	}
	return cfg
}

// withTransport installs rt as the client's transport.
func withTransport(rt http.RoundTripper) func(*client.Config) {
	return func(c *client.Config) { c.Transport = rt }
}

// withRetries sets MaxRetries (negative disables retries).
func withRetries(n int) func(*client.Config) {
	return func(c *client.Config) { c.MaxRetries = n }
}

// agent creates an agent through the client.
func (e *env) agent(name string) *client.Agent {
	e.t.Helper()
	return e.agentWith(client.AgentCreate{Name: name})
}

func (e *env) agentWith(in client.AgentCreate) *client.Agent {
	e.t.Helper()
	a, err := e.c.CreateAgent(e.t.Context(), in)
	if err != nil {
		e.t.Fatalf("CreateAgent(%q): %v", in.Name, err)
	}
	return a
}

// version creates a draft from a config through the client.
func (e *env) version(agentID string, cfg json.RawMessage) *client.Version {
	e.t.Helper()
	return e.versionWith(agentID, client.VersionCreate{Config: cfg})
}

func (e *env) versionWith(agentID string, in client.VersionCreate) *client.Version {
	e.t.Helper()
	v, err := e.c.CreateVersion(e.t.Context(), agentID, in)
	if err != nil {
		e.t.Fatalf("CreateVersion(%s): %v", agentID, err)
	}
	return v
}

// publish publishes a version through the client.
func (e *env) publish(agentID string, version int, in client.PublishRequest) []client.PhoneNumber {
	e.t.Helper()
	out, err := e.c.PublishVersion(e.t.Context(), agentID, version, in)
	if err != nil {
		e.t.Fatalf("PublishVersion(%s, %d): %v", agentID, version, err)
	}
	return out
}

// getVersion reads one version through the client.
func (e *env) getVersion(agentID string, version int) *client.Version {
	e.t.Helper()
	v, err := e.c.GetVersion(e.t.Context(), agentID, version)
	if err != nil {
		e.t.Fatalf("GetVersion(%s, %d): %v", agentID, version, err)
	}
	return v
}

// stored returns the emulator's record of an agent, or nil.
func (e *env) stored(agentID string) *emulator.Agent {
	for _, a := range e.emu.Snapshot().Agents {
		if a.AgentID == agentID {
			return &a
		}
	}
	return nil
}

// number returns the emulator's record of a directory number.
func (e *env) number(n string) emulator.PhoneNumber {
	e.t.Helper()
	for _, p := range e.emu.Snapshot().PhoneNumbers {
		if p.PhoneNumber == n {
			return p
		}
	}
	e.t.Fatalf("phone number %s is not in the directory", n)
	return emulator.PhoneNumber{}
}

// requests returns the logged requests for one route key ("METHOD /pattern").
func (e *env) requests(route string) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range e.emu.RequestLog() {
		if r.Method+" "+r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

// config builds the smallest valid static_prompt config plus extra keys.
func config(instructions string, extra ...map[string]any) json.RawMessage {
	m := map[string]any{"type": "static_prompt", "instructions": instructions, "llm": map[string]any{"model": "gpt-4o"}}
	for _, x := range extra {
		for k, v := range x {
			m[k] = v
		}
	}
	return mustJSON(m)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// decode decodes raw JSON into a generic value.
func decode(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
	return m
}

// at follows keys (string) and indexes (int) into a decoded JSON value.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// wantAPIError asserts err is an *APIError with the status and a detail
// containing each of want.
func wantAPIError(t *testing.T, err error, status int, want ...string) {
	t.Helper()
	_ = apiError(t, err, status, want...)
}

// apiError is wantAPIError returning the *APIError for further checks.
func apiError(t *testing.T, err error, status int, want ...string) *client.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a %d", status)
	}
	var ae *client.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	if ae.StatusCode != status {
		t.Fatalf("status = %d, want %d (error: %v)", ae.StatusCode, status, err)
	}
	for _, w := range want {
		if !strings.Contains(ae.Detail, w) {
			t.Errorf("detail %q does not contain %q", ae.Detail, w)
		}
	}
	return ae
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func ptr[T any](v T) *T { return &v }

func ids(agents []client.Agent) []string {
	out := make([]string, 0, len(agents))
	for _, a := range agents {
		out = append(out, a.ID)
	}
	return out
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("timestamp %q is not RFC 3339: %v", s, err)
	}
	return ts
}

// seen is one request as a recorder saw it on the wire.
type seen struct {
	Method, EscapedPath, RawQuery string
	Header                        http.Header
	Status                        int
	ContentType                   string
	Body                          []byte
}

// recorder is a RoundTripper that records every request and response on the
// wire and optionally rewrites requests first (on a clone, as RoundTrippers
// must).
type recorder struct {
	next    http.RoundTripper
	rewrite func(*http.Request)

	mu   sync.Mutex
	seen []seen
}

func newRecorder(rewrite func(*http.Request)) *recorder {
	return &recorder{next: &http.Transport{}, rewrite: rewrite}
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.rewrite != nil {
		req = req.Clone(req.Context())
		r.rewrite(req)
	}
	s := seen{Method: req.Method, EscapedPath: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery, Header: req.Header.Clone()}
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		body, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		s.Status, s.ContentType, s.Body = resp.StatusCode, resp.Header.Get("Content-Type"), body
	}
	r.mu.Lock()
	r.seen = append(r.seen, s)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.seen...)
}
