package client

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"
)

func TestCreateAgentRecovery(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		setup      func(f *fakeAPI)
		wantPosts  int
		wantLists  int
	}{
		{"applied then connection dropped", 3, func(f *fakeAPI) { f.applyThenDrop = 1 }, 1, 1},
		{"applied then dropped on the last attempt", -1, func(f *fakeAPI) { f.applyThenDrop = 1 }, 1, 1},
		{"applied then 500", 3, func(f *fakeAPI) { f.applyThen500 = 1 }, 1, 1},
		{"applied then 201 body cut short", 3, func(f *fakeAPI) { f.applyTruncate = 1 }, 1, 1},
		{"dropped before applying: recovery finds nothing, retried", 3, func(f *fakeAPI) { f.dropWithout = 1 }, 2, 1},
		{"502 without applying: recovery finds nothing, retried", 3, func(f *fakeAPI) { f.badGatewayFirst = 1 }, 2, 1},
		{"500 without applying: recovery finds nothing, retried", 3, func(f *fakeAPI) { f.serverErrorFirst = 1 }, 2, 1},
		{"applied then 500 on the last attempt", -1, func(f *fakeAPI) { f.applyThen500 = 1 }, 1, 1},
		{"503 is retried without recovery", 3, func(f *fakeAPI) { f.unavailable = 2 }, 3, 0},
		{"happy path makes one request", 3, func(f *fakeAPI) {}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t)
			tt.setup(f)
			srv := newServer(t, f.ServeHTTP)
			logs := &captureLogger{}
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = tt.maxRetries; cfg.Logger = logs })

			in := AgentCreate{Name: "Riverside Dental Scheduler", Metadata: map[string]any{"team": "dental"}}
			a, err := c.CreateAgent(t.Context(), in)
			if err != nil {
				t.Fatalf("CreateAgent: %v", err)
			}
			if got := f.agentCount(); got != 1 {
				t.Fatalf("server holds %d agents, want exactly 1", got)
			}
			if a.ID != "agent-1" || a.Name != in.Name {
				t.Errorf("agent = %+v, want agent-1 named %q", a, in.Name)
			}
			if _, ok := a.Metadata[RequestTokenMetadataKey]; ok {
				t.Errorf("marker not stripped: %v", a.Metadata)
			}
			if a.Metadata["team"] != "dental" || len(a.Metadata) != 1 {
				t.Errorf("metadata = %v, want only team=dental", a.Metadata)
			}
			if _, ok := in.Metadata[RequestTokenMetadataKey]; ok {
				t.Error("CreateAgent wrote the marker into the caller's map")
			}
			if got := f.count("POST /core/agents"); got != tt.wantPosts {
				t.Errorf("%d POSTs, want %d", got, tt.wantPosts)
			}
			if got := f.count("GET /core/agents"); got != tt.wantLists {
				t.Errorf("%d recovery listings, want %d", got, tt.wantLists)
			}
		})
	}
}

func TestCreateAgentRecoveryQueriesNameAndMarker(t *testing.T) {
	f := newFakeAPI(t)
	f.applyThenDrop = 1
	srv := newServer(t, f.ServeHTTP)
	c := newTestClient(t, srv.URL)
	if _, err := c.CreateAgent(t.Context(), AgentCreate{Name: "x y"}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	stored := f.agents[0]["metadata"].(map[string]any)[RequestTokenMetadataKey].(string)
	f.mu.Unlock()
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(stored) {
		t.Errorf("marker %q is not 128 bits of hex", stored)
	}
	want := `GET /core/agents?limit=100&metadata=%7B%22_tf_request_token%22%3A%22` + stored + `%22%7D&name=x+y`
	if f.count(want) != 1 {
		t.Errorf("no recovery listing %q in %v", want, f.log)
	}
}

func TestCreateAgentRecoveryIgnoresOtherAgents(t *testing.T) {
	// A server that ignores the metadata filter: the client must still not
	// take somebody else's agent with the same name.
	f := newFakeAPI(t)
	f.agents = append(f.agents, map[string]any{"agent_id": "someone-else", "name": "dup", "metadata": map[string]any{}})
	f.nextID = 1
	f.dropWithout = 1
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			r.URL.RawQuery = "name=dup" // drop the metadata filter
		}
		f.ServeHTTP(w, r)
	})
	c := newTestClient(t, srv.URL)
	a, err := c.CreateAgent(t.Context(), AgentCreate{Name: "dup"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "agent-2" {
		t.Errorf("got %s, want the newly created agent-2", a.ID)
	}
}

func TestCreateAgent500IsRetriedOnlyAfterRecoveryFindsNothing(t *testing.T) {
	// A server that fails every create with 500 without applying it: each
	// retry is preceded by a recovery listing, and the last 500 is reported.
	var posts, lists int
	var mu sync.Mutex
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodGet {
			lists++
			writeJSON(w, 200, map[string]any{"data": []any{}})
			return
		}
		posts++
		if lists != posts-1 {
			t.Errorf("POST %d sent after %d recovery listings, want %d", posts, lists, posts-1)
		}
		writeDetail(w, 500, "boom")
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.CreateAgent(t.Context(), AgentCreate{Name: "n"})
	if StatusCode(err) != 500 {
		t.Fatalf("err = %v, want the 500", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if posts != 3 || lists != 3 {
		t.Errorf("%d POSTs and %d recovery listings, want 3 and 3 (one listing before each retry and one before giving up)", posts, lists)
	}
}

func TestCreateAgentRecoveryFailureSaysObjectMayExist(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeDetail(w, 403, "missing scope agents:read")
			return
		}
		dropConnection(t, w)
	})
	c := newTestClient(t, srv.URL)
	_, err := c.CreateAgent(t.Context(), AgentCreate{Name: "n"})
	if err == nil {
		t.Fatal("want an error")
	}
	mustContain(t, err.Error(), "may exist")
	if !IsForbidden(err) {
		t.Errorf("the recovery's 403 should be in the chain: %v", err)
	}
}

