package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr error  // matched with errors.Is when set
		wantMsg string // substring of the error otherwise
	}{
		{"no token", Config{}, ErrTokenRequired, ""},
		{"blank token", Config{Token: "  "}, ErrTokenRequired, ""},
		{"pat without org", Config{Token: "pat_abc"}, ErrOrganizationRequired, ""},
		{"token with newline", Config{Token: "ak_a.b\r\nX-Evil: 1"}, nil, "cannot be sent in an HTTP header"},
		{"relative base URL", Config{Token: "ak_a.b", BaseURL: "api.anyreach.ai"}, nil, "absolute http"},
		{"ftp base URL", Config{Token: "ak_a.b", BaseURL: "ftp://api.anyreach.ai"}, nil, "absolute http"},
		{"no host", Config{Token: "ak_a.b", BaseURL: "https://"}, nil, "no host"},
		{"credentials in base URL", Config{Token: "ak_a.b", BaseURL: "https://u:p@api.anyreach.ai"}, nil, "must not contain credentials"},
		{"query in base URL", Config{Token: "ak_a.b", BaseURL: "https://api.anyreach.ai/?x=1"}, nil, "query"},
		{"unparsable base URL", Config{Token: "ak_a.b", BaseURL: "https://api.any reach.ai:x/"}, nil, "not a valid URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if err == nil {
				t.Fatalf("New succeeded: %v", c)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" {
				mustContain(t, err.Error(), tt.wantMsg)
			}
		})
	}
	mustContain(t, ErrOrganizationRequired.Error(), "organization_id")
	mustContain(t, ErrOrganizationRequired.Error(), "ANYREACH_ORG")
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{Token: "ak_a.b"})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != DefaultBaseURL || c.userAgent != DefaultUserAgent || c.retryMax != DefaultMaxRetries ||
		c.retryWaitMin != DefaultRetryWaitMin || c.retryWaitMax != DefaultRetryWaitMax || c.httpClient.Timeout != DefaultRequestTimeout {
		t.Errorf("defaults not applied: %+v", *c)
	}
	tr, ok := c.httpClient.Transport.(*http.Transport)
	if !ok || tr.MaxIdleConnsPerHost != 32 || tr.MaxConnsPerHost != 0 || tr.DisableKeepAlives {
		t.Errorf("transport = %#v", c.httpClient.Transport)
	}
	c, err = New(Config{Token: "ak_a.b", MaxRetries: -1, BaseURL: "http://localhost:8080/prefix/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.retryMax != 0 || c.baseURL != "http://localhost:8080/prefix" {
		t.Errorf("retryMax %d baseURL %q", c.retryMax, c.baseURL)
	}
}

func TestPATWithoutOrgMakesNoRequest(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	if _, err := New(Config{BaseURL: srv.URL, Token: "pat_personal"}); !errors.Is(err, ErrOrganizationRequired) {
		t.Fatalf("err = %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("server saw %d requests", hits.Load())
	}
}

func TestHeaders(t *testing.T) {
	tests := []struct {
		name, token, org string
		body             bool
	}{
		{"api key, no org, GET", "ak_k1.secret", "", false},
		{"api key with org, PUT", "ak_k1.secret", "org-1", true},
		{"pat with org, GET", "pat_personal", "org-2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var got http.Header
			var path string
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got, path = r.Header.Clone(), r.URL.Path
				mu.Unlock()
				writeJSON(w, 200, fullAgent(map[string]any{"agent_id": "a1"}))
			})
			c, err := New(Config{BaseURL: srv.URL + "/", Token: tt.token, OrganizationID: tt.org, UserAgent: "terraform-provider-anyreach/1.2.3 (+terraform 1.11.4)"})
			if err != nil {
				t.Fatal(err)
			}
			if tt.body {
				_, err = c.UpdateAgent(t.Context(), "a1", AgentUpdate{Name: ptr("n")})
			} else {
				_, err = c.GetAgent(t.Context(), "a1")
			}
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if path != "/core/agents/a1" {
				t.Errorf("path = %q (trailing slash of the base URL must not double)", path)
			}
			want := map[string]string{
				"Authorization":  "Bearer " + tt.token,
				"X-Anyreach-Org": tt.org,
				"Accept":         "application/json",
				"User-Agent":     "terraform-provider-anyreach/1.2.3 (+terraform 1.11.4)",
				"Content-Type":   "",
			}
			if tt.body {
				want["Content-Type"] = "application/json"
			}
			for k, v := range want {
				if got.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, got.Get(k), v)
				}
			}
			if _, present := got["X-Anyreach-Org"]; present != (tt.org != "") {
				t.Errorf("X-Anyreach-Org present = %v with org %q", present, tt.org)
			}
		})
	}
}

