package client

// The hostile-server suite: each test puts a small stub API in front of the
// client that misbehaves the way an attacker or a broken proxy would, and
// pins what the client does about it. The README's security table points
// here. Every test also checks that the token never shows up in an error or
// a log line.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// assertNoSecret fails when text holds the token, its secret part, or a
// start of the token long enough to say something about it (what a cut
// through the token leaves behind).
func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	if strings.Contains(text, "S3C") {
		t.Errorf("%s shows the token's secret: %s", where, text)
	}
	for k := len("ak_leakc"); k <= len(testToken); k++ {
		if strings.Contains(text, testToken[:k]) {
			t.Errorf("%s shows %q, the start of the token: %s", where, testToken[:k], text)
			return
		}
	}
}

// assertCleanLogs checks every captured log line for the token.
func assertCleanLogs(t *testing.T, logs *captureLogger) {
	t.Helper()
	for _, e := range logs.all() {
		assertNoSecret(t, "a log line", e.msg+" "+fmt.Sprint(e.fields))
	}
}

// TestHostileRedirectIsNeverFollowed: a redirect to another port of the
// same host (where Go's default policy keeps Authorization) is reported as
// an error naming the status and the target without its query, and the
// target never sees a request, with or without the credential. A 302 or 303
// answering a create is not turned into a GET whose answer is taken for the
// created agent.
func TestHostileRedirectIsNeverFollowed(t *testing.T) {
	t.Parallel()
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(fmt.Sprintf("%d %s", status, method), func(t *testing.T) {
				t.Parallel()
				var targetHits, sourceHits atomic.Int32
				target := newServer(t, func(w http.ResponseWriter, r *http.Request) {
					targetHits.Add(1)
					writeJSON(w, 200, fullAgent(map[string]any{"agent_id": "someone-elses-agent"}))
				})
				targetURL, _ := url.Parse(target.URL)
				source := newServer(t, func(w http.ResponseWriter, r *http.Request) {
					sourceHits.Add(1)
					w.Header().Set("Location", target.URL+"/core/agents/x?session=hunter2#frag")
					w.WriteHeader(status)
				})
				logs := &captureLogger{}
				c := newTestClient(t, source.URL, func(cfg *Config) { cfg.Logger = logs })

				var err error
				var got *Agent
				if method == http.MethodGet {
					got, err = c.GetAgent(t.Context(), "a")
				} else {
					got, err = c.CreateAgent(t.Context(), AgentCreate{Name: "n"})
				}
				if err == nil {
					t.Fatalf("the redirect was followed: got %+v", got)
				}
				var re *RedirectError
				if !errors.As(err, &re) || re.StatusCode != status {
					t.Fatalf("err = %v (%T), want a *RedirectError with status %d", err, err, status)
				}
				msg := err.Error()
				mustContain(t, msg, fmt.Sprint(status))
				mustContain(t, msg, "http://"+targetURL.Host+"/core/agents/x")
				for _, hidden := range []string{"hunter2", "session", "frag", "?"} {
					if strings.Contains(msg, hidden) {
						t.Errorf("the error shows the target's query or fragment (%q): %s", hidden, msg)
					}
				}
				if n := targetHits.Load(); n != 0 {
					t.Errorf("the redirect target received %d requests", n)
				}
				if n := sourceHits.Load(); n != 1 {
					t.Errorf("the redirecting server received %d requests, want 1 (a redirect is not retried)", n)
				}
				assertNoSecret(t, "the error", msg)
				assertCleanLogs(t, logs)
			})
		}
	}
}

