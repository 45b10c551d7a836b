package conformance_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Section 4: creating, reading and updating versions.
func TestVersions(t *testing.T) {
	t.Parallel()

	t.Run("[D] a version is created as a draft; [A] 201, version 1, instructions idle", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Drafts")
		v := e.version(a.ID, config("hello"))
		if v.Published || v.PublishedAt != nil || v.Version != 1 || v.AgentID != a.ID || v.VersionID == "" {
			t.Errorf("version = %+v", v)
		}
		if v.InstructionsStatus != client.InstructionsIdle || v.InstructionsDirty || v.InstructionsManuallyEdited || v.InstructionsError != nil {
			t.Errorf("instruction state = %q dirty=%v edited=%v error=%s", v.InstructionsStatus, v.InstructionsDirty, v.InstructionsManuallyEdited, str(v.InstructionsError))
		}
		if r := e.requests("POST /core/agents/{agent_id}/versions"); len(r) != 1 || r[0].Status != http.StatusCreated {
			t.Errorf("create logged as %+v, want one 201", r)
		}
		if got := e.getVersion(a.ID, 1); !reflect.DeepEqual(decode(t, got.Config), decode(t, v.Config)) {
			t.Errorf("GET config %s differs from the create response %s", got.Config, v.Config)
		}
	})

	bad := []struct {
		rule   string
		in     client.VersionCreate
		status int
		detail string
	}{
		{"[D] exactly one of config or base_version; [A] both is 422", client.VersionCreate{Config: config("x"), BaseVersion: ptr(1)}, http.StatusUnprocessableEntity, "exactly one of config or base_version"},
		{"[D] exactly one of config or base_version; [A] neither is 422", client.VersionCreate{}, http.StatusUnprocessableEntity, "exactly one of config or base_version"},
		{"[A] an unknown base_version is 404", client.VersionCreate{BaseVersion: ptr(9)}, http.StatusNotFound, "Version 9 not found"},
	}
	for _, tc := range bad {
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			a := e.agent("Bad creates")
			e.version(a.ID, config("v1"))
			_, err := e.c.CreateVersion(t.Context(), a.ID, tc.in)
			wantAPIError(t, err, tc.status, tc.detail)
			if n := len(e.stored(a.ID).Versions); n != 1 {
				t.Errorf("the emulator holds %d versions, want 1", n)
			}
		})
	}

	t.Run("[A] creating a version of an unknown agent is 404", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		_, err := e.c.CreateVersion(t.Context(), "no-such-agent", client.VersionCreate{Config: config("x")})
		wantAPIError(t, err, http.StatusNotFound, "Agent not found")
	})

	t.Run("[A] version numbers are 1, 2, 3… per agent", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a, b := e.agent("A"), e.agent("B")
		var gotA, gotB []int
		gotA = append(gotA, e.version(a.ID, config("a1")).Version)
		gotB = append(gotB, e.version(b.ID, config("b1")).Version)
		gotA = append(gotA, e.versionWith(a.ID, client.VersionCreate{BaseVersion: ptr(1)}).Version)
		gotA = append(gotA, e.version(a.ID, config("a3")).Version)
		gotB = append(gotB, e.version(b.ID, config("b2")).Version)
		if !slices.Equal(gotA, []int{1, 2, 3}) || !slices.Equal(gotB, []int{1, 2}) {
			t.Errorf("agent A numbered %v, agent B %v", gotA, gotB)
		}
		seen := map[string]bool{}
		for _, ag := range e.emu.Snapshot().Agents {
			for _, v := range ag.Versions {
				if seen[v.VersionID] {
					t.Errorf("version_id %s used twice", v.VersionID)
				}
				seen[v.VersionID] = true
			}
		}
	})

	t.Run("[D] base_version copies the base's config into a new draft", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Copy")
		v1 := e.versionWith(a.ID, client.VersionCreate{Config: config("base", map[string]any{"voice": map[string]any{"speed": 1.5}}), InstructionBuilderInputs: mustJSON(map[string]any{"industry": "dental"})})
		e.publish(a.ID, 1, client.PublishRequest{})
		v2 := e.versionWith(a.ID, client.VersionCreate{BaseVersion: ptr(1)})
		if v2.Version != 2 || v2.Published || v2.VersionID == v1.VersionID {
			t.Errorf("copy = %+v", v2)
		}
		if !reflect.DeepEqual(decode(t, v2.Config), decode(t, v1.Config)) {
			t.Errorf("copied config %s, want %s", v2.Config, v1.Config)
		}
	})

	t.Run("[D] PUT updates a draft's config and instruction_builder_inputs", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Edit")
		e.version(a.ID, config("before"))
		got, err := e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{Config: config("after"), InstructionBuilderInputs: mustJSON(map[string]any{"purpose": "booking"})})
		if err != nil {
			t.Fatal(err)
		}
		read := e.getVersion(a.ID, 1)
		for _, v := range []*client.Version{got, read} {
			if at(decode(t, v.Config), "instructions") != "after" || at(decode(t, v.InstructionBuilderInputs), "purpose") != "booking" || v.Published {
				t.Errorf("version = config %s inputs %s published %v", v.Config, v.InstructionBuilderInputs, v.Published)
			}
		}
		// Only inputs: the config stays.
		if _, err := e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{InstructionBuilderInputs: mustJSON(map[string]any{"purpose": "triage"})}); err != nil {
			t.Fatal(err)
		}
		if v := e.getVersion(a.ID, 1); at(decode(t, v.Config), "instructions") != "after" {
			t.Errorf("an inputs-only PUT changed the config: %s", v.Config)
		}
	})

	t.Run("[D] PUT on a published version is 400; [D] published versions are immutable", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Immutable")
		e.versionWith(a.ID, client.VersionCreate{Config: config("frozen"), InstructionBuilderInputs: mustJSON(map[string]any{"k": "v"})})
		e.publish(a.ID, 1, client.PublishRequest{})
		before := e.getVersion(a.ID, 1)
		for name, in := range map[string]client.VersionUpdate{
			"config": {Config: config("thawed")},
			"inputs": {InstructionBuilderInputs: mustJSON(map[string]any{"k": "w"})},
		} {
			_, err := e.c.UpdateVersion(t.Context(), a.ID, 1, in)
			wantAPIError(t, err, http.StatusBadRequest)
			if !client.IsBadRequest(err) {
				t.Errorf("%s: IsBadRequest is false", name)
			}
		}
		after := e.getVersion(a.ID, 1)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the published version changed:\n%+v\n%+v", before, after)
		}
	})

	t.Run("[A] the server fills defaults into config on every write, so a GET returns more keys than were sent", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Defaults")
		sent := config("x", map[string]any{"voice": map[string]any{"voice_id": "v"}})
		created := e.version(a.ID, sent)
		updated, err := e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{Config: sent})
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]*client.Version{"create": created, "update": updated, "get": e.getVersion(a.ID, 1)} {
			m := decode(t, v.Config)
			for path, want := range map[string]any{"voice.speed": 1.0, "llm.temperature": 0.7, "max_tool_steps": 10.0, "voice.voice_id": "v"} {
				var keys []any
				for _, k := range strings.Split(path, ".") {
					keys = append(keys, k)
				}
				if got := at(m, keys...); got != want {
					t.Errorf("%s: config.%s = %v, want %v", name, path, got, want)
				}
			}
			if !client.ConfigContains(v.Config, sent) {
				t.Errorf("%s: the stored config %s does not contain what was sent", name, v.Config)
			}
			if at(m, "stt") != nil {
				t.Errorf("%s: an absent optional layer was created: %v", name, at(m, "stt"))
			}
		}
	})

	t.Run("[D] the versions list filters by version, published and timestamps", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Filters")
		v1 := e.version(a.ID, config("1"))
		e.version(a.ID, config("2"))
		v3 := e.version(a.ID, config("3"))
		e.publish(a.ID, 2, client.PublishRequest{})
		v2 := e.getVersion(a.ID, 2)
		ts := func(s string) *time.Time { return ptr(parseTime(t, s)) }
		cases := []struct {
			name string
			opts client.VersionListOptions
			want []int
		}{
			{"version=2", client.VersionListOptions{Version: ptr(2)}, []int{2}},
			{"published=true", client.VersionListOptions{Published: ptr(true)}, []int{2}},
			{"published=false", client.VersionListOptions{Published: ptr(false)}, []int{1, 3}},
			{"created_after", client.VersionListOptions{CreatedAfter: ts(v1.CreatedAt)}, []int{2, 3}},
			{"created_before", client.VersionListOptions{CreatedBefore: ts(v3.CreatedAt)}, []int{1, 2}},
			{"updated_after", client.VersionListOptions{UpdatedAfter: ts(v3.UpdatedAt)}, []int{2}},
			{"updated_before", client.VersionListOptions{UpdatedBefore: ts(v2.UpdatedAt)}, []int{1, 3}},
		}
		for _, c := range cases {
			got, err := e.c.ListVersions(t.Context(), a.ID, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			var nums []int
			for _, v := range got {
				nums = append(nums, v.Version)
			}
			if !slices.Equal(nums, c.want) {
				t.Errorf("%s: versions %v, want %v", c.name, nums, c.want)
			}
		}
	})

	t.Run("[D] versions cannot be deleted (no endpoint; the client offers none)", func(t *testing.T) {
		t.Parallel()
		ct := reflect.TypeFor[*client.Client]()
		for i := range ct.NumMethod() {
			if name := ct.Method(i).Name; strings.HasPrefix(name, "Delete") && strings.Contains(name, "Version") {
				t.Errorf("the client has %s, but the API documents no way to delete a version", name)
			}
		}
	})
}

