package provider

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The ID of a version in Terraform: "<agent_id>/<version>", the id of
// anyreach_agent_version, anyreach_publish and the anyreach_agent_version
// data source, and the import ID of the first two. Formatted and parsed here
// only.

// versionID formats the ID of version number of agent agentID.
func versionID[N int | int64](agentID string, number N) string {
	return agentID + "/" + strconv.FormatInt(int64(number), 10)
}

// versionNumber is a version number as written in an import ID: 1, 2, 3, ...
var versionNumber = regexp.MustCompile(`^[1-9][0-9]{0,8}$`)

// parseVersionImportID splits "<agent_id>/<version>".
func parseVersionImportID(id string) (string, int, error) {
	agentID, num, ok := strings.Cut(id, "/")
	n, err := strconv.Atoi(num)
	if !ok || agentID == "" || !versionNumber.MatchString(num) || err != nil {
		return "", 0, fmt.Errorf("unexpected format of ID (%q), expected AGENT_ID/VERSION, for example 6f1c2a.../3", id)
	}
	return agentID, n, nil
}
