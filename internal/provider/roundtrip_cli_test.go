package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestAccCLIRoundTrip is the property-based round trip of every value the
// service holds, and row 18 of the workflow matrix. Configs generated from the served AgentConfig
// schema (nulls inside free-form objects, unicode, floats written 1.0 and
// ints, large arrays, nested tools and flows, language tags the service
// normalizes, voices it fills) are created through the API the way the
// dashboard does, on an agent whose metadata holds every JSON type, with
// version 1 published and version 2 a draft. They are then adopted twice:
// by import blocks under the user's own configuration (the configs exactly
// as sent) and by anyreach-export. Each time the first plan only imports,
// the next one is empty, an unrelated change (the agent's name) applies,
// and afterwards Anyreach holds exactly what it held before: every config
// equal in meaning, every metadata value of the same JSON type.
//
// ANYREACH_ROUNDTRIP_SEED (default 1) and ANYREACH_ROUNDTRIP_CASES (default
// 1 per wire) choose the configs; make fuzz runs more of them.
func TestAccCLIRoundTrip(t *testing.T) {
	t.Parallel()
	seed := envInt(t, "ANYREACH_ROUNDTRIP_SEED", 1)
	cases := envInt(t, "ANYREACH_ROUNDTRIP_CASES", 1)
	acrossWires(t, func(t *testing.T, opts emulator.Options) {
		for i := range cases {
			t.Run(fmt.Sprintf("seed %d case %d", seed, i), func(t *testing.T) {
				testRoundTrip(t, opts, rand.New(rand.NewPCG(uint64(seed), uint64(i)))) //nolint:gosec // test data, not secrets
			})
		}
	})
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q is not a count", name, s)
	}
	return n
}

// roundTripMetadata holds every JSON type, as the dashboard may store it.
const roundTripMetadata = `{"team":"dental","count":3,"ratio":1.0,"big":12345678901234567890,"flag":true,` +
	`"nested":{"a":[1,null,"é"]},"nothing":null,"three":"3"}`

func testRoundTrip(t *testing.T, opts emulator.Options, rng *rand.Rand) {
	emu := newTestEmulator(t, opts)
	gen := newConfigGen(t, rng)
	configs := []string{gen.config(), gen.config()}
	agentID := dashboardAgent(t, emu, configs)
	before := heldByAnyreach(t, emu, agentID)

	env := []string{"ANYREACH_BASE_URL=" + emu.URL, "ANYREACH_TOKEN=" + testToken}
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}

	// Adopted by import blocks under the user's own configuration.
	w := newCLIWorkspaceWith(t, buildProviderBinary(t), roundTripModule("RT agent"), env)
	for i, c := range configs {
		w.writeFile(t, fmt.Sprintf("v%d.json", i+1), c)
	}
	w.writeFile(t, "imports.tf", fmt.Sprintf("import {\n  to = anyreach_agent.rt\n  id = %q\n}\n\n"+
		"import {\n  to = anyreach_agent_version.v1\n  id = \"%s/1\"\n}\n\nimport {\n  to = anyreach_agent_version.v2\n  id = \"%s/2\"\n}\n",
		agentID, agentID, agentID))
	out := w.expectExit(t, 2, "import blocks under the configs as sent", append(plan, "-out=import.plan")...)
	expectImportsOnly(t, out, 3)
	w.mustRun(t, "apply", "-input=false", "-no-color", "import.plan")
	w.expectExit(t, 0, "plan after the import", plan...)
	expectSmallPrivateState(t, w.Dir)
	// The same by terraform import, after terraform state rm.
	for _, addr := range []string{"anyreach_agent_version.v1", "anyreach_agent_version.v2"} {
		w.mustRun(t, "state", "rm", addr)
	}
	w.mustRun(t, "import", "-input=false", "-no-color", "anyreach_agent_version.v1", agentID+"/1")
	w.mustRun(t, "import", "-input=false", "-no-color", "anyreach_agent_version.v2", agentID+"/2")
	w.expectExit(t, 0, "plan after terraform import", plan...)
	w.writeFile(t, "main.tf", roundTripModule("RT agent renamed"))
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	w.expectExit(t, 0, "plan after the unrelated change", plan...)
	expectHeldAsBefore(t, before, heldByAnyreach(t, emu, agentID))

	// Adopted by anyreach-export.
	exporter, err := exporterBuild()
	if err != nil {
		t.Fatal(err)
	}
	x := newCLIWorkspaceWith(t, buildProviderBinary(t), "", env)
	if err := os.Remove(filepath.Join(x.Dir, "main.tf")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), exporter, "--out", x.Dir, "--metadata", "count=3", "--metadata", "flag=true") //nolint:gosec // the binary this test built
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("anyreach-export: %v\n%s", err, b)
	}
	// The agent, its live and draft versions, and the live version's
	// publication on the web only.
	out = x.expectExit(t, 2, "the exported module imports", append(plan, "-out=import.plan")...)
	expectImportsOnly(t, out, 4)
	x.mustRun(t, "apply", "-input=false", "-no-color", "import.plan")
	x.expectExit(t, 0, "plan after importing the export", plan...)
	renameExportedAgent(t, x.Dir, "RT agent renamed", "RT agent again")
	x.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	x.expectExit(t, 0, "plan after the unrelated change to the export", plan...)
	after := heldByAnyreach(t, emu, agentID)
	expectHeldAsBefore(t, before, after)
}