// TestHostileTokenStraddlingTheCut: an error body is shortened for display;
// the token is masked before the cut, so a token across the cut is not
// printed minus its last characters, and a body the server itself cut in
// the middle of the token does not show the start of it either.
func TestHostileTokenStraddlingTheCut(t *testing.T) {
	t.Parallel()
	pad := strings.Repeat("x", 160) // the token starts some 30 bytes before the cut at 200
	for _, tc := range []struct {
		name, contentType, body string
	}{
		{"non-JSON body", "text/html", "<p>" + pad + "Bearer " + testToken + " rejected</p>"},
		{"JSON without detail", "application/json", `{"error":"` + pad + testToken + `"}`},
		{"detail cut short by the server", "application/json", `{"detail":"bad credential ` + testToken[:len(testToken)-6] + `"}`},
		{"body cut short by the server", "text/plain", "bad credential " + testToken[:len(testToken)-3]},
		{"field errors", "application/json", `{"detail":[{"loc":["body","` + pad + `"],"msg":"` + testToken + `"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(tc.body))
			})
			logs := &captureLogger{}
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = logs })
			_, err := c.GetAgent(t.Context(), "a")
			if StatusCode(err) != http.StatusUnauthorized {
				t.Fatalf("err = %v, want a 401", err)
			}
			var apiErr *APIError
			errors.As(err, &apiErr)
			assertNoSecret(t, "the error", err.Error())
			assertNoSecret(t, "Detail", apiErr.Detail)
			assertNoSecret(t, "%#v", fmt.Sprintf("%#v", apiErr))
			assertCleanLogs(t, logs)
		})
	}
}

// TestRedactMasksBeforeCutting pins the one masking function on its own.
func TestRedactMasksBeforeCutting(t *testing.T) {
	t.Parallel()
	secrets := []string{testToken, "pa55word"}
	for _, tc := range []struct {
		text  string
		limit int
		want  string
	}{
		{"a " + testToken + " b", noLimit, "a [REDACTED] b"},
		{strings.Repeat("x", 10) + testToken, 20, strings.Repeat("x", 10) + "[REDACTED]"},
		{strings.Repeat("x", 15) + testToken, 20, strings.Repeat("x", 15) + "[REDA…"},
		{"token " + testToken[:12], noLimit, "token [REDACTED]"},
		{"user:pa55word@host", noLimit, "user:[REDACTED]@host"},
		{"ends in pa55", noLimit, "ends in [REDACTED]"},
		{"ends in ak_", noLimit, "ends in ak_"}, // too short to say anything
		{"é" + strings.Repeat("x", 3), 1, "…"},
	} {
		if got := redact(tc.text, tc.limit, secrets); got != tc.want {
			t.Errorf("redact(%q, %d) = %q, want %q", tc.text, tc.limit, got, tc.want)
		}
	}
}

// TestHostileBaseURLPasswordNeverShown: a password written into the base
// URL is refused without being printed, and printing the Config does not
// show it either.
func TestHostileBaseURLPasswordNeverShown(t *testing.T) {
	t.Parallel()
	for _, base := range []string{
		"https://user:hunter2@api.anyreach.ai",
		"http://user:hunter2@api.anyreach.ai",
		"ftp://user:hunter2@api.anyreach.ai",
		"https://user:hunter2@api.anyreach.ai/?q=1",
		"https://user:hunter2@api any reach:x/",
	} {
		cfg := Config{Token: testToken, BaseURL: base}
		_, err := New(cfg)
		if err == nil {
			t.Fatalf("New accepted %s", RedactURL(base))
		}
		var cfgErr *ConfigError
		if !errors.As(err, &cfgErr) || cfgErr.Field != "BaseURL" {
			t.Errorf("New(%s) = %v, want a ConfigError on BaseURL", RedactURL(base), err)
		}
		for _, s := range []string{err.Error(), fmt.Sprint(cfg), fmt.Sprintf("%#v", cfg), RedactURL(base)} {
			if strings.Contains(s, "hunter2") {
				t.Errorf("the base URL's password is shown: %s", s)
			}
			assertNoSecret(t, "the text", s)
		}
	}
}

// TestHostileTokenFormatErrorNamesTheToken: a token with a line break inside
// is refused as a ConfigError on Token, without being shown.
func TestHostileTokenFormatErrorNamesTheToken(t *testing.T) {
	t.Parallel()
	for _, token := range []string{"ak_leakcheck.S3C\nRET", "ak_leakcheck.S3CRET\r\nX-Evil: 1", "ak_leakcheck.S3C\x00RET"} {
		_, err := New(Config{Token: token})
		var cfgErr *ConfigError
		if !errors.As(err, &cfgErr) || cfgErr.Field != "Token" {
			t.Fatalf("New = %v, want a ConfigError on Token", err)
		}
		if CheckToken(token) == nil {
			t.Errorf("CheckToken accepted %q", token)
		}
		assertNoSecret(t, "the error", err.Error())
	}
	if err := CheckToken(" " + testToken + "\n"); err != nil {
		t.Errorf("surrounding white space is trimmed, yet CheckToken refused it: %v", err)
	}
}

// TestHostileCreateWithoutUsableBody: a create answered 201 with an empty,
// non-JSON or incomplete body is treated like a lost response. When the
// server did create the object, recovery finds it and no second one is
// made; when it did not, the error says that recovery found nothing.
func TestHostileCreateWithoutUsableBody(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"empty":      "",
		"not JSON":   "<html>Created</html>",
		"no ID":      `{"name":"n","active":true}`,
		"null":       "null",
		"wrong type": `["agent"]`,
	}
	for name, body := range bodies {
		t.Run("agent, "+name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			api.applyThenBody = []string{body}
			c := newTestClient(t, newServer(t, api.ServeHTTP).URL)
			a, err := c.CreateAgent(t.Context(), AgentCreate{Name: "n"})
			if err != nil {
				t.Fatalf("CreateAgent: %v", err)
			}
			if a.ID != "agent-1" || api.agentCount() != 1 || api.count("POST /core/agents") != 1 {
				t.Errorf("got %q; %d agents after %d creates, want agent-1 made once", a.ID, api.agentCount(), api.count("POST /core/agents"))
			}
		})
		t.Run("agent, "+name+", nothing created", func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			api.bodyWithout = []string{body}
			c := newTestClient(t, newServer(t, api.ServeHTTP).URL)
			a, err := c.CreateAgent(t.Context(), AgentCreate{Name: "n"})
			if err == nil {
				t.Fatalf("CreateAgent = %+v, want an error", a)
			}
			if !errors.Is(err, ErrMalformedResponse) {
				t.Errorf("err = %v, want ErrMalformedResponse", err)
			}
			mustContain(t, err.Error(), "found nothing")
			if n := api.count("POST /core/agents"); n != 1 {
				t.Errorf("%d creates sent after a success answer, want 1", n)
			}
		})
		t.Run("version, "+name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			api.applyThenBody = []string{body}
			c := newTestClient(t, newServer(t, api.ServeHTTP).URL)
			v, err := c.CreateVersion(t.Context(), "a1", VersionCreate{Config: json.RawMessage(`{"type":"static_prompt"}`)})
			if err != nil {
				t.Fatalf("CreateVersion: %v", err)
			}
			if v.Version != 1 || api.versionCount("a1") != 1 {
				t.Errorf("got version %d; %d versions, want version 1 made once", v.Version, api.versionCount("a1"))
			}
		})
		t.Run("version, "+name+", nothing created", func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t)
			api.bodyWithout = []string{body}
			c := newTestClient(t, newServer(t, api.ServeHTTP).URL)
			_, err := c.CreateVersion(t.Context(), "a1", VersionCreate{Config: json.RawMessage(`{"type":"static_prompt"}`)})
			if err == nil || !strings.Contains(err.Error(), "found nothing") {
				t.Fatalf("err = %v, want one saying recovery found nothing", err)
			}
			if n := api.versionCount("a1"); n != 0 {
				t.Errorf("%d versions made", n)
			}
		})
	}
}

// TestHostileMissingRequiredFields: an answer that lacks a field the API
// always sends is malformed; reading it as a zero value would store
// active = false or an empty created_at as if the API had said so.
func TestHostileMissingRequiredFields(t *testing.T) {
	t.Parallel()
	agent := func(drop string, null bool) map[string]any {
		a := fullAgent(map[string]any{"agent_id": "a1"})
		if null {
			a[drop] = nil
		} else {
			delete(a, drop)
		}
		return a
	}
	version := func(drop string) map[string]any {
		v := fullVersion(map[string]any{"version": 1})
		delete(v, drop)
		return v
	}
	type tc struct {
		name string
		body any
		run  func(context.Context, *Client) error
		want string
	}
	var cases []tc
	for _, f := range []string{"name", "active", "is_demo", "created_at", "updated_at", "agent_id"} {
		cases = append(cases, tc{"agent without " + f, agent(f, false),
			func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a1"); return err }, `"` + f + `"`})
	}
	cases = append(cases,
		tc{"empty answer to a read", nil,
			func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a1"); return err }, "no body"},
		tc{"agent with null active", agent("active", true),
			func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a1"); return err }, `"active"`},
		tc{"agent in a list without created_at", map[string]any{"data": []any{fullAgent(map[string]any{"agent_id": "a0"}), agent("created_at", false)}},
			func(ctx context.Context, c *Client) error {
				_, err := c.ListAgents(ctx, AgentListOptions{})
				return err
			}, `"created_at"`},
		tc{"phone number without phone_number", map[string]any{"trunk_id": "t1", "outbound_shareable": true},
			func(ctx context.Context, c *Client) error {
				_, err := c.GetPhoneNumber(ctx, "+15551234567")
				return err
			}, `"phone_number"`},
		tc{"SIP endpoint without status", fullAgent(map[string]any{"agent_id": "a1", "sip_endpoint": map[string]any{"uri": "sip:a1@x"}}),
			func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a1"); return err }, `"status"`},
	)
	for _, f := range []string{"version", "version_id", "published", "config", "created_at", "updated_at"} {
		cases = append(cases, tc{"version without " + f, version(f),
			func(ctx context.Context, c *Client) error { _, err := c.GetVersion(ctx, "a1", 1); return err }, `"` + f + `"`})
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) })
			err := tt.run(t.Context(), newTestClient(t, srv.URL))
			if !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v, want ErrMalformedResponse", err)
			}
			mustContain(t, err.Error(), tt.want)
		})
	}
}

// TestHostileOversizedAnswer: one answer over maxResponseBytes is refused
// with an error that says so, at once (asking again gets the same answer).
// The body is built once, before the server starts, and the attempt's
// timeout is far beyond any machine's load: on a busy machine the 5 s of
// newTestClient could run out while the handler encoded 8 MiB, and the
// timeout (rightly) retried, which made this test count 2 requests.
func TestHostileOversizedAnswer(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	body, err := json.Marshal(fullAgent(map[string]any{"agent_id": "a1", "description": strings.Repeat("x", maxResponseBytes)}))
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	_, err = newTestClient(t, srv.URL, patientClient).GetAgent(t.Context(), "a1")
	if !errors.Is(err, errResponseTooLarge) {
		t.Fatalf("err = %v, want a too-large error", err)
	}
	mustContain(t, err.Error(), "8 MiB")
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// patientClient gives each attempt a timeout no load reaches, for tests
// that count attempts: a timeout is retried, rightly.
func patientClient(cfg *Config) { cfg.RequestTimeout = 10 * time.Minute }

// TestHostileEndlessList: a list of more than 1000 pages, or whose pages add
// up to more than 64 MiB, stops with an error after a bounded number
// of requests.
func TestHostileEndlessList(t *testing.T) {
	t.Parallel()
	t.Run("pages", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			// Ends after half again as many pages as the client accepts (1000).
			n := hits.Add(1)
			var next any
			if n < 1500 {
				next = fmt.Sprint("c", n)
			}
			writeJSON(w, 200, map[string]any{"data": []any{}, "pagination": map[string]any{"next_cursor": next}})
		})
		_, err := newTestClient(t, srv.URL).ListAgents(t.Context(), AgentListOptions{})
		if err == nil {
			t.Fatalf("a list of %d pages succeeded", hits.Load())
		}
		mustContain(t, err.Error(), "more than 1000 pages") // the documented bound
		if n := hits.Load(); n != 1000 {
			t.Errorf("%d requests, want 1000", n)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		// About 4 MiB a page, most of it in a field the client skips; the
		// list ends at 128 MiB, twice what the client accepts.
		padding := strings.Repeat("x", 4<<20)
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			n := hits.Add(1)
			next := "null"
			if n < 32 {
				next = fmt.Sprintf(`"c%d"`, n)
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"data":[],"padding":"%s","pagination":{"next_cursor":%s}}`, padding, next)
		})
		_, err := newTestClient(t, srv.URL).ListAgents(t.Context(), AgentListOptions{})
		if err == nil {
			t.Fatalf("a list of %d MiB succeeded", 4*hits.Load())
		}
		mustContain(t, err.Error(), "exceeds 64 MiB")
		if n := hits.Load(); n > 20 {
			t.Errorf("%d requests of 4 MiB each, want the list stopped at 64 MiB", n)
		}
	})
}