func TestRetriesTransientStatuses(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		header   http.Header
		wantHits int32
	}{
		{"503 then success", []int{503, 200}, nil, 2},
		{"502 then success", []int{502, 200}, nil, 2},
		{"504 twice then success", []int{504, 504, 200}, nil, 3},
		{"429 with Retry-After 0", []int{429, 200}, http.Header{"Retry-After": {"0"}}, 2},
		{"500 is retried", []int{500, 200}, nil, 2},
		{"500, 503, 502 then success", []int{500, 503, 502, 200}, nil, 4},
		{"404 is not retried", []int{404, 200}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seq := &sequence{statuses: tt.statuses, header: tt.header, body: `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1","name":"n"}`}
			srv := newServer(t, seq.ServeHTTP)
			c := newTestClient(t, srv.URL)
			a, err := c.GetAgent(t.Context(), "a1")
			if final := tt.statuses[len(tt.statuses)-1]; tt.wantHits == int32(len(tt.statuses)) && final == 200 {
				if err != nil || a.ID != "a1" {
					t.Fatalf("GetAgent = %v, %v", a, err)
				}
			} else if err == nil {
				t.Fatal("want an error")
			}
			if got := seq.hits.Load(); got != tt.wantHits {
				t.Errorf("%d requests, want %d", got, tt.wantHits)
			}
		})
	}
}

func TestRetriesExhaustedReturnLastAPIError(t *testing.T) {
	seq := &sequence{statuses: []int{503}}
	srv := newServer(t, seq.ServeHTTP)
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.ListAgents(t.Context(), AgentListOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want *APIError", err, err)
	}
	if apiErr.StatusCode != 503 || apiErr.Detail != "status 503 on attempt 3" || apiErr.Path != "/core/agents" || apiErr.Method != "GET" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if seq.hits.Load() != 3 {
		t.Errorf("%d attempts, want 3", seq.hits.Load())
	}
	if strings.Contains(err.Error(), "giving up") {
		t.Errorf("generic retryablehttp error leaked: %v", err)
	}
}

