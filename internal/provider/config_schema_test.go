package provider

import (
	"reflect"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// testUnionSchema has the two shapes that make raw JSON Schema errors noisy:
// a union discriminated by "type", and a union without a discriminator.
const testUnionSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "oneOf": [{"$ref": "#/$defs/Static"}, {"$ref": "#/$defs/Flow"}],
  "$defs": {
    "Static": {
      "type": "object", "additionalProperties": false, "required": ["type", "llm"],
      "properties": {
        "type": {"const": "static_prompt"},
        "llm": {"type": "object", "properties": {"temperature": {"type": "number", "maximum": 2}}},
        "workflow": {"oneOf": [
          {"type": "object", "additionalProperties": false, "required": ["workflow_id"], "properties": {"workflow_id": {"type": "string"}}},
          {"type": "object", "additionalProperties": false, "required": ["definition"], "properties": {"definition": {"type": "object"}}}
        ]}
      }
    },
    "Flow": {
      "type": "object", "required": ["type", "nodes"],
      "properties": {"type": {"const": "conversation_flow"}, "nodes": {"type": "array"}}
    }
  }
}`

func TestAgentConfigSchemaValidate(t *testing.T) {
	t.Parallel()
	s, err := parseConfigSchema([]byte(testUnionSchema))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"llm", "nodes", "type", "workflow"}; !reflect.DeepEqual(s.properties, want) {
		t.Errorf("properties = %v, want %v", s.properties, want)
	}
	cases := []struct {
		name, config string
		want         []string
	}{
		{"valid", `{"type": "static_prompt", "llm": {}}`, nil},
		{"error inside the chosen variant only", `{"type": "static_prompt", "llm": {"temperature": 3}}`,
			[]string{"config.llm.temperature: must be at most 2, got 3"}},
		{"missing required field", `{"type": "static_prompt"}`,
			[]string{`config: missing required key "llm"`}},
		{"unknown discriminator", `{"type": "nonsense"}`,
			[]string{`config.type: must be one of "static_prompt", "conversation_flow"`}},
		{"nested array path", `{"type": "conversation_flow", "nodes": "x"}`,
			[]string{"config.nodes: must be of type array, got string"}},
		{"both forms of a union without discriminator", `{"type": "static_prompt", "llm": {}, "workflow": {"workflow_id": "w", "definition": {}}}`,
			[]string{"config.workflow: must match exactly one of the allowed forms, and matches none (" +
				`form 1: config.workflow: key "definition" is not allowed here | ` +
				`form 2: config.workflow: key "workflow_id" is not allowed here)`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc, err := configjson.Decode(tc.config)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.validate(doc); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("validate() =\n  %q\nwant\n  %q", got, tc.want)
			}
		})
	}
}

func TestParseConfigSchemaRejectsGarbage(t *testing.T) {
	t.Parallel()
	if _, err := parseConfigSchema([]byte(`{"type": 12}`)); err == nil {
		t.Error("a schema that does not compile must be an error")
	}
	if _, err := parseConfigSchema([]byte(`not json`)); err == nil {
		t.Error("a schema that is not JSON must be an error")
	}
}
