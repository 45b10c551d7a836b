package discovery

import (
	"sort"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// Publication is one anyreach_publish: a published version and the numbers
// whose slot(s) in Direction hold it. A web-only publication has no number:
// the version is published (it answers on the web) and holds no slot; it
// reads back with Direction inbound, as the provider's import reads it.
type Publication struct {
	Version      int
	VersionID    string
	Direction    string   // client.DirectionInbound, DirectionOutbound or DirectionBoth
	PhoneNumbers []string // sorted; empty for a web-only publication
}

// WebOnly reports a publication that holds no phone number.
func (p Publication) WebOnly() bool { return len(p.PhoneNumbers) == 0 }

// Publications maps the agent's phone-number slots to the publications of
// one version: one with direction "both" when the version holds both slots
// of exactly the same numbers, else one per direction it holds numbers in.
// That is how anyreach_publish reads the slots back, so each plans no
// change. It is the one place discovery maps slots to publications.
func Publications(a *client.Agent, versionID string) []Publication {
	var in, out []string
	for _, n := range a.PhoneNumbers {
		if holds(n.InboundAgentVersionID, versionID) {
			in = append(in, n.PhoneNumber)
		}
		if holds(n.OutboundAgentVersionID, versionID) {
			out = append(out, n.PhoneNumber)
		}
	}
	sort.Strings(in)
	sort.Strings(out)
	if len(in) > 0 && strings.Join(in, ",") == strings.Join(out, ",") {
		return []Publication{{VersionID: versionID, Direction: client.DirectionBoth, PhoneNumbers: in}}
	}
	var pubs []Publication
	if len(in) > 0 {
		pubs = append(pubs, Publication{VersionID: versionID, Direction: client.DirectionInbound, PhoneNumbers: in})
	}
	if len(out) > 0 {
		pubs = append(pubs, Publication{VersionID: versionID, Direction: client.DirectionOutbound, PhoneNumbers: out})
	}
	return pubs
}

func holds(slot *string, versionID string) bool {
	return slot != nil && versionID != "" && *slot == versionID
}
