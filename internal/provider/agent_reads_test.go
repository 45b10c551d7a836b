package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// fakeAgentAPI counts reads and answers each with the agent's current name,
// so a test can tell a fresh read from a reused one.
type fakeAgentAPI struct {
	mu    sync.Mutex
	sent  map[string]int
	names map[string]string
	fail  map[string]error // answered (once) instead of the agent
	gate  chan struct{}    // when set, every read waits for it
}

func newFakeAgentAPI() *fakeAgentAPI {
	return &fakeAgentAPI{sent: map[string]int{}, names: map[string]string{}, fail: map[string]error{}}
}

func (f *fakeAgentAPI) read(ctx context.Context, id string) (*client.Agent, error) {
	f.mu.Lock()
	f.sent[id]++
	gate := f.gate
	err := f.fail[id]
	delete(f.fail, id)
	name := f.names[id]
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	return &client.Agent{ID: id, Name: name}, nil
}

func (f *fakeAgentAPI) rename(id, name string) {
	f.mu.Lock()
	f.names[id] = name
	f.mu.Unlock()
}

func (f *fakeAgentAPI) requests(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent[id]
}

func TestAgentReadsSequence(t *testing.T) {
	notFound := &client.APIError{StatusCode: 404}
	// Each step is a get (want: the name read and the requests sent so far
	// for that agent), a write (forget or forgetAll, after renaming the agent
	// on the fake server) or a failure armed for the next request.
	type step struct {
		op       string // "get", "forget", "forgetAll", "fail"
		id, name string
		want     string
		requests int
		err      bool
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"later readers reuse the answer", []step{
			{op: "get", id: "a", want: "a0", requests: 1},
			{op: "get", id: "a", want: "a0", requests: 1},
			{op: "get", id: "a", want: "a0", requests: 1},
		}},
		{"agents are read apart", []step{
			{op: "get", id: "a", want: "a0", requests: 1},
			{op: "get", id: "b", want: "b0", requests: 1},
			{op: "get", id: "a", want: "a0", requests: 1},
		}},
		{"a write to the agent is seen by the next read", []step{
			{op: "get", id: "a", want: "a0", requests: 1},
			{op: "forget", id: "a", name: "a1"},
			{op: "get", id: "a", want: "a1", requests: 2},
			{op: "get", id: "a", want: "a1", requests: 2},
		}},
		{"a write to another agent keeps the answer", []step{
			{op: "get", id: "a", want: "a0", requests: 1},
			{op: "forget", id: "b", name: "b1"},
			{op: "get", id: "a", want: "a0", requests: 1},
		}},
		{"a publish forgets every agent", []step{
			{op: "get", id: "a", want: "a0", requests: 1},
			{op: "get", id: "b", want: "b0", requests: 1},
			{op: "forgetAll", id: "b", name: "b1"},
			{op: "get", id: "a", want: "a0", requests: 2},
			{op: "get", id: "b", want: "b1", requests: 2},
		}},
		{"a failed read is not kept", []step{
			{op: "fail", id: "a"},
			{op: "get", id: "a", err: true, requests: 1},
			{op: "get", id: "a", want: "a0", requests: 2},
			{op: "get", id: "a", want: "a0", requests: 2},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAgentAPI()
			for _, id := range []string{"a", "b"} {
				api.rename(id, id+"0")
			}
			reads := newAgentReads(api.read)
			for i, s := range tc.steps {
				switch s.op {
				case "fail":
					api.mu.Lock()
					api.fail[s.id] = notFound
					api.mu.Unlock()
				case "forget", "forgetAll":
					api.rename(s.id, s.name)
					if s.op == "forget" {
						reads.forget(s.id)
					} else {
						reads.forgetAll()
					}
				case "get":
					a, err := reads.get(t.Context(), s.id)
					switch {
					case s.err && !client.IsNotFound(err):
						t.Fatalf("step %d: get(%s) = %v, %v; want the 404", i, s.id, a, err)
					case !s.err && (err != nil || a.Name != s.want):
						t.Fatalf("step %d: get(%s) = %+v, %v; want %s", i, s.id, a, err, s.want)
					}
					if got := api.requests(s.id); got != s.requests {
						t.Fatalf("step %d: %d requests for %s, want %d", i, got, s.id, s.requests)
					}
				}
			}
		})
	}
}

