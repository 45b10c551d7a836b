package provider

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/clock"
)

// Phone-number slots of anyreach_publish: which slots a publication writes,
// which it may clear, and how sibling publications applied at once share them.
//
// The rule: no publish call clears a slot that some anyreach_publish of this
// Terraform run still wants. The API's unassign_phone_numbers clears a number
// from any version of the agent, so a publication deciding from a read taken
// before a sibling wrote can blank a number the sibling just took (two
// versions of an A/B test swapping their numbers left one answering nothing).
// Within one apply Terraform talks to one provider process, so:
//
//   - every anyreach_publish records the slots it wants (a claim) when it is
//     planned and again before it writes;
//   - an agent's publish writes are serialised, and what to clear is decided
//     from a read taken inside that critical section;
//   - a slot some claim of this process wants is never cleared: its new owner
//     overwrites it in one call, so it answers throughout;
//   - before clearing an unclaimed slot, a publication waits until the agent's
//     publications have been quiet for slotSettle, so siblings that Terraform
//     starts at the same time get to claim their slots first.
//
// A claim that is never written (its apply failed) leaves the old version
// answering the number rather than nothing; the next plan shows it.

// slotSettle is how long an agent's publications must have been quiet before
// an unclaimed slot is cleared. Terraform starts sibling resources within
// milliseconds of each other; a second is a wide margin on a busy runner and
// is only paid when a number really leaves every publication.
const slotSettle = time.Second

// maxSettle bounds the wait while other publications of the agent keep
// arriving.
const maxSettle = 10 * slotSettle

// slotKey names one slot: a number and a single direction.
func slotKey(number, direction string) string { return number + "|" + direction }

// slotCoordinator is the per-process state of the slot rule above. One
// exists per configured provider, that is per Terraform graph walk.
type slotCoordinator struct {
	settle time.Duration
	clock  clock.Clock // the wall clock; tests move a fake

	mu       sync.Mutex
	writers  map[string]*sync.Mutex // agent ID -> serialises its publish writes
	claims   map[string]bool        // slotKey -> wanted by some anyreach_publish of this run
	activity map[string]time.Time   // agent ID -> last claim or write
}

func newSlotCoordinator(settle time.Duration) *slotCoordinator {
	return &slotCoordinator{
		settle:   settle,
		clock:    clock.Real(),
		writers:  map[string]*sync.Mutex{},
		claims:   map[string]bool{},
		activity: map[string]time.Time{},
	}
}

// claim records that a publication of agentID wants numbers in direction.
func (c *slotCoordinator) claim(agentID string, numbers []string, direction string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range numbers {
		for _, d := range slotDirections(direction) {
			c.claims[slotKey(n, d)] = true
		}
	}
	c.activity[agentID] = c.clock.Now()
}

// lock serialises agentID's publish writes; call the returned func to unlock.
func (c *slotCoordinator) lock(agentID string) func() {
	c.mu.Lock()
	w, ok := c.writers[agentID]
	if !ok {
		w = &sync.Mutex{}
		c.writers[agentID] = w
	}
	c.mu.Unlock()
	w.Lock()
	return func() {
		c.mu.Lock()
		c.activity[agentID] = c.clock.Now()
		c.mu.Unlock()
		w.Unlock()
	}
}

// unclaimed drops from unwanted (number -> directions) the slots a claim of
// this run wants.
func (c *slotCoordinator) unclaimed(unwanted map[string][]string) map[string][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return withoutClaimed(unwanted, func(number, direction string) bool { return c.claims[slotKey(number, direction)] })
}

// waitQuiet returns once agentID's publications, the caller's included, have
// been quiet for the settle time (at most maxSettle after the call), or when
// ctx ends. The caller counts as activity, so a destroy that is the first of
// its agent's operations still gives its siblings the settle time.
func (c *slotCoordinator) waitQuiet(ctx context.Context, agentID string) error {
	c.mu.Lock()
	c.activity[agentID] = c.clock.Now()
	c.mu.Unlock()
	deadline := c.clock.Now().Add(maxSettle)
	for {
		c.mu.Lock()
		wait := c.activity[agentID].Add(c.settle).Sub(c.clock.Now())
		c.mu.Unlock()
		if wait <= 0 || c.clock.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.clock.After(wait):
		}
	}
}

// withoutClaimed drops the slots claimed reports from unwanted.
func withoutClaimed(unwanted map[string][]string, claimed func(number, direction string) bool) map[string][]string {
	out := map[string][]string{}
	for number, dirs := range unwanted {
		for _, d := range dirs {
			if !claimed(number, d) {
				out[number] = append(out[number], d)
			}
		}
	}
	return out
}