func TestNoRetriesWhenNegative(t *testing.T) {
	seq := &sequence{statuses: []int{503}}
	srv := newServer(t, seq.ServeHTTP)
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = -1 })
	if _, err := c.GetAgent(t.Context(), "a"); StatusCode(err) != 503 {
		t.Fatalf("err = %v", err)
	}
	if seq.hits.Load() != 1 {
		t.Errorf("%d attempts, want 1", seq.hits.Load())
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	// RetryWaitMax is 5 ms, so a wait of a second can only come from the
	// header.
	seq := &sequence{statuses: []int{429, 200}, header: http.Header{"Retry-After": {"1"}}, body: `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a"}`}
	srv := newServer(t, seq.ServeHTTP)
	c := newTestClient(t, srv.URL)
	clk := useFakeClock(c, nil)
	if _, err := c.GetAgent(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if got := clk.waited(); !slices.Equal(got, []time.Duration{time.Second}) {
		t.Errorf("waits %v, want [1s] from Retry-After", got)
	}
}

func TestBackoff(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) // whole seconds, as HTTP dates are
	// retryAfterResp is a 429 carrying the header; it has no body to close.
	retryAfterResp := func(v string) *http.Response {
		return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {v}}, Body: http.NoBody}
	}
	fixed := []struct {
		name       string
		retryAfter string
		want       time.Duration
	}{
		{"seconds", "3", 3 * time.Second},
		{"zero", "0", 0},
		{"capped at a minute", "3600", time.Minute},
		{"past date", now.Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
		{"far date capped", now.Add(time.Hour).UTC().Format(http.TimeFormat), time.Minute},
	}
	for _, tt := range fixed {
		t.Run(tt.name, func(t *testing.T) {
			resp := retryAfterResp(tt.retryAfter)
			defer resp.Body.Close()
			if got := backoff(time.Millisecond, 10*time.Millisecond, 0, resp, now); got != tt.want {
				t.Errorf("backoff = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("date", func(t *testing.T) {
		resp := retryAfterResp(now.Add(10 * time.Second).UTC().Format(http.TimeFormat))
		defer resp.Body.Close()
		if got := backoff(time.Millisecond, 10*time.Millisecond, 0, resp, now); got != 10*time.Second {
			t.Errorf("backoff = %v, want 10s", got)
		}
	})
	t.Run("exponential with full jitter", func(t *testing.T) {
		waitMin, waitMax := 100*time.Millisecond, 2*time.Second
		ms := time.Millisecond
		unparsable := retryAfterResp("soon") // ignored: plain backoff applies
		defer unparsable.Body.Close()
		for attempt, ceiling := range []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 2000 * ms, 2000 * ms} {
			var seenLow, seenHigh bool
			for range 500 {
				d := backoff(waitMin, waitMax, attempt, unparsable, now)
				if d < 0 || d > ceiling {
					t.Fatalf("attempt %d: %v outside [0, %v]", attempt, d, ceiling)
				}
				seenLow = seenLow || d < ceiling/2
				seenHigh = seenHigh || d >= ceiling/2
			}
			if !seenLow || !seenHigh {
				t.Errorf("attempt %d: no jitter across the window", attempt)
			}
		}
		if d := backoff(waitMin, waitMax, 5000, nil, now); d > waitMax {
			t.Errorf("huge attempt: %v > waitMax", d)
		}
	})
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	seq := &sequence{statuses: []int{503}, header: http.Header{"Retry-After": {"30"}}}
	srv := newServer(t, seq.ServeHTTP)
	c := newTestClient(t, srv.URL)
	ctx, cancel := context.WithCancel(t.Context())
	// The context ends while the client waits the 30 s the server asked for.
	clk := useFakeClock(c, func(int, time.Duration) { cancel() })
	_, err := c.GetAgent(ctx, "a")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := clk.waited(); !slices.Equal(got, []time.Duration{30 * time.Second}) {
		t.Errorf("waits %v, want the one 30s wait the cancel ended", got)
	}
	if seq.hits.Load() != 1 {
		t.Errorf("%d attempts, want 1: nothing is sent after the context ends", seq.hits.Load())
	}
	mustContain(t, err.Error(), "GET /core/agents/a")
}

func TestPerAttemptTimeout(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		writeJSON(w, 200, fullAgent(map[string]any{"agent_id": "a"}))
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	a, err := c.GetAgent(t.Context(), "a")
	if err != nil || a.ID != "a" {
		t.Fatalf("GetAgent = %v, %v", a, err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d attempts, want 2", hits.Load())
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c := newTestClient(t, "http://"+addr, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err = c.GetAgent(t.Context(), "a")
	if err == nil {
		t.Fatal("want an error")
	}
	mustContain(t, err.Error(), "GET /core/agents/a (after 3 attempts)")
	mustContain(t, err.Error(), "refused")
	if StatusCode(err) != 0 {
		t.Errorf("StatusCode = %d, want 0", StatusCode(err))
	}
}

func TestRequestLogging(t *testing.T) {
	seq := &sequence{statuses: []int{502, 200}, body: `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a"}`}
	srv := newServer(t, seq.ServeHTTP)
	logs := &captureLogger{}
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = logs })
	if _, err := c.GetAgent(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	var attempts []logEntry
	for _, e := range logs.all() {
		if e.msg == "anyreach: API request" {
			attempts = append(attempts, e)
		}
	}
	if len(attempts) != 2 {
		t.Fatalf("request logs = %+v", logs.all())
	}
	for i, e := range attempts {
		if e.level != "debug" || e.fields["method"] != "GET" || e.fields["path"] != "/core/agents/a" || e.fields["attempt"] != i+1 {
			t.Errorf("log %d = %+v", i, e)
		}
		if _, ok := e.fields["duration_ms"]; !ok {
			t.Errorf("log %d has no duration", i)
		}
	}
	if attempts[0].fields["status"] != 502 || attempts[0].fields["will_retry"] != true || attempts[1].fields["status"] != 200 {
		t.Errorf("statuses: %+v", attempts)
	}
}

func TestConnectionReuse(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/core/agents/busy" {
			writeDetail(w, 503, "busy")
			return
		}
		writeDetail(w, 404, "Agent not found")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 1 })
	for range 5 {
		if _, err := c.GetAgent(t.Context(), "a"); !IsNotFound(err) {
			t.Fatal(err)
		}
		// A call that gives up after its retries must not close the pool's
		// idle connections, which other calls are using.
		var apiErr *APIError
		if _, err := c.GetAgent(t.Context(), "busy"); !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Fatalf("GetAgent(busy) = %v, want the 503", err)
		}
	}
	if conns.Load() != 1 {
		t.Errorf("%d connections for 15 sequential requests, want 1", conns.Load())
	}
}

func TestConcurrentUse(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1)%3 == 0 {
			writeDetail(w, 503, "busy")
			return
		}
		writeJSON(w, 200, fullAgent(map[string]any{"agent_id": strings.TrimPrefix(r.URL.Path, "/core/agents/")}))
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = &captureLogger{}; cfg.MaxRetries = 10 })
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			id := fmt.Sprintf("a%d", i)
			a, err := c.GetAgent(t.Context(), id)
			if err != nil || a.ID != id {
				t.Errorf("GetAgent(%s) = %v, %v", id, a, err)
			}
		})
	}
	wg.Wait()
}
