package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

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
	// Several versions, an older one live, a newer published one and a draft.
	{name: "Multi Version", active: true, imports: 5, versions: []exportSeedVersion{
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
}

type exportSeedVersion struct {
	prompt    string
	inputs    string
	published bool // published without numbers
	publish   []exportSeedPublish
}

type exportSeedPublish struct{ number, direction string }

// seedExportOrganization creates exportSeed through the API and returns the
// number of objects the export imports.
func seedExportOrganization(t *testing.T, emu *testEmulator) int {
	t.Helper()
	ctx := context.Background()
	c, err := client.New(client.Config{BaseURL: emu.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range exportSeed {
		active, demo := a.active, a.demo
		agent, err := c.CreateAgent(ctx, client.AgentCreate{Name: a.name, Description: &a.description, Active: &active, IsDemo: &demo, Metadata: a.metadata})
		if err != nil {
			t.Fatal(err)
		}
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
	return total
}

// exporterBuild builds cmd/anyreach-export beside the provider binary once
// per test process (TestMain removes that directory).
var exporterBuild = sync.OnceValues(func() (string, error) {
	dir, err := providerBuild()
	if err != nil {
		return "", err
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "anyreach-export")
	cmd := exec.CommandContext(context.Background(), "go", "build", "-o", bin, "./cmd/anyreach-export")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building anyreach-export: %w\n%s", err, out)
	}
	return bin, nil
})

// literalID finds an agent ID written as a literal.
var literalID = regexp.MustCompile(`"[0-9a-f]{8}-[0-9a-f]{4}-`)

func testExportAdoptsOrganization(t *testing.T, opts emulator.Options) {
	emu := newTestEmulator(t, opts)
	imports := seedExportOrganization(t, emu)
	exporter, err := exporterBuild()
	if err != nil {
		t.Fatal(err)
	}

	// The workspace's directory is the export's: it starts empty.
	env := []string{"ANYREACH_BASE_URL=" + emu.URL, "ANYREACH_TOKEN=" + testToken}
	w := newCLIWorkspaceWith(t, buildProviderBinary(t), "", env)
	if err := os.Remove(filepath.Join(w.dir, "main.tf")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), exporter, "--out", w.dir) //nolint:gosec // the binary this test built
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("anyreach-export: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("[%d/%d]", len(exportSeed), len(exportSeed))) {
		t.Errorf("no progress on stderr:\n%s", stderr.String())
	}
	if stdout.Len() > 0 {
		t.Errorf("anyreach-export printed on stdout:\n%s", stdout.String())
	}

	files := exportedFiles(t, w.dir)
	for name, text := range files {
		if strings.Contains(text, testToken) {
			t.Errorf("%s holds the credential", name)
		}
		if strings.HasPrefix(name, "agent_") && literalID.MatchString(text) {
			t.Errorf("%s writes an ID as a literal instead of a reference:\n%s", name, text)
		}
	}
	for _, name := range []string{"README.md", "imports.tf", "providers.tf",
		"agent_tom_jerry_s_cafe.tf", "agent_tom_jerry_s_cafe_2.tf", "agent_tom_jerry_s_cafe_3.tf", "configs/tom_jerry_s_cafe-v1.json",
		"configs/multi_version-v2.json", "configs/multi_version-v3.json", "configs/multi_version-v4.json", "configs/draft_only-v1-inputs.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("the export has no %s", name)
		}
	}
	if _, ok := files["configs/multi_version-v1.json"]; ok {
		t.Error("version 1 of Multi Version holds no number and is neither the newest published nor a draft, yet it was exported")
	}
	config := files["configs/tom_jerry_s_cafe-v1.json"]
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
		`version       = anyreach_agent_version.front_desk_v1.version`,
		`direction     = "outbound"`,
		`to = anyreach_publish.front_desk_v1_outbound`,
		`/1/outbound"`,
	} {
		if !strings.Contains(files["agent_front_desk.tf"]+files["imports.tf"], want) {
			t.Errorf("the export does not write %q", want)
		}
	}
	for _, want := range []string{fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", imports),
		"| Tom & Jerry's Café | `tom_jerry_s_cafe` | v1 (holds phone numbers, newest published) | v1 outbound +15550100005 |",
		"| Multi Version | `multi_version` | v2 (holds phone numbers); v3 (newest published); v4 (newest draft); 1 left in history |"} {
		if !strings.Contains(files["README.md"], want) {
			t.Errorf("the README does not say %q:\n%s", want, files["README.md"])
		}
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
