package conformance_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Section 1: transport and credentials.
func TestTransport(t *testing.T) {
	t.Parallel()

	t.Run("[D] the base URL is https://api.anyreach.ai", func(t *testing.T) {
		t.Parallel()
		if client.DefaultBaseURL != "https://api.anyreach.ai" {
			t.Errorf("DefaultBaseURL = %q", client.DefaultBaseURL)
		}
		c, err := client.New(client.Config{Token: "ak_x.y"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.String(), `"https://api.anyreach.ai"`) {
			t.Errorf("a client without BaseURL is %s, want the default base URL", c)
		}
	})

	t.Run("[D] every agent endpoint is under /core and every request carries Authorization: Bearer", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(nil)
		e := newEnv(t, emulator.Options{GenerationDelay: 0}, withTransport(rec))
		ctx := t.Context()
		a := e.agent("Everything")
		e.version(a.ID, mustJSON(map[string]any{"type": "static_prompt", "instructions": "hi", "llm": map[string]any{"model": "gpt-4o"}}))
		steps := []func() error{
			func() error { _, err := e.c.ListAgents(ctx, client.AgentListOptions{}); return err },
			func() error { _, err := e.c.GetAgent(ctx, a.ID); return err },
			func() error {
				_, err := e.c.UpdateAgent(ctx, a.ID, client.AgentUpdate{Description: ptr("d")})
				return err
			},
			func() error { _, err := e.c.ListVersions(ctx, a.ID, client.VersionListOptions{}); return err },
			func() error {
				_, err := e.c.UpdateVersion(ctx, a.ID, 1, client.VersionUpdate{InstructionBuilderInputs: mustJSON(map[string]any{"x": "y"})})
				return err
			},
			func() error { return e.c.GenerateInstructions(ctx, a.ID, 1) },
			func() error { _, err := e.c.WaitForInstructions(ctx, a.ID, 1); return err },
			func() error { _, err := e.c.CompareVersions(ctx, a.ID, 1, 1); return err },
			func() error {
				_, err := e.c.PublishVersion(ctx, a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1}})
				return err
			},
			func() error { _, err := e.c.GetLatestVersion(ctx, a.ID); return err },
			func() error { _, err := e.c.DeployAsSIP(ctx, a.ID); return err },
			func() error { return e.c.UndeploySIP(ctx, a.ID) },
			func() error { _, err := e.c.AgentConfigSchema(ctx); return err },
			func() error { _, err := e.c.ListPhoneNumbers(ctx, client.PhoneNumberListOptions{}); return err },
			func() error { _, err := e.c.GetPhoneNumber(ctx, num1); return err },
			func() error { return e.c.DeleteAgent(ctx, a.ID) },
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		for _, s := range rec.all() {
			if !strings.HasPrefix(s.EscapedPath, "/core/") {
				t.Errorf("%s %s is not under /core", s.Method, s.EscapedPath)
			}
			if got := s.Header.Get("Authorization"); got != "Bearer "+emulator.DefaultToken {
				t.Errorf("%s %s: Authorization = %q", s.Method, s.EscapedPath, got)
			}
			if s.Header.Get("X-Anyreach-Org") != "" {
				t.Errorf("%s %s: an ak_ client sent X-Anyreach-Org", s.Method, s.EscapedPath)
			}
		}
		if len(rec.all()) < len(steps) {
			t.Errorf("recorded %d requests for %d steps", len(rec.all()), len(steps))
		}
	})
}

