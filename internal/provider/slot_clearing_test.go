package provider

import (
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
)

func slotID(s string) *string { return &s }

// TestSlotCoordinatorClaims is the zero-downtime decision: a slot any
// publication of the process claimed is never released, whichever order the
// claims and the release come in.
func TestSlotCoordinatorClaims(t *testing.T) {
	cases := []struct {
		name    string
		claims  [][2]string // number, direction
		dropped []routing.Slot
		want    []routing.Slot
	}{
		{"nothing claimed", nil, routing.Slots([]string{"+1"}, "inbound"), routing.Slots([]string{"+1"}, "inbound")},
		{"a sibling takes the number (swap)", [][2]string{{"+1", "inbound"}}, routing.Slots([]string{"+1"}, "inbound"), nil},
		{"a replacement claims both slots", [][2]string{{"+1", "both"}}, routing.Slots([]string{"+1"}, "both"), nil},
		{"the other slot stays releasable", [][2]string{{"+1", "outbound"}}, routing.Slots([]string{"+1"}, "both"),
			routing.Slots([]string{"+1"}, "inbound")},
		{"another number", [][2]string{{"+2", "inbound"}}, routing.Slots([]string{"+1"}, "inbound"), routing.Slots([]string{"+1"}, "inbound")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			co := newSlotCoordinator()
			for _, cl := range c.claims {
				co.claim("sibling", routing.Slots([]string{cl[0]}, cl[1]))
			}
			if got := co.unclaimed(c.dropped); !reflect.DeepEqual(got, c.want) {
				t.Errorf("unclaimed = %v, want %v", got, c.want)
			}
		})
	}
}

// TestSlotCoordinatorHandovers: a number one anyreach_publish drops and
// another takes is reported to whichever of the two is planned second, in
// either order, and a publication replacing itself is no handover.
func TestSlotCoordinatorHandovers(t *testing.T) {
	one, two := routing.Slots([]string{"+1"}, "inbound"), routing.Slots([]string{"+2"}, "inbound")
	for _, dropperFirst := range []bool{true, false} {
		co := newSlotCoordinator()
		var got []handover
		if dropperFirst {
			got = append(got, co.planned("a", two, one)...)
			got = append(got, co.planned("b", one, two)...)
		} else {
			got = append(got, co.planned("b", one, two)...)
			got = append(got, co.planned("a", two, one)...)
		}
		if len(got) != 2 {
			t.Fatalf("dropperFirst=%v: handovers %v, want +1 a→b and +2 b→a", dropperFirst, got)
		}
		moves := map[string]string{}
		for _, h := range got {
			moves[h.Slot.Number] = h.From + "→" + h.To
		}
		if want := map[string]string{"+1": "a→b", "+2": "b→a"}; !reflect.DeepEqual(moves, want) {
			t.Errorf("dropperFirst=%v: moves %v, want %v", dropperFirst, moves, want)
		}
	}
	co := newSlotCoordinator()
	if got := append(co.planned("a", one, nil), co.planned("a", nil, one)...); len(got) != 0 {
		t.Errorf("a replacement of one publication reported handovers: %v", got)
	}
}

func TestTakenFromOthers(t *testing.T) {
	directory := []client.PhoneNumber{
		{PhoneNumber: "+1", InboundAgentVersionID: slotID("other-v1")},
		{PhoneNumber: "+2", InboundAgentVersionID: slotID("own-v1"), OutboundAgentVersionID: slotID("other-v2")},
		{PhoneNumber: "+3"},
		{PhoneNumber: "+4", InboundAgentVersionID: slotID("other-v1")},
	}
	own := map[string]bool{"own-v1": true, "own-v2": true}
	cases := []struct {
		name      string
		wanted    []string
		direction string
		want      []slotTaken
	}{
		{"another agent answers", []string{"+1"}, "inbound", []slotTaken{{"+1", "inbound", "other-v1"}}},
		{"own version: no warning", []string{"+2"}, "inbound", nil},
		{"the outbound slot is another agent's", []string{"+2"}, "both", []slotTaken{{"+2", "outbound", "other-v2"}}},
		{"empty slot", []string{"+3"}, "inbound", nil},
		{"numbers not wanted are ignored", []string{"+3"}, "both", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := takenFromOthers(directory, c.wanted, c.direction, own); !reflect.DeepEqual(got, c.want) {
				t.Errorf("takenFromOthers = %v, want %v", got, c.want)
			}
		})
	}
}

// TestClassifyNotFound tells a publish's 404 apart by the re-read of the
// version only: the API's wording is never read. (The 409 conditions are the
// client's, pinned in internal/conformance.)
func TestClassifyNotFound(t *testing.T) {
	notFound := &client.APIError{StatusCode: http.StatusNotFound, Detail: "stale generating"} // words that must not matter
	cases := []struct {
		name string
		verr error
		want publishRefusal
	}{
		{"the version is gone", notFound, refusalNoVersion},
		{"the version exists: a number", nil, refusalNumber},
		{"the version is unreadable", errors.New("boom"), refusalOther},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := classifyNotFound(c.verr); got != c.want {
				t.Errorf("classifyNotFound = %v, want %v", got, c.want)
			}
		})
	}
}