// expectSmallPrivateState checks that each version's private state (the
// drift rule's baseline) is a small fraction of its config: never the
// stored config a second time.
func expectSmallPrivateState(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				Private    string `json:"private"`
				Attributes struct {
					Config string `json:"config"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type != "anyreach_agent_version" {
			continue
		}
		for _, in := range r.Instances {
			// The baseline patch holds only what the service filled or
			// normalized beyond what the schema implies (declared fields
			// left null and default values are not kept): after an import,
			// nothing. A tenth of the config plus a fixed 1 KiB for the
			// record's framing is far below the config itself, on every wire.
			if limit := len(in.Attributes.Config)/10 + 1024; len(in.Private) > limit {
				t.Errorf("%s keeps %d bytes of private state for a %d-byte config", r.Name, len(in.Private), len(in.Attributes.Config))
			}
		}
	}
}

// roundTripModule is the user's own configuration of the dashboard's agent:
// metadata as anyreach_agent shows it, the configs exactly as sent.
func roundTripModule(name string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

resource "anyreach_agent" "rt" {
  name = %q
  metadata = {
    team    = "dental"
    count   = "3"
    ratio   = "1.0"
    big     = "12345678901234567890"
    flag    = "true"
    nested  = jsonencode({ a = [1, null, "é"] })
    nothing = "null"
    three   = "3"
  }
}

resource "anyreach_agent_version" "v1" {
  agent_id = anyreach_agent.rt.id
  config   = file("${path.module}/v1.json")
}

resource "anyreach_agent_version" "v2" {
  agent_id = anyreach_agent.rt.id
  config   = file("${path.module}/v2.json")
}
`, name)
}

