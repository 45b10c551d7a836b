// Package versionid formats and parses the Terraform ID of an agent version,
// "<agent_id>/<version>", and the import ID of a publication, which may add
// "/<direction>". The provider (the id of anyreach_agent_version,
// anyreach_publish and the anyreach_agent_version data source, and the
// import IDs of the first two) and anyreach-export's import blocks use it;
// nothing else writes or reads these IDs.
package versionid

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// Format is the ID of version number of agent agentID.
func Format[N int | int64](agentID string, number N) string {
	return agentID + "/" + strconv.FormatInt(int64(number), 10)
}

// number is a version number as written in an ID: 1, 2, 3, ...
var number = regexp.MustCompile(`^[1-9][0-9]{0,8}$`)

// Parse splits "<agent_id>/<version>".
func Parse(id string) (agentID string, version int, err error) {
	agentID, num, ok := strings.Cut(id, "/")
	n, convErr := strconv.Atoi(num)
	if !ok || agentID == "" || !number.MatchString(num) || convErr != nil {
		return "", 0, fmt.Errorf("unexpected format of ID (%q), expected AGENT_ID/VERSION, for example 6f1c2a.../3", id)
	}
	return agentID, n, nil
}

// FormatPublication is the import ID of the publication of a version:
// "<agent_id>/<version>", followed by "/<direction>" unless direction is "".
func FormatPublication[N int | int64](agentID string, number N, direction string) string {
	id := Format(agentID, number)
	if direction != "" {
		id += "/" + direction
	}
	return id
}

// ParsePublication splits "<agent_id>/<version>" and
// "<agent_id>/<version>/<direction>"; direction is "" in the first form.
func ParsePublication(id string) (agentID string, version int, direction string, err error) {
	versionPart := id
	if i := strings.LastIndex(id, "/"); i >= 0 {
		switch d := id[i+1:]; d {
		case client.DirectionInbound, client.DirectionOutbound, client.DirectionBoth:
			versionPart, direction = id[:i], d
		}
	}
	agentID, version, err = Parse(versionPart)
	if err != nil {
		return "", 0, "", fmt.Errorf("unexpected format of ID (%q), expected AGENT_ID/VERSION or AGENT_ID/VERSION/DIRECTION "+
			"(direction inbound, outbound or both), for example 6f1c2a.../3 or 6f1c2a.../3/outbound", id)
	}
	return agentID, version, direction, nil
}
