package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

const secretToken = "ak_exporttest.Secret-7f3c9e1b2d4a" //nolint:gosec // a test credential of the in-process emulator

// newEmulator serves an emulator that accepts secretToken, seeded with
// agents through the client.
func newEmulator(t *testing.T) string {
	t.Helper()
	e, err := emulator.New(emulator.Options{Tokens: map[string][]string{secretToken: nil}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, Token: secretToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, a := range []struct {
		name, team string
		level      any
	}{{"Alpha", "red", "3"}, {"Beta", "blue", 3}, {"Alpha", "blue", 4}} {
		agent, err := c.CreateAgent(ctx, client.AgentCreate{Name: a.name, Metadata: map[string]any{"team": a.team, "level": a.level}})
		if err != nil {
			t.Fatal(err)
		}
		cfg := json.RawMessage(`{"type":"static_prompt","instructions":"Answer for ` + a.name + ` & co.","llm":{"model":"gpt-4o"}}`)
		if _, err := c.CreateVersion(ctx, agent.ID, client.VersionCreate{Config: cfg}); err != nil {
			t.Fatal(err)
		}
	}
	return srv.URL
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// exportedAgents runs the command and returns the names of the agents it
// wrote, from the agent files' name attributes.
func exportedAgents(t *testing.T, url string, args ...string) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export")
	var stderr bytes.Buffer
	if code := run(t.Context(), append([]string{"--out", out}, args...), env(map[string]string{
		client.EnvBaseURL: url, client.EnvToken: secretToken,
	}), &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	files, err := filepath.Glob(filepath.Join(out, "agent_*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "name = "); ok {
				team := "red"
				if blueTeam.Match(b) {
					team = "blue"
				}
				names = append(names, strings.Trim(name, `"`)+"/"+team)
			}
		}
	}
	sort.Strings(names)
	return names
}

// blueTeam finds the blue team's metadata in an agent file, however aligned.
var blueTeam = regexp.MustCompile(`team +?= "blue"`)

func TestFilters(t *testing.T) {
	t.Parallel()
	url := newEmulator(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "Alpha/blue Alpha/red Beta/blue"},
		{[]string{"--name", "Alpha"}, "Alpha/blue Alpha/red"},
		{[]string{"--metadata", "team=blue"}, "Alpha/blue Beta/blue"},
		{[]string{"--name", "Alpha", "--metadata", "team=blue"}, "Alpha/blue"},
		{[]string{"--metadata", "level=3"}, "Alpha/red Beta/blue"}, // the number 3 and the string "3"
		{[]string{"--metadata", `level="3"`}, "Alpha/red"},
		{[]string{"--metadata", "level=3.0", "--metadata", "team=blue"}, "Beta/blue"},
	} {
		if got := strings.Join(exportedAgents(t, url, tc.args...), " "); got != tc.want {
			t.Errorf("%v: exported %q, want %q", tc.args, got, tc.want)
		}
	}
}

// TestTokenNeverWritten: no file of the export and no line of progress holds
// the credential, while the export did read the agents with it.
func TestTokenNeverWritten(t *testing.T) {
	t.Parallel()
	url := newEmulator(t)
	out := filepath.Join(t.TempDir(), "export")
	var stderr bytes.Buffer
	code := run(t.Context(), []string{"--out", out}, env(map[string]string{client.EnvBaseURL: url, client.EnvToken: secretToken}), &stderr)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	texts := map[string]string{"stderr": stderr.String()}
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		texts[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(mapValues(texts), "\n"), "Answer for Alpha & co.") {
		t.Fatal("the export holds no config: the check below would pass on nothing")
	}
	for name, text := range texts {
		for _, secret := range []string{secretToken, "Secret-7f3c9e1b2d4a"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds the credential", name)
			}
		}
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestUsageAndSettingErrors(t *testing.T) {
	t.Parallel()
	url := newEmulator(t)
	full := filepath.Join(t.TempDir(), "full")
	if err := os.MkdirAll(full, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "main.tf"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	good := map[string]string{client.EnvBaseURL: url, client.EnvToken: secretToken}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
		says string
	}{
		{"no --out", nil, good, 2, "--out DIR is required"},
		{"a filter without =", []string{"--out", "x", "--metadata", "team"}, good, 2, "want key=value"},
		{"a stray argument", []string{"--out", "x", "extra"}, good, 2, `unexpected argument "extra"`},
		{"no token", []string{"--out", "x"}, map[string]string{client.EnvBaseURL: url}, 2, client.EnvToken + " is not set"},
		{"a base URL ending in /core", []string{"--out", "x"}, map[string]string{client.EnvBaseURL: url + "/core/", client.EnvToken: secretToken}, 2, "ends in /core"},
		{"a base URL that is not the API's root", []string{"--out", filepath.Join(t.TempDir(), "x")}, map[string]string{client.EnvBaseURL: url + "/v2", client.EnvToken: secretToken}, 1, "has no Anyreach API at /core/agents"},
		{"a name nothing has", []string{"--out", filepath.Join(t.TempDir(), "x"), "--name", "Nobody"}, good, 4, `no agent matches the name "Nobody"`},
		{"no parallelism", []string{"--out", "x", "--parallelism", "0"}, good, 2, "--parallelism must be at least 1"},
		{"a personal token without organization", []string{"--out", "x"}, map[string]string{client.EnvBaseURL: url, client.EnvToken: "pat_abc"}, 2, client.EnvOrg},
		{"plain http to another host", []string{"--out", "x"}, map[string]string{client.EnvBaseURL: "http://api.example.test", client.EnvToken: secretToken}, 2, "plain http"},
		{"an output directory with files", []string{"--out", full}, good, 1, "is not empty"},
		{"a credential the API refuses", []string{"--out", filepath.Join(t.TempDir(), "x")}, map[string]string{client.EnvBaseURL: url, client.EnvToken: "ak_wrong.token"}, 1, "401"},
	} {
		var stderr bytes.Buffer
		if code := run(t.Context(), tc.args, env(tc.env), &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.says) {
			t.Errorf("%s: exit %d, want %d saying %q:\n%s", tc.name, code, tc.code, tc.says, stderr.String())
		}
		// The exporter has no "token" argument: its messages speak of its environment.
		if strings.Contains(stderr.String(), "set token") || strings.Contains(stderr.String(), "organization_id") {
			t.Errorf("%s: the message borrows the provider's words:\n%s", tc.name, stderr.String())
		}
	}
}

// exportNames runs the command into a new directory and returns every
// resource name it gave, by agent ID, from its journal.
func exportNames(t *testing.T, url string) map[string][]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export")
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"--out", out}, env(map[string]string{client.EnvBaseURL: url, client.EnvToken: secretToken}), &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(out, ".anyreach-export.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		var r struct {
			ID, Resource string
			Versions     []struct{ Resource string }
			Publications []struct{ Resource string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		names[r.ID] = append(names[r.ID], r.Resource)
		for _, v := range r.Versions {
			names[r.ID] = append(names[r.ID], v.Resource)
		}
		for _, p := range r.Publications {
			names[r.ID] = append(names[r.ID], p.Resource)
		}
	}
	return names
}

// TestReexportAfterDeleteKeepsNames: deleting agents (a newer twin of a
// name and an agent of its own) and exporting again renames nothing else.
func TestReexportAfterDeleteKeepsNames(t *testing.T) {
	t.Parallel()
	e, err := emulator.New(emulator.Options{Tokens: map[string][]string{secretToken: nil}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, Token: secretToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var ids []string
	for _, name := range []string{"Front Desk", "front desk", "Other", "FRONT DESK", "東京", "Zeta"} {
		a, err := c.CreateAgent(ctx, client.AgentCreate{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		cfg := json.RawMessage(`{"type":"static_prompt","instructions":"Hello.","llm":{"model":"gpt-4o"}}`)
		if _, err := c.CreateVersion(ctx, a.ID, client.VersionCreate{Config: cfg}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PublishVersion(ctx, a.ID, 1, client.PublishRequest{}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	before := exportNames(t, srv.URL)
	if len(before) != 6 {
		t.Fatalf("exported %d agents, want 6", len(before))
	}
	for _, deleted := range []string{ids[1], ids[2]} {
		if err := c.DeleteAgent(ctx, deleted); err != nil {
			t.Fatal(err)
		}
		delete(before, deleted)
	}
	after := exportNames(t, srv.URL)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("names after deleting two agents:\n%v\nwant\n%v", after, before)
	}
}

// TestHostThatNeverAnswers: a host that accepts connections and never
// answers ends the export with a clear error within --timeout.
func TestHostThatNeverAnswers(t *testing.T) {
	t.Parallel()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		var held []net.Conn
		for {
			conn, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					_ = c.Close()
				}
				return
			}
			held = append(held, conn) // accepted, never answered
		}
	}()
	var stderr bytes.Buffer
	code := run(t.Context(), []string{"--out", filepath.Join(t.TempDir(), "x"), "--timeout", "1s"},
		env(map[string]string{client.EnvBaseURL: "http://" + ln.Addr().String(), client.EnvToken: secretToken}), &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "listing the agents: no complete answer from the API within 1s") {
		t.Errorf("exit %d, want 1 with a clear message:\n%s", code, stderr.String())
	}
}

// TestProgress: plain lines when stderr is not a terminal, starting before
// the first request, one per agent; nothing with --quiet.
func TestProgress(t *testing.T) {
	t.Parallel()
	url := newEmulator(t)
	vars := env(map[string]string{client.EnvBaseURL: url, client.EnvToken: secretToken})
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"--out", filepath.Join(t.TempDir(), "x")}, vars, &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if lines[0] != "anyreach-export: listing agents..." || !strings.Contains(stderr.String(), "anyreach-export: [3/3] ") ||
		!strings.HasPrefix(lines[len(lines)-1], "anyreach-export: wrote 3 agents") || strings.Contains(stderr.String(), "\r") {
		t.Errorf("progress:\n%s", stderr.String())
	}
	stderr.Reset()
	if code := run(t.Context(), []string{"--out", filepath.Join(t.TempDir(), "x"), "--quiet"}, vars, &stderr); code != 0 || stderr.Len() > 0 {
		t.Errorf("--quiet: exit %d, printed:\n%s", code, stderr.String())
	}
}

// TestInterrupted: an export interrupted while reading (Ctrl-C) keeps what
// it wrote, says how many agents it did not read, and exits 3, and the same
// command completes it.
func TestInterrupted(t *testing.T) {
	t.Parallel()
	target := newEmulator(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Count(r.URL.Path, "/") == 3 {
			cancel() // Ctrl-C as the first agent is read
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	out := filepath.Join(t.TempDir(), "x")
	var stderr bytes.Buffer
	code := run(ctx, []string{"--out", out, "--parallelism", "1"}, env(map[string]string{client.EnvBaseURL: proxy.URL, client.EnvToken: secretToken}), &stderr)
	if code != 3 || !strings.Contains(stderr.String(), "3 not read: the export was interrupted") {
		t.Fatalf("exit %d, want 3 saying the export was interrupted:\n%s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(t.Context(), []string{"--out", out}, env(map[string]string{client.EnvBaseURL: target, client.EnvToken: secretToken}), &stderr); code != 0 ||
		!strings.Contains(stderr.String(), "wrote 3 agents") {
		t.Errorf("the rerun: exit %d:\n%s", code, stderr.String())
	}
}

// TestRerunAfterAgentDeleted: completing an export whose agent was deleted
// since drops its import blocks and says which file to delete.
func TestRerunAfterAgentDeleted(t *testing.T) {
	t.Parallel()
	url := newEmulator(t)
	vars := env(map[string]string{client.EnvBaseURL: url, client.EnvToken: secretToken})
	out := filepath.Join(t.TempDir(), "x")
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"--out", out, "--name", "Beta"}, vars, &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	c, err := client.New(client.Config{BaseURL: url, Token: secretToken})
	if err != nil {
		t.Fatal(err)
	}
	agents, err := c.ListAgents(t.Context(), client.AgentListOptions{Name: "Beta"})
	if err != nil || len(agents) != 1 {
		t.Fatalf("%v %v", agents, err)
	}
	if err := c.DeleteAgent(t.Context(), agents[0].ID); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	code := run(t.Context(), []string{"--out", out, "--name", "Beta"}, vars, &stderr)
	if code != 0 || !strings.Contains(stderr.String(), fmt.Sprintf(`"Beta" (%s) is in %s but no longer listed`, agents[0].ID, out)) ||
		!strings.Contains(stderr.String(), "delete its file agent_beta.tf") {
		t.Errorf("exit %d:\n%s", code, stderr.String())
	}
	imports, err := os.ReadFile(filepath.Join(out, "imports.tf"))
	if err != nil || strings.Contains(string(imports), agents[0].ID) {
		t.Errorf("imports.tf still imports the deleted agent (%v):\n%s", err, imports)
	}
	// Another filter is refused rather than mixed in.
	stderr.Reset()
	if code := run(t.Context(), []string{"--out", out, "--name", "Alpha"}, vars, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), `holds an export of the name "Beta", not of the name "Alpha"`) {
		t.Errorf("another filter: exit %d:\n%s", code, stderr.String())
	}
}