// startReaders starts n concurrent gets of id and returns their answers once
// all are done.
func startReaders(ctx context.Context, reads *agentReads, id string, n int) func() []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := reads.get(ctx, id)
			if err == nil && a.ID != id {
				err = fmt.Errorf("got agent %s", a.ID)
			}
			errs[i] = err
		}()
	}
	return func() []error { wg.Wait(); return errs }
}

// waitFor polls cond until it holds; only the test binary's -timeout bounds
// it, so a loaded machine makes the test slower, never wrong.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-t.Context().Done():
			t.Fatalf("gave up waiting for %s", what)
		case <-time.After(time.Millisecond):
		}
	}
}

func TestAgentReadsConcurrentReadersShareOneRequest(t *testing.T) {
	api := newFakeAgentAPI()
	api.gate = make(chan struct{})
	reads := newAgentReads(api.read)
	wait := startReaders(t.Context(), reads, "a", 20)
	other := startReaders(t.Context(), reads, "b", 5)
	waitFor(t, "the reads to be sent", func() bool { return api.requests("a") > 0 && api.requests("b") > 0 })
	waitFor(t, "the other readers to wait", func() bool { return reads.waiters() == 19+4 })
	close(api.gate)
	for _, err := range append(wait(), other()...) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if a, b := api.requests("a"), api.requests("b"); a != 1 || b != 1 {
		t.Fatalf("requests: a %d, b %d; want one each", a, b)
	}
}

// A reader that waited for a read whose sender gave up (its own context
// ended) reads again instead of failing with someone else's cancellation.
func TestAgentReadsWaitersReadAgainAfterAFailure(t *testing.T) {
	api := newFakeAgentAPI()
	api.gate = make(chan struct{})
	reads := newAgentReads(api.read)
	senderCtx, cancelSender := context.WithCancel(t.Context())
	sender := startReaders(senderCtx, reads, "a", 1)
	waitFor(t, "the first read to be sent", func() bool { return api.requests("a") == 1 })
	waiters := startReaders(t.Context(), reads, "a", 10)
	waitFor(t, "the readers to wait", func() bool { return reads.waiters() == 10 })
	cancelSender()
	if errs := sender(); !errors.Is(errs[0], context.Canceled) {
		t.Fatalf("the cancelled sender got %v", errs[0])
	}
	waitFor(t, "the second read to be sent", func() bool { return api.requests("a") == 2 })
	close(api.gate)
	for _, err := range waiters() {
		if err != nil {
			t.Fatalf("a waiter failed: %v", err)
		}
	}
	if got := api.requests("a"); got != 2 {
		t.Fatalf("%d requests, want 2: the failed one and one for all the waiters", got)
	}
}

