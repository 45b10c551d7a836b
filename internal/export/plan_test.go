package export

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

func TestSlug(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Riverside Dental Scheduler": "riverside_dental_scheduler",
		"Tom & Jerry's Café":         "tom_jerry_s_cafe",
		"tom-jerry-s  CAFE!":         "tom_jerry_s_cafe",
		"  --Ünïcødé--  ":            "unicode",
		"Straße Œuvre":               "strasse_oeuvre",
		"3 Amigos":                   "agent_3_amigos",
		"東京":                         "agent",
		"":                           "agent",
		"ﬁle_name":                   "file_name",
		strings.Repeat("long ", 20):  strings.TrimRight(strings.Repeat("long_", 10)[:48], "_"),
	} {
		if got := slug(name); got != want {
			t.Errorf("slug(%q) = %q, want %q", name, got, want)
		}
	}
}

func str(s string) *string { return &s }

func agent(id, name, created string) *client.Agent {
	return &client.Agent{ID: id, Name: name, CreatedAt: created, Active: true, Metadata: map[string]any{}}
}

// TestNamesAreUniqueAndStable: names that collide after slugging get _2,
// _3 in order of creation, whatever order the API lists them in, and a
// suffixed name never takes the natural name of another agent.
func TestNamesAreUniqueAndStable(t *testing.T) {
	t.Parallel()
	agents := []*client.Agent{
		agent("a1", "Tom & Jerry's Café", "2026-01-01T00:00:00Z"),
		agent("a2", "tom-jerry-s cafe", "2026-01-02T00:00:00Z"),
		agent("a3", "Tom & Jerry’s Café!", "2026-01-02T00:00:00Z"), // same second as a2: the ID decides
		agent("a4", "tom jerry s cafe 2", "2026-01-03T00:00:00Z"),
		agent("a5", "Front desk", "2026-01-04T00:00:00.000001Z"),
	}
	want := map[string]string{"a1": "tom_jerry_s_cafe", "a2": "tom_jerry_s_cafe_2", "a3": "tom_jerry_s_cafe_3",
		"a4": "tom_jerry_s_cafe_2_2", "a5": "front_desk"}
	for i := range 5 {
		shuffled := append([]*client.Agent(nil), agents...)
		rand.New(rand.NewPCG(uint64(i), 7)).Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		got := map[string]string{}
		for _, p := range planAgents(shuffled) {
			got[p.agent.ID] = p.name
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("listing order %d: names %v, want %v", i, got, want)
		}
	}
}

func TestChooseVersions(t *testing.T) {
	t.Parallel()
	v := func(n int, published bool) client.VersionSummary {
		return client.VersionSummary{Version: n, VersionID: fmt.Sprintf("vid%d", n), Published: published}
	}
	cases := []struct {
		name     string
		versions []client.VersionSummary
		numbers  []client.PhoneNumberSlot
		want     string
	}{
		{name: "no versions", want: ""},
		{name: "a draft only", versions: []client.VersionSummary{v(1, false)}, want: "v1 newest draft"},
		{name: "published without numbers", versions: []client.VersionSummary{v(1, true)}, want: "v1 newest published"},
		{name: "several versions, an older one live, a newer draft",
			versions: []client.VersionSummary{v(1, true), v(2, true), v(3, true), v(4, false)},
			numbers:  []client.PhoneNumberSlot{{PhoneNumber: "+15550100001", InboundAgentVersionID: str("vid2")}},
			want:     "v2 holds phone numbers; v3 newest published; v4 newest draft"},
		{name: "a draft older than the newest published is left",
			versions: []client.VersionSummary{v(1, false), v(2, true)},
			want:     "v2 newest published"},
		{name: "two live versions and another agent's version in a slot",
			versions: []client.VersionSummary{v(1, true), v(2, true)},
			numbers: []client.PhoneNumberSlot{
				{PhoneNumber: "+15550100001", InboundAgentVersionID: str("vid1"), OutboundAgentVersionID: str("other")},
				{PhoneNumber: "+15550100002", OutboundAgentVersionID: str("vid2")},
			},
			want: "v1 holds phone numbers; v2 holds phone numbers, newest published"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := agent("a", "A", "")
			a.Versions, a.PhoneNumbers = tc.versions, tc.numbers
			var got []string
			for _, vp := range chooseVersions(a) {
				got = append(got, fmt.Sprintf("v%d %s", vp.summary.Version, strings.Join(vp.reasons, ", ")))
			}
			if s := strings.Join(got, "; "); s != tc.want {
				t.Errorf("got %q, want %q", s, tc.want)
			}
		})
	}
}

// TestPublications: each publication is what anyreach_publish reads back
// from the slots for its direction.
func TestPublications(t *testing.T) {
	t.Parallel()
	vp := versionPlan{summary: client.VersionSummary{Version: 1, VersionID: "vid1", Published: true}, name: "a_v1"}
	cases := []struct {
		name    string
		numbers []client.PhoneNumberSlot
		want    string
	}{
		{name: "no numbers", want: ""},
		{name: "inbound", numbers: []client.PhoneNumberSlot{{PhoneNumber: "+2", InboundAgentVersionID: str("vid1")}, {PhoneNumber: "+1", InboundAgentVersionID: str("vid1")}},
			want: "inbound +1 +2"},
		{name: "outbound", numbers: []client.PhoneNumberSlot{{PhoneNumber: "+1", OutboundAgentVersionID: str("vid1"), InboundAgentVersionID: str("other")}},
			want: "outbound +1"},
		{name: "both slots of the same numbers", numbers: []client.PhoneNumberSlot{
			{PhoneNumber: "+1", InboundAgentVersionID: str("vid1"), OutboundAgentVersionID: str("vid1")},
			{PhoneNumber: "+2", InboundAgentVersionID: str("vid1"), OutboundAgentVersionID: str("vid1")}},
			want: "both +1 +2"},
		{name: "other numbers each way", numbers: []client.PhoneNumberSlot{
			{PhoneNumber: "+1", InboundAgentVersionID: str("vid1")}, {PhoneNumber: "+2", OutboundAgentVersionID: str("vid1")}},
			want: "inbound +1; outbound +2"},
		{name: "overlapping but not the same", numbers: []client.PhoneNumberSlot{
			{PhoneNumber: "+1", InboundAgentVersionID: str("vid1"), OutboundAgentVersionID: str("vid1")},
			{PhoneNumber: "+2", InboundAgentVersionID: str("vid1")}},
			want: "inbound +1 +2; outbound +1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := agent("a", "A", "")
			a.PhoneNumbers = tc.numbers
			var got []string
			for _, p := range publications(a, vp) {
				if p.version != 1 || p.versionName != "a_v1" {
					t.Errorf("publication of %d (%s), want version 1 (a_v1)", p.version, p.versionName)
				}
				got = append(got, p.direction+" "+strings.Join(p.numbers, " "))
			}
			if s := strings.Join(got, "; "); s != tc.want {
				t.Errorf("got %q, want %q", s, tc.want)
			}
		})
	}
}