// Section 1: the two kinds of credential.
func TestAuth(t *testing.T) {
	t.Parallel()
	opts := emulator.Options{Tokens: scopedTokens(), OrgID: orgID}

	t.Run("[D] an ak_ key carries its org and never needs X-Anyreach-Org", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(nil)
		e := newEnv(t, opts)
		c := e.client(tokFull, "", withTransport(rec))
		if _, err := c.ListAgents(t.Context(), client.AgentListOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, s := range rec.all() {
			if h, ok := s.Header["X-Anyreach-Org"]; ok {
				t.Errorf("X-Anyreach-Org sent with an ak_ key: %q", h)
			}
		}
	})

	t.Run("[D] a pat_ with X-Anyreach-Org: <organization_id> is accepted", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(nil)
		e := newEnv(t, opts)
		c := e.client(tokPAT, orgID, withTransport(rec))
		a, err := c.CreateAgent(t.Context(), client.AgentCreate{Name: "via pat"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetAgent(t.Context(), a.ID); err != nil {
			t.Fatal(err)
		}
		for _, s := range rec.all() {
			if got := s.Header.Get("X-Anyreach-Org"); got != orgID {
				t.Errorf("%s %s: X-Anyreach-Org = %q, want %q", s.Method, s.EscapedPath, got, orgID)
			}
			if got := s.Header.Get("Authorization"); got != "Bearer "+tokPAT {
				t.Errorf("Authorization = %q", got)
			}
		}
	})

	t.Run("[D] a pat_ without X-Anyreach-Org is 401 Token is missing organization claim.", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, opts)
		// The client refuses to build such a client at all, blank org included ...
		for _, org := range []string{"", "   "} {
			_, err := client.New(e.config(tokPAT, org))
			if !errors.Is(err, client.ErrOrganizationRequired) {
				t.Errorf("client.New(pat_, org %q) = %v, want ErrOrganizationRequired", org, err)
			}
		}
		// ... so the API's answer is only reachable when the header is lost
		// below the client (a proxy stripping it), simulated by the transport.
		strip := newRecorder(func(r *http.Request) { r.Header.Del("X-Anyreach-Org") })
		c := e.client(tokPAT, orgID, withTransport(strip))
		_, err := c.ListAgents(t.Context(), client.AgentListOptions{})
		ae := apiError(t, err, http.StatusUnauthorized)
		if ae.Detail != "Token is missing organization claim." {
			t.Errorf("detail = %q, want exactly %q", ae.Detail, "Token is missing organization claim.")
		}
		if !client.IsUnauthorized(err) {
			t.Error("IsUnauthorized is false")
		}
		if n := len(strip.all()); n != 1 {
			t.Errorf("a 401 was sent %d times, want once (no retry)", n)
		}
	})

	t.Run("(emulator, not in the contract) a pat_ naming another organization is 403", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, opts)
		c := e.client(tokPAT, "org_someone_else")
		_, err := c.ListAgents(t.Context(), client.AgentListOptions{})
		wantAPIError(t, err, http.StatusForbidden, "org_someone_else")
	})

	t.Run("[D] a bad credential is 401", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, opts)
		for _, tok := range []string{tokUnknown, "pat_unknown"} {
			c := e.client(tok, orgID)
			_, err := c.GetAgent(t.Context(), "whatever")
			wantAPIError(t, err, http.StatusUnauthorized)
			if !client.IsUnauthorized(err) {
				t.Errorf("%s: IsUnauthorized is false", tok)
			}
		}
	})

	t.Run("[D] a missing credential is 401", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, opts)
		if _, err := client.New(e.config("", "")); !errors.Is(err, client.ErrTokenRequired) {
			t.Errorf("client.New without a token = %v, want ErrTokenRequired", err)
		}
		strip := newRecorder(func(r *http.Request) { r.Header.Del("Authorization") })
		c := e.client(tokFull, "", withTransport(strip))
		_, err := c.ListAgents(t.Context(), client.AgentListOptions{})
		wantAPIError(t, err, http.StatusUnauthorized)
	})
}

// scopeOp is one API operation of the scope table.
type scopeOp struct {
	name  string
	scope string // the scope a 403 must name: agents:read, agents:manage or phone_numbers:read
	run   func(ctx context.Context, c *client.Client, f *scopeFixture) error
}

// scopeFixture is an agent with a published version 1 deployed as SIP and a
// draft version 2 with instruction builder inputs.
type scopeFixture struct{ agentID string }

func newScopeFixture(t *testing.T, e *env) *scopeFixture {
	t.Helper()
	a := e.agent("Scoped")
	e.version(a.ID, config("v1"))
	e.publish(a.ID, 1, client.PublishRequest{})
	if _, err := e.c.DeployAsSIP(t.Context(), a.ID); err != nil {
		t.Fatal(err)
	}
	e.versionWith(a.ID, client.VersionCreate{Config: config("v2"), InstructionBuilderInputs: mustJSON(map[string]any{"industry": "dental"})})
	return &scopeFixture{agentID: a.ID}
}

