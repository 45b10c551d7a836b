package conformance_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// Section 3: agent create, read, update.
func TestAgents(t *testing.T) {
	t.Parallel()

	t.Run("[D] POST /core/agents creates a stub (no version, no config) with agent_id, active=true and is_demo=false by default; [A] 201", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Riverside Dental Scheduler")
		if a.ID == "" || a.Name != "Riverside Dental Scheduler" {
			t.Errorf("agent = %+v", a)
		}
		if !a.Active || a.IsDemo {
			t.Errorf("active, is_demo = %v, %v; want true, false", a.Active, a.IsDemo)
		}
		if len(a.Versions) != 0 || a.SIPEndpoint != nil || len(a.PhoneNumbers) != 0 {
			t.Errorf("a new agent is not a stub: versions %v, sip %v, numbers %v", a.Versions, a.SIPEndpoint, a.PhoneNumbers)
		}
		if len(a.Metadata) != 0 {
			t.Errorf("metadata = %v, want empty (the client's create marker must not show)", a.Metadata)
		}
		if r := e.requests("POST /core/agents"); len(r) != 1 || r[0].Status != http.StatusCreated {
			t.Errorf("create logged as %+v, want one 201", r)
		}
		if vs, err := e.c.ListVersions(t.Context(), a.ID, client.VersionListOptions{}); err != nil || len(vs) != 0 {
			t.Errorf("versions of a new agent: %v, %v", vs, err)
		}
	})

	t.Run("[D] POST /core/agents takes name, description, active, is_demo and metadata", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agentWith(client.AgentCreate{
			Name: "Full", Description: ptr("desc"), Active: ptr(false), IsDemo: ptr(true),
			Metadata: map[string]any{"team": "dental", "n": 3.0},
		})
		got, err := e.c.GetAgent(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []*client.Agent{a, got} {
			if x.Description != "desc" || x.Active || !x.IsDemo || !configjson.Equal(x.Metadata, map[string]any{"team": "dental", "n": json.Number("3.0")}) {
				t.Errorf("agent = %+v", x)
			}
		}
	})

	t.Run("[D] name is required", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		_, err := e.c.CreateAgent(t.Context(), client.AgentCreate{})
		ae := apiError(t, err, http.StatusUnprocessableEntity)
		if len(ae.Fields) == 0 || ae.Fields[0].Path() != "name" {
			t.Errorf("Fields = %v, want an error at name", ae.Fields)
		}
		if n := len(e.emu.Snapshot().Agents); n != 0 {
			t.Errorf("%d agents after a rejected create", n)
		}
	})

	t.Run("[A] names are not unique", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a, b := e.agent("Twin"), e.agent("Twin")
		if a.ID == b.ID {
			t.Fatal("two creates returned the same agent")
		}
		got, err := e.c.ListAgents(t.Context(), client.AgentListOptions{Name: "Twin"})
		if err != nil || !slices.Equal(ids(got), []string{a.ID, b.ID}) {
			t.Errorf("ListAgents(name=Twin) = %v, %v", ids(got), err)
		}
	})

	t.Run("[D] GET /core/agents/{id} includes versions, assigned phone numbers, SIP endpoint state and conversation statistics", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("Full view")
		v1 := e.version(a.ID, config("v1"))
		e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1}})
		e.version(a.ID, config("v2"))
		ep, err := e.c.DeployAsSIP(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.c.GetAgent(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Versions) != 2 || got.Versions[0].Version != 1 || !got.Versions[0].Published || got.Versions[0].PublishedAt == nil ||
			got.Versions[0].VersionID != v1.VersionID || got.Versions[1].Published {
			t.Errorf("versions = %+v", got.Versions)
		}
		if len(got.PhoneNumbers) != 1 || got.PhoneNumbers[0].PhoneNumber != num1 ||
			str(got.PhoneNumbers[0].InboundAgentVersionID) != v1.VersionID || got.PhoneNumbers[0].OutboundAgentVersionID != nil {
			t.Errorf("phone_numbers = %+v", got.PhoneNumbers)
		}
		if got.SIPEndpoint == nil || *got.SIPEndpoint != *ep {
			t.Errorf("sip_endpoint = %+v, want %+v", got.SIPEndpoint, ep)
		}
		if got.ConversationStats == nil {
			t.Error("conversation_stats missing")
		} else if total, ok := got.ConversationStats["total"].(float64); !ok || total != 0 {
			t.Errorf("conversation_stats = %v", got.ConversationStats)
		}
	})

	// [D] PUT updates name, description, active, is_demo, metadata; [A] partial.
	updates := []struct {
		field string
		in    client.AgentUpdate
		check func(a *client.Agent) bool
	}{
		{"name", client.AgentUpdate{Name: ptr("Renamed")}, func(a *client.Agent) bool { return a.Name == "Renamed" }},
		{"description", client.AgentUpdate{Description: ptr("new desc")}, func(a *client.Agent) bool { return a.Description == "new desc" }},
		{"active", client.AgentUpdate{Active: ptr(false)}, func(a *client.Agent) bool { return !a.Active }},
		{"is_demo", client.AgentUpdate{IsDemo: ptr(true)}, func(a *client.Agent) bool { return a.IsDemo }},
		{"metadata", client.AgentUpdate{Metadata: map[string]any{"tier": "gold"}}, func(a *client.Agent) bool {
			return reflect.DeepEqual(a.Metadata, map[string]any{"tier": "gold"})
		}},
		{"metadata (cleared with an empty object)", client.AgentUpdate{Metadata: map[string]any{}}, func(a *client.Agent) bool { return len(a.Metadata) == 0 }},
	}
	for _, u := range updates {
		t.Run("[D] PUT updates "+u.field+"; [A] absent fields are left as they are", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			orig := e.agentWith(client.AgentCreate{Name: "Orig", Description: ptr("orig desc"), Metadata: map[string]any{"team": "dental"}})
			got, err := e.c.UpdateAgent(t.Context(), orig.ID, u.in)
			if err != nil {
				t.Fatal(err)
			}
			read, err := e.c.GetAgent(t.Context(), orig.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range []*client.Agent{got, read} {
				if !u.check(a) {
					t.Errorf("%s not applied: %+v", u.field, a)
				}
				want := *orig
				want.UpdatedAt = a.UpdatedAt
				if u.in.Name != nil {
					want.Name = a.Name
				}
				if u.in.Description != nil {
					want.Description = a.Description
				}
				if u.in.Active != nil {
					want.Active = a.Active
				}
				if u.in.IsDemo != nil {
					want.IsDemo = a.IsDemo
				}
				if u.in.Metadata != nil {
					want.Metadata = a.Metadata
				}
				if !reflect.DeepEqual(*a, want) {
					t.Errorf("other fields changed:\n got %+v\nwant %+v", *a, want)
				}
			}
			if !parseTime(t, read.UpdatedAt).After(parseTime(t, orig.UpdatedAt)) {
				t.Errorf("updated_at did not move: %s -> %s", orig.UpdatedAt, read.UpdatedAt)
			}
			if u.in.Metadata != nil {
				if _, ok := e.stored(orig.ID).Metadata[client.RequestTokenMetadataKey]; ok {
					t.Errorf("an update that sets metadata left the client's create marker on the server")
				}
			}
		})
	}

	t.Run("[D] PUT on an unknown agent is 404", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		_, err := e.c.UpdateAgent(t.Context(), "no-such-agent", client.AgentUpdate{Name: ptr("x")})
		wantAPIError(t, err, http.StatusNotFound, "Agent not found")
	})
}