// assertPrintable fails when text holds a character that could write to a
// terminal on its own: a line break, an escape, any other control or
// formatting character.
func assertPrintable(t *testing.T, where, text string) {
	t.Helper()
	for _, r := range text {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u2028' {
			t.Errorf("%s holds %U: %q", where, r, text)
			return
		}
	}
}

// TestHostileLongNumber: a stored config holding a number of a million
// digits once made every refresh take minutes (each comparison by value
// parses it). An answer with a number longer than maxNumberLength is
// refused before anything decodes it, with an error naming the limit and
// without asking again; a number of exactly maxNumberLength characters is
// taken.
func TestHostileLongNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		digits int
		ok     bool
	}{{"at the limit", maxNumberLength, true}, {"a million digits", 1_000_000, false}, {"one past the limit", maxNumberLength + 1, false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			body := fmt.Sprintf(`{"agent_id":"a1","version":1,"version_id":"v","published":false,"created_at":"t","updated_at":"t",`+
				`"config":{"type":"static_prompt","note":"%s","n":%s}}`, strings.Repeat("9", 2*maxNumberLength), strings.Repeat("7", tc.digits))
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			})
			v, err := newTestClient(t, srv.URL, patientClient).GetVersion(t.Context(), "a1", 1)
			if tc.ok {
				if err != nil || len(v.Config) < tc.digits {
					t.Fatalf("GetVersion = %v, want the version", err)
				}
				return
			}
			if !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v, want ErrMalformedResponse", err)
			}
			mustContain(t, err.Error(), "a number longer than 4300 characters")
			if n := hits.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

