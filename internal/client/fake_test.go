package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAPI is a small in-memory stand-in for the agent and version endpoints,
// enough to exercise create recovery. Its fault switches make the next
// creates misbehave in a given way.
type fakeAPI struct {
	t  *testing.T
	mu sync.Mutex

	agents   []map[string]any
	versions map[string][]map[string]any
	nextID   int
	log      []string // "METHOD /path?query" of every request

	// Faults, each consumed by one create (agent or version).
	applyThenDrop    int // apply the create, then drop the connection
	applyThen500     int // apply the create, then answer 500
	applyTruncate    int // apply the create, then cut the 201 body short
	dropWithout      int // drop the connection without applying
	badGatewayFirst  int // answer 502 without applying
	serverErrorFirst int // answer 500 without applying
	unavailable      int // answer 503 without applying

	// Answers of 201 whose body is unusable (empty, not JSON, incomplete),
	// each consumed by one create.
	applyThenBody []string // apply the create, then answer with the body
	bodyWithout   []string // answer with the body without applying
	body          string   // the body of the fault being served
}

func newFakeAPI(t *testing.T) *fakeAPI {
	return &fakeAPI{t: t, versions: map[string][]map[string]any{}}
}

func (f *fakeAPI) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, l := range f.log {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func (f *fakeAPI) agentCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.agents)
}

func (f *fakeAPI) versionCount(agentID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.versions[agentID])
}

// fault reports which fault the next create meets, consuming it.
func (f *fakeAPI) fault() string {
	switch {
	case f.unavailable > 0:
		f.unavailable--
		return "503"
	case f.badGatewayFirst > 0:
		f.badGatewayFirst--
		return "502"
	case f.serverErrorFirst > 0:
		f.serverErrorFirst--
		return "500"
	case f.dropWithout > 0:
		f.dropWithout--
		return "drop-without"
	case f.applyThenDrop > 0:
		f.applyThenDrop--
		return "apply-drop"
	case f.applyThen500 > 0:
		f.applyThen500--
		return "apply-500"
	case f.applyTruncate > 0:
		f.applyTruncate--
		return "apply-truncate"
	case len(f.applyThenBody) > 0:
		f.body, f.applyThenBody = f.applyThenBody[0], f.applyThenBody[1:]
		return "apply-body"
	case len(f.bodyWithout) > 0:
		f.body, f.bodyWithout = f.bodyWithout[0], f.bodyWithout[1:]
		return "body-without"
	}
	return ""
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		line += "?" + r.URL.RawQuery
	}
	f.log = append(f.log, line)

	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/core/agents":
		f.createAgent(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/core/agents":
		f.listAgents(w, r)
	case len(parts) == 4 && parts[3] == "versions" && r.Method == http.MethodPost:
		f.createVersion(w, r, parts[2])
	case len(parts) == 4 && parts[3] == "versions" && r.Method == http.MethodGet:
		f.listVersions(w, r, parts[2])
	default:
		writeDetail(w, http.StatusNotFound, "Not Found")
	}
}

// respond answers a create according to fault; apply performs the create
// and returns the created object.
func (f *fakeAPI) respond(w http.ResponseWriter, fault string, apply func() any) {
	switch fault {
	case "503":
		w.Header().Set("Retry-After", "0")
		writeDetail(w, http.StatusServiceUnavailable, "busy")
	case "502":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	case "500":
		writeDetail(w, http.StatusInternalServerError, "Internal Server Error")
	case "drop-without":
		dropConnection(f.t, w)
	case "apply-drop":
		apply()
		dropConnection(f.t, w)
	case "apply-500":
		apply()
		writeDetail(w, http.StatusInternalServerError, "Internal Server Error")
	case "apply-truncate":
		b, _ := json.Marshal(apply())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(b[:len(b)/2])
		dropConnection(f.t, w)
	case "apply-body", "body-without":
		if fault == "apply-body" {
			apply()
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(f.body))
	default:
		writeJSON(w, http.StatusCreated, apply())
	}
}

