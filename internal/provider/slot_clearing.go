package provider

import (
	"sort"
	"sync"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
)

// Slot clearing: when anyreach_publish and anyreach_agent_routing may clear a
// phone-number slot. How slots map to publications is internal/routing's.
//
// A number that one write hands to another version needs no clearing: the
// API moves a slot in the publish call that takes it. A slot is only ever
// cleared when the configuration that held it drops it, and the rule is
// decided from data, never from elapsed time:
//
//   - every anyreach_publish and anyreach_agent_routing records the slots it
//     wants (a claim) in this provider process when it is planned and before
//     it writes, so a claim always precedes the write it announces;
//   - an agent's slot writes are serialised, and a clear is decided inside
//     that critical section;
//   - a slot some claim of this process wants is never cleared: its owner
//     writes it (or already has).
//
// Terraform runs one provider process per graph walk and guarantees only the
// orderings the graph has: a create_before_destroy replacement's create (and
// so its claim) precedes the destroy of what it replaces, and a dependent is
// applied after what it depends on. Two independent resources have no order:
// at -parallelism=1 one may be planned and applied entirely before the other
// is planned, so when a number moves from one anyreach_publish to another,
// nothing the first can see says the second will take it. That is why a
// number that moves between versions belongs in one anyreach_agent_routing,
// whose single update writes every slot before clearing any; ModifyPlan of
// anyreach_publish warns about a move between two of them that the plan walk
// sees (handovers).

// slotCoordinator is the per-process state of the rule above. One exists per
// configured provider, that is per Terraform graph walk.
type slotCoordinator struct {
	mu      sync.Mutex
	writers map[string]*sync.Mutex  // agent ID -> serialises its slot writes
	claims  map[routing.Slot]string // slot -> the publication that wants it
	drops   map[routing.Slot]string // slot -> an anyreach_publish whose plan drops it
}

func newSlotCoordinator() *slotCoordinator {
	return &slotCoordinator{writers: map[string]*sync.Mutex{}, claims: map[routing.Slot]string{}, drops: map[routing.Slot]string{}}
}

// claim records that the publication owner wants slots.
func (c *slotCoordinator) claim(owner string, slots []routing.Slot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range slots {
		c.claims[s] = owner
	}
}

// lock serialises agentID's slot writes; call the returned func to unlock.
func (c *slotCoordinator) lock(agentID string) func() {
	c.mu.Lock()
	w, ok := c.writers[agentID]
	if !ok {
		w = &sync.Mutex{}
		c.writers[agentID] = w
	}
	c.mu.Unlock()
	w.Lock()
	return w.Unlock
}

// unclaimed keeps the slots no claim of this process wants.
func (c *slotCoordinator) unclaimed(slots []routing.Slot) []routing.Slot {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []routing.Slot
	for _, s := range slots {
		if _, ok := c.claims[s]; !ok {
			out = append(out, s)
		}
	}
	return out
}

// handover is a slot that one anyreach_publish of a plan drops and another
// takes.
type handover struct {
	Slot       routing.Slot
	From, To   string // publication IDs
	FromIsThis bool   // the publication asking drops it
}

// planned records the slots owner's plan takes and drops and returns the
// handovers with publications planned before it in this process.
func (c *slotCoordinator) planned(owner string, takes, drops []routing.Slot) []handover {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []handover
	for _, s := range takes {
		if from, ok := c.drops[s]; ok && from != owner {
			out = append(out, handover{Slot: s, From: from, To: owner})
		}
		c.claims[s] = owner
	}
	for _, s := range drops {
		if to, ok := c.claims[s]; ok && to != owner {
			out = append(out, handover{Slot: s, From: owner, To: to, FromIsThis: true})
		}
		c.drops[s] = owner
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Slot.Number != out[j].Slot.Number {
			return out[i].Slot.Number < out[j].Slot.Number
		}
		return out[i].Slot.Direction < out[j].Slot.Direction
	})
	return out
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
		for _, d := range routing.Directions(direction) {
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
