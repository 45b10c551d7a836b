package emulator

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestVersions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "versions"})

	t.Run("[D] exactly one of config or base_version: both or neither is 422", func(t *testing.T) {
		expect(t, h.do("POST", "/core/agents/"+id+"/versions", map[string]any{"config": minimalConfig("x"), "base_version": 1}), 422)
		r := expect(t, h.do("POST", "/core/agents/"+id+"/versions", map[string]any{}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body"]`})
	})
	t.Run("[A] latest on an agent without versions is 404", func(t *testing.T) {
		expect(t, h.do("GET", "/core/agents/"+id+"/versions/latest", nil), 404)
	})

	var v1 map[string]any
	t.Run("[D] a new version is a draft numbered 1 with the version object of the contract", func(t *testing.T) {
		v1 = h.createVersion(id, map[string]any{
			"config":                     minimalConfig("Be kind."),
			"instruction_builder_inputs": map[string]any{"industry": "dental"},
		})
		assertEqual(t, "version", v1["version"], float64(1))
		assertEqual(t, "agent_id", v1["agent_id"], id)
		assertEqual(t, "published", v1["published"], false)
		assertEqual(t, "published_at", v1["published_at"], nil)
		assertEqual(t, "instructions_status", v1["instructions_status"], "idle")
		assertEqual(t, "instructions_dirty", v1["instructions_dirty"], false)
		assertEqual(t, "instructions_manually_edited", v1["instructions_manually_edited"], false)
		assertEqual(t, "instructions_error", v1["instructions_error"], nil)
		assertEqual(t, "instruction_builder_inputs", v1["instruction_builder_inputs"], map[string]any{"industry": "dental"})
		for _, k := range []string{"version_id", "created_at", "updated_at"} {
			if s, _ := v1[k].(string); s == "" {
				t.Errorf("%s missing", k)
			}
		}
	})
	t.Run("[A] the server fills defaults into config", func(t *testing.T) {
		cfg := h.createVersion(id, map[string]any{"config": map[string]any{
			"type": "static_prompt", "instructions": "x", "llm": map[string]any{"model": "gpt-4o"},
			"voice":              map[string]any{"voice_id": "v1"},
			"knowledge_bases":    []any{map[string]any{"dataset_id": "ds"}},
			"channel_overrides":  map[string]any{"sms": map[string]any{"instructions": "short"}},
			"channel_properties": map[string]any{"email": map[string]any{"channel": "email"}, "sms": map[string]any{"channel": "sms"}},
			"tools":              []any{map[string]any{"name": "book", "description": "Book", "actions": []any{map[string]any{"type": "hangup"}}}},
		}})["config"].(map[string]any)
		assertEqual(t, "voice", cfg["voice"], map[string]any{"voice_id": "v1", "provider": "elevenlabs", "language": "en-US", "speed": 1.0, "emotion": "neutral"})
		assertEqual(t, "llm", cfg["llm"], map[string]any{"model": "gpt-4o", "temperature": 0.7, "max_tokens": float64(1024)})
		assertEqual(t, "max_tool_steps", cfg["max_tool_steps"], float64(10))
		assertEqual(t, "knowledge_bases", cfg["knowledge_bases"], []any{map[string]any{"dataset_id": "ds", "top_n": float64(5)}})
		assertEqual(t, "channel_overrides", cfg["channel_overrides"], map[string]any{"sms": map[string]any{"instructions": "short", "instructions_mode": "append"}})
		assertEqual(t, "channel_properties", cfg["channel_properties"], map[string]any{
			"email": map[string]any{"channel": "email", "enabled": true, "body_template": "{{agent_response}}", "body_format": "multipart", "subject_template": "Re: {{subject}}", "cc_reply_policy": "conditional"},
			"sms":   map[string]any{"channel": "sms", "enabled": true, "body_template": "{{agent_response}}"},
		})
		assertEqual(t, "tools", cfg["tools"], []any{map[string]any{"name": "book", "description": "Book", "actions": []any{map[string]any{"type": "hangup"}}, "properties": map[string]any{}, "required": []any{}, "actions_on_error": []any{}}})
		if _, ok := cfg["stt"]; ok {
			t.Error("an absent optional layer (stt) was created")
		}
	})
	t.Run("[D] base_version copies the config into a new draft; unknown base_version is 404", func(t *testing.T) {
		v3 := h.createVersion(id, map[string]any{"base_version": 1})
		assertEqual(t, "version", v3["version"], float64(3))
		assertEqual(t, "config", v3["config"], v1["config"])
		assertEqual(t, "inputs", v3["instruction_builder_inputs"], v1["instruction_builder_inputs"])
		r := expect(t, h.do("POST", "/core/agents/"+id+"/versions", map[string]any{"base_version": 42}), 404)
		assertEqual(t, "detail", r.detail(t), "Version 42 not found")
	})
	t.Run("[D] latest returns the newest draft without creating one", func(t *testing.T) {
		r := expect(t, h.do("GET", "/core/agents/"+id+"/versions/latest", nil), 200).obj(t)
		assertEqual(t, "version", r["version"], float64(3))
		assertEqual(t, "version count", len(h.e.Snapshot().Agents[0].Versions), 3)
	})
	t.Run("[D] latest creates a draft copying the newest version when that is published", func(t *testing.T) {
		expect(t, h.publish(id, 3, nil), 200)
		r := expect(t, h.do("GET", "/core/agents/"+id+"/versions/latest", nil), 200).obj(t)
		assertEqual(t, "version", r["version"], float64(4))
		assertEqual(t, "published", r["published"], false)
		assertEqual(t, "config", r["config"], v1["config"])
		again := expect(t, h.do("GET", "/core/agents/"+id+"/versions/latest", nil), 200).obj(t)
		assertEqual(t, "second latest", again["version"], float64(4))
		assertEqual(t, "version count", len(h.e.Snapshot().Agents[0].Versions), 4)
	})
	t.Run("[D] PUT on a published version is 400", func(t *testing.T) {
		r := expect(t, h.do("PUT", "/core/agents/"+id+"/versions/3", map[string]any{"config": minimalConfig("new")}), http.StatusBadRequest)
		assertEqual(t, "detail", r.detail(t), "Published versions are immutable; create a new draft to iterate.")
	})
	t.Run("[D] PUT updates a draft and fills defaults", func(t *testing.T) {
		r := expect(t, h.do("PUT", "/core/agents/"+id+"/versions/4", map[string]any{"config": minimalConfig("new")}), 200).obj(t)
		assertEqual(t, "instructions", r["config"].(map[string]any)["instructions"], "new")
		assertEqual(t, "max_tool_steps", r["config"].(map[string]any)["max_tool_steps"], float64(10))
		assertEqual(t, "manually edited", r["instructions_manually_edited"], true)
	})
	t.Run("[D] versions cannot be deleted", func(t *testing.T) {
		expect(t, h.do("DELETE", "/core/agents/"+id+"/versions/4", nil), http.StatusMethodNotAllowed)
	})
	t.Run("[D] version list filters by published and version", func(t *testing.T) {
		data := expect(t, h.do("GET", "/core/agents/"+id+"/versions?published=true", nil), 200).obj(t)["data"].([]any)
		if len(data) != 1 || data[0].(map[string]any)["version"] != float64(3) {
			t.Errorf("published filter: %v", data)
		}
		data = expect(t, h.do("GET", "/core/agents/"+id+"/versions?version=2", nil), 200).obj(t)["data"].([]any)
		if len(data) != 1 || data[0].(map[string]any)["version"] != float64(2) {
			t.Errorf("version filter: %v", data)
		}
	})
}

func TestVersionPagination(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "many versions"})
	for i := range 25 {
		h.createVersion(id, map[string]any{"config": minimalConfig(fmt.Sprint(i))})
	}
	var got []float64
	cursor := ""
	for range 5 {
		path := "/core/agents/" + id + "/versions"
		if cursor != "" {
			path += "?cursor=" + cursor
		}
		body := expect(t, h.do("GET", path, nil), 200).obj(t)
		for _, v := range body["data"].([]any) {
			got = append(got, v.(map[string]any)["version"].(float64))
		}
		next, ok := body["pagination"].(map[string]any)["next_cursor"].(string)
		if !ok {
			break
		}
		cursor = next
	}
	if len(got) != 25 || got[0] != 1 || got[24] != 25 {
		t.Fatalf("[D] cursor walk over versions: %v", got)
	}
}

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "validation"})
	with := func(key string, val any) map[string]any {
		c := minimalConfig("x")
		c[key] = val
		return c
	}
	cases := []struct {
		name   string
		config any
		loc    string
		typ    string
	}{
		{"[A] wrong enum value names the field", with("voice", map[string]any{"provider": "acme"}), `["body","config","voice","provider"]`, "enum"},
		{"[A] out-of-range number names the field", with("voice", map[string]any{"speed": 3}), `["body","config","voice","speed"]`, "less_than_equal"},
		{"[A] below-minimum integer", with("max_tool_steps", 0), `["body","config","max_tool_steps"]`, "greater_than_equal"},
		{"[A] missing required nested field", with("llm", map[string]any{"temperature": 1}), `["body","config","llm","model"]`, "missing"},
		{"[A] missing required top-level field", map[string]any{"type": "static_prompt", "instructions": "x"}, `["body","config","llm"]`, "missing"},
		{"[A] missing type discriminator", map[string]any{"instructions": "x"}, `["body","config","type"]`, "missing"},
		{"[A] unknown type tag", map[string]any{"type": "telepathy"}, `["body","config","type"]`, "union_tag_invalid"},
		{"[D] workflow_id and definition together are invalid", with("pre_conversation_workflow", map[string]any{"workflow_id": "wf", "workflow_version": 1, "definition": map[string]any{}}), `["body","config","pre_conversation_workflow","definition"]`, "extra_forbidden"},
		{"[D] workflow_id needs workflow_version", with("post_conversation_workflow", map[string]any{"workflow_id": "wf"}), `["body","config","post_conversation_workflow","workflow_version"]`, "missing"},
		{"[A] unknown field is rejected", with("colour", "blue"), `["body","config","colour"]`, "extra_forbidden"},
		{"[D] tool action type must be a known action", with("tools", []any{map[string]any{"name": "t", "description": "d", "actions": []any{map[string]any{"type": "teleport"}}}}), `["body","config","tools",0,"actions",0,"type"]`, "enum"},
		{"[D] tool needs description and actions", with("tools", []any{map[string]any{"name": "t"}}), `["body","config","tools",0,"actions"]`, "missing"},
		{"[D] channel_properties are discriminated by channel", with("channel_properties", map[string]any{"email": map[string]any{"channel": "email", "body_format": "pdf"}}), `["body","config","channel_properties","email","body_format"]`, "enum"},
		{"[D] instructions_mode is append or replace", with("channel_overrides", map[string]any{"text": map[string]any{"instructions_mode": "prepend"}}), `["body","config","channel_overrides","text","instructions_mode"]`, "enum"},
		{"[D] channel keys are limited to the five channels", with("channel_overrides", map[string]any{"fax": map[string]any{}}), `["body","config","channel_overrides","fax"]`, "extra_forbidden"},
		{"[A] wrong type", with("instructions", 42), `["body","config","instructions"]`, "string_type"},
		{"[A] config must be an object", "text", `["body","config"]`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, h.do("POST", "/core/agents/"+id+"/versions", map[string]any{"config": tc.config}), 422)
			detail := r.obj(t)["detail"].([]any)
			found := false
			for _, d := range detail {
				m := d.(map[string]any)
				if jsonText(m["loc"]) == tc.loc && (tc.typ == "" || m["type"] == tc.typ) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error at %s (%s) in %s", tc.loc, tc.typ, r.body)
			}
		})
	}
	t.Run("[A] PUT validates the same way", func(t *testing.T) {
		h.createVersion(id, map[string]any{"config": minimalConfig("ok")})
		r := expect(t, h.do("PUT", "/core/agents/"+id+"/versions/1", map[string]any{"config": with("voice", map[string]any{"speed": 0.1})}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body","config","voice","speed"]`})
	})
	t.Run("[A] a conversation_flow config is accepted", func(t *testing.T) {
		h.createVersion(id, map[string]any{"config": map[string]any{"type": "conversation_flow", "nodes": []any{map[string]any{"id": "start"}}}})
	})
	t.Run("[D] GET /core/agent-config-schema returns the 2020-12 schema", func(t *testing.T) {
		s := expect(t, h.do("GET", "/core/agent-config-schema", nil), 200).obj(t)
		assertEqual(t, "$schema", s["$schema"], "https://json-schema.org/draft/2020-12/schema")
		if _, ok := s["$defs"].(map[string]any)["StaticPromptConfig"]; !ok {
			t.Error("no StaticPromptConfig in $defs")
		}
	})
}

func TestCompare(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "compare"})
	h.createVersion(id, map[string]any{"config": minimalConfig("one")})
	c2 := minimalConfig("one")
	c2["llm"] = map[string]any{"model": "gpt-4o-mini"}
	c2["starting_message"] = "Hello!"
	h.createVersion(id, map[string]any{"config": c2})

	r := expect(t, h.do("POST", "/core/agents/"+id+"/versions/compare", map[string]any{"from_version": 1, "to_version": 2}), 200)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("[D] compare answers text/plain, got %q", ct)
	}
	want := "Version 1 -> version 2: 2 changes.\n~ llm.model: \"gpt-4o\" -> \"gpt-4o-mini\"\n+ starting_message: \"Hello!\"\n"
	assertEqual(t, "[A] deterministic summary", string(r.body), want)
	expect(t, h.do("POST", "/core/agents/"+id+"/versions/compare", map[string]any{"from_version": 1, "to_version": 9}), 404)
	expect(t, h.do("POST", "/core/agents/"+id+"/versions/compare", map[string]any{"from_version": 1}), 422)
}

