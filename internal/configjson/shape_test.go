package configjson

import (
	"os"
	"path/filepath"
	"testing"
)

// emulatorShape is the shape of the emulator's AgentConfig schema.
func emulatorShape(t *testing.T) *Shape {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "emulator", "agent_config_schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		t.Fatal("the schema is not an object")
	}
	shape, err := NewShape(root)
	if err != nil {
		t.Fatal(err)
	}
	return shape
}

func TestMinimal(t *testing.T) {
	t.Parallel()
	shape := emulatorShape(t)
	cases := []struct {
		name, stored, want string
		noSchema           bool
	}{
		{"defaults, the service's own keys and nulls leave",
			`{"type":"static_prompt","instructions":"Café & \"co\"","llm":{"model":"gpt-4o","temperature":0.7,"max_tokens":1024,"routing_region":"us"},` +
				`"voice":{"provider":"elevenlabs","speed":1.0,"language":"en-US","emotion":"neutral","voice_id":"stock"},"max_tool_steps":10,"stt":null,"config_revision":3}`,
			`{"instructions":"Café & \"co\"","llm":{"model":"gpt-4o"},"type":"static_prompt","voice":{"voice_id":"stock"}}`, false},
		{"a value other than the default stays, at any depth",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m","temperature":1.5},"knowledge_bases":[{"dataset_id":"d","top_n":5},{"dataset_id":"e","top_n":3}]}`,
			`{"instructions":"x","knowledge_bases":[{"dataset_id":"d"},{"dataset_id":"e","top_n":3}],"llm":{"model":"m","temperature":1.5},"type":"static_prompt"}`, false},
		{"without a schema nothing leaves, nulls included",
			`{"a":{"b":null,"c":1.0},"max_tool_steps":10}`, `{"a":{"b":null,"c":1.0},"max_tool_steps":10}`, true},
		{"a null inside a free-form object is data; a declared field's null is unset",
			`{"type":"static_prompt","instructions":"x","llm":{"model":"m"},"stt":null,"tools":[{"name":"t","description":"d",` +
				`"properties":{"when":{"type":"string","default":null}},"output":null}]}`,
			`{"instructions":"x","llm":{"model":"m"},"tools":[{"description":"d","name":"t","properties":{"when":{"default":null,"type":"string"}}}],"type":"static_prompt"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := shape
			if tc.noSchema {
				s = nil
			}
			stored, err := Decode(tc.stored)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Encode(s.Minimal(stored))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Minimal\n got: %s\nwant: %s", got, tc.want)
			}
			if !Equal(s.Comparable(stored), s.Comparable(s.Minimal(stored))) {
				t.Error("the minimal config does not mean the same as the stored one")
			}
		})
	}
}
