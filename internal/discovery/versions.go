package discovery

import (
	"sort"
	"strconv"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// Role is what a version is to its agent. Names built on it stay true
// across promotions, unlike version numbers: "live" is always the version
// that answers.
type Role string

// Roles of the versions that matter.
const (
	// RoleLive is the newest published version: the one the agent answers
	// with on the web, and on the numbers it holds.
	RoleLive Role = "live"
	// RoleDraft is the newest draft, when it is newer than the live version.
	RoleDraft Role = "draft"
	// RoleHistory is an older published version that still holds phone
	// numbers.
	RoleHistory Role = "history"
)

// Reasons a version matters, for people.
const (
	ReasonHoldsNumbers    = "holds phone numbers"
	ReasonNewestPublished = "newest published"
	ReasonNewestDraft     = "newest draft"
)

// Version is one version that matters.
type Version struct {
	client.VersionSummary
	Role    Role
	Reasons []string // why it matters, for people
}

// Key names the version within its agent by its role: "live", "draft", or
// "history_<version number>" (a history version's number never changes).
func (v Version) Key() string {
	if v.Role == RoleHistory {
		return string(RoleHistory) + "_" + strconv.Itoa(v.Version)
	}
	return string(v.Role)
}

// chooseVersions picks the versions that matter, oldest first: every version
// that holds a phone-number slot, the newest published one, and the newest
// draft when it is newer than that.
func chooseVersions(a *client.Agent) []Version {
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
	var out []Version
	for _, v := range a.Versions {
		var reasons []string
		role := RoleHistory
		if held[v.VersionID] {
			reasons = append(reasons, ReasonHoldsNumbers)
		}
		if v.Published && v.Version == newestPublished {
			reasons = append(reasons, ReasonNewestPublished)
			role = RoleLive
		}
		if !v.Published && v.Version == newestDraft && newestDraft > newestPublished {
			reasons = append(reasons, ReasonNewestDraft)
			role = RoleDraft
		}
		if len(reasons) > 0 {
			out = append(out, Version{VersionSummary: v, Role: role, Reasons: reasons})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}