// finishGeneration releases the held generation and reads the version,
// which the release has finished.
func finishGeneration(t *testing.T, h *harness, id string, version int) map[string]any {
	t.Helper()
	h.e.ReleaseGeneration()
	v := expect(t, h.do("GET", fmt.Sprintf("/core/agents/%s/versions/%d", id, version), nil), 200).obj(t)
	if v["instructions_status"] == "generating" {
		t.Fatal("generation still running after ReleaseGeneration")
	}
	h.e.HoldGeneration() // the next generation runs until released again
	return v
}

func TestInstructionGeneration(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{GenerationDelay: 50 * time.Millisecond})
	h.e.HoldGeneration()
	id := h.createAgent(map[string]any{"name": "generation"})
	h.createVersion(id, map[string]any{"config": minimalConfig("draft")})
	gen := func(v int) response {
		return h.do("POST", fmt.Sprintf("/core/agents/%s/versions/%d/generate-instructions", id, v), nil)
	}
	inputs := map[string]any{"industry": "dental", "purpose": "book cleanings"}

	t.Run("[D] generation requires instruction_builder_inputs", func(t *testing.T) {
		r := expect(t, gen(1), http.StatusBadRequest)
		assertEqual(t, "detail", r.detail(t), "instruction_builder_inputs are required to generate instructions")
	})
	expect(t, h.do("PUT", "/core/agents/"+id+"/versions/1", map[string]any{"instruction_builder_inputs": inputs}), 200)

	t.Run("[D] generation is asynchronous: 202 and status generating", func(t *testing.T) {
		r := expect(t, gen(1), http.StatusAccepted)
		assertEqual(t, "body", r.obj(t), map[string]any{"status": "generating"})
		v := expect(t, h.do("GET", "/core/agents/"+id+"/versions/1", nil), 200).obj(t)
		assertEqual(t, "status", v["instructions_status"], "generating")
	})
	t.Run("[A] generating again while generating is a 202 no-op", func(t *testing.T) {
		expect(t, gen(1), http.StatusAccepted)
	})
	t.Run("[D] publish is blocked while generating (409)", func(t *testing.T) {
		r := expect(t, h.publish(id, 1, nil), http.StatusConflict)
		assertEqual(t, "detail", r.detail(t), "Cannot publish while instructions are generating; wait for generation to complete.")
	})
	t.Run("[A] generation completes and writes config.instructions", func(t *testing.T) {
		v := finishGeneration(t, h, id, 1)
		assertEqual(t, "status", v["instructions_status"], "completed")
		assertEqual(t, "instructions", v["config"].(map[string]any)["instructions"], generatedInstructions(inputs))
		assertEqual(t, "dirty", v["instructions_dirty"], false)
		assertEqual(t, "error", v["instructions_error"], nil)
	})
	t.Run("[A] changing the inputs after a generation makes instructions dirty", func(t *testing.T) {
		v := expect(t, h.do("PUT", "/core/agents/"+id+"/versions/1", map[string]any{"instruction_builder_inputs": map[string]any{"industry": "vet"}}), 200).obj(t)
		assertEqual(t, "dirty", v["instructions_dirty"], true)
		assertEqual(t, "manually edited", v["instructions_manually_edited"], false)
	})
	t.Run("[D] publish is blocked when instructions are stale (409)", func(t *testing.T) {
		r := expect(t, h.publish(id, 1, nil), http.StatusConflict)
		if !strings.HasPrefix(r.detail(t), "Instructions are stale") {
			t.Errorf("detail %q", r.detail(t))
		}
	})
	t.Run("[D] regenerating clears the block", func(t *testing.T) {
		expect(t, gen(1), http.StatusAccepted)
		v := finishGeneration(t, h, id, 1)
		assertEqual(t, "dirty", v["instructions_dirty"], false)
		expect(t, h.publish(id, 1, nil), http.StatusOK)
	})
	t.Run("[D] generation rejects published versions", func(t *testing.T) {
		expect(t, gen(1), http.StatusBadRequest)
	})
	t.Run("[D] dirty but manually edited instructions may be published", func(t *testing.T) {
		h.createVersion(id, map[string]any{"base_version": 1}) // v2: completed, clean
		expect(t, h.do("PUT", "/core/agents/"+id+"/versions/2", map[string]any{"instruction_builder_inputs": map[string]any{"industry": "spa"}}), 200)
		expect(t, h.publish(id, 2, nil), http.StatusConflict)
		cfg := minimalConfig("hand-written")
		v := expect(t, h.do("PUT", "/core/agents/"+id+"/versions/2", map[string]any{"config": cfg}), 200).obj(t)
		assertEqual(t, "manually edited", v["instructions_manually_edited"], true)
		assertEqual(t, "dirty", v["instructions_dirty"], true)
		expect(t, h.publish(id, 2, nil), http.StatusOK)
	})
	t.Run("[A] SetGenerationFailure makes generation end failed with the message", func(t *testing.T) {
		h.createVersion(id, map[string]any{"config": minimalConfig("x"), "instruction_builder_inputs": inputs})
		h.e.SetGenerationFailure("LLM quota exhausted")
		defer h.e.SetGenerationFailure("")
		expect(t, gen(3), http.StatusAccepted)
		v := finishGeneration(t, h, id, 3)
		assertEqual(t, "status", v["instructions_status"], "failed")
		assertEqual(t, "error", v["instructions_error"], "LLM quota exhausted")
		assertEqual(t, "instructions untouched", v["config"].(map[string]any)["instructions"], "x")
	})
}

