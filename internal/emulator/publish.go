package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Publish directions.
const (
	directionInbound  = "inbound"
	directionOutbound = "outbound"
	directionBoth     = "both"
)

// publish is POST …/versions/{version}/publish: validate everything, then
// publish the version and only then write or clear phone-number slots, so a
// bad request changes nothing and a good one never assigns a draft.
func (e *Emulator) publish(c *call) reply {
	obj, errs, err := decodeObject(c.body)
	if errors.Is(err, errBodyMissing) {
		obj, errs = map[string]any{}, nil
	}
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	assign := f.strings("phone_numbers")
	unassign := f.strings("unassign_phone_numbers")
	direction := directionInbound
	if d, ok := f.str("direction"); ok {
		switch d {
		case directionInbound, directionOutbound, directionBoth:
			direction = d
		default:
			f.fail(f.at("direction"), "Input should be 'inbound', 'outbound' or 'both'", "enum")
		}
	}
	for _, list := range []struct {
		key     string
		numbers []string
	}{{"phone_numbers", assign}, {"unassign_phone_numbers", unassign}} {
		for i, n := range list.numbers {
			if !e164.MatchString(n) {
				f.fail(f.at(list.key, i), fmt.Sprintf("Value error, %q is not a valid E.164 phone number", n), "value_error")
			}
		}
	}
	if rep := f.failed(); rep != nil {
		return *rep
	}
	a, v, rep := e.lookupVersion(c)
	if rep != nil {
		return *rep
	}
	switch {
	case v.InstructionsStatus == statusGenerating:
		return detailReply(http.StatusConflict, "Cannot publish while instructions are generating; wait for generation to complete.")
	case v.InstructionsDirty && !v.InstructionsManuallyEdited:
		return detailReply(http.StatusConflict, "Instructions are stale: instruction builder inputs changed since the last generation. "+
			"Regenerate instructions (POST /core/agents/{agent_id}/versions/{version}/generate-instructions) before publishing.")
	}
	named := append(append([]string{}, assign...), unassign...)
	for _, n := range named {
		if e.findNumber(n) == nil {
			return phoneNotFound(n)
		}
	}

	now := e.now()
	if !v.Published {
		v.Published, v.PublishedAt = true, ptr(now)
	}
	v.UpdatedAt = now
	e.touch()
	inbound := direction != directionOutbound
	outbound := direction != directionInbound
	// Unassign first, so a number in both lists ends up assigned.
	for _, num := range unassign {
		n := e.findNumber(num)
		changed := false
		if inbound && a.ownsVersionID(n.InboundAgentVersionID) {
			n.InboundAgentVersionID, changed = nil, true
		}
		if outbound && a.ownsVersionID(n.OutboundAgentVersionID) {
			n.OutboundAgentVersionID, changed = nil, true
		}
		if changed {
			n.UpdatedAt = now
		}
	}
	for _, num := range assign {
		n := e.findNumber(num)
		if inbound && !sameID(n.InboundAgentVersionID, v.VersionID) {
			n.InboundAgentVersionID, n.UpdatedAt = ptr(v.VersionID), now
		}
		if outbound && !sameID(n.OutboundAgentVersionID, v.VersionID) {
			n.OutboundAgentVersionID, n.UpdatedAt = ptr(v.VersionID), now
		}
	}
	out := []phoneNumberView{}
	seen := map[string]bool{}
	for _, num := range named {
		if !seen[num] {
			seen[num] = true
			out = append(out, viewPhoneNumber(e.findNumber(num)))
		}
	}
	return jsonReply(http.StatusOK, out)
}

func sameID(slot *string, id string) bool { return slot != nil && *slot == id }

// deploySIP is POST /core/agents/{id}/deploy-as-sip; deploying twice returns
// the same endpoint.
func (e *Emulator) deploySIP(c *call) reply {
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	if !a.hasPublished() {
		return detailReply(http.StatusConflict, "Agent has no published version; publish a version before deploying as SIP.")
	}
	if a.SIPEndpoint == nil {
		a.SIPEndpoint = &SIPEndpoint{URI: "sip:" + a.AgentID + "@" + e.opts.SIPHost, Status: "active", DeployedAt: e.now()}
		e.touch()
	}
	return jsonReply(http.StatusOK, viewSIP(a.SIPEndpoint))
}

// undeploySIP is DELETE /core/agents/{id}/deploy-as-sip, an emulator-only
// endpoint (the real service documents none); absent with DisableSIPUndeploy.
func (e *Emulator) undeploySIP(c *call) reply {
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	if a.SIPEndpoint == nil {
		return detailReply(http.StatusNotFound, "Agent is not deployed as a SIP endpoint")
	}
	a.SIPEndpoint = nil
	e.touch()
	return reply{status: http.StatusNoContent}
}

// compareVersions is POST …/versions/compare. The real service streams an
// LLM-written summary; the emulator writes a deterministic list of changed
// config paths instead.
func (e *Emulator) compareVersions(c *call) reply {
	obj, errs, _ := decodeObject(c.body)
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	f.require("from_version")
	f.require("to_version")
	from, _ := f.integer("from_version")
	to, _ := f.integer("to_version")
	if rep := f.failed(); rep != nil {
		return *rep
	}
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	vf, vt := a.version(from), a.version(to)
	if vf == nil {
		return versionNotFound(from)
	}
	if vt == nil {
		return versionNotFound(to)
	}
	var lines []string
	diffValues("", vf.Config, vt.Config, &lines)
	var b strings.Builder
	if len(lines) == 0 {
		fmt.Fprintf(&b, "Version %d -> version %d: no changes.\n", from, to)
	} else {
		fmt.Fprintf(&b, "Version %d -> version %d: %d %s.\n", from, to, len(lines), plural(len(lines), "change"))
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	return reply{status: http.StatusOK, raw: []byte(b.String()), ctype: "text/plain; charset=utf-8"}
}

// diffValues lists differences as "+ path: new", "- path: old" and
// "~ path: old -> new", recursing into objects and same-length arrays.
func diffValues(path string, a, b any, out *[]string) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			p := k
			if path != "" {
				p = path + "." + k
			}
			av, inA := am[k]
			bv, inB := bm[k]
			switch {
			case !inA:
				*out = append(*out, fmt.Sprintf("+ %s: %s", p, jsonText(bv)))
			case !inB:
				*out = append(*out, fmt.Sprintf("- %s: %s", p, jsonText(av)))
			default:
				diffValues(p, av, bv, out)
			}
		}
		return
	}
	aa, aIsArr := a.([]any)
	ba, bIsArr := b.([]any)
	if aIsArr && bIsArr && len(aa) == len(ba) {
		for i := range aa {
			diffValues(fmt.Sprintf("%s[%d]", path, i), aa[i], ba[i], out)
		}
		return
	}
	if jsonText(a) != jsonText(b) {
		*out = append(*out, fmt.Sprintf("~ %s: %s -> %s", path, jsonText(a), jsonText(b)))
	}
}
