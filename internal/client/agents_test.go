package client

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
)

func TestAgentDecoding(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantID   string
		wantMeta map[string]any
	}{
		{"agent_id", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1","name":"n","metadata":{"team":"x"}}`, "a1", map[string]any{"team": "x"}},
		{"id only", `{"id":"a2","name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z"}`, "a2", map[string]any{}},
		{"both prefer agent_id", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a3","id":"other"}`, "a3", map[string]any{}},
		{"null agent_id falls back", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":null,"id":"a4"}`, "a4", map[string]any{}},
		{"null metadata", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a5","metadata":null}`, "a5", map[string]any{}},
		{"marker stripped", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a6","metadata":{"_tf_request_token":"abc","k":"v"}}`, "a6", map[string]any{"k": "v"}},
		{"unknown fields ignored", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a7","future_field":{"x":[1,2]},"widgets":[]}`, "a7", map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Agent
			if err := json.Unmarshal([]byte(tt.body), &a); err != nil {
				t.Fatal(err)
			}
			if a.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", a.ID, tt.wantID)
			}
			if a.Metadata == nil || len(a.Metadata) != len(tt.wantMeta) {
				t.Errorf("Metadata = %#v, want %v", a.Metadata, tt.wantMeta)
			}
			for k, v := range tt.wantMeta {
				if a.Metadata[k] != v {
					t.Errorf("Metadata[%q] = %v, want %v", k, a.Metadata[k], v)
				}
			}
		})
	}
}

func TestAgentDecodingFullObject(t *testing.T) {
	body := `{
	  "agent_id": "6f1c", "name": "Riverside Dental Scheduler", "description": "d",
	  "active": true, "is_demo": false, "metadata": {"team": "dental"},
	  "created_at": "2026-11-22T10:00:00Z", "updated_at": "2026-11-22T10:00:00Z",
	  "versions": [{"version": 1, "version_id": "v1", "published": true, "published_at": "2026-11-22T10:00:00Z"}],
	  "phone_numbers": [{"phone_number": "+15551234567", "inbound_agent_version_id": "v1", "outbound_agent_version_id": null}],
	  "sip_endpoint": {"uri": "sip:6f1c@sip.anyreach.ai", "status": "active", "deployed_at": "2026-11-22T10:00:00Z"},
	  "conversation_stats": {"total": 0}
	}`
	var a Agent
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "6f1c" || !a.Active || len(a.Versions) != 1 || !a.Versions[0].Published ||
		len(a.PhoneNumbers) != 1 || *a.PhoneNumbers[0].InboundAgentVersionID != "v1" || a.PhoneNumbers[0].OutboundAgentVersionID != nil ||
		a.SIPEndpoint == nil || a.SIPEndpoint.URI != "sip:6f1c@sip.anyreach.ai" || a.ConversationStats["total"] != 0.0 {
		t.Errorf("decoded %+v", a)
	}
}

func TestAgentCRUD(t *testing.T) {
	rec, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.Method {
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case http.MethodPost:
			var in map[string]any
			_ = json.Unmarshal(body, &in)
			writeJSON(w, 201, fullAgent(map[string]any{"agent_id": "new", "name": in["name"], "metadata": in["metadata"]}))
		default:
			writeJSON(w, 200, fullAgent(map[string]any{"id": "a1", "name": "n", "metadata": map[string]any{RequestTokenMetadataKey: "t", "k": "v"}}))
		}
	})
	c := newTestClient(t, srv.URL)
	ctx := t.Context()

	a, err := c.GetAgent(ctx, "a1")
	if err != nil || a.ID != "a1" || len(a.Metadata) != 1 {
		t.Fatalf("GetAgent = %+v, %v", a, err)
	}
	a, err = c.CreateAgent(ctx, AgentCreate{Name: "n", Description: ptr("d"), Active: ptr(false)})
	if err != nil || a.ID != "new" || len(a.Metadata) != 0 {
		t.Fatalf("CreateAgent = %+v, %v", a, err)
	}
	if _, err := c.UpdateAgent(ctx, "a1", AgentUpdate{Metadata: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateAgent(ctx, "a1", AgentUpdate{Description: ptr("")}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAgent(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAgent(ctx, ""); err == nil {
		t.Error("empty ID must be refused")
	}

	reqs := rec.all()
	want := []struct{ method, path, body string }{
		{"GET", "/core/agents/a1", ""},
		{"POST", "/core/agents", ""}, // body checked below: it holds a random marker
		{"PUT", "/core/agents/a1", `{"metadata":{}}`},
		{"PUT", "/core/agents/a1", `{"description":""}`},
		{"DELETE", "/core/agents/a1", ""},
	}
	if len(reqs) != len(want) {
		t.Fatalf("requests = %+v", reqs)
	}
	for i, w := range want {
		if reqs[i].Method != w.method || reqs[i].Path != w.path || (w.body != "" && string(reqs[i].Body) != w.body) {
			t.Errorf("request %d = %s %s %s, want %s %s %s", i, reqs[i].Method, reqs[i].Path, reqs[i].Body, w.method, w.path, w.body)
		}
	}
	var created map[string]any
	if err := json.Unmarshal(reqs[1].Body, &created); err != nil {
		t.Fatal(err)
	}
	meta, _ := created["metadata"].(map[string]any)
	token, _ := meta[RequestTokenMetadataKey].(string)
	if created["name"] != "n" || created["description"] != "d" || created["active"] != false || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(token) {
		t.Errorf("create body = %s", reqs[1].Body)
	}
	if _, ok := created["is_demo"]; ok {
		t.Errorf("unset is_demo was sent: %s", reqs[1].Body)
	}
}

func TestAgentUpdateMarshal(t *testing.T) {
	tests := []struct {
		in   AgentUpdate
		want string
	}{
		{AgentUpdate{}, `{}`},
		{AgentUpdate{Metadata: map[string]any{}}, `{"metadata":{}}`},
		{AgentUpdate{Name: ptr("n"), Active: ptr(false), Metadata: map[string]any{"k": "v"}}, `{"name":"n","active":false,"metadata":{"k":"v"}}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal = %s, %v; want %s", got, err, tt.want)
		}
	}
}

func TestUpdateAgentTolerates204(t *testing.T) {
	_, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, 200, fullAgent(map[string]any{"agent_id": "a1", "name": "after"}))
	})
	a, err := newTestClient(t, srv.URL).UpdateAgent(t.Context(), "a1", AgentUpdate{Name: ptr("after")})
	if err != nil || a.Name != "after" {
		t.Fatalf("UpdateAgent = %+v, %v", a, err)
	}
}

// TestMetadataFilterMatchesTypes: a metadata filter pair is written as the
// provider shows metadata, so "3" matches a stored number 3 and a stored
// string "3"; only string pairs are left to the service.
func TestMetadataFilterMatchesTypes(t *testing.T) {
	t.Parallel()
	var a Agent
	if err := json.Unmarshal([]byte(`{"agent_id":"a","name":"n","active":true,"is_demo":false,"created_at":"t","updated_at":"t",`+
		`"metadata":{"count":3,"ratio":1.0,"flag":true,"team":"dental","three":"3"}}`), &a); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(a.Metadata); string(b) != `{"count":3,"flag":true,"ratio":1.0,"team":"dental","three":"3"}` {
		t.Errorf("metadata lost its spelling: %s", b)
	}
	cases := []struct {
		filter map[string]string
		want   bool
	}{
		{map[string]string{"count": "3"}, true},
		{map[string]string{"three": "3"}, true},
		{map[string]string{"ratio": "1"}, true},
		{map[string]string{"flag": "true"}, true},
		{map[string]string{"flag": "false"}, false},
		{map[string]string{"count": "4"}, false},
		{map[string]string{"missing": "1"}, false},
		{map[string]string{"team": "dental"}, true}, // matched by the service, not here
	}
	for _, tc := range cases {
		if got := metadataMatches(a.Metadata, tc.filter); got != tc.want {
			t.Errorf("filter %v: match %v, want %v", tc.filter, got, tc.want)
		}
	}
	if got := stringMetadata(map[string]string{"count": "3", "team": "dental", "flag": "true"}); len(got) != 1 || got["team"] != "dental" {
		t.Errorf("the service is sent %v, want only the string pair", got)
	}
}