// TestHostileIDs: IDs that are path steps ("." and ".."), empty, or hold
// control characters are refused before any request; an agent ID the API
// answers with is checked the same way (a hostile one once forged an
// "Apply complete!" line), and an answer about another object than the one
// asked for is refused.
func TestHostileIDs(t *testing.T) {
	t.Parallel()
	t.Run("refused before a request", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
		c := newTestClient(t, srv.URL)
		ctx := t.Context()
		for _, id := range []string{".", "..", "", "a\nb", "a\x1b[2Jb", "a\u202eb", strings.Repeat("a", maxIDLength+1), "\xff"} {
			for name, call := range map[string]func() error{
				"GetAgent":      func() error { _, err := c.GetAgent(ctx, id); return err },
				"DeleteAgent":   func() error { return c.DeleteAgent(ctx, id) },
				"CreateVersion": func() error { _, err := c.CreateVersion(ctx, id, VersionCreate{BaseVersion: new(int)}); return err },
				"GetVersion":    func() error { _, err := c.GetVersion(ctx, id, 1); return err },
				"Publish":       func() error { _, err := c.PublishVersion(ctx, id, 1, PublishRequest{}); return err },
				"DeployAsSIP":   func() error { _, err := c.DeployAsSIP(ctx, id); return err },
				"GetPhone":      func() error { _, err := c.GetPhoneNumber(ctx, id); return err },
			} {
				err := call()
				if !errors.Is(err, ErrInvalidID) {
					t.Errorf("%s(%q) = %v, want ErrInvalidID", name, id, err)
					continue
				}
				assertPrintable(t, "the error", err.Error())
			}
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("answered", func(t *testing.T) {
		t.Parallel()
		forged := "agent-1\n\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.\x1b[2K"
		for _, tc := range []struct {
			name string
			body any
			run  func(context.Context, *Client) error
			want error
		}{
			{"a forged agent ID on create", fullAgent(map[string]any{"agent_id": forged}),
				func(ctx context.Context, c *Client) error {
					_, err := c.CreateAgent(ctx, AgentCreate{Name: "n"})
					return err
				}, ErrMalformedResponse},
			{"an agent ID that is a path step", fullAgent(map[string]any{"agent_id": ".."}),
				func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a1"); return err }, ErrInvalidID},
			{"another agent", fullAgent(map[string]any{"agent_id": "a2"}),
				func(ctx context.Context, c *Client) error { _, err := c.GetAgent(ctx, "a1"); return err }, ErrWrongObject},
			{"another agent on update", fullAgent(map[string]any{"agent_id": "a2"}),
				func(ctx context.Context, c *Client) error {
					_, err := c.UpdateAgent(ctx, "a1", AgentUpdate{})
					return err
				}, ErrWrongObject},
			{"a version of another agent", fullVersion(map[string]any{"agent_id": "a2", "version": 1}),
				func(ctx context.Context, c *Client) error { _, err := c.GetVersion(ctx, "a1", 1); return err }, ErrWrongObject},
			{"another version", fullVersion(map[string]any{"agent_id": "a1", "version": 2}),
				func(ctx context.Context, c *Client) error { _, err := c.GetVersion(ctx, "a1", 1); return err }, ErrWrongObject},
			{"another version on update", fullVersion(map[string]any{"version": 2}),
				func(ctx context.Context, c *Client) error {
					_, err := c.UpdateVersion(ctx, "a1", 1, VersionUpdate{Config: json.RawMessage(`{}`)})
					return err
				}, ErrWrongObject},
			{"a forged version ID", fullVersion(map[string]any{"version": 1, "version_id": "v\r\nX"}),
				func(ctx context.Context, c *Client) error { _, err := c.GetVersion(ctx, "a1", 1); return err }, ErrMalformedResponse},
			{"a list holding another agent's version", map[string]any{"data": []any{fullVersion(map[string]any{"agent_id": "a2", "version": 1})}},
				func(ctx context.Context, c *Client) error {
					_, err := c.ListVersions(ctx, "a1", VersionListOptions{})
					return err
				}, ErrWrongObject},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tc.body) })
				err := tc.run(t.Context(), newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = -1 }))
				if !errors.Is(err, tc.want) || !errors.Is(err, ErrMalformedResponse) {
					t.Fatalf("err = %v, want %v (a malformed answer)", err, tc.want)
				}
				// The ID may be quoted, escaped: it cannot start a line.
				assertPrintable(t, "the error", err.Error())
			})
		}
	})
}