// slotDirections expands a direction into the slots it covers.
func slotDirections(direction string) []string {
	switch direction {
	case client.DirectionBoth:
		return []string{client.DirectionInbound, client.DirectionOutbound}
	case "":
		return nil
	}
	return []string{direction}
}

// slotsToClear lists, per number, the slots the old assignment wrote that the
// new one no longer covers.
func slotsToClear(oldNumbers []string, oldDir string, newNumbers []string, newDir string) map[string][]string {
	wanted := map[string]bool{}
	for _, n := range newNumbers {
		for _, d := range slotDirections(newDir) {
			wanted[slotKey(n, d)] = true
		}
	}
	out := map[string][]string{}
	for _, n := range oldNumbers {
		for _, d := range slotDirections(oldDir) {
			if !wanted[slotKey(n, d)] {
				out[n] = append(out[n], d)
			}
		}
	}
	return out
}

// stillHeld keeps the slots that still hold versionID and groups them into
// unassign calls: direction ("inbound", "outbound" or "both") -> numbers. A
// slot another version has taken meanwhile is left alone.
func stillHeld(a *client.Agent, versionID string, unwanted map[string][]string) map[string][]string {
	slots := map[string]client.PhoneNumberSlot{}
	for _, n := range a.PhoneNumbers {
		slots[n.PhoneNumber] = n
	}
	out := map[string][]string{}
	for _, number := range sortedKeys(unwanted) {
		s, ok := slots[number]
		if !ok {
			continue
		}
		var in, outb bool
		for _, d := range unwanted[number] {
			if d == client.DirectionInbound && sameVersion(s.InboundAgentVersionID, versionID) {
				in = true
			}
			if d == client.DirectionOutbound && sameVersion(s.OutboundAgentVersionID, versionID) {
				outb = true
			}
		}
		switch {
		case in && outb:
			out[client.DirectionBoth] = append(out[client.DirectionBoth], number)
		case in:
			out[client.DirectionInbound] = append(out[client.DirectionInbound], number)
		case outb:
			out[client.DirectionOutbound] = append(out[client.DirectionOutbound], number)
		}
	}
	return out
}

func sameVersion(slot *string, versionID string) bool { return slot != nil && *slot == versionID }

// numbersHolding lists the numbers whose slot(s) for direction hold versionID.
func numbersHolding(a *client.Agent, versionID, direction string) []string {
	var out []string
	for _, n := range a.PhoneNumbers {
		in := sameVersion(n.InboundAgentVersionID, versionID)
		outb := sameVersion(n.OutboundAgentVersionID, versionID)
		if (direction == client.DirectionInbound && in) || (direction == client.DirectionOutbound && outb) ||
			(direction == client.DirectionBoth && in && outb) {
			out = append(out, n.PhoneNumber)
		}
	}
	sort.Strings(out)
	return out
}

// inferDirection reconstructs the direction on import from which slots hold the version.
func inferDirection(a *client.Agent, versionID string) string {
	in := numbersHolding(a, versionID, client.DirectionInbound)
	out := numbersHolding(a, versionID, client.DirectionOutbound)
	switch {
	case len(in) == 0 && len(out) > 0:
		return client.DirectionOutbound
	case len(in) > 0 && strings.Join(in, ",") == strings.Join(out, ","):
		return client.DirectionBoth
	}
	return client.DirectionInbound
}

// slotTaken is a slot a publication is about to take from another agent.
type slotTaken struct {
	Number, Direction, VersionID string
}

// takenFromOthers lists the slots among numbers (in direction) that hold a
// version not in own, the version IDs of the publishing agent: taking them
// moves a live number away from another agent.
func takenFromOthers(numbers []client.PhoneNumber, wanted []string, direction string, own map[string]bool) []slotTaken {
	want := map[string]bool{}
	for _, n := range wanted {
		want[n] = true
	}
	var out []slotTaken
	for _, n := range numbers {
		if !want[n.PhoneNumber] {
			continue
		}
		for _, d := range slotDirections(direction) {
			held := n.InboundAgentVersionID
			if d == client.DirectionOutbound {
				held = n.OutboundAgentVersionID
			}
			if held != nil && *held != "" && !own[*held] {
				out = append(out, slotTaken{Number: n.PhoneNumber, Direction: d, VersionID: *held})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Number != out[j].Number {
			return out[i].Number < out[j].Number
		}
		return out[i].Direction < out[j].Direction
	})
	return out
}
