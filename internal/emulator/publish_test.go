package emulator

import (
	"net/http"
	"testing"
)

func TestPublishSlots(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	a := h.createAgent(map[string]any{"name": "a"})
	b := h.createAgent(map[string]any{"name": "b"})
	va := h.createVersion(a, map[string]any{"config": minimalConfig("a1")})["version_id"].(string)
	vb := h.createVersion(b, map[string]any{"config": minimalConfig("b1")})["version_id"].(string)
	const n1, n2, n3 = "+15550100001", "+15550100002", "+15550100003"

	t.Run("[D] publish without a body publishes and changes no assignment", func(t *testing.T) {
		r := expect(t, h.publish(a, 1, nil), http.StatusOK)
		assertEqual(t, "response", r.list(t), []any{})
		v := h.e.Snapshot().Agents[0].Versions[0]
		if !v.Published || v.PublishedAt == nil {
			t.Errorf("version not published: %+v", v)
		}
		for _, n := range h.e.Snapshot().PhoneNumbers {
			if n.InboundAgentVersionID != nil || n.OutboundAgentVersionID != nil {
				t.Errorf("%s was assigned", n.PhoneNumber)
			}
		}
	})
	t.Run("[D] direction defaults to inbound and the response lists the updated numbers", func(t *testing.T) {
		r := expect(t, h.publish(a, 1, map[string]any{"phone_numbers": []string{n1}}), http.StatusOK)
		list := r.list(t)
		if len(list) != 1 {
			t.Fatalf("response %s", r.body)
		}
		rec := list[0].(map[string]any)
		assertEqual(t, "phone_number", rec["phone_number"], n1)
		assertEqual(t, "inbound", rec["inbound_agent_version_id"], va)
		assertEqual(t, "outbound", rec["outbound_agent_version_id"], nil)
		for _, k := range []string{"trunk_id", "outbound_shareable", "created_at", "updated_at"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("PhoneNumber record lacks %s", k)
			}
		}
	})
	t.Run("[D] setting one direction never touches the other", func(t *testing.T) {
		expect(t, h.publish(b, 1, map[string]any{"phone_numbers": []string{n1}, "direction": "outbound"}), http.StatusOK)
		n := h.number(n1)
		assertEqual(t, "inbound", str(n.InboundAgentVersionID), va)
		assertEqual(t, "outbound", str(n.OutboundAgentVersionID), vb)
	})
	t.Run("[D] direction both writes both slots", func(t *testing.T) {
		expect(t, h.publish(a, 1, map[string]any{"phone_numbers": []string{n2}, "direction": "both"}), http.StatusOK)
		n := h.number(n2)
		assertEqual(t, "inbound", str(n.InboundAgentVersionID), va)
		assertEqual(t, "outbound", str(n.OutboundAgentVersionID), va)
	})
	t.Run("[D] the agent GET lists assigned numbers", func(t *testing.T) {
		nums := expect(t, h.do("GET", "/core/agents/"+a, nil), 200).obj(t)["phone_numbers"].([]any)
		if len(nums) != 2 || nums[0].(map[string]any)["phone_number"] != n1 || nums[1].(map[string]any)["phone_number"] != n2 {
			t.Errorf("phone_numbers %v", nums)
		}
	})
	t.Run("[A] unassign clears only slots holding this agent's versions", func(t *testing.T) {
		expect(t, h.publish(a, 1, map[string]any{"unassign_phone_numbers": []string{n1}, "direction": "both"}), http.StatusOK)
		n := h.number(n1)
		assertEqual(t, "inbound (a's)", n.InboundAgentVersionID, (*string)(nil))
		assertEqual(t, "outbound (b's)", str(n.OutboundAgentVersionID), vb)
	})
	t.Run("[D] unassign per direction", func(t *testing.T) {
		expect(t, h.publish(a, 1, map[string]any{"unassign_phone_numbers": []string{n2}, "direction": "outbound"}), http.StatusOK)
		n := h.number(n2)
		assertEqual(t, "inbound", str(n.InboundAgentVersionID), va)
		assertEqual(t, "outbound", n.OutboundAgentVersionID, (*string)(nil))
	})
	t.Run("[A] a number not in E.164 form is 422 and nothing is applied", func(t *testing.T) {
		h.createVersion(a, map[string]any{"config": minimalConfig("a2")})
		r := expect(t, h.publish(a, 2, map[string]any{"phone_numbers": []string{n3, "5550100004"}}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body","phone_numbers",1]`})
		if h.e.Snapshot().Agents[0].Versions[1].Published {
			t.Error("version 2 was published")
		}
		assertEqual(t, "n3 inbound", h.number(n3).InboundAgentVersionID, (*string)(nil))
	})
	t.Run("[A] a number not in the directory is 404 and nothing is applied", func(t *testing.T) {
		r := expect(t, h.publish(a, 2, map[string]any{"phone_numbers": []string{n3, "+15559999999"}}), 404)
		assertEqual(t, "detail", r.detail(t), "Phone number +15559999999 not found")
		if h.e.Snapshot().Agents[0].Versions[1].Published {
			t.Error("version 2 was published")
		}
		assertEqual(t, "n3 inbound", h.number(n3).InboundAgentVersionID, (*string)(nil))
	})
	t.Run("[D] a bad direction is 422", func(t *testing.T) {
		r := expect(t, h.publish(a, 2, map[string]any{"direction": "sideways"}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body","direction"]`})
	})
	t.Run("[A] publishing again is allowed and keeps published_at", func(t *testing.T) {
		before := h.e.Snapshot().Agents[0].Versions[0].PublishedAt
		expect(t, h.publish(a, 1, map[string]any{"phone_numbers": []string{n3}}), http.StatusOK)
		after := h.e.Snapshot().Agents[0].Versions[0].PublishedAt
		if !before.Equal(*after) {
			t.Errorf("published_at moved from %v to %v", before, after)
		}
	})
	t.Run("[D] unknown version is 404", func(t *testing.T) {
		expect(t, h.publish(a, 99, nil), 404)
	})
	t.Run("[A] the request log holds the exact publish body", func(t *testing.T) {
		h.e.ResetRequests()
		body := `{"phone_numbers":["+15550100005"],"direction":"outbound"}`
		expect(t, h.publish(a, 1, body), http.StatusOK)
		log := h.e.RequestLog()
		if len(log) != 1 || log[0].Body != body || log[0].Route != "/core/agents/{agent_id}/versions/{version}/publish" || log[0].Status != 200 {
			t.Errorf("log %+v", log)
		}
		assertEqual(t, "counts", h.e.RequestCounts(), map[string]int{"POST /core/agents/{agent_id}/versions/{version}/publish": 1})
	})
}

func TestSIPDeployment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{SIPHost: "sip.test"})
	id := h.createAgent(map[string]any{"name": "sip"})
	h.createVersion(id, map[string]any{"config": minimalConfig("x")})
	path := "/core/agents/" + id + "/deploy-as-sip"

	t.Run("[D] deploy without a published version is 409", func(t *testing.T) {
		r := expect(t, h.do("POST", path, nil), http.StatusConflict)
		assertEqual(t, "detail", r.detail(t), "Agent has no published version; publish a version before deploying as SIP.")
	})
	expect(t, h.publish(id, 1, nil), 200)
	var first map[string]any
	t.Run("[D] deploy returns the endpoint with a sip:<agent-uuid>@<host> URI", func(t *testing.T) {
		first = expect(t, h.do("POST", path, nil), http.StatusOK).obj(t)
		assertEqual(t, "uri", first["uri"], "sip:"+id+"@sip.test")
		assertEqual(t, "status", first["status"], "active")
	})
	t.Run("[A] deploying twice returns the same endpoint", func(t *testing.T) {
		assertEqual(t, "endpoint", expect(t, h.do("POST", path, nil), http.StatusOK).obj(t), first)
	})
	t.Run("[D] the agent GET includes sip_endpoint", func(t *testing.T) {
		assertEqual(t, "sip_endpoint", expect(t, h.do("GET", "/core/agents/"+id, nil), 200).obj(t)["sip_endpoint"], first)
	})
	t.Run("[A] undeploy is 204, then 404", func(t *testing.T) {
		expect(t, h.do("DELETE", path, nil), http.StatusNoContent)
		expect(t, h.do("DELETE", path, nil), http.StatusNotFound)
		assertEqual(t, "sip_endpoint", expect(t, h.do("GET", "/core/agents/"+id, nil), 200).obj(t)["sip_endpoint"], nil)
	})
	t.Run("[A] with DisableSIPUndeploy undeploy is 405", func(t *testing.T) {
		h2 := newHarness(t, Options{DisableSIPUndeploy: true})
		id2 := h2.createAgent(map[string]any{"name": "sip"})
		expect(t, h2.do("DELETE", "/core/agents/"+id2+"/deploy-as-sip", nil), http.StatusMethodNotAllowed)
	})
}

func TestPhoneNumbers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})

	t.Run("[A] the list is a bare JSON array of the seeded directory", func(t *testing.T) {
		list := expect(t, h.do("GET", "/core/phone-numbers", nil), 200).list(t)
		if len(list) != 5 || list[0].(map[string]any)["phone_number"] != "+15550100001" || list[0].(map[string]any)["trunk_id"] != DefaultTrunkID {
			t.Errorf("list %v", list)
		}
	})
	t.Run("[D] phone_number filter is a substring match", func(t *testing.T) {
		assertEqual(t, "count", len(expect(t, h.do("GET", "/core/phone-numbers?phone_number=0100003", nil), 200).list(t)), 1)
	})
	t.Run("[D] register needs trunk_id (422) and answers 201", func(t *testing.T) {
		r := expect(t, h.do("POST", "/core/phone-numbers", map[string]any{"phone_number": "+442071838750"}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body","trunk_id"]`})
		expect(t, h.do("POST", "/core/phone-numbers", map[string]any{"phone_number": "442071838750", "trunk_id": "uk"}), 422)
		rec := expect(t, h.do("POST", "/core/phone-numbers", map[string]any{"phone_number": "+442071838750", "trunk_id": "uk"}), 201).obj(t)
		assertEqual(t, "trunk", rec["trunk_id"], "uk")
		expect(t, h.do("POST", "/core/phone-numbers", map[string]any{"phone_number": "+442071838750", "trunk_id": "uk"}), http.StatusConflict)
	})
	t.Run("[D] trunk_id filter", func(t *testing.T) {
		assertEqual(t, "count", len(expect(t, h.do("GET", "/core/phone-numbers?trunk_id=uk", nil), 200).list(t)), 1)
	})
	t.Run("[D] GET one with the + URL-encoded, or literal", func(t *testing.T) {
		assertEqual(t, "encoded", expect(t, h.do("GET", "/core/phone-numbers/%2B15550100002", nil), 200).obj(t)["phone_number"], "+15550100002")
		assertEqual(t, "literal", expect(t, h.do("GET", "/core/phone-numbers/+15550100002", nil), 200).obj(t)["phone_number"], "+15550100002")
		expect(t, h.do("GET", "/core/phone-numbers/%2B19999999999", nil), 404)
	})
	t.Run("[D] PATCH toggles outbound_shareable only", func(t *testing.T) {
		rec := expect(t, h.do("PATCH", "/core/phone-numbers/%2B15550100002", map[string]any{"outbound_shareable": true}), 200).obj(t)
		assertEqual(t, "outbound_shareable", rec["outbound_shareable"], true)
		r := expect(t, h.do("PATCH", "/core/phone-numbers/%2B15550100002", map[string]any{"trunk_id": "other"}), 422)
		if len(r.locs(t)) != 2 { // trunk_id extra, outbound_shareable missing
			t.Errorf("locs %v", r.locs(t))
		}
	})
}
