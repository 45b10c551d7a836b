package discovery

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

func str(s string) *string { return &s }

func agent(versions []client.VersionSummary, numbers []client.PhoneNumberSlot) *client.Agent {
	return &client.Agent{ID: "a", Name: "A", Active: true, Metadata: map[string]any{}, Versions: versions, PhoneNumbers: numbers}
}

func v(n int, published bool) client.VersionSummary {
	return client.VersionSummary{Version: n, VersionID: fmt.Sprintf("vid%d", n), Published: published}
}

// TestDescribe: the versions that matter, by role, and their publications,
// web-only included.
func TestDescribe(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		versions []client.VersionSummary
		numbers  []client.PhoneNumberSlot
		want     string
	}{
		{name: "no versions", want: ""},
		{name: "a draft only", versions: []client.VersionSummary{v(1, false)}, want: "draft v1 [newest draft]"},
		{name: "published on the web only", versions: []client.VersionSummary{v(1, true)},
			want: "live v1 [newest published] inbound web-only"},
		{name: "several versions, an older one holds a number, a newer draft",
			versions: []client.VersionSummary{v(1, true), v(2, true), v(3, true), v(4, false)},
			numbers:  []client.PhoneNumberSlot{{PhoneNumber: "+15550100001", InboundAgentVersionID: str("vid2")}},
			want: "history_2 v2 [holds phone numbers] inbound +15550100001; live v3 [newest published] inbound web-only; " +
				"draft v4 [newest draft]"},
		{name: "a draft older than the newest published is left",
			versions: []client.VersionSummary{v(1, false), v(2, true)},
			want:     "live v2 [newest published] inbound web-only"},
		{name: "two versions holding numbers and another agent's version in a slot",
			versions: []client.VersionSummary{v(1, true), v(2, true)},
			numbers: []client.PhoneNumberSlot{
				{PhoneNumber: "+15550100001", InboundAgentVersionID: str("vid1"), OutboundAgentVersionID: str("other")},
				{PhoneNumber: "+15550100002", OutboundAgentVersionID: str("vid2")},
			},
			want: "history_1 v1 [holds phone numbers] inbound +15550100001; live v2 [holds phone numbers, newest published] outbound +15550100002"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := Describe(agent(tc.versions, tc.numbers))
			var got []string
			for _, vp := range d.Versions {
				s := fmt.Sprintf("%s v%d [%s]", vp.Key(), vp.Version, strings.Join(vp.Reasons, ", "))
				for _, p := range d.Publications {
					if p.Version != vp.Version {
						continue
					}
					if p.WebOnly() {
						s += " " + p.Direction + " web-only"
					} else {
						s += " " + p.Direction + " " + strings.Join(p.PhoneNumbers, " ")
					}
				}
				got = append(got, s)
			}
			if s := strings.Join(got, "; "); s != tc.want {
				t.Errorf("got  %q\nwant %q", s, tc.want)
			}
			if d.History != len(tc.versions)-len(d.Versions) {
				t.Errorf("history %d", d.History)
			}
		})
	}
}

// TestPublications: each publication is what anyreach_publish reads back
// from the slots for its direction.
func TestPublications(t *testing.T) {
	t.Parallel()
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
			var got []string
			for _, p := range Publications(agent(nil, tc.numbers), "vid1") {
				got = append(got, p.Direction+" "+strings.Join(p.PhoneNumbers, " "))
			}
			if s := strings.Join(got, "; "); s != tc.want {
				t.Errorf("got %q, want %q", s, tc.want)
			}
		})
	}
}

// TestMetadataFilter: a value matches by JSON value, so count=3 finds the
// number 3 an agent was created with, and plain text matches strings only.
func TestMetadataFilter(t *testing.T) {
	t.Parallel()
	var meta map[string]any
	if err := json.Unmarshal([]byte(`{"count":3,"ratio":0.5,"on":true,"team":"blue","code":"3","none":null,"tags":["a","b"]}`), &meta); err != nil {
		t.Fatal(err)
	}
	a := &client.Agent{Name: "A", Metadata: meta}
	for filter, want := range map[string]bool{
		"count=3": true, "count=3.0": true, "count=4": false, `count="3"`: false,
		"ratio=0.50": true, "on=true": true, "on=false": false,
		"team=blue": true, `team="blue"`: true, "team=Blue": false,
		"code=3": true, `code="3"`: true,
		"none=null": true, `tags=["a","b"]`: true, `tags=["b","a"]`: false,
		"missing=x": false,
	} {
		k, text, _ := strings.Cut(filter, "=")
		f := Filter{Metadata: map[string]string{k: text}}
		if got := f.Matches(a); got != want {
			t.Errorf("%s: matches %v, want %v", filter, got, want)
		}
	}
	if f := (Filter{Name: "B"}); f.Matches(a) {
		t.Error("the name filter matched another name")
	}
	// Only plain text goes to the API's filter; JSON values are matched here.
	opts := Filter{Name: "A", Metadata: map[string]string{"count": "3", "team": "blue"}}.serverFilter()
	if opts.Name != "A" || len(opts.Metadata) != 1 || opts.Metadata["team"] != "blue" {
		t.Errorf("server filter %+v", opts)
	}
}
