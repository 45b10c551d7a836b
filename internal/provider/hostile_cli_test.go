package provider

// The CLI part of the hostile-server suite: the real terraform binary, with
// TF_LOG=trace, runs the provider against a small stub API per case that
// misbehaves on purpose, and each case pins what the user sees. In every
// case the token and the base_url password must appear in no output, trace
// log or state. It uses only the provider binary and the CLI, so it runs
// unchanged against any build of the provider.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stubAPI is just enough of the agents API for anyreach_agent and
// anyreach_sip_deployment; hook, when set, answers a request itself by
// returning true.
type stubAPI struct {
	mu     sync.Mutex
	agents map[string]map[string]any
	n      int
	hook   func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool
	URL    string
}

func newStubAPI(t *testing.T, hook func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool) *stubAPI {
	s := &stubAPI{agents: map[string]map[string]any{}, hook: hook}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func (s *stubAPI) agentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.agents)
}

// create stores an agent from a POST body and returns it.
func (s *stubAPI) create(r *http.Request) map[string]any {
	return s.createFrom(requestBody(r))
}

func requestBody(r *http.Request) map[string]any {
	var in map[string]any
	_ = json.NewDecoder(r.Body).Decode(&in)
	return in
}

// createFrom stores an agent from a decoded POST body and returns it.
func (s *stubAPI) createFrom(in map[string]any) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	now := time.Now().UTC().Format(time.RFC3339Nano)
	a := map[string]any{"agent_id": fmt.Sprintf("agent-%d", s.n), "name": in["name"], "description": "", "active": true,
		"is_demo": false, "metadata": map[string]any{}, "created_at": now, "updated_at": now, "sip_endpoint": nil}
	for _, k := range []string{"description", "active", "is_demo", "metadata"} {
		if v, ok := in[k]; ok {
			a[k] = v
		}
	}
	s.agents[a["agent_id"].(string)] = a
	return a
}

func (s *stubAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.hook != nil && s.hook(s, w, r) {
		return
	}
	id, _ := strings.CutPrefix(r.URL.Path, "/core/agents/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/core/agents":
		writeStubJSON(w, http.StatusCreated, s.create(r))
	case r.Method == http.MethodGet && r.URL.Path == "/core/agents":
		s.mu.Lock()
		var out []any
		for _, a := range s.agents {
			if name := r.URL.Query().Get("name"); name == "" || a["name"] == name {
				out = append(out, a)
			}
		}
		s.mu.Unlock()
		writeStubJSON(w, http.StatusOK, map[string]any{"data": out, "pagination": map[string]any{"next_cursor": nil}})
	case r.Method == http.MethodGet && id != "":
		s.mu.Lock()
		a, ok := s.agents[id]
		s.mu.Unlock()
		if !ok {
			writeStubJSON(w, http.StatusNotFound, map[string]any{"detail": "Agent not found"})
			return
		}
		writeStubJSON(w, http.StatusOK, a)
	case r.Method == http.MethodDelete && id != "":
		s.mu.Lock()
		delete(s.agents, id)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeStubJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
	}
}

func writeStubJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

const hostileTerraformBlock = `terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

variable "anyreach_token" {
  type      = string
  ephemeral = true
}

variable "anyreach_base_url" {
  type      = string
  ephemeral = true
  default   = null
}
`

