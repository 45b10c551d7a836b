package conformance_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Section 2: lists and pagination.
func TestPagination(t *testing.T) {
	t.Parallel()

	t.Run("[D] lists take limit and cursor; [A] the envelope's next_cursor is followed until null: 23 agents at limit 7 come back exactly once", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		var want []string
		for i := range 23 {
			want = append(want, e.agent(fmt.Sprintf("Agent %02d", i)).ID)
		}
		e.emu.ResetRequests()
		got, err := e.c.ListAgents(t.Context(), client.AgentListOptions{Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), want) {
			t.Errorf("ListAgents returned %d agents %v, want the 23 created, once each, in creation order", len(got), ids(got))
		}
		pages := e.requests("GET /core/agents")
		if len(pages) != 4 {
			t.Fatalf("%d page requests, want 4 (7+7+7+2)", len(pages))
		}
		for i, p := range pages {
			q, _ := url.ParseQuery(p.Query)
			if q.Get("limit") != "7" {
				t.Errorf("page %d: limit = %q", i+1, q.Get("limit"))
			}
			if (i == 0) != (q.Get("cursor") == "") {
				t.Errorf("page %d: cursor = %q", i+1, q.Get("cursor"))
			}
		}
	})

	t.Run("[A] the default limit is 20", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		for i := range 21 {
			e.agent(fmt.Sprintf("Agent %02d", i))
		}
		e.emu.ResetRequests()
		got, err := e.c.ListAgents(t.Context(), client.AgentListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 21 {
			t.Errorf("%d agents, want 21", len(got))
		}
		pages := e.requests("GET /core/agents")
		if len(pages) != 2 {
			t.Errorf("%d pages for 21 agents without a limit, want 2 (20+1)", len(pages))
		}
		if q, _ := url.ParseQuery(pages[0].Query); q.Has("limit") {
			t.Errorf("limit sent although none was asked for: %q", pages[0].Query)
		}
	})

	t.Run("[A] the maximum limit is 100", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		e.agent("One")
		if got, err := e.c.ListAgents(t.Context(), client.AgentListOptions{Limit: 100}); err != nil || len(got) != 1 {
			t.Errorf("limit 100: %d agents, %v", len(got), err)
		}
		_, err := e.c.ListAgents(t.Context(), client.AgentListOptions{Limit: 101})
		wantAPIError(t, err, http.StatusUnprocessableEntity)
	})

	t.Run("[D] the versions list is paginated: 9 versions at limit 4 come back exactly once", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Versions")
		for i := range 9 {
			e.version(a.ID, config(fmt.Sprintf("v%d", i+1)))
		}
		e.emu.ResetRequests()
		got, err := e.c.ListVersions(t.Context(), a.ID, client.VersionListOptions{Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		var nums []int
		for _, v := range got {
			nums = append(nums, v.Version)
			if v.AgentID != a.ID {
				t.Errorf("version %d has agent_id %q", v.Version, v.AgentID)
			}
		}
		if !slices.Equal(nums, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Errorf("versions %v, want 1..9 once each", nums)
		}
		if n := len(e.requests("GET /core/agents/{agent_id}/versions")); n != 3 {
			t.Errorf("%d page requests, want 3", n)
		}
	})

	t.Run("[A] the client accepts a bare JSON array (GET /core/phone-numbers answers one)", func(t *testing.T) {
		t.Parallel()
		rec := newRecorder(nil)
		e := newEnv(t, emulator.Options{}, withTransport(rec))
		got, err := e.c.ListPhoneNumbers(t.Context(), client.PhoneNumberListOptions{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 {
			t.Errorf("%d numbers, want the 5 of the directory", len(got))
		}
		s := rec.all()
		if len(s) != 1 || len(s[0].Body) == 0 || s[0].Body[0] != '[' {
			t.Fatalf("want one response that is a bare array, got %d responses", len(s))
		}
	})
}