func TestGenerationWithoutDelayCompletesBeforeTheNextRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "instant"})
	h.createVersion(id, map[string]any{"config": minimalConfig("x"), "instruction_builder_inputs": map[string]any{"a": "b"}})
	expect(t, h.do("POST", "/core/agents/"+id+"/versions/1/generate-instructions", nil), 202)
	v := expect(t, h.do("GET", "/core/agents/"+id+"/versions/1", nil), 200).obj(t)
	assertEqual(t, "[A] status", v["instructions_status"], "completed")
}

func TestInstructionGenerationSurvivesRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	// Far longer than any restart takes, however loaded the machine.
	const delay = time.Hour
	h := newHarness(t, Options{StateFile: path, GenerationDelay: delay})
	id := h.createAgent(map[string]any{"name": "restarted"})
	h.createVersion(id, map[string]any{"config": minimalConfig("draft"), "instruction_builder_inputs": map[string]any{"industry": "vet"}})
	expect(t, h.do("POST", "/core/agents/"+id+"/versions/1/generate-instructions", nil), http.StatusAccepted)
	due := h.e.Snapshot().Agents[0].Versions[0].GenerationDoneAt

	// [A] A generation running when the emulator stops is still running,
	// due at the same time, when it starts again from its state file, and
	// finishes there.
	h2 := newHarness(t, Options{StateFile: path, GenerationDelay: delay})
	v := expect(t, h2.do("GET", "/core/agents/"+id+"/versions/1", nil), 200).obj(t)
	assertEqual(t, "status right after the restart", v["instructions_status"], "generating")
	if got := h2.e.Snapshot().Agents[0].Versions[0].GenerationDoneAt; due == nil || got == nil || !got.Equal(*due) {
		t.Errorf("generation due at %v after the restart, want %v", got, due)
	}
	v = finishGeneration(t, h2, id, 1)
	assertEqual(t, "status", v["instructions_status"], "completed")
}