// Section 4: GET …/versions/latest ensures a draft exists; GET by number never does.
func TestLatestVersion(t *testing.T) {
	t.Parallel()

	t.Run("[D] latest returns the newest version when it is a draft, creating nothing", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Latest")
		e.version(a.ID, config("1"))
		e.publish(a.ID, 1, client.PublishRequest{})
		v2 := e.version(a.ID, config("2"))
		got, err := e.c.GetLatestVersion(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.VersionID != v2.VersionID || got.Published {
			t.Errorf("latest = %+v", got)
		}
		if n := len(e.stored(a.ID).Versions); n != 2 {
			t.Errorf("%d versions, want 2", n)
		}
	})

	t.Run("[D] requesting latest ensures a draft exists; [A] when the newest is published a draft copying its config is created and returned", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Latest")
		e.version(a.ID, config("1")) // an older draft does not count
		v2 := e.version(a.ID, config("2", map[string]any{"starting_message": "Hi"}))
		e.publish(a.ID, 2, client.PublishRequest{})
		got, err := e.c.GetLatestVersion(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 3 || got.Published || got.VersionID == v2.VersionID {
			t.Errorf("latest = %+v, want a new draft 3", got)
		}
		if !reflect.DeepEqual(decode(t, got.Config), decode(t, e.getVersion(a.ID, 2).Config)) {
			t.Errorf("the draft's config %s is not a copy of version 2's", got.Config)
		}
		again, err := e.c.GetLatestVersion(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again.Version != 3 || again.VersionID != got.VersionID {
			t.Errorf("a second latest returned %d (%s), want the same draft 3", again.Version, again.VersionID)
		}
		if n := len(e.stored(a.ID).Versions); n != 3 {
			t.Errorf("%d versions, want 3", n)
		}
	})

	t.Run("[D] GetVersion by number never creates a draft (the read a provider must use on refresh)", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Refresh")
		e.version(a.ID, config("1"))
		e.publish(a.ID, 1, client.PublishRequest{})
		for range 3 {
			e.getVersion(a.ID, 1)
			if _, err := e.c.ListVersions(t.Context(), a.ID, client.VersionListOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.c.GetAgent(t.Context(), a.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.stored(a.ID).Versions); n != 1 {
			t.Errorf("%d versions after reads, want 1", n)
		}
		if _, err := e.c.GetVersion(t.Context(), a.ID, 2); !client.IsNotFound(err) {
			t.Errorf("GetVersion(2): %v, want 404", err)
		}
	})

	t.Run("(emulator, not in the contract) latest of an agent without versions is 404", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Empty")
		_, err := e.c.GetLatestVersion(t.Context(), a.ID)
		wantAPIError(t, err, http.StatusNotFound)
		if n := len(e.stored(a.ID).Versions); n != 0 {
			t.Errorf("%d versions, want 0", n)
		}
	})
}

// Section 4: compare.
func TestCompare(t *testing.T) {
	t.Parallel()

	t.Run("[D] compare answers a text/plain summary of the difference", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(nil)
		e := newEnv(t, emulator.Options{}, withTransport(rec))
		a := e.agent("Compare")
		e.version(a.ID, config("Hello"))
		e.version(a.ID, config("Goodbye", map[string]any{"voice": map[string]any{"speed": 1.25}}))
		got, err := e.c.CompareVersions(t.Context(), a.ID, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"instructions", "Hello", "Goodbye", "voice"} {
			if !strings.Contains(got, want) {
				t.Errorf("summary %q does not mention %q", got, want)
			}
		}
		last := rec.all()[len(rec.all())-1]
		if !strings.HasPrefix(last.ContentType, "text/plain") || json.Valid(last.Body) {
			t.Errorf("compare answered %q: %q", last.ContentType, last.Body)
		}
		if accept := last.Header.Get("Accept"); !strings.Contains(accept, "text/plain") {
			t.Errorf("the client asked for %q", accept)
		}
		same, err := e.c.CompareVersions(t.Context(), a.ID, 1, 1)
		if err != nil || same == "" || same == got {
			t.Errorf("compare 1..1 = %q, %v", same, err)
		}
	})

	t.Run("[A] compare with an unknown version is 404", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Compare")
		e.version(a.ID, config("x"))
		_, err := e.c.CompareVersions(t.Context(), a.ID, 1, 7)
		wantAPIError(t, err, http.StatusNotFound, "Version 7 not found")
	})
}