// TestHostileServerTextIsPrintable: text the server chooses (an error's
// detail, a field error, a generation error) reaches an error with its
// line breaks, escape sequences and other control characters defused.
func TestHostileServerTextIsPrintable(t *testing.T) {
	t.Parallel()
	evil := "bad\r\n\nApply complete! Resources: 1 added.\x1b[31m\x1b]8;;http://x\x07 \u202egnp.exe\u2028\x00"
	for _, tc := range []struct {
		name string
		body any
	}{
		{"detail", map[string]any{"detail": evil}},
		{"field errors", map[string]any{"detail": []any{map[string]any{"loc": []any{"body", evil}, "msg": evil, "type": evil}}}},
		{"no detail", map[string]any{"error": evil}},
		{"detail object", map[string]any{"detail": map[string]any{"why": evil}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &captureLogger{}
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 422, tc.body) })
			_, err := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = logs }).GetAgent(t.Context(), "a1")
			if StatusCode(err) != 422 {
				t.Fatalf("err = %v, want a 422", err)
			}
			assertPrintable(t, "the error", err.Error())
			for _, e := range logs.all() {
				assertPrintable(t, "a log line", e.msg+" "+fmt.Sprint(e.fields))
			}
		})
	}
	t.Run("plain text", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(evil))
		})
		_, err := newTestClient(t, srv.URL).GetAgent(t.Context(), "a1")
		assertPrintable(t, "the error", err.Error())
	})
	t.Run("a generation error", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, fullVersion(map[string]any{"version": 1, "instructions_status": "failed", "instructions_error": evil}))
		})
		v, err := newTestClient(t, srv.URL).GetVersion(t.Context(), "a1", 1)
		if err != nil || v.InstructionsError == nil {
			t.Fatalf("GetVersion = %+v, %v", v, err)
		}
		assertPrintable(t, "instructions_error", *v.InstructionsError)
	})
}

