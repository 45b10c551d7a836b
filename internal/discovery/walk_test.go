package discovery

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// TestWalkIsBounded: Walk reads Parallelism agents at once, never more, and
// visits every agent once, a deleted one with a not-found error.
func TestWalkIsBounded(t *testing.T) {
	t.Parallel()
	const parallelism, agents = 4, 30
	var mu sync.Mutex
	inflight, most := 0, 0
	full := make(chan struct{}) // closed once parallelism requests are in flight together
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		most = max(most, inflight)
		if inflight == parallelism {
			once.Do(func() { close(full) })
		}
		mu.Unlock()
		defer func() {
			mu.Lock()
			inflight--
			mu.Unlock()
		}()
		// Hold every request until as many as allowed are in flight: decided
		// from the count, never from elapsed time (a walk that never gets
		// there blocks until the test binary's -timeout, a loud failure).
		select {
		case <-full:
		case <-r.Context().Done():
		}
		id := strings.TrimPrefix(r.URL.Path, "/core/agents/")
		if id == "gone" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"detail":"Agent not found"}`)
			return
		}
		fmt.Fprintf(w, `{"agent_id":%q,"name":"A","active":true,"is_demo":false,"metadata":{},"created_at":"2026-01-01T00:00:00Z",`+
			`"updated_at":"2026-01-01T00:00:00Z","versions":[{"version":1,"version_id":"v1","published":true}],"phone_numbers":[]}`, id)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, Token: "ak_test.secret"})
	if err != nil {
		t.Fatal(err)
	}
	listed := make([]client.Agent, agents)
	for i := range listed {
		listed[i].ID = fmt.Sprintf("a%d", i)
	}
	listed[7].ID = "gone"
	visits := map[string]int{}
	var vmu sync.Mutex
	Walk(context.Background(), c, listed, WalkOptions{Parallelism: parallelism}, func(_ context.Context, l *client.Agent, a Agent, err error) {
		vmu.Lock()
		defer vmu.Unlock()
		visits[l.ID]++
		switch {
		case l.ID == "gone":
			if !client.IsNotFound(err) {
				t.Errorf("the deleted agent was visited with %v", err)
			}
		case err != nil:
			t.Errorf("%s: %v", l.ID, err)
		case a.ID != l.ID || len(a.Publications) != 1 || !a.Publications[0].WebOnly():
			t.Errorf("%s was described as %+v", l.ID, a)
		}
	})
	if len(visits) != agents {
		t.Errorf("visited %d agents, want %d", len(visits), agents)
	}
	for id, n := range visits {
		if n != 1 {
			t.Errorf("%s visited %d times", id, n)
		}
	}
	if most != parallelism {
		t.Errorf("at most %d requests were in flight together, want %d", most, parallelism)
	}
}
