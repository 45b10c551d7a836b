package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testToken is recognisable so tests can prove it never leaks.
const testToken = "ak_leakcheck.S3CRET-d0-not-print-8c1f"

// captureLogger records every log entry.
type captureLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

type logEntry struct {
	level  string
	msg    string
	fields map[string]any
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("debug", msg, fields)
}

func (l *captureLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("warn", msg, fields)
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, logEntry{level, msg, fields})
}

func (l *captureLogger) all() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logEntry(nil), l.entries...)
}

// newTestClient builds a Client against srv with tiny waits; mods adjust the Config.
func newTestClient(t *testing.T, baseURL string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:        baseURL,
		Token:          testToken,
		MaxRetries:     3,
		RequestTimeout: 5 * time.Second,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   5 * time.Millisecond,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.pollMin, c.pollMax = 2*time.Millisecond, 10*time.Millisecond
	return c
}

// newServer starts an httptest server closed with the test.
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// sequence answers successive requests with the given statuses, then with the
// last one; it counts the requests.
type sequence struct {
	statuses []int
	body     string
	header   http.Header
	hits     atomic.Int32
}

func (s *sequence) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.hits.Add(1))
	status := s.statuses[min(n, len(s.statuses))-1]
	for k, v := range s.header {
		w.Header()[k] = v
	}
	body := s.body
	if status >= 400 {
		body = fmt.Sprintf(`{"detail":"status %d on attempt %d"}`, status, n)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeDetail(w http.ResponseWriter, status int, detail any) {
	writeJSON(w, status, map[string]any{"detail": detail})
}

// dropConnection closes the connection without an answer, as a crashing
// proxy or a network cut would after the server acted on the request.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

func ptr[T any](v T) *T { return &v }

func mustContain(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("%q does not contain %q", s, want)
	}
}

// recorded is what a test server saw of one request.
type recorded struct {
	Method     string
	Path       string
	RequestURI string
	Query      url.Values
	Header     http.Header
	Body       []byte
}

// recorder serves requests with a handler and remembers them.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (rec *recorder) all() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

// recordServer starts a server that records each request, then lets h answer it.
func recordServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, body []byte)) (*recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{r.Method, r.URL.Path, r.RequestURI, r.URL.Query(), r.Header.Clone(), body})
		rec.mu.Unlock()
		h(w, r, body)
	})
	return rec, srv
}

// fullAgent adds every field the API always sends an agent with to obj,
// unless obj has it already.
func fullAgent(obj map[string]any) map[string]any {
	return addMissing(obj, map[string]any{
		"name": "n", "active": true, "is_demo": false,
		"created_at": "2026-11-22T10:00:00Z", "updated_at": "2026-11-22T10:00:00Z",
	})
}

// fullVersion adds every field the API always sends a version with to obj,
// unless obj has it already.
func fullVersion(obj map[string]any) map[string]any {
	return addMissing(obj, map[string]any{
		"version_id": "vid", "published": false, "config": map[string]any{"type": "static_prompt"},
		"created_at": "2026-11-22T10:00:00Z", "updated_at": "2026-11-22T10:00:00Z",
	})
}

func addMissing(obj, defaults map[string]any) map[string]any {
	for k, v := range defaults {
		if _, ok := obj[k]; !ok {
			obj[k] = v
		}
	}
	return obj
}

// fakeClock stands in for the client's clock: every wait the client asks
// for is recorded and ends at once (the context's error is returned, so a
// context that ended during it ends the call), after onWait, called with
// the wait's number (from 1) and length, has run. Its time starts at a fixed
// instant and advances by each wait.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	waits  []time.Duration
	onWait func(n int, d time.Duration)
}

// useFakeClock puts a fakeClock in c and returns it.
func useFakeClock(c *Client, onWait func(n int, d time.Duration)) *fakeClock {
	f := &fakeClock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), onWait: onWait}
	c.clock = f
	return f
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.t = f.t.Add(d)
	n := len(f.waits)
	f.mu.Unlock()
	if f.onWait != nil {
		f.onWait(n, d)
	}
	return ctx.Err()
}

// waited lists the waits asked for so far.
func (f *fakeClock) waited() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.waits)
}

// deadlineContext is a context whose deadline passes when the test says
// so (expire), not when a wall clock reaches it: Err reports
// context.DeadlineExceeded from then on, as a real deadline would.
type deadlineContext struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newDeadlineContext(parent context.Context) *deadlineContext {
	return &deadlineContext{Context: parent, done: make(chan struct{})}
}

func (c *deadlineContext) Done() <-chan struct{} { return c.done }

func (c *deadlineContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *deadlineContext) expire() { c.once.Do(func() { close(c.done) }) }