// TestHostileTokenSplitOrEscaped: a server that echoes the token split at
// its "." or inside its secret across a 422's field locations, or written
// with JSON escapes, shows none of its secret part.
func TestHostileTokenSplitOrEscaped(t *testing.T) {
	t.Parallel()
	public, secret, _ := strings.Cut(testToken, ".")
	var escaped strings.Builder
	for _, r := range testToken {
		fmt.Fprintf(&escaped, `\u%04x`, r)
	}
	for _, tc := range []struct{ name, body string }{
		{"split at the dot", `{"detail":[{"loc":["body","` + public + `","` + secret + `"],"msg":"m"}]}`},
		{"split at the dot across entries", `{"detail":[{"loc":["body","` + public + `"],"msg":"m"},{"loc":["` + secret + `"],"msg":"m"}]}`},
		{"split in the secret", `{"detail":[{"loc":["` + testToken[:16] + `","` + testToken[16:] + `"],"msg":"m"}]}`},
		{"split by a control character", `{"detail":"` + testToken[:20] + `\u001b` + testToken[20:] + `"}`},
		{"escaped without detail", `{"error":"` + escaped.String() + `"}`},
		{"escaped in a detail object", `{"detail":{"token":"` + escaped.String() + `"}}`},
		{"escaped in field errors", `{"detail":[{"loc":["body",{"t":"` + escaped.String() + `"}],"msg":"m"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &captureLogger{}
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnprocessableEntity)
				_, _ = w.Write([]byte(tc.body))
			})
			_, err := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = logs }).GetAgent(t.Context(), "a1")
			if StatusCode(err) != 422 {
				t.Fatalf("err = %v, want a 422", err)
			}
			var apiErr *APIError
			errors.As(err, &apiErr)
			assertNoSecret(t, "the error", err.Error())
			assertNoSecret(t, "%#v", fmt.Sprintf("%#v", apiErr))
			assertNoSecret(t, "the field errors", fmt.Sprint(apiErr.Fields))
			assertCleanLogs(t, logs)
		})
	}
}

// TestHostileSlotAndSummaryIDs: version IDs an agent's phone-number slots
// and version summaries hold are printed in plan warnings; they are checked
// like any ID the API answers with.
func TestHostileSlotAndSummaryIDs(t *testing.T) {
	t.Parallel()
	forged := "v1\nApply complete!"
	for name, agent := range map[string]map[string]any{
		"slot":    fullAgent(map[string]any{"agent_id": "a1", "phone_numbers": []any{map[string]any{"phone_number": "+15550100001", "inbound_agent_version_id": forged}}}),
		"summary": fullAgent(map[string]any{"agent_id": "a1", "versions": []any{map[string]any{"version": 1, "version_id": forged, "published": true}}}),
	} {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, agent) })
		_, err := newTestClient(t, srv.URL).GetAgent(t.Context(), "a1")
		if !errors.Is(err, ErrInvalidID) || !errors.Is(err, ErrMalformedResponse) {
			t.Errorf("%s: err = %v, want a malformed answer with an invalid ID", name, err)
		}
	}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"phone_number": "+15550100001", "outbound_agent_version_id": forged})
	})
	if _, err := newTestClient(t, srv.URL).GetPhoneNumber(t.Context(), "+15550100001"); !errors.Is(err, ErrInvalidID) {
		t.Errorf("directory entry: err = %v, want an invalid ID", err)
	}
}
