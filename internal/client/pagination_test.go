package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestListAgentsFollowsCursors(t *testing.T) {
	var mu sync.Mutex
	var queries []url.Values
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Query())
		mu.Unlock()
		pages := map[string]string{
			"":   `{"data":[{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1"},{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a2"}],"pagination":{"limit":2,"next_cursor":"c2"}}`,
			"c2": `{"data":[{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a3"},{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a4"}],"pagination":{"limit":2,"next_cursor":"c3"}}`,
			"c3": `{"data":[{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a5"}],"pagination":{"limit":2,"next_cursor":null}}`,
		}
		_, _ = w.Write([]byte(pages[r.URL.Query().Get("cursor")]))
	})
	c := newTestClient(t, srv.URL)
	agents, err := c.ListAgents(t.Context(), AgentListOptions{Name: "Riverside", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range agents {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "a1,a2,a3,a4,a5" {
		t.Errorf("ids = %v", ids)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(queries) != 3 {
		t.Fatalf("%d requests, want 3", len(queries))
	}
	for i, q := range queries {
		if q.Get("name") != "Riverside" || q.Get("limit") != "2" {
			t.Errorf("page %d lost the filters: %v", i+1, q)
		}
	}
	if queries[1].Get("cursor") != "c2" || queries[2].Get("cursor") != "c3" {
		t.Errorf("cursors: %v", queries)
	}
}

func TestListShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"bare array", `[{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1"},{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","id":"a2"}]`, 2},
		{"envelope without pagination", `{"data":[{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1"}]}`, 1},
		{"envelope with absent cursor", `{"data":[{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a1"}],"pagination":{"limit":20}}`, 1},
		{"envelope with empty cursor", `{"data":[],"pagination":{"limit":20,"next_cursor":""}}`, 0},
		{"null data", `{"data":null,"pagination":{"next_cursor":null}}`, 0},
		{"empty array", `[]`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				_, _ = w.Write([]byte(tt.body))
			})
			c := newTestClient(t, srv.URL)
			agents, err := c.ListAgents(t.Context(), AgentListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(agents) != tt.want || agents == nil {
				t.Errorf("got %d agents (nil %v), want %d", len(agents), agents == nil, tt.want)
			}
			for _, a := range agents {
				if a.ID == "" {
					t.Errorf("agent without ID: %+v", a)
				}
			}
			if hits.Load() != 1 {
				t.Errorf("%d requests, want 1", hits.Load())
			}
		})
	}
}

func TestListRejectsRepeatedCursor(t *testing.T) {
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"data":[{"name":"n","active":true,"is_demo":false,"created_at":"2026-11-22T10:00:00Z","updated_at":"2026-11-22T10:00:00Z","agent_id":"a"}],"pagination":{"next_cursor":"same"}}`))
	})
	c := newTestClient(t, srv.URL)
	_, err := c.ListAgents(t.Context(), AgentListOptions{})
	if err == nil {
		t.Fatal("want an error")
	}
	mustContain(t, err.Error(), `cursor "same"`)
	if hits.Load() != 2 {
		t.Errorf("%d requests, want 2", hits.Load())
	}
}

func TestListRejectsUnknownShape(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"items":[]}`)) })
	c := newTestClient(t, srv.URL)
	if _, err := c.ListAgents(t.Context(), AgentListOptions{}); err == nil {
		t.Fatal("want an error")
	}
}

func TestListQueryEncoding(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		list func(c *Client) error
		path string
		want url.Values
	}{
		{
			name: "agents: zero options send nothing",
			list: func(c *Client) error { _, err := c.ListAgents(t.Context(), AgentListOptions{}); return err },
			path: "/core/agents",
			want: url.Values{},
		},
		{
			name: "agents: every filter",
			list: func(c *Client) error {
				_, err := c.ListAgents(t.Context(), AgentListOptions{
					Name: "Riverside Dental", Active: ptr(false), IsDemo: ptr(true),
					Metadata:     map[string]string{"team": "dental", "env": "prod"},
					CreatedAfter: &at, CreatedBefore: &at, UpdatedAfter: &at, UpdatedBefore: &at, Limit: 100,
				})
				return err
			},
			path: "/core/agents",
			want: url.Values{
				"name": {"Riverside Dental"}, "active": {"false"}, "is_demo": {"true"},
				"metadata":      {`{"env":"prod","team":"dental"}`},
				"created_after": {"2026-11-22T09:00:00Z"}, "created_before": {"2026-11-22T09:00:00Z"},
				"updated_after": {"2026-11-22T09:00:00Z"}, "updated_before": {"2026-11-22T09:00:00Z"},
				"limit": {"100"},
			},
		},
		{
			name: "versions",
			list: func(c *Client) error {
				_, err := c.ListVersions(t.Context(), "a1", VersionListOptions{Version: ptr(2), Published: ptr(true), Limit: 5})
				return err
			},
			path: "/core/agents/a1/versions",
			want: url.Values{"version": {"2"}, "published": {"true"}, "limit": {"5"}},
		},
		{
			name: "phone numbers",
			list: func(c *Client) error {
				_, err := c.ListPhoneNumbers(t.Context(), PhoneNumberListOptions{PhoneNumber: "+1555", TrunkID: "t1"})
				return err
			},
			path: "/core/phone-numbers",
			want: url.Values{"phone_number": {"+1555"}, "trunk_id": {"t1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var got url.Values
			var path string
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got, path = r.URL.Query(), r.URL.Path
				mu.Unlock()
				_, _ = w.Write([]byte(`[]`))
			})
			if err := tt.list(newTestClient(t, srv.URL)); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if path != tt.path {
				t.Errorf("path = %q, want %q", path, tt.path)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("query = %v, want %v", got, tt.want)
			}
			if m := got.Get("metadata"); m != "" && !json.Valid([]byte(m)) {
				t.Errorf("metadata filter is not JSON: %q", m)
			}
		})
	}
}
