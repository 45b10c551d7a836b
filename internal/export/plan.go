package export

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
)

// This file decides what an agent becomes in the exported module: the
// resource names, the versions that matter and the publications their
// phone-number slots make. It makes no request; export.go fetches, render.go
// writes.

// agentPlan is one agent and the resources it is exported as.
type agentPlan struct {
	agent        *client.Agent
	name         string // resource name of anyreach_agent (and anyreach_sip_deployment)
	versions     []versionPlan
	publications []publicationPlan
	sip          bool
	skipped      int // versions not exported
}

// versionPlan is one exported version.
type versionPlan struct {
	summary client.VersionSummary
	name    string   // resource name of anyreach_agent_version
	reasons []string // why it is exported, for the README
	config  string   // pretty-printed config file content
	inputs  string   // pretty-printed instruction_builder_inputs, "" when none
}

// configFile is the version's config file, relative to the module.
func (v versionPlan) configFile(agent string) string {
	return fmt.Sprintf("configs/%s-v%d.json", agent, v.summary.Version)
}

// inputsFile is the version's instruction_builder_inputs file.
func (v versionPlan) inputsFile(agent string) string {
	return fmt.Sprintf("configs/%s-v%d-inputs.json", agent, v.summary.Version)
}

// publicationPlan is one anyreach_publish: a version and the numbers whose
// slot in direction holds it.
type publicationPlan struct {
	name        string
	version     int
	versionName string // resource name of the version's anyreach_agent_version
	direction   string
	numbers     []string
}

// Reasons a version is exported.
const (
	reasonHoldsNumbers    = "holds phone numbers"
	reasonNewestPublished = "newest published"
	reasonNewestDraft     = "newest draft"
)

// sortAgents orders agents by creation, then ID, so names given to
// colliding slugs stay the same from one export to the next.
func sortAgents(agents []*client.Agent) {
	sort.SliceStable(agents, func(i, j int) bool {
		a, b := agents[i], agents[j]
		ta, errA := time.Parse(time.RFC3339Nano, a.CreatedAt)
		tb, errB := time.Parse(time.RFC3339Nano, b.CreatedAt)
		switch {
		case errA == nil && errB == nil && !ta.Equal(tb):
			return ta.Before(tb)
		case (errA != nil || errB != nil) && a.CreatedAt != b.CreatedAt:
			return a.CreatedAt < b.CreatedAt
		}
		return a.ID < b.ID
	})
}

// latin spells the Latin letters that do not decompose into a base letter
// and an accent.
var latin = strings.NewReplacer("ø", "o", "Ø", "O", "ß", "ss", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE",
	"ł", "l", "Ł", "L", "đ", "d", "Đ", "D", "ð", "d", "Ð", "D", "þ", "th", "Þ", "TH", "ı", "i")

// maxSlugLength keeps resource and file names readable.
const maxSlugLength = 48

// slug turns an agent name into a Terraform identifier: accents dropped,
// lower case, every run of other characters an underscore. A name with no
// letter or digit left becomes "agent"; one that starts with a digit gets
// the prefix "agent_".
func slug(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range norm.NFKD.String(latin.Replace(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a decomposed letter
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(unicode.ToLower(r))
		default:
			gap = true
		}
	}
	s := b.String()
	if len(s) > maxSlugLength {
		s = strings.TrimRight(s[:maxSlugLength], "_")
	}
	switch {
	case s == "":
		return "agent"
	case s[0] >= '0' && s[0] <= '9':
		return "agent_" + s
	}
	return s
}

// names hands out unique names: the wanted one, else it with _2, _3, ...
type names map[string]bool

func (n names) take(want string) string {
	name := want
	for i := 2; n[name]; i++ {
		name = want + "_" + strconv.Itoa(i)
	}
	n[name] = true
	return name
}

// planAgents names every agent (in the order sortAgents gives) and chooses
// its versions and publications. Configs are filled in later.
func planAgents(agents []*client.Agent) []*agentPlan {
	sortAgents(agents)
	agentNames, versionNames, publishNames := names{}, names{}, names{}
	plans := make([]*agentPlan, 0, len(agents))
	for _, a := range agents {
		p := &agentPlan{agent: a, name: agentNames.take(slug(a.Name)), sip: a.SIPEndpoint != nil}
		for _, v := range chooseVersions(a) {
			v.name = versionNames.take(fmt.Sprintf("%s_v%d", p.name, v.summary.Version))
			p.versions = append(p.versions, v)
		}
		p.skipped = len(a.Versions) - len(p.versions)
		for _, v := range p.versions {
			pubs := publications(a, v)
			for _, pub := range pubs {
				want := v.name
				if len(pubs) > 1 {
					want += "_" + pub.direction
				}
				pub.name = publishNames.take(want)
				p.publications = append(p.publications, pub)
			}
		}
		plans = append(plans, p)
	}
	return plans
}

// chooseVersions picks the versions that matter, oldest first: every version
// that holds a phone-number slot, the newest published one, and the newest
// draft when it is newer than that.
func chooseVersions(a *client.Agent) []versionPlan {
	held := map[string]bool{}
	for _, n := range a.PhoneNumbers {
		for _, slot := range []*string{n.InboundAgentVersionID, n.OutboundAgentVersionID} {
			if slot != nil && *slot != "" {
				held[*slot] = true
			}
		}
	}
	newestPublished, newestDraft := 0, 0
	for _, v := range a.Versions {
		if v.Published {
			newestPublished = max(newestPublished, v.Version)
		} else {
			newestDraft = max(newestDraft, v.Version)
		}
	}
	var out []versionPlan
	for _, v := range a.Versions {
		var reasons []string
		if held[v.VersionID] {
			reasons = append(reasons, reasonHoldsNumbers)
		}
		if v.Published && v.Version == newestPublished {
			reasons = append(reasons, reasonNewestPublished)
		}
		if !v.Published && v.Version == newestDraft && newestDraft > newestPublished {
			reasons = append(reasons, reasonNewestDraft)
		}
		if len(reasons) > 0 {
			out = append(out, versionPlan{summary: v, reasons: reasons})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].summary.Version < out[j].summary.Version })
	return out
}

// publications are the anyreach_publish resources a version's slots make,
// read back the way anyreach_publish reads them (routing.Publications), so
// each plans no change.
func publications(a *client.Agent, v versionPlan) []publicationPlan {
	var pubs []publicationPlan
	for _, p := range routing.Publications(a.PhoneNumbers, v.summary.VersionID) {
		pubs = append(pubs, publicationPlan{version: v.summary.Version, versionName: v.name, direction: p.Direction, numbers: p.Numbers})
	}
	return pubs
}
