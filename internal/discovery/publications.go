package discovery

import (
	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
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
// one version, the way anyreach_publish reads the slots back
// (routing.Publications, the one owner of that mapping), so each plans no
// change.
func Publications(a *client.Agent, versionID string) []Publication {
	var pubs []Publication
	for _, p := range routing.Publications(a.PhoneNumbers, versionID) {
		pubs = append(pubs, Publication{VersionID: versionID, Direction: p.Direction, PhoneNumbers: p.Numbers})
	}
	return pubs
}