func TestCreateVersionRecovery(t *testing.T) {
	sent := json.RawMessage(`{"type":"static_prompt","instructions":"Book appointments.","voice":{"provider":"eleven","voice_id":"v1"},"tools":[{"name":"book","actions":[{"type":"hangup"}]}]}`)
	tests := []struct {
		name        string
		in          VersionCreate
		setup       func(f *fakeAPI)
		wantVersion int
		wantCount   int
		wantPosts   int
	}{
		{"config, applied then dropped", VersionCreate{Config: sent}, func(f *fakeAPI) { f.applyThenDrop = 1 }, 2, 2, 1},
		{"config, applied then 500", VersionCreate{Config: sent}, func(f *fakeAPI) { f.applyThen500 = 1 }, 2, 2, 1},
		{"config, applied then 201 body cut short", VersionCreate{Config: sent}, func(f *fakeAPI) { f.applyTruncate = 1 }, 2, 2, 1},
		{"config, 503 then 502 then success", VersionCreate{Config: sent}, func(f *fakeAPI) { f.unavailable = 1; f.badGatewayFirst = 1 }, 2, 2, 3},
		{"config, 500 without applying then success", VersionCreate{Config: sent}, func(f *fakeAPI) { f.serverErrorFirst = 1 }, 2, 2, 2},
		{"config, dropped without applying", VersionCreate{Config: sent}, func(f *fakeAPI) { f.dropWithout = 1 }, 2, 2, 2},
		{"base_version, applied then dropped", VersionCreate{BaseVersion: ptr(1)}, func(f *fakeAPI) { f.applyThenDrop = 1 }, 2, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t)
			// An old, published version with the very same config must not
			// be mistaken for the lost create's result.
			var cfg map[string]any
			_ = json.Unmarshal(sent, &cfg)
			f.addVersion("a1", cfg, time.Now().Add(-time.Hour), true)
			tt.setup(f)
			srv := newServer(t, f.ServeHTTP)
			c := newTestClient(t, srv.URL)

			v, err := c.CreateVersion(t.Context(), "a1", tt.in)
			if err != nil {
				t.Fatalf("CreateVersion: %v", err)
			}
			if v.Version != tt.wantVersion || v.AgentID != "a1" || v.Published {
				t.Errorf("got version %d of %q (published %v), want draft %d of a1", v.Version, v.AgentID, v.Published, tt.wantVersion)
			}
			if !ConfigContains(v.Config, sent) {
				t.Errorf("returned config %s lacks what was sent", v.Config)
			}
			if got := f.versionCount("a1"); got != tt.wantCount {
				t.Errorf("server holds %d versions, want %d", got, tt.wantCount)
			}
			if got := f.count("POST /core/agents/a1/versions"); got != tt.wantPosts {
				t.Errorf("%d POSTs, want %d", got, tt.wantPosts)
			}
		})
	}
}

