package client

import (
	"errors"
	"net/http"
	"testing"
)

func TestPublishVersion(t *testing.T) {
	tests := []struct {
		name string
		in   PublishRequest
		body string // the server's answer
		sent string
		want int
	}{
		{"bare array", PublishRequest{PhoneNumbers: []string{"+15551234567"}, Direction: DirectionBoth},
			`[{"phone_number":"+15551234567","inbound_agent_version_id":"v2","outbound_agent_version_id":"v2"}]`,
			`{"phone_numbers":["+15551234567"],"direction":"both"}`, 1},
		{"envelope", PublishRequest{UnassignPhoneNumbers: []string{"+15551234567"}},
			`{"data":[{"phone_number":"+15551234567"}]}`, `{"unassign_phone_numbers":["+15551234567"]}`, 1},
		{"publish only", PublishRequest{}, `[]`, `{}`, 0},
		{"empty answer", PublishRequest{}, ``, `{}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { _, _ = w.Write([]byte(tt.body)) })
			numbers, err := newTestClient(t, srv.URL).PublishVersion(t.Context(), "a1", 2, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(numbers) != tt.want || numbers == nil {
				t.Errorf("numbers = %+v", numbers)
			}
			r := rec.all()[0]
			if r.Method != "POST" || r.Path != "/core/agents/a1/versions/2/publish" || string(r.Body) != tt.sent {
				t.Errorf("request = %s %s %s", r.Method, r.Path, r.Body)
			}
		})
	}
}

func TestDeployAsSIP(t *testing.T) {
	const uri = "sip:a1@sip.anyreach.ai"
	tests := []struct {
		name     string
		post     string
		wantGets int
	}{
		{"endpoint object", `{"uri":"` + uri + `","status":"active","deployed_at":"2026-11-22T10:00:00Z"}`, 0},
		{"agent with sip_endpoint", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1","name":"n","sip_endpoint":{"uri":"` + uri + `","status":"active"}}`, 0},
		{"wrapper object", `{"sip_endpoint":{"uri":"` + uri + `","status":"active"}}`, 0},
		{"empty body", ``, 1},
		{"agent with null sip_endpoint", `{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1","sip_endpoint":null}`, 1},
		{"unrelated object", `{"status":"ok"}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if r.Method == http.MethodPost {
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write([]byte(tt.post))
					return
				}
				writeJSON(w, 200, fullAgent(map[string]any{"agent_id": "a1", "sip_endpoint": map[string]any{"uri": uri, "status": "active"}}))
			})
			ep, err := newTestClient(t, srv.URL).DeployAsSIP(t.Context(), "a1")
			if err != nil || ep.URI != uri || ep.Status != "active" {
				t.Fatalf("DeployAsSIP = %+v, %v", ep, err)
			}
			gets := 0
			for _, r := range rec.all() {
				if r.Method == http.MethodPost && r.Path != "/core/agents/a1/deploy-as-sip" {
					t.Errorf("posted to %s", r.Path)
				}
				if r.Method == http.MethodGet {
					gets++
				}
			}
			if gets != tt.wantGets {
				t.Errorf("%d GETs, want %d", gets, tt.wantGets)
			}
		})
	}
}

func TestDeployAsSIPNoEndpointAnywhere(t *testing.T) {
	_, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, fullAgent(map[string]any{"agent_id": "a1", "sip_endpoint": nil}))
	})
	if _, err := newTestClient(t, srv.URL).DeployAsSIP(t.Context(), "a1"); err == nil {
		t.Fatal("want an error")
	}
}

func TestUndeploySIP(t *testing.T) {
	tests := []struct {
		status      int
		unsupported bool
		wantErr     bool
	}{
		{http.StatusNoContent, false, false},
		{http.StatusMethodNotAllowed, true, true},
		{http.StatusNotFound, true, true},
		{http.StatusConflict, false, true},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			rec, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				if tt.status == http.StatusNoContent {
					w.WriteHeader(tt.status)
					return
				}
				writeDetail(w, tt.status, "Method Not Allowed")
			})
			err := newTestClient(t, srv.URL).UndeploySIP(t.Context(), "a1")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if errors.Is(err, ErrSIPUndeployUnsupported) != tt.unsupported {
				t.Errorf("errors.Is(ErrSIPUndeployUnsupported) = %v, want %v (%v)", !tt.unsupported, tt.unsupported, err)
			}
			var apiErr *APIError
			if tt.wantErr && (!errors.As(err, &apiErr) || apiErr.StatusCode != tt.status) {
				t.Errorf("errors.As(*APIError) failed: %v", err)
			}
			r := rec.all()[0]
			if r.Method != http.MethodDelete || r.Path != "/core/agents/a1/deploy-as-sip" {
				t.Errorf("request = %s %s", r.Method, r.Path)
			}
		})
	}
}
