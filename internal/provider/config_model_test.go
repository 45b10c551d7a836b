package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testShape is the emulator's AgentConfig schema, the one the acceptance
// tests are served.
func testShape(t testing.TB) *configShape {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "emulator", "agent_config_schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseConfigSchema(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s.shape
}

func mustJSON(t testing.TB, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	v, err := decodeJSON(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func TestConfigRuleEquivalent(t *testing.T) {
	t.Parallel()
	shape := testShape(t)
	cases := []struct {
		name      string
		a, b      string
		generated bool
		want      bool
	}{
		{"whitespace, key order, number spelling and escapes",
			`{"type":"static_prompt","instructions":"Caf\u00e9 \u0026 co","llm":{"model":"gpt-4o","temperature":1}}`,
			"{\n \"llm\": {\"temperature\": 1.0, \"model\": \"gpt-4o\"},\n \"instructions\": \"Café & co\", \"type\": \"static_prompt\"}", false, true},
		{"a key written as its schema default equals leaving it out",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"voice":{"provider":"elevenlabs"},"max_tool_steps":10}`,
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":0.7,"max_tokens":1024},"voice":{"provider":"elevenlabs","speed":1.0,"language":"en-US","emotion":"neutral"},"max_tool_steps":10}`,
			false, true},
		{"defaults reach array items and discriminated unions",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"knowledge_bases":[{"dataset_id":"d"}],"channel_properties":{"email":{"channel":"email"}}}`,
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"knowledge_bases":[{"dataset_id":"d","top_n":5}],"channel_properties":{"email":{"channel":"email","enabled":true,"body_template":"{{agent_response}}","subject_template":"Re: {{subject}}","body_format":"multipart","cc_reply_policy":"conditional"}}}`,
			false, true},
		{"a value that differs from the default is a difference",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"}}`,
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":1.9}}`, false, false},
		{"an added tool is a difference",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"}}`,
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"tools":[{"name":"fwd","description":"d","actions":[{"type":"cold_transfer","phone_number":"+15559990000"}]}]}`,
			false, false},
		{"a null field is an unset optional field",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"}}`,
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"tools":null,"stt":null,"voice":null}`, false, true},
		{"the service's own keys are not compared",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"}}`,
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m","routing_region":"us"},"config_revision":7}`, false, true},
		{"extra keys of an object that takes them are data",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"tools":[{"name":"t","description":"d","actions":[{"type":"wait","note":"a"}]}]}`,
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"tools":[{"name":"t","description":"d","actions":[{"type":"wait","note":"b"}]}]}`, false, false},
		{"generated instructions are the builder's",
			`{"type":"static_prompt","instructions":"placeholder","llm":{"model":"m"}}`,
			`{"type":"static_prompt","instructions":"Generated text","llm":{"model":"m"}}`, true, true},
		{"instructions written by the user are compared",
			`{"type":"static_prompt","instructions":"placeholder","llm":{"model":"m"}}`,
			`{"type":"static_prompt","instructions":"Generated text","llm":{"model":"m"}}`, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := configRule{shape: shape, generated: tc.generated}
			if got := r.equivalent(mustJSON(t, tc.a), mustJSON(t, tc.b)); got != tc.want {
				t.Errorf("equivalent = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConfigRuleRefreshed(t *testing.T) {
	t.Parallel()
	shape := testShape(t)
	const user = `{"type":"static_prompt","instructions":"Book & confirm.","llm":{"model":"gpt-4o"},"voice":{"provider":"elevenlabs","language":"en-us","speed":1}}`
	// What the service answered to that write: defaults filled, the language
	// tag in canonical case, 1 stored as 1.0, a stock voice it does not declare.
	const baseline = `{"type":"static_prompt","instructions":"Book & confirm.","llm":{"model":"gpt-4o","temperature":0.7,"max_tokens":1024},` +
		`"voice":{"provider":"elevenlabs","language":"en-US","speed":1.0,"emotion":"neutral","voice_id":"stock-rachel"},"max_tool_steps":10}`
	cases := []struct {
		name                    string
		prior, baseline, server string
		noShape                 bool
		want                    string // "" means: prior kept exactly
		wantBaseline            string // "" means: baseline unchanged
	}{
		{name: "the service's answer to our own write is no drift", prior: user, baseline: baseline, server: baseline},
		{name: "the same answer spelled differently is no drift", prior: user, baseline: baseline,
			server: `{"max_tool_steps":10,"voice":{"voice_id":"stock-rachel","emotion":"neutral","speed":1,"language":"en-US","provider":"elevenlabs"},"llm":{"max_tokens":1024,"temperature":0.70,"model":"gpt-4o"},"instructions":"Book \u0026 confirm.","type":"static_prompt"}`},
		{name: "an edit of a written key shows as exactly that key", prior: user, baseline: baseline,
			server: `{"type":"static_prompt","instructions":"Book & confirm.","llm":{"model":"claude","temperature":0.7,"max_tokens":1024},"voice":{"provider":"elevenlabs","language":"en-US","speed":1.0,"emotion":"neutral","voice_id":"stock-rachel"},"max_tool_steps":10}`,
			want:   `{"instructions":"Book & confirm.","llm":{"model":"claude"},"type":"static_prompt","voice":{"language":"en-us","provider":"elevenlabs","speed":1}}`},
		{name: "an edit of a default the config leaves out shows", prior: user, baseline: baseline,
			server: `{"type":"static_prompt","instructions":"Book & confirm.","llm":{"model":"gpt-4o","temperature":1.9,"max_tokens":1024},"voice":{"provider":"elevenlabs","language":"en-US","speed":1.0,"emotion":"neutral","voice_id":"stock-rachel"},"max_tool_steps":10}`,
			want:   `{"instructions":"Book & confirm.","llm":{"model":"gpt-4o","temperature":1.9},"type":"static_prompt","voice":{"language":"en-us","provider":"elevenlabs","speed":1}}`},
		{name: "a tool added in the dashboard shows", prior: user, baseline: baseline,
			server: `{"type":"static_prompt","instructions":"Book & confirm.","llm":{"model":"gpt-4o","temperature":0.7,"max_tokens":1024},"voice":{"provider":"elevenlabs","language":"en-US","speed":1.0,"emotion":"neutral","voice_id":"stock-rachel"},"tools":[{"name":"fwd","description":"d","actions":[{"type":"cold_transfer","phone_number":"+15559990000"}]}],"max_tool_steps":10}`,
			want:   `{"instructions":"Book & confirm.","llm":{"model":"gpt-4o"},"tools":[{"actions":[{"phone_number":"+15559990000","type":"cold_transfer"}],"description":"d","name":"fwd"}],"type":"static_prompt","voice":{"language":"en-us","provider":"elevenlabs","speed":1}}`},
		{name: "a written key removed in the dashboard shows as missing", prior: user, baseline: baseline,
			server: `{"type":"static_prompt","instructions":"Book & confirm.","llm":{"model":"gpt-4o","temperature":0.7,"max_tokens":1024},"max_tool_steps":10}`,
			want:   `{"instructions":"Book & confirm.","llm":{"model":"gpt-4o"},"type":"static_prompt"}`},
		{name: "a change to the service's own keys is no drift", prior: user, baseline: baseline,
			server: baseline[:len(baseline)-1] + `,"config_revision":8}`},
		{name: "an import takes the stored config without defaults and the service's keys", prior: "", baseline: "",
			server:       baseline[:len(baseline)-1] + `,"config_revision":8}`,
			want:         `{"instructions":"Book & confirm.","llm":{"model":"gpt-4o"},"type":"static_prompt","voice":{"voice_id":"stock-rachel"}}`,
			wantBaseline: baseline[:len(baseline)-1] + `,"config_revision":8}`},
		{name: "an import without the schema takes the stored config without null fields", prior: "", baseline: "", noShape: true,
			server: `{"b":1,"a":{"y":true,"x":null}}`, want: `{"a":{"y":true},"b":1}`, wantBaseline: `{"b":1,"a":{"y":true,"x":null}}`},
		{name: "state from before baselines adopts a matching stored config", prior: `{"type":"static_prompt","instructions":"x","llm":{"model":"m"}}`, baseline: "",
			server:       `{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":0.7,"max_tokens":1024},"max_tool_steps":10}`,
			wantBaseline: `{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":0.7,"max_tokens":1024},"max_tool_steps":10}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := configRule{shape: shape}
			if tc.noShape {
				r.shape = nil
			}
			got, gotBaseline, err := r.refreshed(tc.prior, mustJSON(t, tc.baseline), mustJSON(t, tc.server))
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = tc.prior
			}
			if got != want {
				t.Errorf("state config\n got: %s\nwant: %s", got, want)
			}
			wantBaseline := tc.wantBaseline
			if wantBaseline == "" {
				wantBaseline = tc.baseline
			}
			if !jsonEqual(gotBaseline, mustJSON(t, wantBaseline)) {
				t.Errorf("baseline\n got: %v\nwant: %s", gotBaseline, wantBaseline)
			}
		})
	}
}

func TestConfigRuleWithoutSchemaComparesWrittenKeys(t *testing.T) {
	t.Parallel()
	r := configRule{}
	stored := mustJSON(t, `{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":0.7}}`)
	if !r.writtenKeysMatch(mustJSON(t, `{"type":"static_prompt","llm":{"model":"m"}}`), stored) {
		t.Error("a config that writes a subset of the stored keys should match on those keys")
	}
	if r.writtenKeysMatch(mustJSON(t, `{"llm":{"model":"other"}}`), stored) {
		t.Error("a written key with another value must not match")
	}
	if r.equivalent(mustJSON(t, `{"llm":{"model":"m"}}`), stored) {
		t.Error("without the schema nothing is implied")
	}
}

// FuzzRefreshConfig checks the rule's promises on arbitrary JSON, with the
// emulator's schema: a config matches the service's defaulted version of
// itself; the answer to our own write is never drift; carrying an
// out-of-band edit is idempotent; an import keeps everything that matters.
func FuzzRefreshConfig(f *testing.F) {
	for _, seed := range []string{
		`{"type":"static_prompt","llm":{"model":"gpt-4o"}}`,
		`{"tools":[{"name":"a","actions":[{"type":"hangup"}]}],"voice":{"speed":1.5}}`,
		`[1,2,{"a":null}]`, `"text"`, `0.1e3`, `{}`, `{"a":{"b":{"c":[[]]}}}`,
	} {
		f.Add(seed, `{"llm":{"model":"other"}}`)
	}
	shape := testShape(f)
	f.Fuzz(func(t *testing.T, user, other string) {
		uv, err := decodeJSON(user)
		if err != nil {
			return
		}
		r := configRule{shape: shape}
		server := r.view(uv) // the service fills the schema's defaults
		if !r.equivalent(uv, server) {
			t.Fatalf("a config must match its defaulted self:\nuser:   %s\nserver: %v", user, server)
		}
		got, _, err := r.refreshed(user, server, server)
		if err != nil || got != user {
			t.Fatalf("the answer to our own write must keep the user's text: got %q, %v", got, err)
		}
		imported, _, err := r.refreshed("", nil, server)
		if err != nil {
			t.Fatal(err)
		}
		if !r.equivalent(mustJSON(t, imported), server) {
			t.Fatalf("an import must keep everything that matters:\nserver:   %v\nimported: %s", server, imported)
		}

		ov, err := decodeJSON(other)
		if err != nil {
			return
		}
		once, _, err := r.refreshed(user, server, ov)
		if err != nil {
			t.Fatal(err)
		}
		twice, _, err := r.refreshed(once, server, ov)
		if err != nil {
			t.Fatal(err)
		}
		if once != twice {
			t.Fatalf("carrying an edit is not idempotent:\nonce:  %s\ntwice: %s", once, twice)
		}
	})
}

// TestSchemaProblemsNeverQuoteStrings: a config may come from a sensitive
// variable, so a validation message names the rule, never the string value.
func TestSchemaProblemsNeverQuoteStrings(t *testing.T) {
	t.Parallel()
	const secret = "secret-prompt-text"
	s, err := parseConfigSchema([]byte(`{"type":"object","properties":{"a":{"type":"string","pattern":"^x"},"c":{"enum":["p","q"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	problems := s.validate(map[string]any{"a": secret, "c": secret})
	if len(problems) != 2 {
		t.Fatalf("want 2 problems, got %q", problems)
	}
	for _, p := range problems {
		if strings.Contains(p, secret) {
			t.Errorf("a validation message quotes the value: %s", p)
		}
	}
}

// TestConfigRuleImplies: the stored config is kept whole in private state
// only where the configuration plus the schema's defaults does not already
// say it; otherwise its digest is enough and the baseline is derived again.
func TestConfigRuleImplies(t *testing.T) {
	t.Parallel()
	shape := testShape(t)
	const config = `{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"voice":{"speed":1}}`
	const filled = `{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":0.7,"max_tokens":1024},"max_tool_steps":10,` +
		`"voice":{"provider":"elevenlabs","language":"en-US","speed":1.0,"emotion":"neutral"}}`
	cases := []struct {
		name, stored string
		rule         configRule
		want         bool
	}{
		{"defaults filled, 1 stored as 1.0", filled, configRule{shape: shape}, true},
		{"a value the service changed (a stock voice)", filled[:len(filled)-2] + `,"voice_id":"stock"}}`, configRule{shape: shape}, false},
		{"a key the service keeps for itself", filled[:len(filled)-1] + `,"revision":3}`, configRule{shape: shape}, false},
		{"without the schema", filled, configRule{}, false},
		{"while generation owns the instructions", filled, configRule{shape: shape, generated: true}, false},
	}
	for _, tc := range cases {
		if got := tc.rule.implies(config, mustJSON(t, tc.stored)); got != tc.want {
			t.Errorf("%s: implies = %v, want %v", tc.name, got, tc.want)
		}
	}
	// What is derived again is exactly what was stored.
	if !jsonEqual(shape.Comparable(mustJSON(t, config)), mustJSON(t, filled)) {
		t.Error("the derived baseline differs from the stored config")
	}
}