// renameExportedAgent changes the agent's name in the exported module.
func renameExportedAgent(t *testing.T, dir, from, to string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "agent_*.tf"))
	if err != nil || len(files) != 1 {
		t.Fatalf("want one exported agent file, got %v (%v)", files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(name\s*=\s*)"` + regexp.QuoteMeta(from) + `"`)
	if !re.Match(b) {
		t.Fatalf("the exported agent is not named %q:\n%s", from, b)
	}
	if err := os.WriteFile(files[0], re.ReplaceAll(b, []byte(`${1}"`+to+`"`)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// dashboardAgent creates the agent and its two versions through the API, as
// the dashboard does, and publishes version 1.
func dashboardAgent(t *testing.T, emu *testEmulator, configs []string) string {
	t.Helper()
	ctx := context.Background()
	c, err := client.New(client.Config{BaseURL: emu.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	md, err := configjson.Decode(roundTripMetadata)
	if err != nil {
		t.Fatal(err)
	}
	metadata, _ := md.(map[string]any)
	agent, err := c.CreateAgent(ctx, client.AgentCreate{Name: "RT agent", Metadata: metadata})
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range configs {
		if _, err := c.CreateVersion(ctx, agent.ID, client.VersionCreate{Config: json.RawMessage(cfg)}); err != nil {
			t.Fatalf("creating a version from a generated config: %v\n%s", err, cfg)
		}
	}
	if _, err := c.PublishVersion(ctx, agent.ID, 1, client.PublishRequest{}); err != nil {
		t.Fatal(err)
	}
	return agent.ID
}

// held is what Anyreach holds of the agent that a round trip must keep.
type held struct {
	metadata string   // JSON text, Python spelling
	configs  []any    // decoded, by version
	spelled  []string // the configs' JSON text, Python spelling
}

func heldByAnyreach(t *testing.T, emu *testEmulator, agentID string) held {
	t.Helper()
	for _, a := range emu.Snapshot().Agents {
		if a.AgentID != agentID {
			continue
		}
		var h held
		md := maps.Clone(a.Metadata)
		delete(md, client.RequestTokenMetadataKey) // the test's client marks its create; the dashboard does not
		b, err := json.Marshal(md)
		if err != nil {
			t.Fatal(err)
		}
		h.metadata = string(b)
		for _, v := range a.Versions {
			b, err := json.Marshal(v.Config)
			if err != nil {
				t.Fatal(err)
			}
			h.spelled = append(h.spelled, string(b))
			h.configs = append(h.configs, mustJSON(t, string(b)))
		}
		return h
	}
	t.Fatalf("agent %s is gone", agentID)
	return held{}
}

// expectHeldAsBefore compares metadata exactly (the emulator spells numbers
// as Python does, so 1.0 and 1 differ as float and int do) and configs by
// meaning, nulls included.
func expectHeldAsBefore(t *testing.T, before, after held) {
	t.Helper()
	if before.metadata != after.metadata {
		t.Errorf("the metadata changed:\nbefore: %s\nafter:  %s", before.metadata, after.metadata)
	}
	if len(before.configs) != len(after.configs) {
		t.Fatalf("the agent held %d versions, now %d", len(before.configs), len(after.configs))
	}
	for i := range before.configs {
		if !configjson.Equal(before.configs[i], after.configs[i]) {
			t.Errorf("version %d's config changed:\nbefore: %s\nafter:  %s", i+1, before.spelled[i], after.spelled[i])
		}
	}
}

// configGen generates AgentConfigs from the emulator's served schema.
type configGen struct {
	rng  *rand.Rand
	root map[string]any
}

func newConfigGen(t *testing.T, rng *rand.Rand) *configGen {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "emulator", "agent_config_schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := mustJSON(t, string(raw)).(map[string]any)
	return &configGen{rng: rng, root: root}
}

// config is one generated AgentConfig as JSON text, numbers spelled as
// generated (1.0 stays 1.0).
func (g *configGen) config() string {
	v := g.value(g.root, "", 0)
	s, err := configjson.Encode(v)
	if err != nil {
		panic(err)
	}
	return s
}

func (g *configGen) resolve(n map[string]any) map[string]any {
	for range 16 {
		ref, ok := n["$ref"].(string)
		if !ok {
			return n
		}
		n = configjson.ResolveLocalRef(g.root, ref)
	}
	return n
}

var roundTripText = []string{"Book visits", "Café & co", "東京", "😀", `say "hi"`, `back\slash`, "${not_a_reference}", "%{nor_this}", "tab\there", "line\nbreak", "<b>"}

func (g *configGen) text() string {
	n := 1 + g.rng.IntN(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = roundTripText[g.rng.IntN(len(roundTripText))]
	}
	return strings.Join(parts, " ")
}

// value generates a value for the schema node n of the property name.
func (g *configGen) value(n map[string]any, name string, depth int) any {
	n = g.resolve(n)
	if c, ok := n["const"]; ok {
		return c
	}
	if e, ok := n["enum"].([]any); ok && len(e) > 0 {
		return e[g.rng.IntN(len(e))]
	}
	if variants, ok := n["oneOf"].([]any); ok && len(variants) > 0 {
		v, _ := variants[g.rng.IntN(len(variants))].(map[string]any)
		return g.value(v, name, depth)
	}
	switch n["type"] {
	case "object":
		props, hasProps := n["properties"].(map[string]any)
		if !hasProps {
			return g.freeFormObject(depth) // an object of the user's own keys
		}
		required := map[string]bool{}
		for _, r := range asList(n["required"]) {
			required[fmt.Sprint(r)] = true
		}
		out := map[string]any{}
		for _, k := range sortedKeys(props) {
			if !required[k] && (depth > 4 || g.rng.IntN(2) == 0) {
				continue
			}
			p, _ := props[k].(map[string]any)
			out[k] = g.value(p, k, depth+1)
		}
		if n["additionalProperties"] == true && g.rng.IntN(2) == 0 {
			out["x_extra"] = g.freeForm(depth + 1)
		}
		return out
	case "array":
		items, _ := n["items"].(map[string]any)
		count := g.rng.IntN(3)
		if depth < 2 && g.rng.IntN(8) == 0 {
			count = 40 // a large array
		}
		if m, ok := n["minItems"].(json.Number); ok {
			if lo, _ := m.Int64(); count < int(lo) {
				count = int(lo)
			}
		}
		out := make([]any, count)
		for i := range out {
			out[i] = g.value(items, name, depth+1)
		}
		return out
	case "string":
		switch {
		case name == "language":
			return []string{"en-us", "EN-gb", "fr-FR", "en-US"}[g.rng.IntN(4)]
		case n["pattern"] != nil:
			return fmt.Sprintf("tool_%d", g.rng.IntN(1000))
		}
		return g.text()
	case "integer":
		lo, hi := bound(n, "minimum", 0), bound(n, "maximum", 100)
		return json.Number(strconv.Itoa(int(lo) + g.rng.IntN(int(hi-lo)+1)))
	case "number":
		lo, hi := bound(n, "minimum", 0), bound(n, "maximum", 10)
		if g.rng.IntN(3) == 0 {
			return json.Number(strconv.FormatFloat(float64(int(lo+hi)/2), 'f', 1, 64)) // written 1.0
		}
		return json.Number(strconv.FormatFloat(lo+(hi-lo)*float64(g.rng.IntN(100))/100, 'f', -1, 64))
	case "boolean":
		return g.rng.IntN(2) == 0
	}
	return g.freeForm(depth)
}

// freeForm is data in an object the schema leaves free: nulls included.
func (g *configGen) freeForm(depth int) any {
	switch k := g.rng.IntN(7); {
	case depth < 6 && k == 0:
		return g.freeFormObject(depth)
	case depth < 6 && k == 1:
		return []any{nil, g.freeForm(depth + 1), json.Number("2.50")}
	case k == 2:
		return nil
	case k == 3:
		return json.Number("1.0")
	case k == 4:
		return g.rng.IntN(2) == 0
	}
	return g.text()
}

// freeFormObject is an object whose keys the schema does not declare, nulls
// included (a tool's JSON Schema with "default": null, a workflow's inputs).
func (g *configGen) freeFormObject(depth int) map[string]any {
	out := map[string]any{"type": "object", "default": nil}
	if depth >= 6 {
		return out
	}
	for i := range 1 + g.rng.IntN(3) {
		out[[]string{"k", "clé", "東京", "with space"}[g.rng.IntN(4)]+strconv.Itoa(i)] = g.freeForm(depth + 1)
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func bound(n map[string]any, key string, def float64) float64 {
	if b, ok := n[key].(json.Number); ok {
		if f, err := b.Float64(); err == nil {
			return f
		}
	}
	return def
}
