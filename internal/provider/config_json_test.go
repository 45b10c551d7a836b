package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestRefreshConfig(t *testing.T) {
	t.Parallel()
	const server = `{"type":"static_prompt","instructions":"Book appointments.","llm":{"model":"gpt-4o","temperature":0.7,"max_tokens":1024},
		"voice":{"provider":"elevenlabs","speed":1.0,"language":"en-US"},"max_tool_steps":10,
		"tools":[{"name":"book","description":"Book","properties":{},"required":[],"actions":[{"type":"hangup"}],"actions_on_error":[]}]}`
	cases := []struct {
		name, prior, server string
		ignore              []string
		want                string // "" means: prior kept exactly
	}{
		{
			name:   "server defaults never show",
			prior:  `{"type":"static_prompt","instructions":"Book appointments.","llm":{"model":"gpt-4o"}}`,
			server: server,
		},
		{
			name:   "key order and whitespace ignored",
			prior:  "{\n  \"llm\": {\"model\": \"gpt-4o\"},\n  \"instructions\": \"Book appointments.\",\n  \"type\": \"static_prompt\"\n}",
			server: server,
		},
		{
			name:   "number spelling ignored",
			prior:  `{"voice":{"speed":1},"llm":{"temperature":0.70}}`,
			server: server,
		},
		{
			name:   "a user-written key changed out of band shows exactly that change",
			prior:  `{"type":"static_prompt","llm":{"model":"gpt-4o-mini"}}`,
			server: server,
			want:   `{"llm":{"model":"gpt-4o"},"type":"static_prompt"}`,
		},
		{
			name:   "a user-written key removed out of band shows as missing",
			prior:  `{"starting_message":"Hi!","type":"static_prompt"}`,
			server: server,
			want:   `{"type":"static_prompt"}`,
		},
		{
			name:   "array elements are projected one by one",
			prior:  `{"tools":[{"name":"book","description":"Book","actions":[{"type":"hangup"}]}]}`,
			server: server,
		},
		{
			name:   "an array element changed out of band shows",
			prior:  `{"tools":[{"name":"cancel","description":"Book","actions":[{"type":"hangup"}]}]}`,
			server: server,
			want:   `{"tools":[{"actions":[{"type":"hangup"}],"description":"Book","name":"book"}]}`,
		},
		{
			name:   "an array element added out of band shows whole",
			prior:  `{"knowledge_bases":[{"dataset_id":"a"}]}`,
			server: `{"knowledge_bases":[{"dataset_id":"a","top_n":5},{"dataset_id":"b","top_n":5}]}`,
			want:   `{"knowledge_bases":[{"dataset_id":"a"},{"dataset_id":"b","top_n":5}]}`,
		},
		{
			name:   "an array shortened out of band shows",
			prior:  `{"knowledge_bases":[{"dataset_id":"a"},{"dataset_id":"b"}]}`,
			server: `{"knowledge_bases":[{"dataset_id":"a","top_n":5}]}`,
			want:   `{"knowledge_bases":[{"dataset_id":"a"}]}`,
		},
		{
			name:   "a type change shows the server's value",
			prior:  `{"voice":{"speed":1.2}}`,
			server: `{"voice":"default"}`,
			want:   `{"voice":"default"}`,
		},
		{
			name:   "no prior value (import) takes the full server config",
			prior:  ``,
			server: `{"b":1,"a":{"y":true,"x":null}}`,
			want:   `{"a":{"x":null,"y":true},"b":1}`,
		},
		{
			name:   "ignored top-level keys keep the user's value",
			prior:  `{"instructions":"placeholder","type":"static_prompt"}`,
			server: `{"instructions":"Generated text","type":"static_prompt"}`,
			ignore: []string{"instructions"},
		},
		{
			name:   "prompts with HTML characters are not escaped",
			prior:  `{"instructions":"old"}`,
			server: `{"instructions":"Say <hello> & smile"}`,
			want:   `{"instructions":"Say <hello> & smile"}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := refreshConfig(tc.prior, tc.server, tc.ignore...)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = tc.prior
			}
			if got != want {
				t.Errorf("refreshConfig()\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

func TestRefreshConfigRejectsNonJSONFromServer(t *testing.T) {
	t.Parallel()
	if _, err := refreshConfig(`{}`, `not json`); err == nil {
		t.Fatal("expected an error for a non-JSON server config")
	}
}

// addServerDefaults mimics what the API does on write: it adds keys the user
// did not write, at every level, derived deterministically from the input.
func addServerDefaults(v any, salt int) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x)+1)
		for k, e := range x {
			out[k] = addServerDefaults(e, salt+len(k))
		}
		out[fmt.Sprintf("server_default_%d", salt%7)] = json.Number(fmt.Sprint(salt))
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = addServerDefaults(e, salt+i)
		}
		return out
	}
	return v
}

// FuzzRefreshConfig checks the two promises of the comparison on arbitrary
// JSON: a config always matches the server's version of itself (defaults
// added, keys reordered), and refreshing is idempotent.
func FuzzRefreshConfig(f *testing.F) {
	for _, seed := range []string{
		`{"type":"static_prompt","llm":{"model":"gpt-4o"}}`,
		`{"tools":[{"name":"a","actions":[{"type":"hangup"}]}],"voice":{"speed":1.5}}`,
		`[1,2,{"a":null}]`, `"text"`, `0.1e3`, `{}`, `{"a":{"b":{"c":[[]]}}}`,
	} {
		f.Add(seed, `{"llm":{"model":"other"}}`)
	}
	f.Fuzz(func(t *testing.T, user, other string) {
		uv, err := decodeJSON(user)
		if err != nil {
			return
		}
		server, err := encodeJSON(addServerDefaults(uv, len(user)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := refreshConfig(user, server)
		if err != nil {
			t.Fatalf("refreshConfig(%q, %q): %v", user, server, err)
		}
		if got != user {
			t.Fatalf("a config must match the server's version of itself:\nuser:   %s\nserver: %s\ngot:    %s", user, server, got)
		}
		// Keys the builder owns are left as the user wrote them.
		if got, err := refreshConfig(user, server, "instructions"); err != nil || got != user {
			t.Fatalf("refreshConfig(%q, %q, instructions) = %q, %v; want the user's config", user, server, got, err)
		}

		// Idempotence against an unrelated server document.
		if _, err := decodeJSON(other); err != nil {
			return
		}
		once, err := refreshConfig(user, other)
		if err != nil {
			t.Fatal(err)
		}
		twice, err := refreshConfig(once, other)
		if err != nil {
			t.Fatal(err)
		}
		if once != twice {
			t.Fatalf("refresh is not idempotent:\nonce:  %s\ntwice: %s", once, twice)
		}
	})
}

func TestParseVersionImportID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id      string
		agent   string
		version int
		ok      bool
	}{
		{"6f1c/3", "6f1c", 3, true},
		{"6f1c", "", 0, false},
		{"6f1c/latest", "", 0, false},
		{"6f1c/0", "", 0, false},
		{"/3", "", 0, false},
		{"a/b/3", "", 0, false},
		{"6f1c/-1", "", 0, false},
		{"6f1c/+1", "", 0, false},
		{"6f1c/01", "", 0, false},
	} {
		agent, version, err := parseVersionImportID(tc.id)
		if (err == nil) != tc.ok || agent != tc.agent || version != tc.version {
			t.Errorf("parseVersionImportID(%q) = %q, %d, %v", tc.id, agent, version, err)
		}
		if err != nil && !strings.Contains(err.Error(), "expected AGENT_ID/VERSION") {
			t.Errorf("error for %q does not show the expected form: %v", tc.id, err)
		}
	}
}

func FuzzParseVersionImportID(f *testing.F) {
	for _, s := range []string{"a/1", "a/b/1", "", "/", "x/99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		agent, n, err := parseVersionImportID(id)
		if err != nil {
			return
		}
		if agent == "" || n < 1 || fmt.Sprintf("%s/%d", agent, n) != id {
			t.Fatalf("parseVersionImportID(%q) = %q, %d does not round-trip", id, agent, n)
		}
	})
}

func TestParseAgentImportID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id, value string
		byName    bool
		errPart   string // "" for success
	}{
		{"6f1c2a", "6f1c2a", false, ""},
		{"name=Riverside Dental", "Riverside Dental", true, ""},
		{"name= spaced ", " spaced ", true, ""},
		{"name==x", "=x", true, ""},
		{"", "", false, "the ID is empty"},
		{"  ", "", false, "the ID is empty"},
		{"name=", "", false, "the name after name= is empty"},
		{"6f1c/3", "", false, "AGENT_ID/VERSION is the import ID of anyreach_agent_version"},
		{"6f1c 3", "", false, "an agent ID has no spaces"},
		{"6f1c\t", "", false, "an agent ID has no spaces"},
	} {
		value, byName, err := parseAgentImportID(tc.id)
		if tc.errPart == "" {
			if err != nil || value != tc.value || byName != tc.byName {
				t.Errorf("parseAgentImportID(%q) = %q, %v, %v; want %q, %v", tc.id, value, byName, err, tc.value, tc.byName)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.errPart) || !strings.Contains(err.Error(), "expected AGENT_ID or name=AGENT_NAME") {
			t.Errorf("parseAgentImportID(%q) error = %v, want one saying %q and the expected form", tc.id, err, tc.errPart)
		}
	}
}

// FuzzParseAgentImportID checks that an accepted agent import ID round-trips:
// a name lookup is "name=" plus a non-empty name, anything else is the ID
// itself, non-empty, without spaces and without the version form's slash.
func FuzzParseAgentImportID(f *testing.F) {
	for _, s := range []string{"6f1c2a", "name=Riverside Dental", "name=", "", "a/1", "a b", "name=name=x", "\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		value, byName, err := parseAgentImportID(id)
		if err != nil {
			if !strings.Contains(err.Error(), "expected AGENT_ID or name=AGENT_NAME") {
				t.Fatalf("error for %q does not show the expected form: %v", id, err)
			}
			return
		}
		if byName {
			if value == "" || "name="+value != id {
				t.Fatalf("parseAgentImportID(%q) = name %q does not round-trip", id, value)
			}
			return
		}
		if value != id || strings.TrimSpace(value) == "" || strings.ContainsAny(value, "/ \t\n") {
			t.Fatalf("parseAgentImportID(%q) accepted ID %q", id, value)
		}
	})
}

func TestMetadataFromAPIEncodesNonStrings(t *testing.T) {
	got, diags := metadataFromAPI(map[string]any{
		"team":  "a&b <ops>",
		"limit": 1.5,
		"rule":  map[string]any{"match": "<b>&"},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := map[string]string{"team": "a&b <ops>", "limit": "1.5", "rule": `{"match":"<b>&"}`}
	for k, w := range want {
		v, ok := got.Elements()[k].(types.String)
		if !ok || v.ValueString() != w {
			t.Errorf("metadata[%q] = %v, want %q (JSON without HTML escaping)", k, got.Elements()[k], w)
		}
	}
}