func (f *fakeAPI) createAgent(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	f.respond(w, f.fault(), func() any {
		f.nextID++
		now := time.Now().UTC().Format(time.RFC3339)
		a := map[string]any{
			"agent_id": fmt.Sprintf("agent-%d", f.nextID), "name": in["name"], "description": "",
			"active": true, "is_demo": false, "metadata": in["metadata"],
			"created_at": now, "updated_at": now, "versions": []any{}, "sip_endpoint": nil,
		}
		f.agents = append(f.agents, a)
		return a
	})
}

func (f *fakeAPI) listAgents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var meta map[string]any
	if m := q.Get("metadata"); m != "" {
		if err := json.Unmarshal([]byte(m), &meta); err != nil {
			writeDetail(w, http.StatusUnprocessableEntity, "metadata must be a JSON object")
			return
		}
	}
	out := []any{}
	for _, a := range f.agents {
		if name := q.Get("name"); name != "" && a["name"] != name {
			continue
		}
		am, _ := a["metadata"].(map[string]any)
		match := true
		for k, v := range meta {
			if am[k] != v {
				match = false
			}
		}
		if match {
			out = append(out, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "pagination": map[string]any{"limit": 100, "next_cursor": nil}})
}

// withDefaults mimics the server filling defaults into a config.
func withDefaults(cfg map[string]any) map[string]any {
	out := map[string]any{"max_tool_steps": 10.0, "llm": map[string]any{"model": "gpt-4o", "temperature": 0.7}}
	for k, v := range cfg {
		out[k] = v
	}
	if voice, ok := out["voice"].(map[string]any); ok {
		if _, ok := voice["speed"]; !ok {
			voice["speed"] = 1.0
		}
	}
	return out
}

func (f *fakeAPI) createVersion(w http.ResponseWriter, r *http.Request, agentID string) {
	var in struct {
		Config      map[string]any `json:"config"`
		BaseVersion *int           `json:"base_version"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	f.respond(w, f.fault(), func() any {
		list := f.versions[agentID]
		cfg := in.Config
		if in.BaseVersion != nil {
			cfg = list[*in.BaseVersion-1]["config"].(map[string]any)
		}
		n := len(list) + 1
		now := time.Now().UTC().Format(time.RFC3339Nano)
		v := map[string]any{
			"agent_id": agentID, "version": n, "version_id": fmt.Sprintf("%s-v%d", agentID, n),
			"published": false, "published_at": nil, "config": withDefaults(cfg),
			"instructions_status": "idle", "created_at": now, "updated_at": now,
		}
		f.versions[agentID] = append(list, v)
		return v
	})
}

func (f *fakeAPI) listVersions(w http.ResponseWriter, r *http.Request, agentID string) {
	var after time.Time
	if s := r.URL.Query().Get("created_after"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			writeDetail(w, http.StatusUnprocessableEntity, "bad created_after")
			return
		}
		after = t
	}
	out := []any{}
	for _, v := range f.versions[agentID] {
		created, _ := time.Parse(time.RFC3339Nano, v["created_at"].(string))
		if created.Before(after) {
			continue
		}
		out = append(out, v)
	}
	// A bare array, the other list shape.
	writeJSON(w, http.StatusOK, out)
}

// addVersion stores a version directly, e.g. an old one.
func (f *fakeAPI) addVersion(agentID string, cfg map[string]any, created time.Time, published bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.versions[agentID]) + 1
	f.versions[agentID] = append(f.versions[agentID], map[string]any{
		"agent_id": agentID, "version": n, "version_id": fmt.Sprintf("%s-v%d", agentID, n),
		"published": published, "config": withDefaults(cfg), "instructions_status": "idle",
		"created_at": created.UTC().Format(time.RFC3339), "updated_at": created.UTC().Format(time.RFC3339),
	})
}
