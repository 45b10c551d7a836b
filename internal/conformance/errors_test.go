package conformance_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Section 1: error bodies and status codes.
func TestErrors(t *testing.T) {
	t.Parallel()

	t.Run(`[D] errors are JSON with a detail field: {"detail": "Agent not found"}`, func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		_, err := e.c.GetAgent(t.Context(), "no-such-agent")
		ae := apiError(t, err, http.StatusNotFound)
		if ae.Detail != "Agent not found" {
			t.Errorf("Detail = %q, want %q", ae.Detail, "Agent not found")
		}
		if ae.Method != http.MethodGet || ae.Path != "/core/agents/no-such-agent" {
			t.Errorf("Method, Path = %q, %q", ae.Method, ae.Path)
		}
		if len(ae.Fields) != 0 {
			t.Errorf("a string detail decoded into Fields %v", ae.Fields)
		}
		if !client.IsNotFound(err) {
			t.Error("IsNotFound is false")
		}
	})

	// [A] 422 detail lists: each invalid config must come back with the
	// field's loc, rendered by FieldError.Path without the leading "body".
	invalid := []struct {
		rule     string
		config   map[string]any
		wantPath string
		wantType string
	}{
		{"[A] 422 loc names a number out of range", map[string]any{"voice": map[string]any{"speed": 5}}, "config.voice.speed", "less_than_equal"},
		{"[A] 422 loc brackets list indexes", map[string]any{"tools": []any{map[string]any{"name": "bad name", "description": "d", "actions": []any{map[string]any{"type": "hangup"}}}}}, "config.tools[0].name", "string_pattern_mismatch"},
		{"[A] 422 loc names a nested enum", map[string]any{"channel_overrides": map[string]any{"sms": map[string]any{"instructions_mode": "prepend"}}}, "config.channel_overrides.sms.instructions_mode", "enum"},
		{"[A] 422 loc names a missing required field", map[string]any{"knowledge_bases": []any{map[string]any{"top_n": 3}}}, "config.knowledge_bases[0].dataset_id", "missing"},
		{"[A] 422 loc names an unknown key", map[string]any{"colour": "blue"}, "config.colour", "extra_forbidden"},
		{"[A] 422 loc names the discriminator", map[string]any{"type": "free_form"}, "config.type", "union_tag_invalid"},
		{"[A] 422 loc reaches into tool actions", map[string]any{"tools": []any{map[string]any{"name": "t", "description": "d", "actions": []any{map[string]any{"type": "fly"}}}}}, "config.tools[0].actions[0].type", "enum"},
		{"[A] 422 loc names a minimum", map[string]any{"max_tool_steps": 0}, "config.max_tool_steps", "greater_than_equal"},
	}
	for _, tc := range invalid {
		t.Run(tc.rule+": "+tc.wantPath, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			a := e.agent("Invalid")
			cfg := config("hi", tc.config)
			check := func(what string, err error) {
				t.Helper()
				ae := apiError(t, err, http.StatusUnprocessableEntity)
				if !client.IsValidation(err) {
					t.Errorf("%s: IsValidation is false", what)
				}
				var paths []string
				found := false
				for _, f := range ae.Fields {
					paths = append(paths, f.Path())
					if f.Path() == tc.wantPath && f.Type == tc.wantType && f.Msg != "" {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: Fields %v (paths %q) has no %s error at %s", what, ae.Fields, paths, tc.wantType, tc.wantPath)
				}
				if len(ae.Fields) > 0 && len(ae.Fields[0].Loc) > 0 && ae.Fields[0].Loc[0] != "body" {
					t.Errorf("%s: raw loc %v does not start with body", what, ae.Fields[0].Loc)
				}
			}
			_, err := e.c.CreateVersion(t.Context(), a.ID, client.VersionCreate{Config: cfg})
			check("CreateVersion", err)
			e.version(a.ID, config("valid"))
			_, err = e.c.UpdateVersion(t.Context(), a.ID, 1, client.VersionUpdate{Config: cfg})
			check("UpdateVersion", err)
			if n := len(e.stored(a.ID).Versions); n != 1 {
				t.Errorf("the emulator holds %d versions after the rejected create, want 1", n)
			}
		})
	}

	t.Run("[A] a 422 on a query parameter is decoded too", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		_, err := e.c.ListAgents(t.Context(), client.AgentListOptions{Limit: 101})
		ae := apiError(t, err, http.StatusUnprocessableEntity)
		if len(ae.Fields) != 1 || ae.Fields[0].Path() != "query.limit" {
			t.Errorf("Fields = %v, want one error at query.limit", ae.Fields)
		}
	})

	t.Run("[D] status codes in use surface as *APIError with the matching predicate", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{Tokens: scopedTokens(), OrgID: orgID})
		ctx := t.Context()
		a := e.agent("Statuses")
		e.version(a.ID, config("v1"))
		// SIP before any publish: 409.
		_, err409 := e.c.DeployAsSIP(ctx, a.ID)
		e.publish(a.ID, 1, client.PublishRequest{})
		_, err400 := e.c.UpdateVersion(ctx, a.ID, 1, client.VersionUpdate{Config: config("x")})
		_, err401 := e.client(tokUnknown, "").GetAgent(ctx, a.ID)
		_, err403 := e.client(tokRead, "").CreateAgent(ctx, client.AgentCreate{Name: "no"})
		_, err404 := e.c.GetVersion(ctx, a.ID, 9)
		_, err422 := e.c.CreateVersion(ctx, a.ID, client.VersionCreate{})
		e.emu.FailRoute("GET /core/agents/{agent_id}", http.StatusInternalServerError, 0)
		_, err500 := e.client(tokFull, "", withRetries(-1)).GetAgent(ctx, a.ID)
		e.emu.ClearFaults()
		cases := []struct {
			status int
			err    error
			is     func(error) bool
		}{
			{400, err400, client.IsBadRequest},
			{401, err401, client.IsUnauthorized},
			{403, err403, client.IsForbidden},
			{404, err404, client.IsNotFound},
			{409, err409, client.IsConflict},
			{422, err422, client.IsValidation},
			{500, err500, func(err error) bool { return client.StatusCode(err) == 500 }},
		}
		for _, c := range cases {
			var ae *client.APIError
			if !errors.As(c.err, &ae) {
				t.Errorf("%d: %v is not an *APIError", c.status, c.err)
				continue
			}
			if ae.StatusCode != c.status || !c.is(c.err) {
				t.Errorf("want %d, got %d (%v)", c.status, ae.StatusCode, c.err)
			}
			if ae.Detail == "" {
				t.Errorf("%d: empty Detail", c.status)
			}
		}
	})

	t.Run("[D] success codes 200, 201, 202 and 204 are all accepted", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		ctx := t.Context()
		a := e.agent("Codes")
		e.versionWith(a.ID, client.VersionCreate{Config: config("x"), InstructionBuilderInputs: mustJSON(map[string]any{"k": "v"})})
		if err := e.c.GenerateInstructions(ctx, a.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.GetAgent(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.c.DeleteAgent(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{
			"POST /core/agents":                     http.StatusCreated,
			"POST /core/agents/{agent_id}/versions": http.StatusCreated,
			"POST /core/agents/{agent_id}/versions/{version}/generate-instructions": http.StatusAccepted,
			"GET /core/agents/{agent_id}":                                           http.StatusOK,
			"DELETE /core/agents/{agent_id}":                                        http.StatusNoContent,
		}
		for route, status := range want {
			reqs := e.requests(route)
			if len(reqs) != 1 || reqs[0].Status != status {
				t.Errorf("%s: logged %+v, want one %d", route, reqs, status)
			}
		}
	})

	t.Run("[A] IDs are opaque strings (UUIDs in practice) and timestamps RFC 3339", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Shapes")
		v := e.version(a.ID, config("x"))
		for what, id := range map[string]string{"agent_id": a.ID, "version_id": v.VersionID} {
			if !uuidRE.MatchString(id) {
				t.Errorf("%s %q is not a UUID", what, id)
			}
		}
		for _, ts := range []string{a.CreatedAt, a.UpdatedAt, v.CreatedAt, v.UpdatedAt} {
			parseTime(t, ts)
		}
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(v.Config, &raw)
		if len(raw) == 0 {
			t.Error("the version's config is empty")
		}
	})
}
