package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/acctest/tfcli"
	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestAccExportAdoptsOrganization runs anyreach-export against an emulator
// holding agents in every shape, then the terraform CLI (or OpenTofu, under
// make test-tofu) in the exported directory: the module is fmt-clean, its
// plan only imports, apply imports everything, and the next plan is empty.
// It runs against the emulator's default wire, its variant wire and with
// unset optional config fields written as null.
func TestAccExportAdoptsOrganization(t *testing.T) {
	t.Parallel()
	acrossWires(t, testExportAdoptsOrganization)
}

// exportSeed is the organization the export test adopts, and how many
// objects each agent is imported as.
var exportSeed = []struct {
	name, description string
	active, demo      bool
	metadata          map[string]any
	versions          []exportSeedVersion
	sip               bool
	imports           int
}{
	{name: "Empty Shell", active: true, imports: 1},
	{name: "Draft Only", active: true, imports: 2, versions: []exportSeedVersion{{prompt: "Draft prompt.", inputs: `{"industry":"dental","purpose":"booking"}`}}},
	// Inbound on one number, outbound on another: two publications.
	{name: "Front Desk", active: true, metadata: map[string]any{"team": "dental", "tier": 2}, imports: 4, versions: []exportSeedVersion{
		{prompt: "Answer the front desk.", publish: []exportSeedPublish{{"+15550100001", client.DirectionInbound}, {"+15550100002", client.DirectionOutbound}}},
	}},
	// Both slots of one number, and a SIP endpoint.
	{name: "Call Center", description: "Main line <24/7>: ${not_a_reference} %{ if nothing }\nSecond line \\ \"quoted\"", active: true, demo: true, sip: true, imports: 4, versions: []exportSeedVersion{
		{prompt: "Route the call.", publish: []exportSeedPublish{{"+15550100003", client.DirectionBoth}}},
	}},
	// Several versions: an older one holds a number, the newest published
	// one is live on the web only, and a draft.
	{name: "Multi Version", active: true, imports: 6, versions: []exportSeedVersion{
		{prompt: "v1", published: true},
		{prompt: "v2", publish: []exportSeedPublish{{"+15550100004", client.DirectionInbound}}},
		{prompt: "v3", published: true},
		{prompt: "v4"},
	}},
	// Names that collide after slugging; prompts with &, quotes and non-ASCII text.
	{name: "Tom & Jerry's Café", active: false, metadata: map[string]any{"owner-team": "Café & co"}, imports: 3, versions: []exportSeedVersion{
		{prompt: `Say "bonjour" & smile — Tom & Jerry's Café, ${not_a_template} %{nor_this} 東京`,
			publish: []exportSeedPublish{{"+15550100005", client.DirectionOutbound}}},
	}},
	{name: "tom-jerry-s cafe", active: true, imports: 2, versions: []exportSeedVersion{{prompt: "Ça va? \\ back\\slash \t tab"}}},
	{name: "TOM & JERRY'S CAFÉ", active: true, imports: 1},
	// Published on the web only: no phone number, yet an anyreach_publish.
	{name: "Web Only", active: true, imports: 3, versions: []exportSeedVersion{{prompt: "Answer on the web.", published: true}}},
	// Names in other scripts: transliterated, or named from the ID.
	{name: "Служба поддержки", active: true, imports: 2, versions: []exportSeedVersion{{prompt: "Помогите клиенту."}}},
	{name: "東京受付", active: true, imports: 1},
}

type exportSeedVersion struct {
	prompt    string
	inputs    string
	published bool // published without numbers
	publish   []exportSeedPublish
}

type exportSeedPublish struct{ number, direction string }