// Section 3: list filters, on one shared fixture (reads only).
func TestAgentFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	A := e.agentWith(client.AgentCreate{Name: "Riverside Dental", Metadata: map[string]any{"team": "dental", "tier": "gold"}})
	B := e.agentWith(client.AgentCreate{Name: "Riverside Dental", Active: ptr(false), Metadata: map[string]any{"team": "dental"}})
	C := e.agentWith(client.AgentCreate{Name: "Riverside Dental Clinic", IsDemo: ptr(true), Metadata: map[string]any{"team": "ortho"}})
	D := e.agentWith(client.AgentCreate{Name: "riverside dental"})
	B2, err := e.c.UpdateAgent(t.Context(), B.ID, client.AgentUpdate{Description: ptr("touched last")})
	if err != nil {
		t.Fatal(err)
	}
	ts := func(s string) *time.Time { return ptr(parseTime(t, s)) }

	cases := []struct {
		rule string
		opts client.AgentListOptions
		want []*client.Agent
	}{
		{"[D] no filter lists every agent in creation order", client.AgentListOptions{}, []*client.Agent{A, B, C, D}},
		{"[D] name filter; [A] name is an exact match", client.AgentListOptions{Name: "Riverside Dental"}, []*client.Agent{A, B}},
		{"[A] name is an exact match (case matters)", client.AgentListOptions{Name: "riverside dental"}, []*client.Agent{D}},
		{"[A] name is an exact match (no prefix match)", client.AgentListOptions{Name: "Riverside"}, nil},
		{"[D] active=false filter", client.AgentListOptions{Active: ptr(false)}, []*client.Agent{B}},
		{"[D] active=true filter", client.AgentListOptions{Active: ptr(true)}, []*client.Agent{A, C, D}},
		{"[D] is_demo=true filter", client.AgentListOptions{IsDemo: ptr(true)}, []*client.Agent{C}},
		{"[D] is_demo=false filter", client.AgentListOptions{IsDemo: ptr(false)}, []*client.Agent{A, B, D}},
		{"[D] metadata filter matches agents whose metadata contains the pair", client.AgentListOptions{Metadata: map[string]string{"team": "dental"}}, []*client.Agent{A, B}},
		{"[D] metadata filter matches agents whose metadata contains all the pairs", client.AgentListOptions{Metadata: map[string]string{"team": "dental", "tier": "gold"}}, []*client.Agent{A}},
		{"[D] metadata filter with no match", client.AgentListOptions{Metadata: map[string]string{"team": "cardio"}}, nil},
		{"[D] filters combine", client.AgentListOptions{Name: "Riverside Dental", Active: ptr(true)}, []*client.Agent{A}},
		{"[D] created_after (strictly after)", client.AgentListOptions{CreatedAfter: ts(A.CreatedAt)}, []*client.Agent{B, C, D}},
		{"[D] created_before (strictly before)", client.AgentListOptions{CreatedBefore: ts(C.CreatedAt)}, []*client.Agent{A, B}},
		{"[D] created_after and created_before together", client.AgentListOptions{CreatedAfter: ts(A.CreatedAt), CreatedBefore: ts(D.CreatedAt)}, []*client.Agent{B, C}},
		{"[D] updated_after", client.AgentListOptions{UpdatedAfter: ts(D.UpdatedAt)}, []*client.Agent{B}},
		{"[D] updated_before", client.AgentListOptions{UpdatedBefore: ts(B2.UpdatedAt)}, []*client.Agent{A, C, D}},
		{"[D] filters apply across pages", client.AgentListOptions{Active: ptr(true), Limit: 1}, []*client.Agent{A, C, D}},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			got, err := e.c.ListAgents(t.Context(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{}
			for _, a := range tc.want {
				want = append(want, a.ID)
			}
			if !slices.Equal(ids(got), want) {
				names := map[string]string{A.ID: "A", B.ID: "B", C.ID: "C", D.ID: "D"}
				var g, w []string
				for _, id := range ids(got) {
					g = append(g, names[id])
				}
				for _, id := range want {
					w = append(w, names[id])
				}
				t.Errorf("got %v, want %v", g, w)
			}
		})
	}
}

