package provider

// The import ID of anyreach_agent (parseAgentImportID); version and
// publication IDs are tested in internal/versionid.

import (
	"strings"
	"testing"
)

func TestParseAgentImportID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id, value string
		byName    bool
		errPart   string // "" for success
	}{
		{"6f1c2a", "6f1c2a", false, ""},
		{"name=Riverside Dental", "Riverside Dental", true, ""},
		{"name= spaced ", " spaced ", true, ""},
		{"name==x", "=x", true, ""},
		{"", "", false, "the ID is empty"},
		{"  ", "", false, "the ID is empty"},
		{"name=", "", false, "the name after name= is empty"},
		{"6f1c/3", "", false, "AGENT_ID/VERSION is the import ID of anyreach_agent_version"},
		{"6f1c 3", "", false, "an agent ID has no spaces"},
		{"6f1c\t", "", false, "an agent ID has no spaces"},
	} {
		value, byName, err := parseAgentImportID(tc.id)
		if tc.errPart == "" {
			if err != nil || value != tc.value || byName != tc.byName {
				t.Errorf("parseAgentImportID(%q) = %q, %v, %v; want %q, %v", tc.id, value, byName, err, tc.value, tc.byName)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.errPart) || !strings.Contains(err.Error(), "expected AGENT_ID or name=AGENT_NAME") {
			t.Errorf("parseAgentImportID(%q) error = %v, want one saying %q and the expected form", tc.id, err, tc.errPart)
		}
	}
}

// FuzzParseAgentImportID checks that an accepted agent import ID round-trips:
// a name lookup is "name=" plus a non-empty name, anything else is the ID
// itself, non-empty, without spaces and without the version form's slash.
func FuzzParseAgentImportID(f *testing.F) {
	for _, s := range []string{"6f1c2a", "name=Riverside Dental", "name=", "", "a/1", "a b", "name=name=x", "\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		value, byName, err := parseAgentImportID(id)
		if err != nil {
			if !strings.Contains(err.Error(), "expected AGENT_ID or name=AGENT_NAME") {
				t.Fatalf("error for %q does not show the expected form: %v", id, err)
			}
			return
		}
		if byName {
			if value == "" || "name="+value != id {
				t.Fatalf("parseAgentImportID(%q) = name %q does not round-trip", id, value)
			}
			return
		}
		if value != id || strings.TrimSpace(value) == "" || strings.ContainsAny(value, "/ \t\n") {
			t.Fatalf("parseAgentImportID(%q) accepted ID %q", id, value)
		}
	})
}