// seedExportOrganization creates exportSeed through the API and returns the
// number of objects the export imports and the agents' IDs by name.
func seedExportOrganization(t *testing.T, emu *testEmulator) (int, map[string]string) {
	t.Helper()
	ctx := context.Background()
	c, err := client.New(client.Config{BaseURL: emu.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	total, ids := 0, map[string]string{}
	for _, a := range exportSeed {
		active, demo := a.active, a.demo
		agent, err := c.CreateAgent(ctx, client.AgentCreate{Name: a.name, Description: &a.description, Active: &active, IsDemo: &demo, Metadata: a.metadata})
		if err != nil {
			t.Fatal(err)
		}
		ids[a.name] = agent.ID
		for i, v := range a.versions {
			cfg, err := json.Marshal(map[string]any{
				"type": "static_prompt", "instructions": v.prompt, "starting_message": "Hello from " + a.name,
				"llm":   map[string]any{"model": "gpt-4o", "temperature": 0.5},
				"voice": map[string]any{"provider": "elevenlabs", "speed": 1.0},
			})
			if err != nil {
				t.Fatal(err)
			}
			in := client.VersionCreate{Config: cfg}
			if v.inputs != "" {
				in.InstructionBuilderInputs = json.RawMessage(v.inputs)
			}
			if _, err := c.CreateVersion(ctx, agent.ID, in); err != nil {
				t.Fatal(err)
			}
			if v.published {
				if _, err := c.PublishVersion(ctx, agent.ID, i+1, client.PublishRequest{}); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range v.publish {
				if _, err := c.PublishVersion(ctx, agent.ID, i+1, client.PublishRequest{PhoneNumbers: []string{p.number}, Direction: p.direction}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if a.sip {
			if _, err := c.DeployAsSIP(ctx, agent.ID); err != nil {
				t.Fatal(err)
			}
		}
		total += a.imports
	}
	return total, ids
}

// exporterBuild builds cmd/anyreach-export beside the provider binary once
// per test process (TestMain removes that directory).
var exporterBuild = sync.OnceValues(func() (string, error) {
	dir, err := providerBuild()
	if err != nil {
		return "", err
	}
	root, err := tfcli.ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "anyreach-export")
	if err := tfcli.Build(context.Background(), root, bin, "./cmd/anyreach-export"); err != nil {
		return "", fmt.Errorf("building anyreach-export: %w", err)
	}
	return bin, nil
})

// literalID finds an agent ID written as a literal.
var literalID = regexp.MustCompile(`"[0-9a-f]{8}-[0-9a-f]{4}-`)

// faultyProxy stands between the exporter and the emulator: while failing
// is set it answers 503 to every read of the agents and versions in it, and
// it answers the first read of every agent with a 503 (Retry-After 0), which
// the client retries.
type faultyProxy struct {
	URL     string
	mu      sync.Mutex
	failing map[string]bool // path prefixes that keep failing
	seen    map[string]bool
}

func newFaultyProxy(t *testing.T, target string) *faultyProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultyProxy{failing: map[string]bool{}, seen: map[string]bool{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.fault(r) {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"detail":"Service Unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *faultyProxy) fault(r *http.Request) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.Method != http.MethodGet {
		return false
	}
	for prefix := range p.failing {
		if strings.HasPrefix(r.URL.Path, prefix) {
			return true
		}
	}
	if strings.Count(r.URL.Path, "/") == 3 && strings.HasPrefix(r.URL.Path, "/core/agents/") && !p.seen[r.URL.Path] {
		p.seen[r.URL.Path] = true
		return true
	}
	return false
}

func (p *faultyProxy) setFailing(prefixes ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failing = map[string]bool{}
	for _, prefix := range prefixes {
		p.failing[prefix] = true
	}
}

// runExporter runs the built exporter into dir and returns its exit code
// and stderr; it prints nothing on stdout.
func runExporter(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	exporter, err := exporterBuild()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), exporter, args...) //nolint:gosec // the binary this test built
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("anyreach-export: %v\n%s", err, stderr.String())
	}
	if stdout.Len() > 0 {
		t.Errorf("anyreach-export printed on stdout:\n%s", stdout.String())
	}
	return code, stderr.String()
}

func testExportAdoptsOrganization(t *testing.T, opts emulator.Options) {
	emu := newTestEmulator(t, opts)
	imports, ids := seedExportOrganization(t, emu)
	proxy := newFaultyProxy(t, emu.URL)

	// The workspace's directory is the export's: it starts empty.
	env := []string{"ANYREACH_BASE_URL=" + emu.URL, "ANYREACH_TOKEN=" + testToken}
	w := newCLIWorkspaceWith(t, buildProviderBinary(t), "", env)
	if err := os.Remove(filepath.Join(w.Dir, "main.tf")); err != nil {
		t.Fatal(err)
	}

	// First run: one agent cannot be read at all, another's version cannot.
	proxy.setFailing("/core/agents/"+ids["Draft Only"], "/core/agents/"+ids["Call Center"]+"/versions")
	proxyEnv := []string{"ANYREACH_BASE_URL=" + proxy.URL, "ANYREACH_TOKEN=" + testToken}
	code, stderr := runExporter(t, proxyEnv, "--out", w.Dir)
	if code != 3 {
		t.Fatalf("an export missing two agents exited %d, want 3 (incomplete):\n%s", code, stderr)
	}
	for _, name := range []string{"Draft Only", "Call Center"} {
		if !strings.Contains(stderr, fmt.Sprintf("%q (%s)", name, ids[name])) {
			t.Errorf("the failure report does not name %q (%s):\n%s", name, ids[name], stderr)
		}
	}
	first := exportedFiles(t, w.Dir)
	for name := range first {
		if strings.Contains(name, "draft_only") || strings.Contains(name, "call_center") {
			t.Errorf("the export holds %s of an agent that could not be read", name)
		}
	}
	if !strings.Contains(first["README.md"], "**Incomplete:** 2 agents could not be read") {
		t.Errorf("the README does not say the export is incomplete:\n%s", first["README.md"])
	}

	// The rerun adds what is missing and changes nothing already written.
	proxy.setFailing()
	code, stderr = runExporter(t, proxyEnv, "--out", w.Dir)
	if code != 0 {
		t.Fatalf("the rerun exited %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "[2/2]") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
	files := exportedFiles(t, w.Dir)
	for name, text := range first {
		if name != "README.md" && name != "imports.tf" && name != journalFileName && files[name] != text {
			t.Errorf("the rerun changed %s", name)
		}
	}

	for name, text := range files {
		if strings.Contains(text, testToken) {
			t.Errorf("%s holds the credential", name)
		}
		if strings.HasPrefix(name, "agent_") && literalID.MatchString(text) {
			t.Errorf("%s writes an ID as a literal instead of a reference:\n%s", name, text)
		}
	}
	short := func(name string) string { return strings.ReplaceAll(ids[name], "-", "")[:8] }
	for _, name := range []string{"README.md", "imports.tf", "providers.tf",
		"agent_tom_jerry_s_cafe.tf", "agent_tom_jerry_s_cafe_" + short("tom-jerry-s cafe") + ".tf",
		"agent_tom_jerry_s_cafe_" + short("TOM & JERRY'S CAFÉ") + ".tf", "configs/tom_jerry_s_cafe-live.json",
		"agent_sluzhba_podderzhki.tf", "configs/sluzhba_podderzhki-draft.json", "agent_agent_" + short("東京受付") + ".tf",
		"configs/multi_version-history_2.json", "configs/multi_version-live.json", "configs/multi_version-draft.json",
		"configs/draft_only-draft-inputs.json", "configs/call_center-live.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("the export has no %s", name)
		}
	}
	if len(files) != 26 {
		t.Errorf("the export has %d files, want 26: %v", len(files), slices.Sorted(maps.Keys(files)))
	}
	config := files["configs/tom_jerry_s_cafe-live.json"]
	for _, want := range []string{"\n  \"instructions\": ", `Say \"bonjour\" & smile — Tom & Jerry's Café`, "東京", `"temperature": 0.5`} {
		if !strings.Contains(config, want) {
			t.Errorf("the config file does not hold %q pretty-printed and unescaped:\n%s", want, config)
		}
	}
	// Values the service filled in as schema defaults are implied, as in an import.
	for _, unwanted := range []string{"max_tool_steps", `"speed"`, "null"} {
		if strings.Contains(config, unwanted) {
			t.Errorf("the config file writes the default %s:\n%s", unwanted, config)
		}
	}
	for _, want := range []string{
		`agent_id = anyreach_agent.front_desk.id`,
		`version       = anyreach_agent_version.front_desk_live.version`,
		`direction     = "outbound"`,
		`to = anyreach_publish.front_desk_live_outbound`,
		`/1/outbound"`,
	} {
		if !strings.Contains(files["agent_front_desk.tf"]+files["imports.tf"], want) {
			t.Errorf("the export does not write %q", want)
		}
	}
	// Web only: published, no number, and an anyreach_publish all the same.
	webOnly := "resource \"anyreach_publish\" \"web_only_live\" {\n  agent_id = anyreach_agent.web_only.id\n  version  = anyreach_agent_version.web_only_live.version\n}"
	if !strings.Contains(files["agent_web_only.tf"], webOnly) {
		t.Errorf("the web-only publication is not written as\n%s\n%s", webOnly, files["agent_web_only.tf"])
	}
	if !strings.Contains(files["imports.tf"], fmt.Sprintf("to = anyreach_publish.multi_version_live\n  id = \"%s/3\"", ids["Multi Version"])) {
		t.Errorf("the web-only publication of Multi Version's live version is not imported:\n%s", files["imports.tf"])
	}
	for _, want := range []string{fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", imports),
		"| Tom & Jerry's Café | `tom_jerry_s_cafe` | live: v1 (holds phone numbers, newest published) | v1 outbound +15550100005 |",
		"| Multi Version | `multi_version` | history_2: v2 (holds phone numbers); live: v3 (newest published); draft: v4 (newest draft); " +
			"1 left in history | v2 inbound +15550100004; v3 web only |"} {
		if !strings.Contains(files["README.md"], want) {
			t.Errorf("the README does not say %q:\n%s", want, files["README.md"])
		}
	}
	if strings.Contains(files["README.md"], "Incomplete") {
		t.Errorf("the README of the completed export still says it is incomplete")
	}
	if n := strings.Count(files["imports.tf"], "import {"); n != imports {
		t.Errorf("imports.tf has %d import blocks, want %d", n, imports)
	}

	w.expectExit(t, 0, "the export is fmt-clean", "fmt", "-check", "-recursive", "-no-color")
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	out := w.expectExit(t, 2, "the exported module imports", append(plan, "-out=import.plan")...)
	expectImportsOnly(t, out, imports)
	w.mustRun(t, "apply", "-input=false", "-no-color", "import.plan")
	w.expectExit(t, 0, "plan after importing the export", plan...)
	w.expectExit(t, 0, "refresh-only after importing the export", "plan", "-refresh-only", "-input=false", "-no-color", "-detailed-exitcode")
	if got := strings.Count(strings.TrimSpace(w.mustRun(t, "state", "list")), "\n") + 1; got != imports {
		t.Errorf("state holds %d objects, want %d", got, imports)
	}
}

// journalFileName is the exporter's record of what it wrote.
const journalFileName = ".anyreach-export.jsonl"

// exportedFiles reads every file of the export, by path relative to dir.
func exportedFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
