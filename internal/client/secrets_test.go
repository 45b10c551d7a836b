package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestTokenNeverLeaks forces every kind of failure with a recognisable token
// and a capturing logger, including servers that echo the credential back,
// and checks that the token shows up in no error text and no log line.
func TestTokenNeverLeaks(t *testing.T) {
	refused := func() string {
		ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return "http://" + ln.Addr().String()
	}()
	echo := "invalid credential " + testToken

	tests := []struct {
		name    string
		handler http.HandlerFunc // nil: use the refused address
		mod     func(*Config)
		run     func(ctx context.Context, c *Client) error
		ctx     func(t *testing.T) (context.Context, context.CancelFunc)
	}{
		{
			name:    "401 echoing the token",
			handler: func(w http.ResponseWriter, r *http.Request) { writeDetail(w, 401, echo) },
			run:     func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a"); return err },
		},
		{
			name: "422 list echoing the token",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeDetail(w, 422, []map[string]any{{"loc": []any{"body", "config", testToken}, "msg": echo, "type": "x", "input": testToken}})
			},
			run: func(ctx context.Context, c *Client) error {
				_, err := c.CreateVersion(ctx, "a", VersionCreate{Config: []byte(`{}`)})
				return err
			},
		},
		{
			name: "HTML page echoing the token",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(403)
				_, _ = w.Write([]byte("<html>Authorization: Bearer " + testToken + "</html>"))
			},
			run: func(ctx context.Context, c *Client) error {
				_, err := c.ListAgents(ctx, AgentListOptions{})
				return err
			},
		},
		{
			name:    "500",
			handler: func(w http.ResponseWriter, r *http.Request) { writeDetail(w, 500, echo) },
			run:     func(ctx context.Context, c *Client) error { return c.DeleteAgent(ctx, "a") },
		},
		{
			name:    "502 until retries are exhausted",
			handler: func(w http.ResponseWriter, r *http.Request) { writeDetail(w, 502, echo) },
			run:     func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a"); return err },
		},
		{
			name: "connection refused",
			run:  func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a"); return err },
		},
		{
			name: "per-attempt timeout",
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(2 * time.Second):
				}
			},
			mod: func(cfg *Config) { cfg.RequestTimeout = 30 * time.Millisecond; cfg.MaxRetries = 1 },
			run: func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a"); return err },
		},
		{
			name: "cancelled during backoff",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "30")
				writeDetail(w, 429, echo)
			},
			ctx: func(t *testing.T) (context.Context, context.CancelFunc) {
				return context.WithTimeout(t.Context(), 50*time.Millisecond)
			},
			run: func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a"); return err },
		},
		{
			name: "lost create whose recovery fails",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					writeDetail(w, 401, echo)
					return
				}
				dropConnection(t, w)
			},
			run: func(ctx context.Context, c *Client) error {
				_, err := c.CreateAgent(ctx, AgentCreate{Name: "n"})
				return err
			},
		},
		{
			name: "waiting for instructions",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, map[string]any{"instructions_status": "generating"})
			},
			ctx: func(t *testing.T) (context.Context, context.CancelFunc) {
				return context.WithTimeout(t.Context(), 30*time.Millisecond)
			},
			run: func(ctx context.Context, c *Client) error { _, err := c.WaitForInstructions(ctx, "a", 1); return err },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := refused
			if tt.handler != nil {
				base = newServer(t, tt.handler).URL
			}
			logs := &captureLogger{}
			c := newTestClient(t, base, func(cfg *Config) {
				cfg.Logger = logs
				cfg.MaxRetries = 2
				if tt.mod != nil {
					tt.mod(cfg)
				}
			})
			ctx, cancel := t.Context(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx(t)
			}
			defer cancel()

			err := tt.run(ctx, c)
			if err == nil {
				t.Fatal("want an error")
			}
			var texts []string
			for e := err; e != nil; e = errors.Unwrap(e) {
				texts = append(texts, e.Error())
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				texts = append(texts, apiErr.Detail, fmt.Sprintf("%#v", apiErr))
			}
			texts = append(texts, fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			entries := logs.all()
			if len(entries) == 0 {
				t.Error("nothing was logged")
			}
			for _, e := range entries {
				texts = append(texts, e.msg, fmt.Sprintf("%v", e.fields))
			}
			for _, s := range texts {
				if strings.Contains(s, testToken) || strings.Contains(s, "S3CRET") {
					t.Errorf("token leaked: %s", s)
				}
			}
		})
	}
}

func TestPrintingConfigOrClientHidesToken(t *testing.T) {
	cfg := Config{Token: testToken, BaseURL: "https://api.anyreach.ai"}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprintf("%v", &cfg),
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
	} {
		if strings.Contains(s, "S3CRET") {
			t.Errorf("token printed: %s", s)
		}
	}
}

// TestTLSVerificationIsNeverDisabled checks that the default transport keeps
// certificate verification on, and that a server whose certificate is not
// trusted is refused at once: the credential is never sent to it, and
// retrying cannot make the certificate trusted.
func TestTLSVerificationIsNeverDisabled(t *testing.T) {
	c, err := New(Config{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := c.httpClient.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("default transport is %T", c.httpClient.Transport)
	}
	if tr.TLSClientConfig != nil && tr.TLSClientConfig.InsecureSkipVerify {
		t.Fatal("the default transport skips TLS verification")
	}
	if cfg := newTransport().TLSClientConfig; cfg != nil && cfg.InsecureSkipVerify {
		t.Fatal("newTransport skips TLS verification")
	}

	var hits, withToken atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.Contains(r.Header.Get("Authorization"), testToken) {
			withToken.Add(1)
		}
		writeJSON(w, 200, map[string]any{"agent_id": "a"})
	}))
	t.Cleanup(srv.Close)
	c = newTestClient(t, srv.URL)
	_, err = c.GetAgent(t.Context(), "a")
	if err == nil {
		t.Fatal("a server with an untrusted certificate was accepted")
	}
	mustContain(t, err.Error(), "certificate")
	if strings.Contains(err.Error(), "attempts") {
		t.Errorf("an untrusted certificate was retried: %v", err)
	}
	if withToken.Load() != 0 || hits.Load() != 0 {
		t.Errorf("the server saw %d requests (%d with the token)", hits.Load(), withToken.Load())
	}
}