var scopeOps = []scopeOp{
	{"ListAgents", "agents:read", func(ctx context.Context, c *client.Client, _ *scopeFixture) error {
		_, err := c.ListAgents(ctx, client.AgentListOptions{})
		return err
	}},
	{"GetAgent", "agents:read", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.GetAgent(ctx, f.agentID)
		return err
	}},
	{"ListVersions", "agents:read", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.ListVersions(ctx, f.agentID, client.VersionListOptions{})
		return err
	}},
	{"GetVersion", "agents:read", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.GetVersion(ctx, f.agentID, 1)
		return err
	}},
	{"GetLatestVersion", "agents:read", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.GetLatestVersion(ctx, f.agentID)
		return err
	}},
	{"CompareVersions", "agents:read", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.CompareVersions(ctx, f.agentID, 1, 2)
		return err
	}},
	{"AgentConfigSchema", "agents:read", func(ctx context.Context, c *client.Client, _ *scopeFixture) error {
		_, err := c.AgentConfigSchema(ctx)
		return err
	}},
	{"CreateAgent", "agents:manage", func(ctx context.Context, c *client.Client, _ *scopeFixture) error {
		_, err := c.CreateAgent(ctx, client.AgentCreate{Name: "new"})
		return err
	}},
	{"UpdateAgent", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.UpdateAgent(ctx, f.agentID, client.AgentUpdate{Name: ptr("renamed")})
		return err
	}},
	{"DeleteAgent", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		return c.DeleteAgent(ctx, f.agentID)
	}},
	{"CreateVersion", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.CreateVersion(ctx, f.agentID, client.VersionCreate{BaseVersion: ptr(1)})
		return err
	}},
	{"UpdateVersion", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.UpdateVersion(ctx, f.agentID, 2, client.VersionUpdate{Config: config("v2 edited")})
		return err
	}},
	{"GenerateInstructions", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		return c.GenerateInstructions(ctx, f.agentID, 2)
	}},
	{"PublishVersion", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.PublishVersion(ctx, f.agentID, 2, client.PublishRequest{PhoneNumbers: []string{num1}})
		return err
	}},
	{"DeployAsSIP", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		_, err := c.DeployAsSIP(ctx, f.agentID)
		return err
	}},
	{"UndeploySIP", "agents:manage", func(ctx context.Context, c *client.Client, f *scopeFixture) error {
		return c.UndeploySIP(ctx, f.agentID)
	}},
	{"ListPhoneNumbers", "phone_numbers:read", func(ctx context.Context, c *client.Client, _ *scopeFixture) error {
		_, err := c.ListPhoneNumbers(ctx, client.PhoneNumberListOptions{})
		return err
	}},
	{"GetPhoneNumber", "phone_numbers:read", func(ctx context.Context, c *client.Client, _ *scopeFixture) error {
		_, err := c.GetPhoneNumber(ctx, num1)
		return err
	}},
}

// Section 1: scopes. Every operation is tried with every scoped token; each
// case starts from a fresh emulator so allowed writes cannot disturb others.
func TestScopes(t *testing.T) {
	t.Parallel()
	tokens := []struct {
		name   string
		token  string
		scopes map[string]bool // the scopes the token grants, closed under manage ⊇ read
	}{
		{"agents:read+phone_numbers:read", tokRead, map[string]bool{"agents:read": true, "phone_numbers:read": true}},
		{"agents:manage", tokManage, map[string]bool{"agents:read": true, "agents:manage": true}},
		{"phone_numbers:manage", tokPhones, map[string]bool{"phone_numbers:read": true}},
	}
	rules := map[string]string{
		"agents:read":        "[D] reads need agents:read or agents:manage",
		"agents:manage":      "[D] every create, update, delete, publish and deploy needs agents:manage",
		"phone_numbers:read": "[D] phone numbers need phone_numbers:read or phone_numbers:manage",
	}
	for _, tok := range tokens {
		for _, op := range scopeOps {
			allowed := tok.scopes[op.scope]
			verdict := "403"
			if allowed {
				verdict = "allowed"
			}
			t.Run(rules[op.scope]+": "+op.name+" with "+tok.name+" is "+verdict, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, emulator.Options{Tokens: scopedTokens(), OrgID: orgID})
				f := newScopeFixture(t, e)
				e.emu.ResetRequests()
				err := op.run(t.Context(), e.client(tok.token, ""), f)
				if allowed {
					if err != nil {
						t.Fatalf("%s with %s: %v", op.name, tok.name, err)
					}
					return
				}
				wantAPIError(t, err, http.StatusForbidden, op.scope)
				if !client.IsForbidden(err) {
					t.Error("IsForbidden is false")
				}
				if n := len(e.emu.RequestLog()); n != 1 {
					t.Errorf("%d requests for a 403, want 1 (a missing scope is not retried)", n)
				}
			})
		}
	}
}
