package provider

import (
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

func TestMergeJSONDocuments(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		docs []string
		want string
	}{
		{
			name: "objects merge key by key, recursively",
			docs: []string{`{"voice":{"provider":"elevenlabs","speed":1.0},"llm":{"model":"gpt-4o"}}`, `{"voice":{"speed":1.2}}`},
			want: `{"llm":{"model":"gpt-4o"},"voice":{"provider":"elevenlabs","speed":1.2}}`,
		},
		{
			name: "the later overlay wins",
			docs: []string{`{"a":1}`, `{"a":2}`, `{"a":3}`},
			want: `{"a":3}`,
		},
		{
			name: "arrays are replaced, not concatenated or merged by index",
			docs: []string{`{"tools":[{"name":"a","x":1},{"name":"b"}]}`, `{"tools":[{"name":"c"}]}`},
			want: `{"tools":[{"name":"c"}]}`,
		},
		{
			name: "an empty array replaces too",
			docs: []string{`{"tools":[1,2]}`, `{"tools":[]}`},
			want: `{"tools":[]}`,
		},
		{
			name: "a scalar replaces an object and an object replaces a scalar",
			docs: []string{`{"a":{"b":1},"c":"x"}`, `{"a":"flat","c":{"d":true}}`},
			want: `{"a":"flat","c":{"d":true}}`,
		},
		{
			name: "null in an overlay deletes the key, at any depth",
			docs: []string{`{"a":1,"b":{"c":2,"d":3}}`, `{"a":null,"b":{"c":null}}`},
			want: `{"b":{"d":3}}`,
		},
		{
			name: "null for a key that is absent changes nothing",
			docs: []string{`{"a":1}`, `{"missing":null,"b":{"missing":null}}`},
			want: `{"a":1,"b":{}}`,
		},
		{
			name: "a later overlay can add back what an earlier one deleted",
			docs: []string{`{"a":{"b":1}}`, `{"a":null}`, `{"a":{"c":2}}`},
			want: `{"a":{"c":2}}`,
		},
		{
			name: "nulls inside an object the overlay adds are dropped",
			docs: []string{`{"a":1}`, `{"b":{"c":null,"d":4}}`},
			want: `{"a":1,"b":{"d":4}}`,
		},
		{
			name: "nulls in the base and inside arrays are values",
			docs: []string{`{"a":null,"b":[null,1]}`, `{"c":[null]}`},
			want: `{"a":null,"b":[null,1],"c":[null]}`,
		},
		{
			name: "numbers keep their spelling and precision",
			docs: []string{`{"a":1.0,"b":12345678901234567890123,"c":1e400}`, `{"d":0.10000000000000000001}`},
			want: `{"a":1.0,"b":12345678901234567890123,"c":1e400,"d":0.10000000000000000001}`,
		},
		{
			name: "canonical: sorted keys, compact, no HTML escaping, escapes decoded",
			docs: []string{"{\n  \"z\": \"<b>&</b>\",\n  \"a\": \"caf\\u00e9\"\n}"},
			want: `{"a":"café","z":"<b>&</b>"}`,
		},
		{
			name: "a duplicate key takes its last value, as the API's parser does",
			docs: []string{`{"a":1,"a":2}`},
			want: `{"a":2}`,
		},
		{
			name: "empty objects",
			docs: []string{`{}`, `{}`},
			want: `{}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, bad, err := mergeJSONDocuments(tc.docs)
			if err != nil {
				t.Fatalf("document %d: %v", bad, err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestMergeJSONDocumentsErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		docs    []string
		wantBad int
		wantErr string
	}{
		{"base is an array", []string{`[1]`}, 0, "is a JSON array, not a JSON object"},
		{"overlay is a string", []string{`{}`, `"x"`}, 1, "is a JSON string, not a JSON object"},
		{"overlay is null", []string{`{}`, `{}`, `null`}, 2, "is a JSON null, not a JSON object"},
		{"overlay is a number", []string{`{}`, `1.5`}, 1, "is a JSON number, not a JSON object"},
		{"overlay is a boolean", []string{`{}`, `true`}, 1, "is a JSON boolean, not a JSON object"},
		{"invalid JSON", []string{`{}`, `{"a":}`}, 1, "is not valid JSON: invalid character '}'"},
		{"two documents in one string", []string{`{} {}`}, 0, "is not valid JSON: unexpected data after the JSON value"},
		{"empty string", []string{`{}`, `  `}, 1, "is an empty string, not a JSON object"},
		// The limits of config itself: a merge is no way around them.
		{"a document over 1 MiB", []string{`{}`, `{"a":"` + strings.Repeat("x", 1<<20) + `"}`}, 1, "the provider accepts at most 1024 KiB"},
		{"a document 9,000 levels deep", []string{strings.Repeat(`{"a":`, 9000) + `1` + strings.Repeat(`}`, 9000)}, 0,
			"nests objects and arrays 9000 levels deep; the provider accepts at most 64"},
		{"a merge over 1 MiB", []string{`{"a":"` + strings.Repeat("x", 600<<10) + `"}`, `{"b":"` + strings.Repeat("x", 600<<10) + `"}`}, -1,
			"the merged document is 1200 KiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, bad, err := mergeJSONDocuments(tc.docs)
			if err == nil {
				t.Fatal("want an error")
			}
			if bad != tc.wantBad {
				t.Errorf("error names document %d, want %d", bad, tc.wantBad)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

// The merge must not change its inputs: Terraform may hand the same decoded
// base to several calls.
func TestMergeJSONObjectsLeavesInputsAlone(t *testing.T) {
	t.Parallel()
	base := map[string]any{"a": map[string]any{"b": "1", "c": "2"}, "d": "3"}
	overlay := map[string]any{"a": map[string]any{"b": nil, "e": "4"}, "d": nil}
	baseBefore, _ := configjson.Encode(base)
	overlayBefore, _ := configjson.Encode(overlay)
	got, _ := configjson.Encode(mergeJSONObjects(base, overlay))
	if want := `{"a":{"c":"2","e":"4"}}`; got != want {
		t.Errorf("merged %s, want %s", got, want)
	}
	if after, _ := configjson.Encode(base); after != baseBefore {
		t.Errorf("base changed: %s, was %s", after, baseBefore)
	}
	if after, _ := configjson.Encode(overlay); after != overlayBefore {
		t.Errorf("overlay changed: %s, was %s", after, overlayBefore)
	}
}