// TestGenerationHold: a held generation runs until released, whatever
// GenerationDelay says; HoldGenerationUntil releases it once the listed
// routes have been answered in order; the same over HTTP.
func TestGenerationHold(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "held"})
	h.createVersion(id, map[string]any{"config": minimalConfig("x"), "instruction_builder_inputs": map[string]any{"a": "b"}})
	gen := func() {
		expect(t, h.do("POST", "/core/agents/"+id+"/versions/1/generate-instructions", nil), http.StatusAccepted)
	}
	status := func() any {
		return expect(t, h.do("GET", "/core/agents/"+id+"/versions/1", nil), 200).obj(t)["instructions_status"]
	}

	h.e.HoldGeneration()
	gen()
	assertEqual(t, "held: still generating", status(), "generating")
	assertEqual(t, "held: still generating on a later read", status(), "generating")
	h.e.ReleaseGeneration()
	assertEqual(t, "released", status(), "completed")

	const publish = "POST /core/agents/{agent_id}/versions/{version}/publish"
	const read = "GET /core/agents/{agent_id}/versions/{version}"
	h.e.HoldGenerationUntil(publish, read)
	gen()
	assertEqual(t, "a read before the publish does not release", status(), "generating")
	expect(t, h.publish(id, 1, nil), http.StatusConflict)
	assertEqual(t, "the read after the refused publish still sees it running", status(), "generating")
	assertEqual(t, "the next read sees it finished", status(), "completed")

	anon := h.as("")
	expect(t, anon.do("PUT", "/_emulator/generation-hold", map[string]any{"until": []string{publish}}), http.StatusNoContent)
	expect(t, h.do("PUT", "/core/agents/"+id+"/versions/1", map[string]any{"instruction_builder_inputs": map[string]any{"a": "c"}}), 200)
	gen()
	assertEqual(t, "held over HTTP", status(), "generating")
	expect(t, anon.do("DELETE", "/_emulator/generation-hold", nil), http.StatusNoContent)
	assertEqual(t, "released over HTTP", status(), "completed")
	expect(t, anon.do("PUT", "/_emulator/generation-hold", map[string]any{"until": "not a list"}), http.StatusBadRequest)
}

