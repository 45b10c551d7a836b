package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestControlMethods(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	id := h.createAgent(map[string]any{"name": "dash", "metadata": map[string]any{"team": "a"}})
	h.createVersion(id, map[string]any{"config": minimalConfig("x")})

	t.Run("EditAgent changes fields and moves updated_at", func(t *testing.T) {
		before := h.e.Snapshot().Agents[0]
		if err := h.e.EditAgent(id, map[string]any{"description": "edited", "metadata": map[string]string{"team": "b"}}); err != nil {
			t.Fatal(err)
		}
		after := h.e.Snapshot().Agents[0]
		assertEqual(t, "description", after.Description, "edited")
		assertEqual(t, "metadata", after.Metadata, map[string]any{"team": "b"})
		if !after.UpdatedAt.After(before.UpdatedAt) {
			t.Error("updated_at did not move")
		}
		if err := h.e.EditAgent(id, map[string]any{"colour": "red"}); err == nil {
			t.Error("unknown field accepted")
		}
		if err := h.e.EditAgent("nope", map[string]any{"name": "x"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("EditVersionConfig merges, refills defaults and works on published versions", func(t *testing.T) {
		expect(t, h.publish(id, 1, nil), 200)
		if err := h.e.EditVersionConfig(id, 1, map[string]any{"voice": map[string]any{"speed": 1.5}, "starting_message": "Hi"}); err != nil {
			t.Fatal(err)
		}
		cfg := h.e.Snapshot().Agents[0].Versions[0].Config
		assertEqual(t, "voice", cfg["voice"], map[string]any{
			"speed": json.Number("1.5"), "provider": "elevenlabs", "language": "en-US", "emotion": "neutral", "voice_id": stockVoices["elevenlabs"],
		})
		assertEqual(t, "instructions", cfg["instructions"], "x")
		if err := h.e.EditVersionConfig(id, 1, map[string]any{"voice": map[string]any{"speed": 9}}); err == nil {
			t.Error("invalid config accepted")
		}
	})
	t.Run("UnpublishVersion and PublishVersion", func(t *testing.T) {
		if err := h.e.UnpublishVersion(id, 1); err != nil {
			t.Fatal(err)
		}
		if v := h.e.Snapshot().Agents[0].Versions[0]; v.Published || v.PublishedAt != nil {
			t.Errorf("still published: %+v", v)
		}
		if err := h.e.PublishVersion(id, 1); err != nil {
			t.Fatal(err)
		}
		if !h.e.Snapshot().Agents[0].Versions[0].Published {
			t.Error("not published")
		}
		if err := h.e.PublishVersion(id, 7); !errors.Is(err, ErrNotFound) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("SetPhoneNumberSlots sets both slots exactly", func(t *testing.T) {
		in := "some-version"
		if err := h.e.SetPhoneNumberSlots("+15550100004", &in, nil); err != nil {
			t.Fatal(err)
		}
		n := h.number("+15550100004")
		assertEqual(t, "inbound", str(n.InboundAgentVersionID), in)
		assertEqual(t, "outbound", n.OutboundAgentVersionID, (*string)(nil))
		if err := h.e.SetPhoneNumberSlots("+19999999999", nil, nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("RemoveSIPEndpoint", func(t *testing.T) {
		expect(t, h.do("POST", "/core/agents/"+id+"/deploy-as-sip", nil), 200)
		if err := h.e.RemoveSIPEndpoint(id); err != nil {
			t.Fatal(err)
		}
		if h.e.Snapshot().Agents[0].SIPEndpoint != nil {
			t.Error("endpoint still there")
		}
	})
	t.Run("DeleteAgent cascades like the API", func(t *testing.T) {
		expect(t, h.publish(id, 1, map[string]any{"phone_numbers": []string{"+15550100005"}}), 200)
		if err := h.e.DeleteAgent(id); err != nil {
			t.Fatal(err)
		}
		assertEqual(t, "agents", len(h.e.Snapshot().Agents), 0)
		assertEqual(t, "slot", h.number("+15550100005").InboundAgentVersionID, (*string)(nil))
		if err := h.e.DeleteAgent(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("err %v", err)
		}
	})
}

func TestControlHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	anon := h.as("") // the control surface needs no credential
	id := h.createAgent(map[string]any{"name": "dash"})
	h.createVersion(id, map[string]any{"config": minimalConfig("x")})

	cases := []struct {
		name, method, path string
		body               any
		status             int
		check              func(t *testing.T)
	}{
		{"PATCH /_emulator/agents/{id}", "PATCH", "/_emulator/agents/" + id, map[string]any{"name": "renamed"}, 204, func(t *testing.T) {
			assertEqual(t, "name", h.e.Snapshot().Agents[0].Name, "renamed")
		}},
		{"PATCH /_emulator/agents/{id} unknown agent", "PATCH", "/_emulator/agents/nope", map[string]any{"name": "x"}, 404, nil},
		{"PATCH …/versions/{v}/config", "PATCH", "/_emulator/agents/" + id + "/versions/1/config", map[string]any{"starting_message": "Yo"}, 204, func(t *testing.T) {
			assertEqual(t, "starting_message", h.e.Snapshot().Agents[0].Versions[0].Config["starting_message"], "Yo")
		}},
		{"POST …/versions/{v}/publish", "POST", "/_emulator/agents/" + id + "/versions/1/publish", nil, 204, func(t *testing.T) {
			assertEqual(t, "published", h.e.Snapshot().Agents[0].Versions[0].Published, true)
		}},
		{"POST …/versions/{v}/unpublish", "POST", "/_emulator/agents/" + id + "/versions/1/unpublish", nil, 204, func(t *testing.T) {
			assertEqual(t, "published", h.e.Snapshot().Agents[0].Versions[0].Published, false)
		}},
		{"PUT /_emulator/phone-numbers/{n}", "PUT", "/_emulator/phone-numbers/%2B15550100001", map[string]any{"inbound_agent_version_id": "v-in", "outbound_agent_version_id": nil}, 204, func(t *testing.T) {
			assertEqual(t, "inbound", str(h.number("+15550100001").InboundAgentVersionID), "v-in")
		}},
		{"POST /_emulator/faults", "POST", "/_emulator/faults", map[string]any{"route": "GET /core/agents", "status": 502, "times": 1}, 204, func(t *testing.T) {
			expect(t, h.do("GET", "/core/agents", nil), 502)
			expect(t, h.do("GET", "/core/agents", nil), 200)
		}},
		{"DELETE /_emulator/faults", "DELETE", "/_emulator/faults", nil, 204, nil},
		{"PUT /_emulator/generation-failure", "PUT", "/_emulator/generation-failure", map[string]any{"message": "boom"}, 204, func(t *testing.T) {
			h.e.mu.Lock()
			defer h.e.mu.Unlock()
			assertEqual(t, "failure", h.e.genFailure, "boom")
		}},
		{"DELETE /_emulator/agents/{id}/sip without endpoint", "DELETE", "/_emulator/agents/" + id + "/sip", nil, 404, nil},
		{"GET /_emulator/requests", "GET", "/_emulator/requests", nil, 200, nil},
		{"GET /_emulator/state", "GET", "/_emulator/state", nil, 200, nil},
		{"POST /_emulator/reset", "POST", "/_emulator/reset", nil, 204, func(t *testing.T) {
			assertEqual(t, "counts", len(h.e.RequestCounts()), 0)
		}},
		{"DELETE /_emulator/agents/{id}", "DELETE", "/_emulator/agents/" + id, nil, 204, func(t *testing.T) {
			assertEqual(t, "agents", len(h.e.Snapshot().Agents), 0)
		}},
		{"unknown control path", "GET", "/_emulator/nothing", nil, 404, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expect(t, anon.do(tc.method, tc.path, tc.body), tc.status)
			if tc.check != nil {
				tc.check(t)
			}
		})
	}

	t.Run("GET /_emulator/requests has counts and the log with bodies", func(t *testing.T) {
		h.e.ResetRequests()
		h.do("POST", "/core/agents", map[string]any{"name": "logged"})
		var got struct {
			Counts map[string]int  `json:"counts"`
			Log    []LoggedRequest `json:"log"`
		}
		if err := json.Unmarshal(expect(t, anon.do("GET", "/_emulator/requests", nil), 200).body, &got); err != nil {
			t.Fatal(err)
		}
		assertEqual(t, "counts", got.Counts, map[string]int{"POST /core/agents": 1})
		if len(got.Log) != 1 || got.Log[0].Body != `{"name":"logged"}` || got.Log[0].Status != 201 {
			t.Errorf("log %+v", got.Log)
		}
	})
	t.Run("GET /_emulator/state has agents with full versions and the directory", func(t *testing.T) {
		var s State
		if err := json.Unmarshal(expect(t, anon.do("GET", "/_emulator/state", nil), 200).body, &s); err != nil {
			t.Fatal(err)
		}
		if len(s.Agents) != 1 || len(s.PhoneNumbers) != 5 {
			t.Errorf("state %+v", s)
		}
	})
	t.Run("control requests are not counted", func(t *testing.T) {
		for k := range h.e.RequestCounts() {
			if k != "POST /core/agents" {
				t.Errorf("unexpected count key %q", k)
			}
		}
	})
}

func TestStateFileRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, Options{StateFile: path})
	id := h.createAgent(map[string]any{"name": "persistent", "metadata": map[string]any{"k": "v"}})
	h.createVersion(id, map[string]any{"config": minimalConfig("x"), "instruction_builder_inputs": map[string]any{"a": "b"}})
	expect(t, h.publish(id, 1, map[string]any{"phone_numbers": []string{"+15550100001"}}), 200)
	expect(t, h.do("POST", "/core/agents/"+id+"/deploy-as-sip", nil), 200)
	before := h.e.Snapshot()

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("[A] the state file was not written: %v", err)
	}
	if !json.Valid(raw) {
		t.Fatal("state file is not JSON")
	}
	if matches, _ := filepath.Glob(path + ".tmp-*"); len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}

	h2 := newHarness(t, Options{StateFile: path})
	after := h2.e.Snapshot()
	assertEqual(t, "state after reload", after, before)
	v := expect(t, h2.do("GET", "/core/agents/"+id+"/versions/1", nil), 200).obj(t)
	assertEqual(t, "published", v["published"], true)

	// New timestamps after a restart sort after the loaded ones.
	id2 := h2.createAgent(map[string]any{"name": "later"})
	s := h2.e.Snapshot()
	if s.Agents[1].AgentID != id2 || !s.Agents[1].CreatedAt.After(s.Agents[0].CreatedAt) {
		t.Errorf("agents %+v", s.Agents)
	}
}

func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	const workers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r, err := h.send("POST", "/core/agents", map[string]any{"name": "c"})
				if err != nil || r.status != 201 {
					errs <- errors.New("create failed")
					continue
				}
				var a map[string]any
				_ = json.Unmarshal(r.body, &a)
				id := a["agent_id"].(string)
				base := "/core/agents/" + id
				steps := []struct {
					method, path string
					body         any
				}{
					{"POST", base + "/versions", map[string]any{"config": minimalConfig("x"), "instruction_builder_inputs": map[string]any{"w": w}}},
					{"POST", base + "/versions/1/generate-instructions", nil},
					{"GET", base + "/versions/1", nil},
					{"GET", "/core/agents?limit=5", nil},
					{"GET", "/core/phone-numbers", nil},
				}
				for _, s := range steps {
					if r, err := h.send(s.method, s.path, s.body); err != nil || r.status >= 300 {
						errs <- errors.New(s.method + " " + s.path + " failed")
					}
				}
				if i%2 == 0 {
					_, _ = h.send("POST", base+"/versions/1/publish", map[string]any{"phone_numbers": []string{"+15550100001"}, "direction": "both"})
				}
				_ = h.e.Snapshot()
				h.e.RequestCounts()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := h.e.Snapshot()
	if len(s.Agents) != workers*each {
		t.Fatalf("%d agents, want %d", len(s.Agents), workers*each)
	}
	for _, a := range s.Agents {
		if len(a.Versions) != 1 {
			t.Errorf("agent %s has %d versions", a.AgentID, len(a.Versions))
		}
	}
	if n := h.e.RequestCounts()["POST /core/agents"]; n != workers*each {
		t.Errorf("count %d", n)
	}

}

func TestRequestLogKeepsTheLastEntries(t *testing.T) {
	t.Parallel()
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := 2*maxLogEntries + maxLogEntries/2
	e.mu.Lock()
	for i := range total {
		e.recordLocked(LoggedRequest{Method: "GET", Route: "/core/agents", Path: strconv.Itoa(i)})
	}
	if len(e.log) >= 2*maxLogEntries {
		t.Errorf("the log holds %d entries; it must be trimmed before reaching %d", len(e.log), 2*maxLogEntries)
	}
	e.mu.Unlock()

	log := e.RequestLog()
	if len(log) != maxLogEntries {
		t.Fatalf("RequestLog returned %d entries; want the last %d", len(log), maxLogEntries)
	}
	if first, last := log[0].Path, log[len(log)-1].Path; first != strconv.Itoa(total-maxLogEntries) || last != strconv.Itoa(total-1) {
		t.Errorf("RequestLog spans %s..%s; want %d..%d", first, last, total-maxLogEntries, total-1)
	}
	if got := e.RequestCounts()["GET /core/agents"]; got != total {
		t.Errorf("count = %d; counts are never truncated, want %d", got, total)
	}
}

func TestControlBodyTooLarge(t *testing.T) {
	t.Parallel()
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	// [A] /_emulator/ bounds bodies like /core: a body over the limit is
	// refused as such, not cut short and reported as malformed JSON.
	body := `{"route":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "POST", "/_emulator/faults", strings.NewReader(body)))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413; body %s", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
	}
}
