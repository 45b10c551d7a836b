package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestAgentCRUD(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})

	t.Run("[D] create requires name (422 loc body.name)", func(t *testing.T) {
		r := expect(t, h.do("POST", "/core/agents", map[string]any{"description": "x"}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body","name"]`})
		r = expect(t, h.do("POST", "/core/agents", map[string]any{"name": ""}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body","name"]`})
		r = expect(t, h.do("POST", "/core/agents", nil), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body"]`})
		r = expect(t, h.do("POST", "/core/agents", `{"name": `), 422)
		assertEqual(t, "type", r.obj(t)["detail"].([]any)[0].(map[string]any)["type"], "json_invalid")
	})

	var id string
	var created map[string]any
	t.Run("[D] create applies defaults and returns 201 with agent_id, a stub with no version", func(t *testing.T) {
		r := expect(t, h.do("POST", "/core/agents", map[string]any{"name": "Riverside Dental Scheduler"}), http.StatusCreated)
		created = r.obj(t)
		id = created["agent_id"].(string)
		assertEqual(t, "active", created["active"], true)
		assertEqual(t, "is_demo", created["is_demo"], false)
		assertEqual(t, "metadata", created["metadata"], map[string]any{})
		assertEqual(t, "description", created["description"], "")
		assertEqual(t, "versions", created["versions"], []any{})
		assertEqual(t, "phone_numbers", created["phone_numbers"], []any{})
		assertEqual(t, "sip_endpoint", created["sip_endpoint"], nil)
		assertEqual(t, "conversation_stats", created["conversation_stats"], map[string]any{"total": float64(0)})
		if _, err := time.Parse(time.RFC3339, created["created_at"].(string)); err != nil {
			t.Errorf("created_at not RFC 3339: %v", err)
		}
		if len(id) != 36 {
			t.Errorf("agent_id %q is not a UUID", id)
		}
	})

	t.Run("[A] names are not unique", func(t *testing.T) {
		h.createAgent(map[string]any{"name": "Riverside Dental Scheduler"})
		r := expect(t, h.do("GET", "/core/agents?name="+url.QueryEscape("Riverside Dental Scheduler"), nil), 200)
		if n := len(r.obj(t)["data"].([]any)); n != 2 {
			t.Errorf("%d agents with the name, want 2", n)
		}
	})

	t.Run("[A] PUT is partial: absent fields stay, metadata replaces the map, updated_at moves", func(t *testing.T) {
		expect(t, h.do("PUT", "/core/agents/"+id, map[string]any{"description": "Books appointments.", "metadata": map[string]any{"team": "dental", "tier": "gold"}}), 200)
		r := expect(t, h.do("PUT", "/core/agents/"+id, map[string]any{"active": false, "metadata": map[string]any{"team": "ops"}}), 200)
		a := r.obj(t)
		assertEqual(t, "name", a["name"], "Riverside Dental Scheduler")
		assertEqual(t, "description", a["description"], "Books appointments.")
		assertEqual(t, "active", a["active"], false)
		assertEqual(t, "metadata", a["metadata"], map[string]any{"team": "ops"})
		if a["updated_at"] == created["updated_at"] {
			t.Errorf("updated_at did not change: %v", a["updated_at"])
		}
		assertEqual(t, "created_at", a["created_at"], created["created_at"])
	})

	t.Run("[D] PUT with a wrong type is 422", func(t *testing.T) {
		r := expect(t, h.do("PUT", "/core/agents/"+id, map[string]any{"active": "yes"}), 422)
		assertEqual(t, "locs", r.locs(t), []string{`["body","active"]`})
	})

	t.Run("[D] DELETE is 204, then 404", func(t *testing.T) {
		expect(t, h.do("DELETE", "/core/agents/"+id, nil), http.StatusNoContent)
		expect(t, h.do("DELETE", "/core/agents/"+id, nil), http.StatusNotFound)
		expect(t, h.do("GET", "/core/agents/"+id, nil), http.StatusNotFound)
	})
}

func TestAgentListFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	a := h.createAgent(map[string]any{"name": "alpha", "metadata": map[string]any{"team": "dental", "env": "prod"}})
	time.Sleep(5 * time.Millisecond)
	mid := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	b := h.createAgent(map[string]any{"name": "beta", "active": false, "metadata": map[string]any{"team": "dental"}})
	c := h.createAgent(map[string]any{"name": "gamma", "is_demo": true})

	ids := func(r response) []string {
		var out []string
		for _, item := range r.obj(t)["data"].([]any) {
			out = append(out, item.(map[string]any)["agent_id"].(string))
		}
		return out
	}
	cases := []struct {
		name, query string
		want        []string
	}{
		{"[D] no filter lists all in creation order", "", []string{a, b, c}},
		{"[A] name is an exact match", "name=alpha", []string{a}},
		{"[A] name does not match a prefix", "name=alp", nil},
		{"[D] active filter", "active=false", []string{b}},
		{"[D] is_demo filter", "is_demo=true", []string{c}},
		{"[D] metadata matches agents containing all pairs", "metadata=" + url.QueryEscape(`{"team":"dental"}`), []string{a, b}},
		{"[D] metadata with two pairs", "metadata=" + url.QueryEscape(`{"team":"dental","env":"prod"}`), []string{a}},
		{"[D] created_after", "created_after=" + url.QueryEscape(mid.Format(time.RFC3339Nano)), []string{b, c}},
		{"[D] created_before", "created_before=" + url.QueryEscape(mid.Format(time.RFC3339Nano)), []string{a}},
		{"[D] updated_after far future", "updated_after=2999-01-01T00:00:00Z", nil},
		{"[D] updated_before far future", "updated_before=2999-01-01T00:00:00Z", []string{a, b, c}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertEqual(t, "ids", ids(expect(t, h.do("GET", "/core/agents?"+tc.query, nil), 200)), tc.want)
		})
	}
	bad := []struct{ name, query, loc string }{
		{"[D] metadata must be a JSON object (422)", "metadata=" + url.QueryEscape(`not json`), `["query","metadata"]`},
		{"[A] limit above 100 is 422", "limit=101", `["query","limit"]`},
		{"[A] limit below 1 is 422", "limit=0", `["query","limit"]`},
		{"[D] a bad timestamp is 422", "created_after=yesterday", `["query","created_after"]`},
		{"[D] a bad boolean is 422", "active=maybe", `["query","active"]`},
		{"[A] a forged cursor is 422", "cursor=bm9wZQ", `["query","cursor"]`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			assertEqual(t, "locs", expect(t, h.do("GET", "/core/agents?"+tc.query, nil), 422).locs(t), []string{tc.loc})
		})
	}
}

func TestAgentPagination(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	var want []string
	for i := range 45 {
		want = append(want, h.createAgent(map[string]any{"name": fmt.Sprintf("agent-%02d", i)}))
	}
	walk := func(t *testing.T, limitParam string, wantPageSize int) []string {
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("cursor walk does not end")
			}
			q := url.Values{}
			if limitParam != "" {
				q.Set("limit", limitParam)
			}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			body := expect(t, h.do("GET", "/core/agents?"+q.Encode(), nil), 200).obj(t)
			pg := body["pagination"].(map[string]any)
			assertEqual(t, "pagination.limit", pg["limit"], float64(wantPageSize))
			data := body["data"].([]any)
			if len(data) > wantPageSize {
				t.Fatalf("page of %d items, limit %d", len(data), wantPageSize)
			}
			for _, item := range data {
				got = append(got, item.(map[string]any)["agent_id"].(string))
			}
			next, _ := pg["next_cursor"].(string)
			if pg["next_cursor"] == nil {
				return got
			}
			cursor = next
		}
	}
	t.Run("[A] default limit 20, cursor walk returns every agent once, in creation order", func(t *testing.T) {
		assertEqual(t, "ids", walk(t, "", 20), want)
	})
	t.Run("[D] explicit limit", func(t *testing.T) {
		assertEqual(t, "ids", walk(t, "7", 7), want)
	})
	t.Run("[A] limit 100 in one page", func(t *testing.T) {
		assertEqual(t, "ids", walk(t, "100", 100), want)
	})
	t.Run("[A] deleting an agent between pages skips nothing", func(t *testing.T) {
		body := expect(t, h.do("GET", "/core/agents?limit=10", nil), 200).obj(t)
		cursor := body["pagination"].(map[string]any)["next_cursor"].(string)
		expect(t, h.do("DELETE", "/core/agents/"+want[9], nil), 204) // the last item of page 1
		next := expect(t, h.do("GET", "/core/agents?limit=10&cursor="+cursor, nil), 200).obj(t)["data"].([]any)
		assertEqual(t, "first of page 2", next[0].(map[string]any)["agent_id"], want[10])
	})
}