// Section 4: asynchronous instruction generation and the publish blocks.
func TestInstructionGeneration(t *testing.T) {
	t.Parallel()
	const delay = 100 * time.Millisecond
	inputs := mustJSON(map[string]any{"industry": "dental", "purpose": "scheduling"})

	t.Run("[D] generate-instructions is 202 and completes asynchronously; [A] idle → generating → completed, the text lands in config.instructions", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{GenerationDelay: delay})
		a := e.agent("Gen")
		e.versionWith(a.ID, client.VersionCreate{Config: config("placeholder"), InstructionBuilderInputs: inputs})
		// Running until the read right after the 202 has been answered.
		e.emu.HoldGenerationUntil("GET /core/agents/{agent_id}/versions/{version}")
		if err := e.c.GenerateInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		if r := e.requests("POST /core/agents/{agent_id}/versions/{version}/generate-instructions"); len(r) != 1 || r[0].Status != http.StatusAccepted {
			t.Errorf("generate logged as %+v, want one 202", r)
		}
		if v := e.getVersion(a.ID, 1); v.InstructionsStatus != client.InstructionsGenerating {
			t.Errorf("right after the 202: status %q, want generating", v.InstructionsStatus)
		}
		v, err := e.c.WaitForInstructions(t.Context(), a.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v.InstructionsStatus != client.InstructionsCompleted || v.InstructionsError != nil || v.InstructionsDirty || v.InstructionsManuallyEdited {
			t.Errorf("after waiting: %+v", v)
		}
		instr, _ := at(decode(t, v.Config), "instructions").(string)
		if !strings.Contains(instr, "dental") || !strings.Contains(instr, "scheduling") || instr == "placeholder" {
			t.Errorf("config.instructions = %q, want the generated text", instr)
		}
		// [D] A provider must never read latest while refreshing: polling reads the version by number.
		for _, r := range e.emu.RequestLog() {
			if strings.HasSuffix(r.Path, "/latest") {
				t.Errorf("waiting read %s", r.Path)
			}
		}
		if n := len(e.stored(a.ID).Versions); n != 1 {
			t.Errorf("%d versions after waiting, want 1", n)
		}
	})

	t.Run("[A] a failed generation ends failed with instructions_error saying why", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{GenerationDelay: delay})
		e.emu.SetGenerationFailure("the language model is unavailable")
		a := e.agent("Gen")
		e.versionWith(a.ID, client.VersionCreate{Config: config("placeholder"), InstructionBuilderInputs: inputs})
		if err := e.c.GenerateInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		v, err := e.c.WaitForInstructions(t.Context(), a.ID, 1)
		if err != nil {
			t.Fatalf("a failed generation is not an error of WaitForInstructions: %v", err)
		}
		if v.InstructionsStatus != client.InstructionsFailed || str(v.InstructionsError) != "the language model is unavailable" {
			t.Errorf("status %q error %s", v.InstructionsStatus, str(v.InstructionsError))
		}
		if at(decode(t, v.Config), "instructions") != "placeholder" {
			t.Errorf("a failed generation changed config.instructions: %s", v.Config)
		}
		// Succeeds again once the failure is lifted.
		e.emu.SetGenerationFailure("")
		if err := e.c.GenerateInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		if v, err = e.c.WaitForInstructions(t.Context(), a.ID, 1); err != nil || v.InstructionsStatus != client.InstructionsCompleted || v.InstructionsError != nil {
			t.Errorf("regenerating: %+v, %v", v, err)
		}
	})

	t.Run("[D] generation requires instruction_builder_inputs", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{GenerationDelay: delay})
		a := e.agent("Gen")
		e.version(a.ID, config("no inputs"))
		err := e.c.GenerateInstructions(t.Context(), a.ID, 1)
		ae := apiError(t, err, client.StatusCode(err), "instruction_builder_inputs")
		if ae.StatusCode < 400 || ae.StatusCode > 499 {
			t.Errorf("status %d, want a 4xx", ae.StatusCode)
		}
	})

	t.Run("[D] generation rejects published versions", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{GenerationDelay: delay})
		a := e.agent("Gen")
		e.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: inputs})
		e.publish(a.ID, 1, client.PublishRequest{})
		err := e.c.GenerateInstructions(t.Context(), a.ID, 1)
		ae := apiError(t, err, client.StatusCode(err))
		if ae.StatusCode < 400 || ae.StatusCode > 499 {
			t.Errorf("status %d, want a 4xx", ae.StatusCode)
		}
		if v := e.getVersion(a.ID, 1); v.InstructionsStatus != client.InstructionsIdle {
			t.Errorf("status %q, want idle", v.InstructionsStatus)
		}
	})

	t.Run("[D] publishing is blocked while instructions are generating; [A] 409 with a detail saying so", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{GenerationDelay: time.Minute})
		a := e.agent("Gen")
		e.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: inputs})
		if err := e.c.GenerateInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		_, err := e.c.PublishVersion(t.Context(), a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1}})
		wantAPIError(t, err, http.StatusConflict, "generating")
		if !client.IsConflict(err) {
			t.Error("IsConflict is false")
		}
		if v := e.getVersion(a.ID, 1); v.Published {
			t.Error("the version was published anyway")
		}
		if e.number(num1).InboundAgentVersionID != nil {
			t.Error("the number was assigned anyway")
		}
	})

	t.Run("[D] publishing is blocked when instructions are stale; [A] inputs changed after a generation make them dirty, 409 with a detail saying so", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{GenerationDelay: delay})
		a := e.agent("Gen")
		e.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: inputs})
		if err := e.c.GenerateInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.WaitForInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		v, err := e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{InstructionBuilderInputs: mustJSON(map[string]any{"industry": "veterinary"})})
		if err != nil {
			t.Fatal(err)
		}
		if !v.InstructionsDirty || v.InstructionsManuallyEdited {
			t.Errorf("after changing inputs: dirty=%v edited=%v, want true, false", v.InstructionsDirty, v.InstructionsManuallyEdited)
		}
		_, err = e.c.PublishVersion(t.Context(), a.ID, 1, client.PublishRequest{})
		wantAPIError(t, err, http.StatusConflict, "stale")
		// Regenerating clears the block.
		if err := e.c.GenerateInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		if v, err = e.c.WaitForInstructions(t.Context(), a.ID, 1); err != nil || v.InstructionsDirty {
			t.Fatalf("regenerated: %+v, %v", v, err)
		}
		e.publish(a.ID, 1, client.PublishRequest{})
	})

	t.Run("[D] stale means dirty and not manually edited; [A] a PUT changing config.instructions marks them manually edited, which lifts the block", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{GenerationDelay: delay})
		a := e.agent("Gen")
		e.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: inputs})
		if err := e.c.GenerateInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.WaitForInstructions(t.Context(), a.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{InstructionBuilderInputs: mustJSON(map[string]any{"industry": "veterinary"})}); err != nil {
			t.Fatal(err)
		}
		v, err := e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{Config: config("Written by hand")})
		if err != nil {
			t.Fatal(err)
		}
		if !v.InstructionsDirty || !v.InstructionsManuallyEdited {
			t.Errorf("dirty=%v edited=%v, want both true", v.InstructionsDirty, v.InstructionsManuallyEdited)
		}
		e.publish(a.ID, 1, client.PublishRequest{})
		if got := e.getVersion(a.ID, 1); !got.Published || at(decode(t, got.Config), "instructions") != "Written by hand" {
			t.Errorf("published = %v, config %s", got.Published, got.Config)
		}
	})
}