// Section 3: delete and its cascade.
func TestAgentDelete(t *testing.T) {
	t.Parallel()

	t.Run("[D] DELETE is 204; [A] hard delete: versions go, phone slots are cleared, the SIP endpoint is removed, a second DELETE is 404", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		ctx := t.Context()
		a := e.agent("Doomed")
		e.version(a.ID, config("v1"))
		e.publish(a.ID, 1, client.PublishRequest{PhoneNumbers: []string{num1, num2}, Direction: client.DirectionBoth})
		if _, err := e.c.DeployAsSIP(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		// Another agent holds the other slot of num2 and must keep it.
		other := e.agent("Survivor")
		ov := e.version(other.ID, config("other"))
		e.publish(other.ID, 1, client.PublishRequest{PhoneNumbers: []string{num2}, Direction: client.DirectionOutbound})

		if err := e.c.DeleteAgent(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if r := e.requests("DELETE /core/agents/{agent_id}"); len(r) != 1 || r[0].Status != http.StatusNoContent {
			t.Errorf("delete logged as %+v, want one 204", r)
		}
		if _, err := e.c.GetAgent(ctx, a.ID); !client.IsNotFound(err) {
			t.Errorf("GetAgent after delete: %v, want 404", err)
		}
		if _, err := e.c.ListVersions(ctx, a.ID, client.VersionListOptions{}); !client.IsNotFound(err) {
			t.Errorf("ListVersions after delete: %v, want 404", err)
		}
		if _, err := e.c.GetVersion(ctx, a.ID, 1); !client.IsNotFound(err) {
			t.Errorf("GetVersion after delete: %v, want 404", err)
		}
		if e.stored(a.ID) != nil {
			t.Error("the emulator still holds the agent (and with it its versions and SIP endpoint)")
		}
		n1, err := e.c.GetPhoneNumber(ctx, num1)
		if err != nil {
			t.Fatal(err)
		}
		if n1.InboundAgentVersionID != nil || n1.OutboundAgentVersionID != nil {
			t.Errorf("%s slots not cleared: %s / %s", num1, str(n1.InboundAgentVersionID), str(n1.OutboundAgentVersionID))
		}
		n2, err := e.c.GetPhoneNumber(ctx, num2)
		if err != nil {
			t.Fatal(err)
		}
		if n2.InboundAgentVersionID != nil || str(n2.OutboundAgentVersionID) != ov.VersionID {
			t.Errorf("%s: inbound %s (want cleared), outbound %s (want the other agent's %s)", num2, str(n2.InboundAgentVersionID), str(n2.OutboundAgentVersionID), ov.VersionID)
		}
		err = e.c.DeleteAgent(ctx, a.ID)
		wantAPIError(t, err, http.StatusNotFound, "Agent not found")
		if _, err := e.c.GetAgent(ctx, other.ID); err != nil {
			t.Errorf("the other agent: %v", err)
		}
	})

	t.Run("[A] the SIP endpoint goes with the agent", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, emulator.Options{})
		a := e.agent("SIP")
		e.version(a.ID, config("v1"))
		e.publish(a.ID, 1, client.PublishRequest{})
		if _, err := e.c.DeployAsSIP(t.Context(), a.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.c.DeleteAgent(t.Context(), a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.c.DeployAsSIP(t.Context(), a.ID); !client.IsNotFound(err) {
			t.Errorf("DeployAsSIP on the deleted agent: %v, want 404", err)
		}
		if err := e.emu.RemoveSIPEndpoint(a.ID); err == nil {
			t.Error("the emulator still has a SIP endpoint for the deleted agent")
		}
	})
}
