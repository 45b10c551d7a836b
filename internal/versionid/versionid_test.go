package versionid

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id      string
		agent   string
		version int
		ok      bool
	}{
		{"6f1c/3", "6f1c", 3, true},
		{"6f1c", "", 0, false},
		{"6f1c/latest", "", 0, false},
		{"6f1c/0", "", 0, false},
		{"/3", "", 0, false},
		{"a/b/3", "", 0, false},
		{"6f1c/-1", "", 0, false},
		{"6f1c/+1", "", 0, false},
		{"6f1c/01", "", 0, false},
	} {
		agent, version, err := Parse(tc.id)
		if (err == nil) != tc.ok || agent != tc.agent || version != tc.version {
			t.Errorf("Parse(%q) = %q, %d, %v", tc.id, agent, version, err)
		}
		if err != nil && !strings.Contains(err.Error(), "expected AGENT_ID/VERSION") {
			t.Errorf("error for %q does not show the expected form: %v", tc.id, err)
		}
	}
}

func TestPublication(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id, agent, direction string
		version              int
		ok                   bool
	}{
		{"6f1c/3", "6f1c", "", 3, true},
		{"6f1c/3/outbound", "6f1c", "outbound", 3, true},
		{"6f1c/3/inbound", "6f1c", "inbound", 3, true},
		{"6f1c/3/both", "6f1c", "both", 3, true},
		{"6f1c/3/sideways", "", "", 0, false},
		{"6f1c/outbound", "", "", 0, false},
		{"6f1c", "", "", 0, false},
		{"6f1c/3/outbound/outbound", "", "", 0, false},
		{"/3/both", "", "", 0, false},
		{"6f1c/03/both", "", "", 0, false},
	} {
		agent, version, direction, err := ParsePublication(tc.id)
		if (err == nil) != tc.ok || agent != tc.agent || version != tc.version || direction != tc.direction {
			t.Errorf("ParsePublication(%q) = %q, %d, %q, %v", tc.id, agent, version, direction, err)
		}
		if err != nil && !strings.Contains(err.Error(), "AGENT_ID/VERSION/DIRECTION") {
			t.Errorf("error for %q does not show the expected forms: %v", tc.id, err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.id) {
			t.Errorf("error for %q does not quote the ID: %v", tc.id, err)
		}
		if err == nil && FormatPublication(agent, version, direction) != tc.id {
			t.Errorf("FormatPublication(%q, %d, %q) does not give back %q", agent, version, direction, tc.id)
		}
	}
}

// FuzzParse checks that an accepted version ID round-trips through Format.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a/1", "a/b/1", "", "/", "x/99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		agent, n, err := Parse(id)
		if err != nil {
			return
		}
		if agent == "" || n < 1 || Format(agent, n) != id {
			t.Fatalf("Parse(%q) = %q, %d does not round-trip", id, agent, n)
		}
	})
}
