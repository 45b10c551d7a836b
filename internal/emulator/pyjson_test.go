package emulator

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPyFloat(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{1, "1.0"}, {0, "0.0"}, {-2, "-2.0"}, {0.7, "0.7"}, {1.5, "1.5"}, {100, "100.0"},
		{0.0001, "0.0001"}, {0.00001, "1e-05"}, {1e15, "1000000000000000.0"}, {1e16, "1e+16"},
		{1.5e300, "1.5e+300"}, {123456789.125, "123456789.125"}, {-0.000123, "-0.000123"}, {2.5e-7, "2.5e-07"},
	} {
		if got := pyFloat(tc.in); got != tc.want {
			t.Errorf("pyFloat(%v) = %q, want %q (Python's repr)", tc.in, got, tc.want)
		}
	}
}

func TestPyNumber(t *testing.T) {
	for in, want := range map[string]string{"1": "1", "-0": "0", "007": "7", "1.0": "1.0", "1.50": "1.5", "1e3": "1000.0", "1E-5": "1e-05", "-3": "-3"} {
		got, err := pyNumber(json.Number(in))
		if err != nil || string(got) != want {
			t.Errorf("pyNumber(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := pyNumber("1e400"); err == nil {
		t.Error("1e400 accepted")
	}
}

func TestCanonicalLanguage(t *testing.T) {
	for in, want := range map[string]string{"en-us": "en-US", "EN-GB": "en-GB", "zh-hant-tw": "zh-Hant-TW", "fr": "fr", "es-419": "es-419", "en-US": "en-US", "en-x-ab": "en-x-ab"} {
		if got := canonicalLanguage(in); got != want {
			t.Errorf("canonicalLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWireSpelling pins the contract's wire spelling on raw response bytes:
// what a Python service writes, not what Go's encoder writes by default.
func TestWireSpelling(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{
		"name": "Tom & Jerry <dental> é", "description": "line\u2028break",
		"metadata": map[string]any{"int": 1},
	})
	raw := `{"config":{"type":"static_prompt","instructions":"x","llm":{"model":"gpt-4o","max_tokens":256.0},` +
		`"voice":{"speed":1,"language":"en-us"},"stt":{"language":"EN-gb"},"max_tool_steps":3},` +
		`"instruction_builder_inputs":{"ratio":2.50,"count":2}}`
	r := expect(t, h.do("POST", "/core/agents/"+id+"/versions", raw), 201)
	body := string(r.body)
	for _, want := range []string{
		`"speed":1.0`,                              // a float field stores 1 as 1.0
		`"temperature":0.7`,                        // a float default
		`"max_tokens":256`,                         // an int field stores 256.0 as 256
		`"max_tool_steps":3`,                       // ints stay ints
		`"language":"en-US"`, `"language":"en-GB"`, // canonical case
		`"voice_id":"` + stockVoices["elevenlabs"] + `"`, // the stock voice, declared nowhere in the schema
		`"ratio":2.5`, `"count":2`, // free-form numbers keep their kind
	} {
		if !strings.Contains(body, want) {
			t.Errorf("version body lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, ": ") || strings.Contains(body, ", ") {
		t.Errorf("separators are not compact: %s", body)
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$`)
	v := r.obj(t)
	for _, k := range []string{"created_at", "updated_at"} {
		if s, _ := v[k].(string); !stamp.MatchString(s) {
			t.Errorf("%s = %q, want RFC 3339 with microseconds", k, s)
		}
	}

	agent := string(expect(t, h.do("GET", "/core/agents/"+id, nil), 200).body)
	for _, want := range []string{`"name":"Tom & Jerry <dental> é"`, "line\u2028break", `"int":1`} {
		if !strings.Contains(agent, want) {
			t.Errorf("agent body lacks %q (Python writes UTF-8 without HTML escaping):\n%s", want, agent)
		}
	}

	// The spelling survives the state file and a dashboard edit with Go values.
	if err := h.e.EditVersionConfig(id, 1, map[string]any{"voice": map[string]any{"speed": 2, "voice_id": "v9"}}); err != nil {
		t.Fatal(err)
	}
	if got := h.e.Snapshot().Agents[0].Versions[0].Config["voice"].(map[string]any)["speed"]; got != json.Number("2.0") {
		t.Errorf("speed after a dashboard edit = %#v, want 2.0", got)
	}
}

func TestTimestampSpelling(t *testing.T) {
	at := time.Date(2026, 12, 1, 6, 4, 53, 17372123, time.UTC)
	if got := ts(at); got != "2026-12-01T06:04:53.017372Z" {
		t.Errorf("ts = %q", got)
	}
	if got := ts(at.Truncate(time.Second)); got != "2026-12-01T06:04:53Z" {
		t.Errorf("ts without a fraction = %q, want pydantic's spelling without one", got)
	}
}

// TestNullOptionalFields: with the knob, every optional field the schema
// declares comes back null when unset, and nulls written back are accepted.
func TestNullOptionalFields(t *testing.T) {
	for _, nulls := range []bool{false, true} {
		h := newHarness(t, Options{NullOptionalFields: nulls})
		id := h.createAgent(map[string]any{"name": "a"})
		cfg := h.createVersion(id, map[string]any{"config": minimalConfig("x")})["config"].(map[string]any)
		starting, present := cfg["starting_message"]
		if present != nulls || starting != nil {
			t.Errorf("nulls=%v: starting_message = %v (present %v)", nulls, starting, present)
		}
		if llm := cfg["llm"].(map[string]any); nulls && llm["temperature"] == nil {
			t.Errorf("a field with a default came back null: %v", llm)
		}
		if !nulls {
			continue
		}
		// The client sends back what it read.
		r := h.do("PUT", "/core/agents/"+id+"/versions/1", map[string]any{"config": cfg})
		expect(t, r, 200)
		if s := h.e.Snapshot().Agents[0].Versions[0].Config; s["voice"] != nil || len(s) == len(cfg) {
			t.Errorf("stored nulls: %v", s)
		}
	}
}
