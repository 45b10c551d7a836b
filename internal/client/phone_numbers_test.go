package client

import (
	"net/http"
	"testing"
)

func TestGetPhoneNumberEncodesPlus(t *testing.T) {
	rec, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, map[string]any{"phone_number": "+15551234567", "trunk_id": "t1", "outbound_shareable": true})
	})
	pn, err := newTestClient(t, srv.URL).GetPhoneNumber(t.Context(), "+15551234567")
	if err != nil || pn.TrunkID != "t1" || !pn.OutboundShareable {
		t.Fatalf("GetPhoneNumber = %+v, %v", pn, err)
	}
	r := rec.all()[0]
	if r.RequestURI != "/core/phone-numbers/%2B15551234567" {
		t.Errorf("request URI = %q, want the + as %%2B", r.RequestURI)
	}
	if r.Path != "/core/phone-numbers/+15551234567" {
		t.Errorf("decoded path = %q", r.Path)
	}
}

func TestPhoneNumberErrorPathIsEscaped(t *testing.T) {
	_, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { writeDetail(w, 404, "Phone number not found") })
	_, err := newTestClient(t, srv.URL).GetPhoneNumber(t.Context(), "+15550000000")
	if !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	mustContain(t, err.Error(), "GET /core/phone-numbers/%2B15550000000: 404 Not Found: Phone number not found")
}

func TestListPhoneNumbers(t *testing.T) {
	_, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if r.URL.Query().Get("cursor") == "" {
			_, _ = w.Write([]byte(`{"data":[{"phone_number":"+15551234567"}],"pagination":{"limit":1,"next_cursor":"p2"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"data":[{"phone_number":"+15557654321"}],"pagination":{"limit":1,"next_cursor":null}}`))
	})
	numbers, err := newTestClient(t, srv.URL).ListPhoneNumbers(t.Context(), PhoneNumberListOptions{Limit: 1})
	if err != nil || len(numbers) != 2 || numbers[1].PhoneNumber != "+15557654321" {
		t.Fatalf("ListPhoneNumbers = %+v, %v", numbers, err)
	}
}

func TestAgentConfigSchema(t *testing.T) {
	const schema = `{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{},"oneOf":[]}`
	rec, srv := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { _, _ = w.Write([]byte(schema)) })
	raw, err := newTestClient(t, srv.URL).AgentConfigSchema(t.Context())
	if err != nil || string(raw) != schema {
		t.Fatalf("AgentConfigSchema = %s, %v", raw, err)
	}
	if p := rec.all()[0].Path; p != "/core/agent-config-schema" {
		t.Errorf("path = %q", p)
	}

	_, bad := recordServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { _, _ = w.Write([]byte(`<html>`)) })
	if _, err := newTestClient(t, bad.URL).AgentConfigSchema(t.Context()); err == nil {
		t.Error("a non-JSON schema must be an error")
	}
}
