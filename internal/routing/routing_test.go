package routing

import (
	"reflect"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

func id(s string) *string { return &s }

func TestDropped(t *testing.T) {
	in := func(n string) Slot { return Slot{n, client.DirectionInbound} }
	out := func(n string) Slot { return Slot{n, client.DirectionOutbound} }
	cases := []struct {
		name    string
		oldNums []string
		oldDir  string
		newNums []string
		newDir  string
		want    []Slot
	}{
		{"unchanged", []string{"+1", "+2"}, "inbound", []string{"+1", "+2"}, "inbound", nil},
		{"a number leaves", []string{"+1", "+2"}, "inbound", []string{"+1"}, "inbound", []Slot{in("+2")}},
		{"swap", []string{"+1"}, "inbound", []string{"+2"}, "inbound", []Slot{in("+1")}},
		{"inbound to outbound", []string{"+1"}, "inbound", []string{"+1"}, "outbound", []Slot{in("+1")}},
		{"both to inbound keeps inbound", []string{"+1"}, "both", []string{"+1"}, "inbound", []Slot{out("+1")}},
		{"inbound to both clears nothing", []string{"+1"}, "inbound", []string{"+1"}, "both", nil},
		{"destroy", []string{"+1"}, "both", nil, "", []Slot{in("+1"), out("+1")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Dropped(c.oldNums, c.oldDir, c.newNums, c.newDir); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Dropped = %v, want %v", got, c.want)
			}
		})
	}
}

func TestStillHeldAndUnassign(t *testing.T) {
	read := []client.PhoneNumberSlot{
		{PhoneNumber: "+1", InboundAgentVersionID: id("v1"), OutboundAgentVersionID: id("v1")},
		{PhoneNumber: "+2", InboundAgentVersionID: id("v2")}, // a sibling took it
		{PhoneNumber: "+3", InboundAgentVersionID: id("v1"), OutboundAgentVersionID: id("v2")},
		{PhoneNumber: "+4"},
	}
	cases := []struct {
		name    string
		dropped []Slot
		want    map[string][]string
	}{
		{"both slots held: one call with both", Slots([]string{"+1"}, "both"), map[string][]string{"both": {"+1"}}},
		{"taken by a sibling: left alone", Slots([]string{"+2"}, "inbound"), map[string][]string{}},
		{"only the held slot", Slots([]string{"+3"}, "both"), map[string][]string{"inbound": {"+3"}}},
		{"empty or unknown numbers", Slots([]string{"+4", "+9"}, "inbound"), map[string][]string{}},
		{"grouped per direction", append(Slots([]string{"+1"}, "outbound"), Slots([]string{"+3"}, "inbound")...),
			map[string][]string{"inbound": {"+3"}, "outbound": {"+1"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Unassign(StillHeld(read, "v1", c.dropped)); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Unassign(StillHeld) = %v, want %v", got, c.want)
			}
		})
	}
}

// TestPublications pins how slots read back as publications: the exporter
// writes these and anyreach_publish's Read and import read the same.
func TestPublications(t *testing.T) {
	slots := []client.PhoneNumberSlot{
		{PhoneNumber: "+2", InboundAgentVersionID: id("both"), OutboundAgentVersionID: id("both")},
		{PhoneNumber: "+1", InboundAgentVersionID: id("both"), OutboundAgentVersionID: id("both")},
		{PhoneNumber: "+3", InboundAgentVersionID: id("split"), OutboundAgentVersionID: id("other")},
		{PhoneNumber: "+4", OutboundAgentVersionID: id("split")},
		{PhoneNumber: "+5", OutboundAgentVersionID: id("out")},
	}
	cases := []struct {
		version   string
		want      []Publication
		direction string
	}{
		{"both", []Publication{{"both", []string{"+1", "+2"}}}, "both"},
		{"split", []Publication{{"inbound", []string{"+3"}}, {"outbound", []string{"+4"}}}, "inbound"},
		{"out", []Publication{{"outbound", []string{"+5"}}}, "outbound"},
		{"none", nil, "inbound"},
	}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			if got := Publications(slots, c.version); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Publications = %v, want %v", got, c.want)
			}
			if got := InferDirection(slots, c.version); got != c.direction {
				t.Errorf("InferDirection = %q, want %q", got, c.direction)
			}
			for _, p := range c.want {
				if got := Holding(slots, c.version, p.Direction); !reflect.DeepEqual(got, p.Numbers) {
					t.Errorf("Holding(%s) = %v, want %v", p.Direction, got, p.Numbers)
				}
			}
		})
	}
}