// TestInputsChangedWhileGenerating: by default a change of builder inputs
// during a generation is taken (the generation ends with the new inputs); with
// RefuseInputsWhileGenerating it is 409 and nothing changes. HoldGeneration
// keeps the generation running until released, with no delay to race.
func TestInputsChangedWhileGenerating(t *testing.T) {
	t.Parallel()
	for _, refuse := range []bool{false, true} {
		h := newHarness(t, Options{RefuseInputsWhileGenerating: refuse})
		id := h.createAgent(map[string]any{"name": "held"})
		h.createVersion(id, map[string]any{"config": minimalConfig("x"), "instruction_builder_inputs": map[string]any{"a": "b"}})
		h.e.HoldGeneration()
		expect(t, h.do("POST", "/core/agents/"+id+"/versions/1/generate-instructions", nil), 202)
		v := expect(t, h.do("GET", "/core/agents/"+id+"/versions/1", nil), 200).obj(t)
		assertEqual(t, "[A] held status", v["instructions_status"], "generating")
		change := h.do("PUT", "/core/agents/"+id+"/versions/1", map[string]any{"instruction_builder_inputs": map[string]any{"a": "c"}})
		h.e.ReleaseGeneration()
		v = expect(t, h.do("GET", "/core/agents/"+id+"/versions/1", nil), 200).obj(t)
		assertEqual(t, "[A] released status", v["instructions_status"], "completed")
		if refuse {
			expect(t, change, http.StatusConflict)
			assertEqual(t, "[A] inputs kept", v["instruction_builder_inputs"], map[string]any{"a": "b"})
			assertEqual(t, "[A] not dirty", v["instructions_dirty"], false)
		} else {
			expect(t, change, http.StatusOK)
			assertEqual(t, "[A] inputs taken", v["instruction_builder_inputs"], map[string]any{"a": "c"})
		}
	}
}
