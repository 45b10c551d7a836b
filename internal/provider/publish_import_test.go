package provider

import (
	"strings"
	"testing"
)

func TestParsePublishImportID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id, agent, direction string
		version              int
		ok                   bool
	}{
		{id: "6f1c/3", agent: "6f1c", version: 3, ok: true},
		{id: "6f1c/3/inbound", agent: "6f1c", version: 3, direction: "inbound", ok: true},
		{id: "6f1c/3/outbound", agent: "6f1c", version: 3, direction: "outbound", ok: true},
		{id: "6f1c/3/both", agent: "6f1c", version: 3, direction: "both", ok: true},
		{id: "6f1c/3/sideways"},
		{id: "6f1c/outbound"},
		{id: "6f1c/3/outbound/outbound"},
		{id: "/3/both"},
		{id: "6f1c/03/both"},
	} {
		agent, version, direction, err := parsePublishImportID(tc.id)
		if (err == nil) != tc.ok || agent != tc.agent || version != tc.version || direction != tc.direction {
			t.Errorf("parsePublishImportID(%q) = %q, %d, %q, %v", tc.id, agent, version, direction, err)
		}
		if err != nil && !strings.Contains(err.Error(), "expected AGENT_ID/VERSION or AGENT_ID/VERSION/DIRECTION") {
			t.Errorf("error for %q does not show the expected forms: %v", tc.id, err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.id) {
			t.Errorf("error for %q does not quote the ID: %v", tc.id, err)
		}
	}
}
