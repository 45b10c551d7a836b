package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// testShape is the emulator's AgentConfig schema, the one the acceptance
// tests are served.
func testShape(t testing.TB) *configjson.Shape {
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
	v, err := configjson.Decode(s)
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
			r := &configRule{shape: shape, generated: tc.generated}
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
		{name: "an import without the schema takes the stored config as it is, nulls included", prior: "", baseline: "", noShape: true,
			server: `{"b":1,"a":{"y":true,"x":null}}`, want: `{"a":{"x":null,"y":true},"b":1}`, wantBaseline: `{"b":1,"a":{"y":true,"x":null}}`},
		{name: "state from before baselines adopts a matching stored config", prior: `{"type":"static_prompt","instructions":"x","llm":{"model":"m"}}`, baseline: "",
			server:       `{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":0.7,"max_tokens":1024},"max_tool_steps":10}`,
			wantBaseline: `{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":0.7,"max_tokens":1024},"max_tool_steps":10}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &configRule{shape: shape}
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
			if !configjson.Equal(gotBaseline, mustJSON(t, wantBaseline)) {
				t.Errorf("baseline\n got: %v\nwant: %s", gotBaseline, wantBaseline)
			}
		})
	}
}

func TestConfigRuleWithoutSchemaComparesWrittenKeys(t *testing.T) {
	t.Parallel()
	r := &configRule{}
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
		uv, err := configjson.Decode(user)
		if err != nil {
			return
		}
		r := &configRule{shape: shape}
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

		ov, err := configjson.Decode(other)
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

// TestConfigBaselineRecord: the baseline is recorded as a patch from the
// config text in state to the service's answer, so private state holds what
// the service filled (a fraction of the config) and reads back exactly the
// answer, nulls inside free-form objects included.
func TestConfigBaselineRecord(t *testing.T) {
	t.Parallel()
	config := `{"type":"static_prompt","instructions":"` + strings.Repeat("Long prompt. ", 2000) + `","llm":{"model":"m"},` +
		`"tools":[{"name":"t","description":"d","properties":{"when":{"default":null}},"actions":[{"type":"hangup"}]}],"voice":{"language":"en-us"}}`
	server := mustJSON(t, `{"type":"static_prompt","instructions":"`+strings.Repeat("Long prompt. ", 2000)+`","llm":{"model":"m","temperature":0.7,"max_tokens":1024},`+
		`"tools":[{"name":"t","description":"d","properties":{"when":{"default":null}},"actions":[{"type":"hangup"}],"required":[],"actions_on_error":[]}],`+
		`"voice":{"language":"en-US","voice_id":"stock"},"max_tool_steps":10,"stt":null}`)
	for _, adopted := range []bool{false, true} {
		private := &memoryPrivate{}
		if diags := setConfigBaseline(t.Context(), private, config, &configBaseline{value: server, adopted: adopted}); diags.HasError() {
			t.Fatal(diags)
		}
		got := getConfigBaseline(t.Context(), private, config, func() *configjson.Shape { return nil })
		if got == nil || !configjson.Equal(got.value, server) || got.adopted != adopted {
			t.Fatalf("the baseline read back differs: %+v", got)
		}
		if n := len(private.keys[baselineKey]); n*20 > len(config) {
			t.Errorf("the record is %d bytes for a %d-byte config: more than a small fraction", n, len(config))
		}
		if got := getConfigBaseline(t.Context(), private, `{"other":1}`, nil); got != nil {
			t.Errorf("a record read against another config text must not apply: %+v", got)
		}
	}
}

// TestConfigBaselineLegacyRecords: state written by the provider before the
// patch form keeps working: the whole stored config is read as it is, and a
// digest stands for the config plus the schema's defaults when it digests that.
func TestConfigBaselineLegacyRecords(t *testing.T) {
	t.Parallel()
	shape := testShape(t)
	const config = `{"type":"static_prompt","instructions":"x","llm":{"model":"m"}}`
	whole := &memoryPrivate{keys: map[string][]byte{legacyBaselineKey: []byte(`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"rev":1}`)}}
	if got := getConfigBaseline(t.Context(), whole, config, nil); got == nil || !configjson.Equal(got.value, mustJSON(t, string(whole.keys[legacyBaselineKey]))) {
		t.Errorf("a whole legacy baseline was not read: %+v", got)
	}
	derived := shape.Comparable(mustJSON(t, config))
	text, _ := configjson.Encode(derived)
	sum := sha256.Sum256([]byte(text))
	digest := &memoryPrivate{keys: map[string][]byte{legacyBaselineKey: []byte(`"sha256:` + hex.EncodeToString(sum[:]) + `"`)}}
	got := getConfigBaseline(t.Context(), digest, config, func() *configjson.Shape { return shape })
	if got == nil || !configjson.Equal(got.value, derived) {
		t.Errorf("a digest baseline was not derived again: %+v", got)
	}
	if got := getConfigBaseline(t.Context(), digest, `{"type":"static_prompt","instructions":"y"}`, func() *configjson.Shape { return shape }); got != nil {
		t.Errorf("a digest of another config must not stand for this one: %+v", got)
	}
}

// TestConfigRuleAdoptedFills: after an import, a configuration that differs
// from the stored config only where the service fills or normalizes keeps
// the version, naming the keys; any other difference is a change.
func TestConfigRuleAdoptedFills(t *testing.T) {
	t.Parallel()
	r := &configRule{shape: testShape(t)}
	const imported = `{"instructions":"x","llm":{"model":"m"},"type":"static_prompt","voice":{"language":"en-US","voice_id":"stock"}}`
	adopted := &configBaseline{value: mustJSON(t, imported), adopted: true}
	cases := []struct {
		name, planned string
		baseline      *configBaseline
		changed       bool
		unsure        string
	}{
		{"the user's own config, normalized and filled by the service", `{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"voice":{"language":"en-us"}}`,
			adopted, false, "voice.language, voice.voice_id"},
		{"an edit", `{"type":"static_prompt","instructions":"y","llm":{"model":"m"},"voice":{"language":"en-us"}}`, adopted, true, ""},
		{"a key the service does not hold", `{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"voice":{"language":"en-US","voice_id":"stock"},"starting_message":"hi"}`,
			adopted, true, ""},
		{"after a write of the user's config the same difference is a change", `{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"voice":{"language":"en-us"}}`,
			&configBaseline{value: mustJSON(t, imported)}, true, ""},
	}
	for _, tc := range cases {
		ans, err := r.decide(driftQuery{Question: driftPlan, Prior: imported, Planned: tc.planned, Baseline: tc.baseline})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Changed != tc.changed || strings.Join(ans.Unsure, ", ") != tc.unsure {
			t.Errorf("%s: changed %v unsure %q, want %v %q", tc.name, ans.Changed, ans.Unsure, tc.changed, tc.unsure)
		}
	}
	// A null inside a free-form object is data the service never fills: a
	// configuration that leaves it out is a change, shown in the plan.
	const withNull = `{"instructions":"x","llm":{"model":"m"},"type":"static_prompt","tools":[{"name":"t","description":"d","actions":[{"type":"hangup"}],"properties":{"a":null}}]}`
	ans, err := r.decide(driftQuery{Question: driftPlan, Prior: withNull,
		Planned:  `{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"tools":[{"name":"t","description":"d","actions":[{"type":"hangup"}]}]}`,
		Baseline: &configBaseline{value: mustJSON(t, withNull), adopted: true}})
	if err != nil || !ans.Changed {
		t.Errorf("leaving out a null of a free-form object must be a change: %+v %v", ans, err)
	}
}

// memoryPrivate is private state in memory.
type memoryPrivate struct{ keys map[string][]byte }

func (p *memoryPrivate) GetKey(_ context.Context, k string) ([]byte, diag.Diagnostics) {
	return p.keys[k], nil
}

func (p *memoryPrivate) SetKey(_ context.Context, k string, v []byte) diag.Diagnostics {
	if p.keys == nil {
		p.keys = map[string][]byte{}
	}
	if len(v) == 0 {
		delete(p.keys, k)
	} else {
		p.keys[k] = v
	}
	return nil
}

// TestConfigRuleHeldBaseline: the baseline leaves out what the schema
// implies (declared fields the service writes as null, default values), so
// on a wire that writes every unset optional field as null the record stays
// a few bytes, refreshes still find no drift in the service's own answer and
// still show an edit, and without the schema a refresh keeps state and says
// it could not compare rather than showing every implied value as drift.
func TestConfigRuleHeldBaseline(t *testing.T) {
	t.Parallel()
	shape := testShape(t)
	const user = `{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"voice":{"language":"en-us"}}`
	// The null-writing wire's answer: defaults filled, unset declared fields null.
	const answer = `{"type":"static_prompt","instructions":"x","starting_message":null,"tools":null,"llm":{"model":"m","temperature":0.7,"max_tokens":1024},` +
		`"voice":{"provider":null,"language":"en-US","speed":1.0,"emotion":"neutral","voice_id":"stock"},"stt":null,"max_tool_steps":10}`
	r := &configRule{shape: shape}
	written, err := r.decide(driftQuery{Question: driftWrite, Planned: user, Server: mustJSON(t, answer)})
	if err != nil {
		t.Fatal(err)
	}
	private := &memoryPrivate{}
	if diags := setConfigBaseline(t.Context(), private, written.Config, written.Baseline); diags.HasError() {
		t.Fatal(diags)
	}
	record := string(private.keys[baselineKey])
	for _, implied := range []string{"null", "temperature", "max_tool_steps", "emotion"} {
		if strings.Contains(record, implied) {
			t.Errorf("the record keeps %q, which the schema implies: %s", implied, record)
		}
	}
	if !strings.Contains(record, "stock") {
		t.Errorf("the record lost the value the service filled beyond the schema: %s", record)
	}
	recorded := getConfigBaseline(t.Context(), private, written.Config, nil)

	refresh := func(r *configRule, server string) driftAnswer {
		t.Helper()
		ans, err := r.decide(driftQuery{Question: driftRefresh, Prior: user, Server: mustJSON(t, server), Baseline: recorded})
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	if ans := refresh(&configRule{shape: shape}, answer); ans.Config != user || !recorded.same(ans.Baseline) || ans.Unchecked {
		t.Errorf("the service's own answer must be no drift, with the record left as it is: %+v", ans)
	}
	edited := strings.Replace(answer, `"temperature":0.7`, `"temperature":1.9`, 1)
	if ans := refresh(&configRule{shape: shape}, edited); !strings.Contains(ans.Config, `"temperature":1.9`) {
		t.Errorf("an edit of a default the config leaves out must show: %s", ans.Config)
	}
	unavailable := &configRule{load: func() *configjson.Shape { return nil }}
	if ans := refresh(unavailable, edited); ans.Config != user || !ans.Unchecked || !recorded.same(ans.Baseline) {
		t.Errorf("without the schema a refresh must keep state and say it could not compare: %+v", ans)
	}
	// The answer the record was written from, read again, needs no schema:
	// the refresh of an unchanged version never loads it.
	loads := 0
	counting := &configRule{load: func() *configjson.Shape { loads++; return shape }}
	if ans := refresh(counting, answer); ans.Config != user || ans.Unchecked || !recorded.same(ans.Baseline) || loads != 0 {
		t.Errorf("the same answer again must be no drift without loading the schema (%d loads): %+v", loads, ans)
	}

	// A record of the whole answer (written before baselines were held)
	// is compared the same way and left byte for byte when nothing changed.
	whole := &configBaseline{value: mustJSON(t, answer)}
	ans, err := r.decide(driftQuery{Question: driftRefresh, Prior: user, Baseline: whole,
		Server: mustJSON(t, answer[:len(answer)-1]+`,"config_revision":2}`)})
	if err != nil || ans.Config != user || ans.Baseline != whole {
		t.Errorf("a whole-answer record must be kept as it is when nothing the rule compares changed: %+v %v", ans, err)
	}
}