func TestCreateVersionHappyPathMakesOneRequest(t *testing.T) {
	f := newFakeAPI(t)
	srv := newServer(t, f.ServeHTTP)
	c := newTestClient(t, srv.URL)
	v, err := c.CreateVersion(t.Context(), "a1", VersionCreate{Config: json.RawMessage(`{"type":"static_prompt"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 1 {
		t.Errorf("version = %d", v.Version)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.log) != 1 {
		t.Errorf("requests = %v, want the POST only", f.log)
	}
}

func TestConfigContains(t *testing.T) {
	server := `{"type":"static_prompt","voice":{"speed":1,"id":"v"},"tools":[{"name":"a","required":[]},{"name":"b"}],"n":null,"flag":false}`
	tests := []struct {
		name   string
		server string
		sent   string
		want   bool
	}{
		{"empty sent", server, ``, true},
		{"same", server, server, true},
		{"subset", server, `{"voice":{"speed":1.0}}`, true},
		{"number as float", server, `{"voice":{"speed":1.00}}`, true},
		{"different value", server, `{"voice":{"speed":2}}`, false},
		{"missing key", server, `{"llm":{"model":"x"}}`, false},
		{"sent null may be absent", server, `{"stt":null}`, true},
		{"sent null matches null", server, `{"n":null}`, true},
		{"sent null vs value", server, `{"type":null}`, false},
		{"array element subset", server, `{"tools":[{"name":"a"},{"name":"b"}]}`, true},
		{"array length differs", server, `{"tools":[{"name":"a"}]}`, false},
		{"array order matters", server, `{"tools":[{"name":"b"},{"name":"a"}]}`, false},
		{"bool false", server, `{"flag":false}`, true},
		{"type mismatch object vs scalar", server, `{"voice":"v"}`, false},
		{"type mismatch scalar vs object", server, `{"type":{"x":1}}`, false},
		{"string vs number", `{"a":"1"}`, `{"a":1}`, false},
		{"string in canonical case", `{"language":"en-US"}`, `{"language":"en-us"}`, true},
		{"different string", `{"language":"en-US"}`, `{"language":"en-GB"}`, false},
		{"empty server", ``, `{"a":1}`, false},
		{"invalid sent", server, `{`, false},
		{"invalid server", `{`, `{"a":1}`, false},
		{"top-level arrays", `[1,{"a":1,"b":2}]`, `[1,{"a":1}]`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConfigContains(json.RawMessage(tt.server), json.RawMessage(tt.sent)); got != tt.want {
				t.Errorf("ConfigContains(%s, %s) = %v, want %v", tt.server, tt.sent, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	tests := []struct {
		name                     string
		create                   bool
		status                   int
		err                      error
		wantRetry, wantAmbiguous bool
	}{
		{"read 200", false, 200, nil, false, false},
		{"read 404", false, 404, nil, false, false},
		{"read 429", false, 429, nil, true, false},
		{"read 500", false, 500, nil, true, false},
		{"read 502", false, 502, nil, true, false},
		{"read 503", false, 503, nil, true, false},
		{"read 504", false, 504, nil, true, false},
		{"read refused", false, 0, &url.Error{Op: "Get", URL: "u", Err: refused}, true, false},
		{"read reset", false, 0, &url.Error{Op: "Get", URL: "u", Err: reset}, true, false},
		{"read EOF", false, 0, &url.Error{Op: "Get", URL: "u", Err: io.EOF}, true, false},
		{"create 201", true, 201, nil, false, false},
		{"create 422", true, 422, nil, false, false},
		{"create 429", true, 429, nil, true, false},
		{"create 503", true, 503, nil, true, false},
		{"create 500", true, 500, nil, true, true},
		{"create 502", true, 502, nil, true, true},
		{"create 504", true, 504, nil, true, true},
		{"create refused", true, 0, &url.Error{Op: "Post", URL: "u", Err: refused}, true, false},
		{"create DNS", true, 0, &url.Error{Op: "Post", URL: "u", Err: &net.DNSError{Err: "no such host", Name: "x"}}, true, false},
		{"create reset", true, 0, &url.Error{Op: "Post", URL: "u", Err: reset}, true, true},
		{"create EOF", true, 0, &url.Error{Op: "Post", URL: "u", Err: io.EOF}, true, true},
		{"create unsupported scheme", true, 0, &url.Error{Op: "Post", URL: "u", Err: errors.New("unsupported protocol scheme \"ftp\"")}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			if tt.err == nil {
				resp = &http.Response{StatusCode: tt.status}
			}
			retry, ambiguous := classify(tt.create, resp, tt.err)
			if retry != tt.wantRetry || ambiguous != tt.wantAmbiguous {
				t.Errorf("classify = (retry %v, ambiguous %v), want (%v, %v)", retry, ambiguous, tt.wantRetry, tt.wantAmbiguous)
			}
		})
	}
}