// A read in flight when a write returns may predate the write: later readers
// must not get it.
func TestAgentReadsWriteDuringARead(t *testing.T) {
	api := newFakeAgentAPI()
	api.rename("a", "before")
	api.gate = make(chan struct{})
	reads := newAgentReads(api.read)
	early := startReaders(t.Context(), reads, "a", 1)
	waitFor(t, "the read to be sent", func() bool { return api.requests("a") == 1 })
	reads.forget("a") // the write returned while the read was in flight
	api.rename("a", "after")
	close(api.gate)
	if errs := early(); errs[0] != nil {
		t.Fatal(errs[0])
	}
	got, err := reads.get(t.Context(), "a")
	if err != nil || got.Name != "after" {
		t.Fatalf("get after the write = %+v, %v; want the agent as written", got, err)
	}
	if n := api.requests("a"); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestAgentReadsWaiterHonoursItsContext(t *testing.T) {
	api := newFakeAgentAPI()
	api.gate = make(chan struct{})
	defer close(api.gate)
	reads := newAgentReads(api.read)
	_ = startReaders(t.Context(), reads, "a", 1)
	waitFor(t, "the read to be sent", func() bool { return api.requests("a") == 1 })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := reads.get(ctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a waiter past its deadline got %v", err)
	}
}

// A read that panics wakes its waiters, who read again.
func TestAgentReadsPanickingRead(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	reads := newAgentReads(func(_ context.Context, id string) (*client.Agent, error) {
		if calls.Add(1) == 1 {
			<-release
			panic("boom")
		}
		return &client.Agent{ID: id}, nil
	})
	panicked := make(chan any)
	go func() {
		defer func() { panicked <- recover() }()
		_, _ = reads.get(t.Context(), "a")
	}()
	waitFor(t, "the first read", func() bool { return calls.Load() == 1 })
	waiter := startReaders(t.Context(), reads, "a", 1)
	waitFor(t, "the reader to wait", func() bool { return reads.waiters() == 1 })
	close(release)
	if p := <-panicked; p == nil {
		t.Fatal("the panic was swallowed")
	}
	if errs := waiter(); errs[0] != nil {
		t.Fatalf("the waiter got %v", errs[0])
	}
}

// TestAPIClientWritesForgetAgentReads: every write the resources send makes
// the next read of the agent it wrote to fresh, whatever the write's outcome;
// a publish, which can take phone numbers from any agent, makes every read
// fresh. Each write of apiClient has a row, so a new one cannot skip the rule.
func TestAPIClientWritesForgetAgentReads(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	agentID, _ := createAgentWithVersions(t, emu, "writes", "one", "two")
	cfg := json.RawMessage(`{"type":"static_prompt","instructions":"three","llm":{"model":"gpt-4o"}}`)
	name := "renamed"
	// In order: each write runs against the agent the previous ones left.
	writes := []struct {
		method  string
		all     bool // forgets every agent
		write   func(ctx context.Context, a *apiClient) error
		wantErr bool
	}{
		{method: "UpdateAgent", write: func(ctx context.Context, a *apiClient) error {
			_, err := a.UpdateAgent(ctx, agentID, client.AgentUpdate{Name: &name})
			return err
		}},
		{method: "CreateVersion", write: func(ctx context.Context, a *apiClient) error {
			_, err := a.CreateVersion(ctx, agentID, client.VersionCreate{Config: cfg})
			return err
		}},
		{method: "UpdateVersion", write: func(ctx context.Context, a *apiClient) error {
			_, err := a.UpdateVersion(ctx, agentID, 3, client.VersionUpdate{Config: cfg})
			return err
		}},
		// Refused (400: no builder inputs): a failed write forgets too.
		{method: "GenerateInstructions", wantErr: true, write: func(ctx context.Context, a *apiClient) error {
			return a.GenerateInstructions(ctx, agentID, 1)
		}},
		{method: "PublishVersion", all: true, write: func(ctx context.Context, a *apiClient) error {
			_, err := a.PublishVersion(ctx, agentID, 1, client.PublishRequest{PhoneNumbers: []string{"+15550100001"}, Direction: client.DirectionInbound})
			return err
		}},
		{method: "DeployAsSIP", write: func(ctx context.Context, a *apiClient) error {
			_, err := a.DeployAsSIP(ctx, agentID)
			return err
		}},
		{method: "UndeploySIP", write: func(ctx context.Context, a *apiClient) error {
			return a.UndeploySIP(ctx, agentID)
		}},
		{method: "DeleteAgent", write: func(ctx context.Context, a *apiClient) error {
			return a.DeleteAgent(ctx, agentID)
		}},
	}

	// CreateAgent is the one write without a row: no read of an agent that
	// does not exist yet can be kept. Every other method must be a read or have one.
	reads := map[string]bool{"ListAgents": true, "GetAgent": true, "ListPhoneNumbers": true, "AgentConfigSchema": true,
		"ListVersions": true, "GetVersion": true, "WaitForInstructions": true, "CreateAgent": true}
	covered := map[string]bool{}
	for _, w := range writes {
		covered[w.method] = true
	}
	typ := reflect.TypeFor[*apiClient]()
	for i := range typ.NumMethod() {
		if m := typ.Method(i).Name; !reads[m] && !covered[m] {
			t.Errorf("apiClient.%s is neither a known read nor covered by this test", m)
		}
	}

	c := testClient(t, emu)
	for _, w := range writes {
		api := newFakeAgentAPI()
		shared := newAgentReads(api.read)
		a := newAPIClient(c, shared)
		ctx := t.Context()
		for _, id := range []string{agentID, "other"} {
			if _, err := shared.get(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.write(ctx, a); (err != nil) != w.wantErr {
			t.Fatalf("%s: error %v, want an error: %t", w.method, err, w.wantErr)
		}
		for _, id := range []string{agentID, "other"} {
			if _, err := shared.get(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if n := api.requests(agentID); n != 2 {
			t.Errorf("after %s the agent was read %d times, want 2 (the write must make the next read fresh)", w.method, n)
		}
		want := 1
		if w.all {
			want = 2
		}
		if n := api.requests("other"); n != want {
			t.Errorf("after %s another agent was read %d times, want %d", w.method, n, want)
		}
	}
}
