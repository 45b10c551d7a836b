// Package routing is the one owner of how an agent's phone-number slots map
// to publications: which slots a direction covers, which numbers a version
// holds, which publications a set of slots reads back as, and which slots a
// publication may clear. The provider's anyreach_publish and
// anyreach_agent_routing and the exporter use it; it holds no Terraform types.
package routing

import (
	"sort"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// Slot names one slot: a number and a single direction (inbound or outbound).
type Slot struct {
	Number, Direction string
}

// Directions expands a direction ("inbound", "outbound", "both") into the
// single directions of the slots it covers; "" covers none.
func Directions(direction string) []string {
	switch direction {
	case client.DirectionBoth:
		return []string{client.DirectionInbound, client.DirectionOutbound}
	case "":
		return nil
	}
	return []string{direction}
}

// Slots lists the slots numbers cover in direction.
func Slots(numbers []string, direction string) []Slot {
	var out []Slot
	for _, n := range numbers {
		for _, d := range Directions(direction) {
			out = append(out, Slot{Number: n, Direction: d})
		}
	}
	return out
}

// Publication is one version's numbers in one direction ("both" when the
// version holds both slots of exactly these numbers).
type Publication struct {
	Direction string
	Numbers   []string
}

// Held lists, sorted, the numbers whose inbound and whose outbound slot hold
// versionID.
func Held(slots []client.PhoneNumberSlot, versionID string) (inbound, outbound []string) {
	for _, n := range slots {
		if Holds(n.InboundAgentVersionID, versionID) {
			inbound = append(inbound, n.PhoneNumber)
		}
		if Holds(n.OutboundAgentVersionID, versionID) {
			outbound = append(outbound, n.PhoneNumber)
		}
	}
	sort.Strings(inbound)
	sort.Strings(outbound)
	return inbound, outbound
}

// Holds reports whether a slot's value is versionID.
func Holds(slot *string, versionID string) bool {
	return slot != nil && versionID != "" && *slot == versionID
}

// Publications reads a version's slots back as anyreach_publish resources:
// one with direction "both" when it holds both slots of exactly the same
// numbers, else one per direction it holds numbers in (none when it holds no
// slot).
func Publications(slots []client.PhoneNumberSlot, versionID string) []Publication {
	in, out := Held(slots, versionID)
	if len(in) > 0 && strings.Join(in, ",") == strings.Join(out, ",") {
		return []Publication{{Direction: client.DirectionBoth, Numbers: in}}
	}
	var pubs []Publication
	if len(in) > 0 {
		pubs = append(pubs, Publication{Direction: client.DirectionInbound, Numbers: in})
	}
	if len(out) > 0 {
		pubs = append(pubs, Publication{Direction: client.DirectionOutbound, Numbers: out})
	}
	return pubs
}

// InferDirection is the direction of a version's first publication
// (Publications), inbound when it holds no slot: what an import without a
// direction reads back.
func InferDirection(slots []client.PhoneNumberSlot, versionID string) string {
	if pubs := Publications(slots, versionID); len(pubs) > 0 {
		return pubs[0].Direction
	}
	return client.DirectionInbound
}

// Holding lists, sorted, the numbers whose slot(s) for direction hold
// versionID; for "both", those whose two slots do.
func Holding(slots []client.PhoneNumberSlot, versionID, direction string) []string {
	in, out := Held(slots, versionID)
	switch direction {
	case client.DirectionInbound:
		return in
	case client.DirectionOutbound:
		return out
	}
	inOut := map[string]bool{}
	for _, n := range out {
		inOut[n] = true
	}
	var both []string
	for _, n := range in {
		if inOut[n] {
			both = append(both, n)
		}
	}
	return both
}

// Dropped lists, sorted, the slots the old assignment covered that the new one
// no longer does.
func Dropped(oldNumbers []string, oldDir string, newNumbers []string, newDir string) []Slot {
	wanted := map[Slot]bool{}
	for _, s := range Slots(newNumbers, newDir) {
		wanted[s] = true
	}
	var out []Slot
	for _, s := range Slots(oldNumbers, oldDir) {
		if !wanted[s] {
			out = append(out, s)
		}
	}
	sortSlots(out)
	return out
}

// Unassign groups slots into the fewest unassign calls: direction
// ("inbound", "outbound" or "both") -> sorted numbers.
func Unassign(slots []Slot) map[string][]string {
	dirs := map[string]map[string]bool{}
	for _, s := range slots {
		if dirs[s.Number] == nil {
			dirs[s.Number] = map[string]bool{}
		}
		dirs[s.Number][s.Direction] = true
	}
	out := map[string][]string{}
	for number, d := range dirs {
		switch {
		case d[client.DirectionInbound] && d[client.DirectionOutbound]:
			out[client.DirectionBoth] = append(out[client.DirectionBoth], number)
		case d[client.DirectionInbound]:
			out[client.DirectionInbound] = append(out[client.DirectionInbound], number)
		default:
			out[client.DirectionOutbound] = append(out[client.DirectionOutbound], number)
		}
	}
	for _, numbers := range out {
		sort.Strings(numbers)
	}
	return out
}

// StillHeld keeps the slots whose value in a read is versionID: a slot
// another version has taken meanwhile is left alone.
func StillHeld(read []client.PhoneNumberSlot, versionID string, slots []Slot) []Slot {
	byNumber := map[string]client.PhoneNumberSlot{}
	for _, n := range read {
		byNumber[n.PhoneNumber] = n
	}
	var out []Slot
	for _, s := range slots {
		n, ok := byNumber[s.Number]
		if !ok {
			continue
		}
		held := n.InboundAgentVersionID
		if s.Direction == client.DirectionOutbound {
			held = n.OutboundAgentVersionID
		}
		if Holds(held, versionID) {
			out = append(out, s)
		}
	}
	return out
}

func sortSlots(s []Slot) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Number != s[j].Number {
			return s[i].Number < s[j].Number
		}
		return s[i].Direction < s[j].Direction
	})
}