// hostileWorkspace is a CLI workspace whose main.tf is the provider block
// plus body, with the token and base_url (when not "") in ephemeral
// variables: Terraform itself quotes the source line of an argument a
// diagnostic points at, so a literal would show the secret it holds.
func hostileWorkspace(t *testing.T, bin, token, base, body string, env ...string) *cliWorkspace {
	t.Helper()
	const provider = "provider \"anyreach\" {\n  base_url = var.anyreach_base_url\n  token    = var.anyreach_token\n}\n\n"
	env = append(env, "TF_VAR_anyreach_token="+token)
	if base != "" {
		env = append(env, "TF_VAR_anyreach_base_url="+base)
	}
	w := newCLIWorkspace(t, bin, "", env)
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(hostileTerraformBlock+provider+body), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// assertNothingLeaked checks every output, trace log and state file of w
// for each secret, and for the start of the token (what a cut through it
// would leave) beyond its public prefix.
func (w *cliWorkspace) assertNothingLeaked(t *testing.T, token string, secrets ...string) {
	t.Helper()
	texts := w.outputs(t)
	if !hasTraceLog(texts) {
		t.Error("no trace logs were written")
	}
	public := strings.Index(token, ".") + 1 // "ak_leakcheck." says nothing
	fragment := token[:public+3]
	for name, text := range texts {
		for _, s := range append([]string{fragment, token[public:]}, secrets...) {
			if i := strings.Index(text, s); i >= 0 {
				t.Errorf("a secret (%q…) appears in %s: …%s…", s[:min(len(s), public+1)], name, text[max(0, i-100):i])
			}
		}
	}
}

// TestCLIHostileAPI runs one stub API per way an API can be hostile or
// broken and checks what Terraform users see.
func TestCLIHostileAPI(t *testing.T) {
	t.Parallel()
	bin := buildProviderBinary(t)
	newToken := func() string { return "ak_leakcheck." + randomHex(t) }
	const agent = `
resource "anyreach_agent" "test" {
  name = "hostile"
}
`

	t.Run("a redirect answering a create is not followed", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		var targetHits atomic.Int32
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			targetHits.Add(1)
			writeStubJSON(w, http.StatusOK, map[string]any{"agent_id": "someone-elses-agent", "name": "hostile", "active": true,
				"is_demo": false, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
		}))
		t.Cleanup(target.Close)
		stub := newStubAPI(t, func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			w.Header().Set("Location", target.URL+"/core/agents/someone-elses-agent?session=hunter2")
			w.WriteHeader(http.StatusTemporaryRedirect)
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, agent)
		out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("apply followed the redirect:\n%s", out)
		}
		flat := strings.Join(strings.Fields(out), " ")
		mustContainText(t, flat, "307 Temporary Redirect")
		mustContainText(t, flat, strings.TrimPrefix(target.URL, "http://"))
		if strings.Contains(out, "hunter2") {
			t.Errorf("the redirect's query string is shown:\n%s", out)
		}
		if n := targetHits.Load(); n != 0 {
			t.Errorf("the redirect target received %d requests", n)
		}
		if state, _ := w.run(t, "state", "list"); strings.Contains(state, "anyreach_agent.test") {
			t.Errorf("the redirected create was saved in state:\n%s", state)
		}
		w.assertNothingLeaked(t, token)
	})

	t.Run("a token across the cut of an error body is masked", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		stub := newStubAPI(t, func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			// The cut falls a few characters into the token's secret part.
			pad := strings.Repeat("x", 200-len("<p>")-(strings.Index(token, ".")+1)-5)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte("<p>" + pad + r.Header.Get("Authorization")[len("Bearer "):] + "</p>"))
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, agent)
		out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("apply succeeded:\n%s", out)
		}
		mustContainText(t, out, "401 Unauthorized")
		w.assertNothingLeaked(t, token)
	})

	t.Run("a password in base_url is never shown", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		for _, tc := range []struct{ base, env string }{
			{"http://user:hunter2pw@api.anyreach.example", ""},
			{"https://user:hunter2pw@api.anyreach.example", ""},
			{"", "ANYREACH_BASE_URL=http://user:hunter2pw@api.anyreach.example"},
		} {
			w := hostileWorkspace(t, bin, token, tc.base, agent, tc.env)
			out, err := w.run(t, "plan", "-input=false", "-no-color")
			if err == nil {
				t.Fatalf("plan accepted base_url with a password:\n%s", out)
			}
			mustContainText(t, out, "Invalid Anyreach base URL")
			w.assertNothingLeaked(t, token, "hunter2pw")
		}
	})

	t.Run("a schema $ref to a local file is refused", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		secret := "file-content-" + randomHex(t)
		file := filepath.Join(t.TempDir(), "voice.json")
		if err := os.WriteFile(file, []byte(`{"const": "`+secret+`"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		stub := newStubAPI(t, func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/core/agent-config-schema" {
				return false
			}
			writeStubJSON(w, http.StatusOK, map[string]any{
				"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
				"properties": map[string]any{"voice": map[string]any{"$ref": "file://" + file}},
			})
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, agent+`
resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode({ type = "static_prompt", voice = { provider = "x" } })
}
`)
		out, _ := w.run(t, "plan", "-input=false", "-no-color")
		flat := strings.Join(strings.Fields(out), " ")
		mustContainText(t, flat, "outside the served document")
		w.assertNothingLeaked(t, token, secret)
	})

	t.Run("absurd JSON and blank names are refused at validate", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		w := hostileWorkspace(t, bin, token, "http://127.0.0.1:1", `
resource "anyreach_agent" "blank" {
  name = "   "
}

resource "anyreach_agent_version" "deep" {
  agent_id = "a1"
  config   = file("deep.json")
}
`)
		deep := `{"type":"static_prompt","tools":[{"name":"t","description":"d","actions":[],"properties":` +
			strings.Repeat(`{"a":`, 9000) + `1` + strings.Repeat(`}`, 9000) + `}]}`
		if err := os.WriteFile(filepath.Join(w.Dir, "deep.json"), []byte(deep), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := w.run(t, "validate", "-no-color")
		if err == nil {
			t.Fatalf("validate accepted a blank name and a config 9,000 levels deep:\n%s", out)
		}
		flat := strings.Join(strings.Fields(out), " ")
		mustContainText(t, flat, "JSON document nested too deeply")
		mustContainText(t, flat, `name must contain a character other than white space, got " "`)
		w.assertNothingLeaked(t, token)
	})

	t.Run("a line break in the token is reported on token", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		stub := newStubAPI(t, nil)
		bad := token[:20] + "\n" + token[20:]
		w := hostileWorkspace(t, bin, bad, stub.URL, agent)
		out, err := w.run(t, "plan", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("plan accepted a token with a line break:\n%s", out)
		}
		mustContainText(t, out, "Invalid Anyreach provider token")
		mustContainText(t, out, "token    = var.anyreach_token") // Terraform quotes the attribute at fault
		w.assertNothingLeaked(t, token, token[20:])
	})

	t.Run("a create answered without a usable body is recovered", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		stub := newStubAPI(t, func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			s.create(r)
			w.WriteHeader(http.StatusCreated) // and no body
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, agent)
		w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
		w.mustRun(t, "plan", "-input=false", "-no-color", "-detailed-exitcode")
		if state := w.mustRun(t, "state", "show", "-no-color", "anyreach_agent.test"); !strings.Contains(state, `"agent-1"`) {
			t.Errorf("state does not hold the recovered agent:\n%s", state)
		}
		if n := stub.agentCount(); n != 1 {
			t.Errorf("%d agents, want 1", n)
		}
		w.assertNothingLeaked(t, token)
	})

	t.Run("a create answered without a body that made nothing says so", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		stub := newStubAPI(t, func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("<html>Created</html>"))
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, agent)
		out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("apply succeeded:\n%s", out)
		}
		mustContainText(t, strings.Join(strings.Fields(out), " "), "found nothing")
		w.assertNothingLeaked(t, token)
	})

	t.Run("answers missing a required field or too large are refused", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		var mode atomic.Value
		mode.Store("")
		stub := newStubAPI(t, func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/core/agents/") {
				return false
			}
			s.mu.Lock()
			a := map[string]any{}
			for k, v := range s.agents[strings.TrimPrefix(r.URL.Path, "/core/agents/")] {
				a[k] = v
			}
			s.mu.Unlock()
			switch mode.Load() {
			case "missing":
				delete(a, "active")
			case "large":
				a["description"] = strings.Repeat("x", 9<<20)
			}
			writeStubJSON(w, http.StatusOK, a)
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, agent)
		w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
		for m, want := range map[string]string{"missing": `the agent object has no "active"`, "large": "exceeds 8 MiB"} {
			mode.Store(m)
			out, err := w.run(t, "plan", "-input=false", "-no-color", "-detailed-exitcode")
			if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%s: plan did not fail with %q (err %v):\n%s", m, want, err, out)
			}
		}
		if fi, err := os.Stat(filepath.Join(w.Dir, "terraform.tfstate")); err != nil || fi.Size() > 64<<10 {
			t.Errorf("state: %v, %d bytes", err, fi.Size())
		}
		w.assertNothingLeaked(t, token)
	})

	t.Run("timeouts bound anyreach_agent and anyreach_sip_deployment", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		stub := newStubAPI(t, func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodPost {
				return false
			}
			if r.URL.Path == "/core/agents" {
				if in := requestBody(r); in["name"] != "slow" {
					writeStubJSON(w, http.StatusCreated, s.createFrom(in))
					return true
				}
			}
			<-r.Context().Done() // never answers
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, `
resource "anyreach_agent" "slow" {
  name = "slow"
  timeouts {
    create = "3s"
  }
}

resource "anyreach_agent" "fast" {
  name = "fast"
}

resource "anyreach_sip_deployment" "fast" {
  agent_id = anyreach_agent.fast.id
  timeouts {
    create = "3s"
  }
}
`)
		// The stub never answers the slow create and request_timeout is an
		// hour, so only the 3s deadlines can end this apply: it ends, and
		// the message says running out of time is what ended it.
		mainTF, err := os.ReadFile(filepath.Join(w.Dir, "main.tf"))
		if err != nil {
			t.Fatal(err)
		}
		withHour := strings.Replace(string(mainTF), "token    = var.anyreach_token\n", "token    = var.anyreach_token\n  request_timeout = \"1h\"\n", 1)
		if withHour == string(mainTF) {
			t.Fatal("the provider block was not found to set request_timeout in")
		}
		w.writeFile(t, "main.tf", withHour)
		out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("apply succeeded:\n%s", out)
		}
		flat := strings.Join(strings.Fields(out), " ")
		mustContainText(t, flat, "Cannot create Anyreach agent")
		mustContainText(t, flat, "Cannot deploy Anyreach agent as SIP")
		mustContainText(t, flat, "The operation ran out of time")
		w.assertNothingLeaked(t, token)
	})
}

// assertNothingWritesToTheTerminal checks every output, trace log and state
// file (and its backup) of w for a character that could rewrite the terminal (an escape, a
// right-to-left override, a bell, a carriage return).
func (w *cliWorkspace) assertNothingWritesToTheTerminal(t *testing.T) {
	t.Helper()
	for name, text := range w.outputs(t) {
		if i := strings.IndexAny(text, "\x1b\u202e\x07\r"); i >= 0 {
			t.Errorf("%s holds %q: …%q…", name, text[i:i+1], text[max(0, i-80):min(len(text), i+40)])
		}
	}
}

// exitCode is the exit status of a failed command, 0 when it succeeded.
func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestCLIHostileAPISecondRound: the second round of the hostile-server
// suite. Each case ends in a clear error, creates nothing, and
// prints nothing that should not be printed: no secret and no character
// that writes to the terminal, in any output, trace log or state.
func TestCLIHostileAPISecondRound(t *testing.T) {
	t.Parallel()
	bin := buildProviderBinary(t)
	newToken := func() string { return "ak_leakcheck." + randomHex(t) }
	const version = `
resource "anyreach_agent" "test" {
  name = "hostile"
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode({ type = "static_prompt", instructions = "hi" })
}
`
	// versionWrites counts requests that would create or change a version.
	versionWrites := func(n *atomic.Int32) func(*stubAPI, http.ResponseWriter, *http.Request) bool {
		return func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/versions") {
				n.Add(1)
				writeStubJSON(w, http.StatusInternalServerError, map[string]any{"detail": "not in this stub"})
				return true
			}
			return false
		}
	}

	t.Run("a schema whose defaults never end fails the plan, and nothing is created", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		var writes atomic.Int32
		stub := newStubAPI(t, func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path == "/core/agent-config-schema" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(recursiveDefaultSchema))
				return true
			}
			return versionWrites(&writes)(s, w, r)
		})
		w := hostileWorkspace(t, bin, token, stub.URL, version)
		for _, cmd := range [][]string{{"plan", "-input=false", "-no-color"}, {"apply", "-auto-approve", "-input=false", "-no-color"}} {
			out, err := w.run(t, cmd...)
			if exitCode(err) != 1 {
				t.Fatalf("terraform %s: %v, want exit 1:\n%s", cmd[0], err, out)
			}
			flat := strings.Join(strings.Fields(out), " ")
			mustContainText(t, flat, "AgentConfig schema refused")
			mustContainText(t, flat, "holds an object of its own type")
			mustContainText(t, flat, "defaults may nest at most 32 levels")
			if strings.Contains(out, "stack overflow") || strings.Contains(out, "plugin crashed") {
				t.Errorf("the provider crashed:\n%s", out)
			}
		}
		if n, v := stub.agentCount(), writes.Load(); n != 0 || v != 0 {
			t.Errorf("%d agents and %d version writes, want none: the plan must fail before anything is created", n, v)
		}
		w.assertNothingLeaked(t, token)
		w.assertNothingWritesToTheTerminal(t)
	})

	t.Run("a credential the API refuses fails the plan, and validate needs none", func(t *testing.T) {
		t.Parallel()
		for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
			token := newToken()
			stub := newStubAPI(t, func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
				writeStubJSON(w, status, map[string]any{"detail": "Invalid or revoked credential"})
				return true
			})
			w := hostileWorkspace(t, bin, token, stub.URL, version)
			out, err := w.run(t, "plan", "-input=false", "-no-color", "-detailed-exitcode")
			if exitCode(err) != 1 {
				t.Fatalf("%d: plan exited %d, want 1 (2 would mean a plan with changes):\n%s", status, exitCode(err), out)
			}
			flat := strings.Join(strings.Fields(out), " ")
			mustContainText(t, flat, "Anyreach API refused the credentials")
			mustContainText(t, flat, fmt.Sprint(status))
			w.assertNothingLeaked(t, token)
		}
		// No credential and no API at all: validate does not need them.
		w := hostileWorkspace(t, bin, "", "http://127.0.0.1:1", version)
		w.mustRun(t, "validate", "-no-color")
	})

	t.Run("a stored number of a million digits fails the read with the limit", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		var hits atomic.Int32
		body := `{"agent_id":"a1","version":1,"version_id":"v1","published":false,"created_at":"2026-01-01T00:00:00Z",` +
			`"updated_at":"2026-01-01T00:00:00Z","config":{"type":"static_prompt","n":` + strings.Repeat("7", 1_000_000) + `}}`
		stub := newStubAPI(t, func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != "/core/agents/a1/versions/1" {
				return false
			}
			hits.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
			return true
		})
		w := hostileWorkspace(t, bin, token, stub.URL, `
data "anyreach_agent_version" "test" {
  agent_id = "a1"
  version  = 1
}
`)
		out, err := w.run(t, "plan", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("plan read a number of a million digits:\n%s", out)
		}
		mustContainText(t, strings.Join(strings.Fields(out), " "), "a number longer than 4300 characters")
		if n := hits.Load(); n != 1 {
			t.Errorf("%d reads, want 1: asking again gets the same answer", n)
		}
		w.assertNothingLeaked(t, token)
	})

	t.Run("server text and a forged agent ID cannot write to the terminal", func(t *testing.T) {
		t.Parallel()
		evil := "bad\r\n\nApply complete! Resources: 1 added, 0 changed, 0 destroyed.\n\x1b[2K\x1b]8;;http://x\x07 \u202egnp.exe"
		for name, answer := range map[string]func(w http.ResponseWriter){
			"a forged agent ID": func(w http.ResponseWriter) {
				writeStubJSON(w, http.StatusCreated, map[string]any{"agent_id": "agent-1" + evil, "name": "hostile", "active": true,
					"is_demo": false, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
			},
			"an error detail": func(w http.ResponseWriter) {
				writeStubJSON(w, http.StatusBadRequest, map[string]any{"detail": evil})
			},
			"field errors": func(w http.ResponseWriter) {
				writeStubJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{map[string]any{"loc": []any{"body", evil}, "msg": evil}}})
			},
		} {
			token := newToken()
			stub := newStubAPI(t, func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodPost {
					return false
				}
				answer(w)
				return true
			})
			w := hostileWorkspace(t, bin, token, stub.URL, `
resource "anyreach_agent" "test" {
  name = "hostile"
}
`)
			out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
			if err == nil {
				t.Fatalf("%s: apply succeeded:\n%s", name, out)
			}
			mustContainText(t, out, "Cannot create Anyreach agent")
			// Terraform wraps a long diagnostic where it likes (in -no-color
			// output a wrapped line has no "│ " before it); what the provider
			// controls is the diagnostic's own text, which -json shows whole:
			// the server's text adds no line of its own.
			out, _ = w.run(t, "apply", "-auto-approve", "-input=false", "-json")
			details := 0
			for _, line := range strings.Split(out, "\n") {
				var msg struct {
					Diagnostic *struct{ Summary, Detail string } `json:"diagnostic"`
				}
				if json.Unmarshal([]byte(line), &msg) != nil || msg.Diagnostic == nil || msg.Diagnostic.Summary != "Cannot create Anyreach agent" {
					continue
				}
				details++
				for _, l := range strings.Split(msg.Diagnostic.Detail, "\n") {
					if strings.Contains(l, "Apply complete!") && !strings.HasPrefix(l, "Creating agent") {
						t.Errorf("%s: the server's text starts a line of the diagnostic: %q", name, l)
					}
				}
			}
			if details == 0 {
				t.Errorf("%s: no diagnostic in the -json output:\n%s", name, out)
			}
			if state, _ := w.run(t, "state", "list"); strings.Contains(state, "anyreach_agent.test") {
				t.Errorf("%s: state holds the agent:\n%s", name, state)
			}
			w.assertNothingLeaked(t, token)
			w.assertNothingWritesToTheTerminal(t)
		}
	})

	t.Run("a token split across a 422's field locations or JSON-escaped is masked", func(t *testing.T) {
		t.Parallel()
		for _, shape := range []string{"split at the dot", "split across entries", "split in the secret", "escaped"} {
			token := newToken()
			stub := newStubAPI(t, func(_ *stubAPI, w http.ResponseWriter, r *http.Request) bool {
				if r.Method != http.MethodPost {
					return false
				}
				got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				public, secret, _ := strings.Cut(got, ".")
				var detail string
				switch shape {
				case "split at the dot":
					detail = `[{"loc":["body","` + public + `","` + secret + `"],"msg":"bad"}]`
				case "split across entries":
					detail = `[{"loc":["body","` + public + `"],"msg":"bad"},{"loc":["` + secret + `"],"msg":"bad"}]`
				case "split in the secret":
					detail = `[{"loc":["` + got[:len(public)+4] + `","` + got[len(public)+4:] + `"],"msg":"bad"}]`
				case "escaped":
					var b strings.Builder
					for _, r := range got {
						fmt.Fprintf(&b, `\u%04x`, r)
					}
					detail = `{"token":"` + b.String() + `"}`
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnprocessableEntity)
				_, _ = w.Write([]byte(`{"detail":` + detail + `}`))
				return true
			})
			w := hostileWorkspace(t, bin, token, stub.URL, `
resource "anyreach_agent" "test" {
  name = "hostile"
}
`)
			out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
			if err == nil {
				t.Fatalf("%s: apply succeeded:\n%s", shape, out)
			}
			mustContainText(t, out, "422")
			w.assertNothingLeaked(t, token)
		}
	})

	t.Run("IDs that are path steps are never sent, and an answer about another agent is refused", func(t *testing.T) {
		t.Parallel()
		token := newToken()
		var mu sync.Mutex
		var paths []string
		stub := newStubAPI(t, func(s *stubAPI, w http.ResponseWriter, r *http.Request) bool {
			mu.Lock()
			paths = append(paths, r.URL.Path)
			mu.Unlock()
			if r.Method == http.MethodGet && r.URL.Path == "/core/agents/a1" {
				writeStubJSON(w, http.StatusOK, map[string]any{"agent_id": "a2", "name": "someone else", "active": true,
					"is_demo": false, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
				return true
			}
			return false
		})
		w := hostileWorkspace(t, bin, token, stub.URL, `
resource "anyreach_agent_version" "dots" {
  agent_id = ".."
  config   = jsonencode({ type = "static_prompt", instructions = "hi" })
}

resource "anyreach_sip_deployment" "dot" {
  agent_id = "."
}
`)
		out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("apply succeeded:\n%s", out)
		}
		flat := strings.Join(strings.Fields(out), " ")
		mustContainText(t, flat, `the agent ID ".." is a path step, not an ID`)
		mustContainText(t, flat, `the agent ID "." is a path step, not an ID`)

		other := hostileWorkspace(t, bin, token, stub.URL, `
data "anyreach_agent" "other" {
  id = "a1"
}
`)
		out, err = other.run(t, "plan", "-input=false", "-no-color")
		if err == nil {
			t.Fatalf("plan took another agent's answer:\n%s", out)
		}
		mustContainText(t, strings.Join(strings.Fields(out), " "), `the answer is about agent "a2"`)
		other.assertNothingLeaked(t, token)
		mu.Lock()
		for _, p := range paths {
			if strings.Contains(p, "/./") || strings.Contains(p, "/../") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") {
				t.Errorf("a path step was sent: %s", p)
			}
		}
		mu.Unlock()
		w.assertNothingLeaked(t, token)
	})
}