func TestAgentDeleteCascade(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	doomed := h.createAgent(map[string]any{"name": "doomed"})
	other := h.createAgent(map[string]any{"name": "other"})
	h.createVersion(doomed, map[string]any{"config": minimalConfig("a")})
	h.createVersion(other, map[string]any{"config": minimalConfig("b")})
	expect(t, h.publish(doomed, 1, map[string]any{"phone_numbers": []string{"+15550100001", "+15550100002"}, "direction": "inbound"}), 200)
	expect(t, h.publish(other, 1, map[string]any{"phone_numbers": []string{"+15550100001"}, "direction": "outbound"}), 200)
	expect(t, h.do("POST", "/core/agents/"+doomed+"/deploy-as-sip", nil), 200)
	otherVersion := h.number("+15550100001").OutboundAgentVersionID

	expect(t, h.do("DELETE", "/core/agents/"+doomed, nil), 204)

	t.Run("[A] the agent and its versions are gone", func(t *testing.T) {
		s := h.e.Snapshot()
		if len(s.Agents) != 1 || s.Agents[0].AgentID != other {
			t.Fatalf("agents left: %+v", s.Agents)
		}
		expect(t, h.do("GET", "/core/agents/"+doomed+"/versions/1", nil), 404)
		expect(t, h.do("POST", "/core/agents/"+doomed+"/deploy-as-sip", nil), 404)
	})
	t.Run("[A] slots holding its versions are cleared, other agents' slots stay", func(t *testing.T) {
		n1, n2 := h.number("+15550100001"), h.number("+15550100002")
		assertEqual(t, "+1…01 inbound", n1.InboundAgentVersionID, (*string)(nil))
		assertEqual(t, "+1…01 outbound", str(n1.OutboundAgentVersionID), str(otherVersion))
		assertEqual(t, "+1…02 inbound", n2.InboundAgentVersionID, (*string)(nil))
	})
}

func TestAgentWorkflows(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	cases := []struct {
		name, path string
		body       map[string]any
		status     int
	}{
		{"[D] create-from-website returns 202 with workflow_id", "/core/agents/create-from-website", map[string]any{"company_name": "Acme", "company_website": "https://acme.test", "is_demo": true}, 202},
		{"[D] create-from-website requires company_name", "/core/agents/create-from-website", map[string]any{"company_website": "https://acme.test"}, 422},
		{"[D] create-demo returns 202 with workflow_id", "/core/agents/create-demo", map[string]any{"company_website": "https://acme.test"}, 202},
		{"[D] create-demo requires company_website", "/core/agents/create-demo", map[string]any{"instructions": "x"}, 422},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, h.do("POST", tc.path, tc.body), tc.status)
			if tc.status == 202 {
				if id, _ := r.obj(t)["workflow_id"].(string); len(id) != 36 {
					t.Errorf("workflow_id %q", id)
				}
			}
		})
	}
}
