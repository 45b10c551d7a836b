package conformance_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// pointer resolves a JSON pointer ("/$defs/Voice/properties/speed") in a
// decoded document.
func pointer(doc any, ptr string) any {
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")]
	}
	return cur
}

// Section 7: GET /core/agent-config-schema.
func TestConfigSchema(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	raw, err := e.c.AgentConfigSchema(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}

	t.Run("[D] the schema endpoint returns a complete JSON Schema; [A] draft 2020-12 with $defs that compiles", func(t *testing.T) {
		t.Parallel()
		if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("$schema = %v", doc["$schema"])
		}
		if defs, _ := doc["$defs"].(map[string]any); len(defs) == 0 {
			t.Error("no $defs")
		}
		sch := compile(t, raw)
		if err := sch.Validate(any(decode(t, config("hello")))); err != nil {
			t.Errorf("the minimal config does not validate: %v", err)
		}
		var bad any = decode(t, config("x", map[string]any{"voice": map[string]any{"speed": 9}}))
		if sch.Validate(bad) == nil {
			t.Error("an out-of-range config validates")
		}
	})

	t.Run("[D] clients should validate a config against the schema before sending: it agrees with the server", func(t *testing.T) {
		t.Parallel()
		sch := compile(t, raw)
		a := e.agent("Schema agreement")
		configs := []json.RawMessage{
			config("ok"),
			config("ok", map[string]any{"voice": map[string]any{"emotion": "calm", "speed": 0.5}}),
			config("bad", map[string]any{"voice": map[string]any{"emotion": "furious"}}),
			config("bad", map[string]any{"llm": map[string]any{}}),
			config("bad", map[string]any{"pre_conversation_workflow": map[string]any{"workflow_id": "w", "workflow_version": 1, "definition": map[string]any{}}}),
			config("ok", map[string]any{"pre_conversation_workflow": map[string]any{"definition": map[string]any{"steps": []any{}}}}),
			mustJSON(map[string]any{"type": "static_prompt", "llm": map[string]any{"model": "m"}}),
		}
		for _, cfg := range configs {
			var inst any
			_ = json.Unmarshal(cfg, &inst)
			localOK := sch.Validate(inst) == nil
			_, err := e.c.CreateVersion(t.Context(), a.ID, client.VersionCreate{Config: cfg})
			if serverOK := err == nil; serverOK != localOK {
				t.Errorf("config %s: local validation %v, server %v (%v)", cfg, localOK, serverOK, err)
			}
		}
	})

	// [D] The documented parts of AgentConfig, found in the served schema.
	parts := []struct {
		rule string
		ptr  string
		want any // nil: only presence is checked
	}{
		{"[A] AgentConfig is a discriminated union on type with static_prompt", "/discriminator/mapping/static_prompt", "#/$defs/StaticPromptConfig"},
		{"[D] channel_overrides lives on a static_prompt config", "/$defs/StaticPromptConfig/properties/channel_overrides", nil},
		{"[D] channel_properties lives on a static_prompt config", "/$defs/StaticPromptConfig/properties/channel_properties", nil},
		{"[A] voice, llm, stt, instructions, starting_message, knowledge_bases, tools are config fields", "/$defs/StaticPromptConfig/properties/knowledge_bases", nil},
		{"[D] pre_conversation_workflow is a WorkflowAction", "/$defs/StaticPromptConfig/properties/pre_conversation_workflow/$ref", "#/$defs/WorkflowAction"},
		{"[D] post_conversation_workflow is a WorkflowAction", "/$defs/StaticPromptConfig/properties/post_conversation_workflow/$ref", "#/$defs/WorkflowAction"},
		{"[D] overrides are keyed by telephone", "/$defs/ChannelOverrides/properties/telephone", nil},
		{"[D] overrides are keyed by webrtc", "/$defs/ChannelOverrides/properties/webrtc", nil},
		{"[D] overrides are keyed by sms", "/$defs/ChannelOverrides/properties/sms", nil},
		{"[D] overrides are keyed by email", "/$defs/ChannelOverrides/properties/email", nil},
		{"[D] overrides are keyed by text", "/$defs/ChannelOverrides/properties/text", nil},
		{"[D] override instructions_mode is append|replace", "/$defs/ChannelOverride/properties/instructions_mode/enum", []any{"append", "replace"}},
		{"[D] override instructions_mode defaults to append", "/$defs/ChannelOverride/properties/instructions_mode/default", "append"},
		{"[D] override starting_message", "/$defs/ChannelOverride/properties/starting_message", nil},
		{"[D] override instructions", "/$defs/ChannelOverride/properties/instructions", nil},
		{"[D] override max_tool_steps ≥ 1", "/$defs/ChannelOverride/properties/max_tool_steps/minimum", 1.0},
		{"[D] channel_properties are discriminated by channel", "/$defs/ChannelProperties/discriminator/propertyName", "channel"},
		{"[D] channel_properties share enabled (default true)", "/$defs/TelephoneProperties/properties/enabled/default", true},
		{"[D] channel_properties share body_template (default {{agent_response}})", "/$defs/SmsProperties/properties/body_template/default", "{{agent_response}}"},
		{"[D] email body_format is multipart|html|plaintext", "/$defs/EmailProperties/properties/body_format/enum", []any{"multipart", "html", "plaintext"}},
		{"[D] email subject_template defaults to Re: {{subject}}", "/$defs/EmailProperties/properties/subject_template/default", "Re: {{subject}}"},
		{"[D] email cc_reply_policy is conditional|never|always", "/$defs/EmailProperties/properties/cc_reply_policy/enum", []any{"conditional", "never", "always"}},
		{"[D] tools require name, description and actions", "/$defs/Tool/required", []any{"name", "description", "actions"}},
		{"[D] tool properties default to {}", "/$defs/Tool/properties/properties/default", map[string]any{}},
		{"[D] tool required defaults to []", "/$defs/Tool/properties/required/default", []any{}},
		{"[D] tool actions_on_error defaults to []", "/$defs/Tool/properties/actions_on_error/default", []any{}},
		{"[D] tool output", "/$defs/Tool/properties/output", nil},
		{"[D] action types", "/$defs/Action/properties/type/enum", []any{"play_message", "cold_transfer", "warm_transfer", "conference", "dtmf", "hangup", "leave_room", "wait", "play_audio", "stop_audio", "update_endpointing", "workflow", "knowledge_base"}},
		{"[D] knowledge bases are referenced by dataset_id", "/$defs/KnowledgeBaseRef/required", []any{"dataset_id"}},
		{"[D] knowledge base top_n defaults to 5", "/$defs/KnowledgeBaseRef/properties/top_n/default", 5.0},
		{"[D] voice layer: provider", "/$defs/Voice/properties/provider", nil},
		{"[D] voice layer: voice id", "/$defs/Voice/properties/voice_id", nil},
		{"[D] voice layer: language", "/$defs/Voice/properties/language", nil},
		{"[D] voice layer: emotion", "/$defs/Voice/properties/emotion", nil},
		{"[A] voice.speed defaults to 1.0", "/$defs/Voice/properties/speed/default", 1.0},
		{"[D] llm layer: model", "/$defs/LLM/properties/model", nil},
		{"[A] llm.temperature defaults to 0.7", "/$defs/LLM/properties/temperature/default", 0.7},
		{"[D] stt layer: model", "/$defs/STT/properties/model", nil},
		{"[A] max_tool_steps defaults to 10", "/$defs/StaticPromptConfig/properties/max_tool_steps/default", 10.0},
	}
	for _, p := range parts {
		t.Run(p.rule, func(t *testing.T) {
			t.Parallel()
			got := pointer(doc, p.ptr)
			if got == nil {
				t.Fatalf("%s is missing from the served schema", p.ptr)
			}
			if p.want != nil && !reflect.DeepEqual(got, p.want) {
				t.Errorf("%s = %#v, want %#v", p.ptr, got, p.want)
			}
		})
	}

	t.Run("[A] the config fields of the contract are all on static_prompt", func(t *testing.T) {
		t.Parallel()
		props, _ := pointer(doc, "/$defs/StaticPromptConfig/properties").(map[string]any)
		for _, f := range []string{"type", "voice", "llm", "stt", "instructions", "starting_message", "knowledge_bases", "tools", "max_tool_steps", "channel_overrides", "channel_properties", "pre_conversation_workflow", "post_conversation_workflow"} {
			if _, ok := props[f]; !ok {
				t.Errorf("static_prompt has no %s", f)
			}
		}
	})

	t.Run("[D] WorkflowAction: workflow_id + workflow_version, or an inline definition, never both", func(t *testing.T) {
		t.Parallel()
		a := e.agent("Workflows")
		cases := []struct {
			wf map[string]any
			ok bool
		}{
			{map[string]any{"workflow_id": "wf_1", "workflow_version": 2}, true},
			{map[string]any{"definition": map[string]any{"steps": []any{}}}, true},
			{map[string]any{"workflow_id": "wf_1", "workflow_version": 2, "definition": map[string]any{}}, false},
			{map[string]any{"workflow_id": "wf_1"}, false},
		}
		for _, c := range cases {
			_, err := e.c.CreateVersion(t.Context(), a.ID, client.VersionCreate{Config: config("x", map[string]any{"post_conversation_workflow": c.wf})})
			if (err == nil) != c.ok {
				t.Errorf("workflow %v: err %v, want ok=%v", c.wf, err, c.ok)
			}
			if err != nil && !client.IsValidation(err) {
				t.Errorf("workflow %v: %v, want 422", c.wf, err)
			}
		}
	})

	t.Run("[A] the server fills schema defaults on write, in nested parts too", func(t *testing.T) {
		t.Parallel()
		a := e.agent("Nested defaults")
		v := e.version(a.ID, config("x", map[string]any{
			"tools":              []any{map[string]any{"name": "end", "description": "End the call", "actions": []any{map[string]any{"type": "hangup"}}}},
			"knowledge_bases":    []any{map[string]any{"dataset_id": "ds_1"}},
			"channel_overrides":  map[string]any{"telephone": map[string]any{"instructions": "Be brief"}},
			"channel_properties": map[string]any{"email": map[string]any{"channel": "email"}},
			"voice":              map[string]any{},
			"stt":                map[string]any{},
		}))
		m := decode(t, v.Config)
		want := []struct {
			path []any
			val  any
		}{
			{[]any{"tools", 0, "properties"}, map[string]any{}},
			{[]any{"tools", 0, "required"}, []any{}},
			{[]any{"tools", 0, "actions_on_error"}, []any{}},
			{[]any{"knowledge_bases", 0, "top_n"}, 5.0},
			{[]any{"channel_overrides", "telephone", "instructions_mode"}, "append"},
			{[]any{"channel_properties", "email", "enabled"}, true},
			{[]any{"channel_properties", "email", "body_template"}, "{{agent_response}}"},
			{[]any{"channel_properties", "email", "subject_template"}, "Re: {{subject}}"},
			{[]any{"channel_properties", "email", "body_format"}, "multipart"},
			{[]any{"voice", "speed"}, 1.0},
			{[]any{"llm", "temperature"}, 0.7},
			{[]any{"max_tool_steps"}, 10.0},
		}
		for _, w := range want {
			if got := at(m, w.path...); !reflect.DeepEqual(got, w.val) {
				t.Errorf("config%v = %#v, want %#v", w.path, got, w.val)
			}
		}
	})
}

func compile(t *testing.T, raw json.RawMessage) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("the served schema does not compile: %v", err)
	}
	return sch
}
