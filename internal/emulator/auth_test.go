package emulator

import (
	"net/http"
	"testing"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{
		OrgID: "org_acme",
		Tokens: map[string][]string{
			"ak_admin.secret":  nil,
			"ak_reader.secret": {"agents:read"},
			"ak_writer.secret": {"agents:manage"},
			"ak_phones.secret": {"phone_numbers:read"},
			"pat_alice":        nil,
		},
	})
	id := h.as("ak_admin.secret").createAgent(map[string]any{"name": "Auth target"})
	h.as("ak_admin.secret").createVersion(id, map[string]any{"config": minimalConfig("hi")})

	cases := []struct {
		name, token, method, path string
		body                      any
		headers                   []string
		status                    int
		detail                    string
	}{
		{"[D] missing credential is 401", "", "GET", "/core/agents", nil, nil, 401, "Invalid or missing credentials"},
		{"[D] unknown credential is 401", "ak_nobody.x", "GET", "/core/agents", nil, nil, 401, "Invalid or missing credentials"},
		{"[D] pat_ without X-Anyreach-Org is 401 with the documented detail", "pat_alice", "GET", "/core/agents", nil, nil, 401, "Token is missing organization claim."},
		{"[A] pat_ naming another organization is 403", "pat_alice", "GET", "/core/agents", nil, []string{"X-Anyreach-Org: org_other"}, 403, "Token has no access to organization org_other"},
		{"[D] pat_ with its organization is accepted", "pat_alice", "GET", "/core/agents", nil, []string{"X-Anyreach-Org: org_acme"}, 200, ""},
		{"[D] ak_ key never needs X-Anyreach-Org", "ak_admin.secret", "GET", "/core/agents", nil, nil, 200, ""},
		{"[D] reads accept agents:read", "ak_reader.secret", "GET", "/core/agents/" + id, nil, nil, 200, ""},
		{"[D] reads accept agents:manage", "ak_writer.secret", "GET", "/core/agents/" + id, nil, nil, 200, ""},
		{"[D] create needs agents:manage (403)", "ak_reader.secret", "POST", "/core/agents", map[string]any{"name": "x"}, nil, 403, "Missing required scope: agents:manage"},
		{"[D] update needs agents:manage (403)", "ak_reader.secret", "PUT", "/core/agents/" + id, map[string]any{"name": "x"}, nil, 403, "Missing required scope: agents:manage"},
		{"[D] delete needs agents:manage (403)", "ak_reader.secret", "DELETE", "/core/agents/" + id, nil, nil, 403, "Missing required scope: agents:manage"},
		{"[D] publish needs agents:manage (403)", "ak_reader.secret", "POST", "/core/agents/" + id + "/versions/1/publish", nil, nil, 403, "Missing required scope: agents:manage"},
		{"[D] deploy needs agents:manage (403)", "ak_reader.secret", "POST", "/core/agents/" + id + "/deploy-as-sip", nil, nil, 403, "Missing required scope: agents:manage"},
		{"[D] generate needs agents:manage (403)", "ak_reader.secret", "POST", "/core/agents/" + id + "/versions/1/generate-instructions", nil, nil, 403, "Missing required scope: agents:manage"},
		{"[D] compare is a read", "ak_reader.secret", "POST", "/core/agents/" + id + "/versions/compare", map[string]any{"from_version": 1, "to_version": 1}, nil, 200, ""},
		{"[D] agent-config-schema is a read", "ak_reader.secret", "GET", "/core/agent-config-schema", nil, nil, 200, ""},
		{"[D] phone numbers need a phone scope (403)", "ak_writer.secret", "GET", "/core/phone-numbers", nil, nil, 403, "Missing required scope: phone_numbers:read"},
		{"[D] phone_numbers:read lists numbers", "ak_phones.secret", "GET", "/core/phone-numbers", nil, nil, 200, ""},
		{"[D] registering a number needs phone_numbers:manage", "ak_phones.secret", "POST", "/core/phone-numbers", map[string]any{"phone_number": "+15550109999", "trunk_id": "t"}, nil, 403, "Missing required scope: phone_numbers:manage"},
		{"[D] phone scopes do not grant agent access", "ak_phones.secret", "GET", "/core/agents", nil, nil, 403, "Missing required scope: agents:read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.as(tc.token).do(tc.method, tc.path, tc.body, tc.headers...)
			expect(t, r, tc.status)
			if tc.detail != "" {
				assertEqual(t, "detail", r.detail(t), tc.detail)
			}
		})
	}
}

func TestDefaultTokenHasAllScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	expect(t, h.do("GET", "/core/phone-numbers", nil), http.StatusOK)
	expect(t, h.do("POST", "/core/agents", map[string]any{"name": "x"}), http.StatusCreated)
	expect(t, h.do("PATCH", "/core/phone-numbers/%2B15550100001", map[string]any{"outbound_shareable": true}), http.StatusOK)
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	cases := []struct {
		name, method, path string
		status             int
		detail             string
	}{
		{"[D] unknown /core route is a JSON 404", "GET", "/core/nothing-here", 404, "Not Found"},
		{"[D] unknown path outside /core is a JSON 404", "GET", "/elsewhere", 404, "Not Found"},
		{"[D] wrong method is a JSON 405", "PATCH", "/core/agents", 405, "Method Not Allowed"},
		{"[D] unknown agent is 404 Agent not found", "GET", "/core/agents/00000000-0000-4000-8000-000000000000", 404, "Agent not found"},
		{"[A] a non-numeric version is 422", "PUT", "/core/agents/x/versions/abc", 422, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, h.do(tc.method, tc.path, nil), tc.status)
			if got := r.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q", got)
			}
			if tc.detail != "" {
				assertEqual(t, "detail", r.detail(t), tc.detail)
			}
		})
	}
	if allow := h.do("PATCH", "/core/agents", nil).header.Get("Allow"); allow != "GET, POST" {
		t.Errorf("Allow = %q", allow)
	}
}
