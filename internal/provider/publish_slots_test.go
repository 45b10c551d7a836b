package provider

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

func slotID(s string) *string { return &s }

func TestSlotsToClear(t *testing.T) {
	cases := []struct {
		name    string
		oldNums []string
		oldDir  string
		newNums []string
		newDir  string
		want    map[string][]string
	}{
		{"unchanged", []string{"+1", "+2"}, "inbound", []string{"+1", "+2"}, "inbound", map[string][]string{}},
		{"a number leaves", []string{"+1", "+2"}, "inbound", []string{"+1"}, "inbound", map[string][]string{"+2": {"inbound"}}},
		{"swap", []string{"+1"}, "inbound", []string{"+2"}, "inbound", map[string][]string{"+1": {"inbound"}}},
		{"inbound to outbound", []string{"+1"}, "inbound", []string{"+1"}, "outbound", map[string][]string{"+1": {"inbound"}}},
		{"both to inbound keeps inbound", []string{"+1"}, "both", []string{"+1"}, "inbound", map[string][]string{"+1": {"outbound"}}},
		{"inbound to both clears nothing", []string{"+1"}, "inbound", []string{"+1"}, "both", map[string][]string{}},
		{"destroy", []string{"+1"}, "both", nil, "", map[string][]string{"+1": {"inbound", "outbound"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := slotsToClear(c.oldNums, c.oldDir, c.newNums, c.newDir); !reflect.DeepEqual(got, c.want) {
				t.Errorf("slotsToClear = %v, want %v", got, c.want)
			}
		})
	}
}

func TestStillHeld(t *testing.T) {
	agent := &client.Agent{PhoneNumbers: []client.PhoneNumberSlot{
		{PhoneNumber: "+1", InboundAgentVersionID: slotID("v1"), OutboundAgentVersionID: slotID("v1")},
		{PhoneNumber: "+2", InboundAgentVersionID: slotID("v2")}, // a sibling took it
		{PhoneNumber: "+3", InboundAgentVersionID: slotID("v1"), OutboundAgentVersionID: slotID("v2")},
		{PhoneNumber: "+4"},
	}}
	cases := []struct {
		name     string
		unwanted map[string][]string
		want     map[string][]string
	}{
		{"both slots held: one call with both", map[string][]string{"+1": {"inbound", "outbound"}}, map[string][]string{"both": {"+1"}}},
		{"taken by a sibling: left alone", map[string][]string{"+2": {"inbound"}}, map[string][]string{}},
		{"only the held slot", map[string][]string{"+3": {"inbound", "outbound"}}, map[string][]string{"inbound": {"+3"}}},
		{"empty or unknown numbers", map[string][]string{"+4": {"inbound"}, "+9": {"inbound"}}, map[string][]string{}},
		{"grouped per direction", map[string][]string{"+1": {"outbound"}, "+3": {"inbound"}},
			map[string][]string{"inbound": {"+3"}, "outbound": {"+1"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := stillHeld(agent, "v1", c.unwanted); !reflect.DeepEqual(got, c.want) {
				t.Errorf("stillHeld = %v, want %v", got, c.want)
			}
		})
	}
}

// TestSlotCoordinatorClaims is the zero-downtime decision: a slot any
// publication of the run claimed is never released, whichever order the
// claims and the release come in.
func TestSlotCoordinatorClaims(t *testing.T) {
	cases := []struct {
		name     string
		claims   [][2]string // number, direction
		unwanted map[string][]string
		want     map[string][]string
	}{
		{"nothing claimed", nil, map[string][]string{"+1": {"inbound"}}, map[string][]string{"+1": {"inbound"}}},
		{"a sibling takes the number (swap)", [][2]string{{"+1", "inbound"}}, map[string][]string{"+1": {"inbound"}}, map[string][]string{}},
		{"a replacement claims both slots", [][2]string{{"+1", "both"}}, map[string][]string{"+1": {"inbound", "outbound"}}, map[string][]string{}},
		{"the other slot stays releasable", [][2]string{{"+1", "outbound"}}, map[string][]string{"+1": {"inbound", "outbound"}},
			map[string][]string{"+1": {"inbound"}}},
		{"another number", [][2]string{{"+2", "inbound"}}, map[string][]string{"+1": {"inbound"}}, map[string][]string{"+1": {"inbound"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			co := newSlotCoordinator(time.Millisecond)
			for _, cl := range c.claims {
				co.claim("agent", []string{cl[0]}, cl[1])
			}
			if got := co.unclaimed(c.unwanted); !reflect.DeepEqual(got, c.want) {
				t.Errorf("unclaimed = %v, want %v", got, c.want)
			}
		})
	}
}

// TestSlotCoordinatorWaitsForQuiet checks a release waits until the agent's
// publications have been quiet for the settle time, so a sibling starting
// meanwhile claims its slots first, and that other agents do not delay it.
func TestSlotCoordinatorWaitsForQuiet(t *testing.T) {
	co := newSlotCoordinator(80 * time.Millisecond)
	co.claim("agent", []string{"+1"}, "inbound")
	co.claim("other", nil, "inbound")
	go func() {
		time.Sleep(40 * time.Millisecond)
		co.claim("agent", []string{"+2"}, "inbound") // a sibling arrives while the first waits
	}()
	start := time.Now()
	if err := co.waitQuiet(context.Background(), "agent"); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 110*time.Millisecond {
		t.Errorf("waited %v; want at least the settle time after the sibling's claim (~120ms)", waited)
	}
	if got := co.unclaimed(map[string][]string{"+2": {"inbound"}}); len(got) != 0 {
		t.Errorf("the sibling's claim was not seen: %v", got)
	}
	// A release that is the agent's first operation (a destroy) still waits.
	fresh := newSlotCoordinator(50 * time.Millisecond)
	start = time.Now()
	if err := fresh.waitQuiet(context.Background(), "agent"); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 45*time.Millisecond {
		t.Errorf("a first operation waited %v; want the settle time (50ms)", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	co.claim("agent", nil, "inbound")
	if err := co.waitQuiet(ctx, "agent"); !errors.Is(err, context.Canceled) {
		t.Errorf("waitQuiet with a cancelled context = %v, want context.Canceled", err)
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
