package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// RequestTokenMetadataKey is the metadata key under which CreateAgent stores a
// random marker, so that a create whose response was lost can be found again.
// Agents decoded by this package never show it.
const RequestTokenMetadataKey = "_tf_request_token" //nolint:gosec // G101: a metadata key name, not a credential.

// versionRecoveryWindow is how far before a CreateVersion call a version may
// have been created and still be taken for the call's lost result; it
// absorbs clock skew between this machine and the server.
const versionRecoveryWindow = 2 * time.Minute

// recoveryPageSize keeps recovery listings to as few requests as possible.
const recoveryPageSize = 100

// newRequestToken returns a random 128-bit value in hex.
func newRequestToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("anyreach: generating a request token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// recoverUnusableAnswer handles a create answered with success but without
// an object the client can use (an empty, non-JSON or incomplete body): the
// server made something, but what? It is treated like a lost response: the
// call's recovery hook looks for what the request made, which the caller
// then returns. When the hook finds nothing, or cannot look, the error says
// so, and nothing is sent again, since the server did answer success.
func (c *Client) recoverUnusableAnswer(ctx context.Context, cl call, cause error) error {
	fields := map[string]any{"method": cl.method, "path": cl.path, "error": cause.Error()}
	found, err := cl.recover(ctx)
	switch {
	case err != nil:
		fields["recovery_error"] = err.Error()
		c.log.warn(ctx, "anyreach: a create answered without a usable object, and looking for what it made failed", fields)
		return c.unusableAnswerError(fmt.Errorf("%w; looking for what the request created failed, so the object may exist on the server: %w", cause, err))
	case !found:
		c.log.warn(ctx, "anyreach: a create answered without a usable object, and nothing it made was found", fields)
		return c.unusableAnswerError(fmt.Errorf("%w; the API answered success, but looking for what the request created "+
			"(as after a lost response) found nothing. Check in Anyreach whether the object exists before trying again", cause))
	}
	c.log.warn(ctx, "anyreach: a create answered without a usable object; found the object it created instead", fields)
	return nil
}

// unusableAnswerError fixes err's text through redact, like every error
// the client builds from what a server sent.
func (c *Client) unusableAnswerError(err error) error {
	return &requestError{text: c.log.mask(err.Error()), err: err}
}

// findCreatedAgent looks for the agent a CreateAgent call with this name and
// marker created; nil when there is none. The server filters by name and
// metadata, and the client checks both again in case a server ignores a
// filter. Several matches can only come from attempts of the same call; the
// oldest is returned and the others are reported.
func (c *Client) findCreatedAgent(ctx context.Context, name, token string) (*Agent, error) {
	opts := AgentListOptions{
		Name:     name,
		Metadata: map[string]string{RequestTokenMetadataKey: token},
		Limit:    recoveryPageSize,
	}
	raws, err := listAll[json.RawMessage](ctx, c, "/core/agents", opts.values())
	if err != nil {
		return nil, err
	}
	var matches []Agent
	for _, raw := range raws {
		// Agent's decoder drops the marker, so check it on a plain decode.
		var probe struct {
			Name     string         `json:"name"`
			Metadata map[string]any `json:"metadata"`
		}
		if json.Unmarshal(raw, &probe) != nil || probe.Name != name {
			continue
		}
		if got, _ := probe.Metadata[RequestTokenMetadataKey].(string); got != token {
			continue
		}
		var a Agent
		if json.Unmarshal(raw, &a) != nil || a.ID == "" {
			continue
		}
		matches = append(matches, a)
	}
	switch len(matches) {
	case 0:
		return nil, nil
	case 1:
		return &matches[0], nil
	}
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].CreatedAt < matches[j].CreatedAt })
	extra := make([]string, 0, len(matches)-1)
	for _, a := range matches[1:] {
		extra = append(extra, a.ID)
	}
	c.log.warn(ctx, "anyreach: several attempts of one create each made an agent; keeping the oldest, the others are left as they are", map[string]any{
		"name":       name,
		"kept":       matches[0].ID,
		"duplicates": strings.Join(extra, ","),
	})
	return &matches[0], nil
}

// findCreatedVersion looks for the version a CreateVersion call started at
// start created; nil when there is none. It takes the newest version created
// within the recovery window that matches what was sent: a config containing
// the sent config, or for a base_version create, a draft newer than the base.
func (c *Client) findCreatedVersion(ctx context.Context, agentID string, in VersionCreate, start time.Time) (*Version, error) {
	since := start.Add(-versionRecoveryWindow)
	versions, err := c.ListVersions(ctx, agentID, VersionListOptions{CreatedAfter: &since, Limit: recoveryPageSize})
	if err != nil {
		return nil, err
	}
	var best *Version
	for i := range versions {
		v := &versions[i]
		created, err := time.Parse(time.RFC3339Nano, v.CreatedAt)
		if err != nil || created.Before(since) {
			continue
		}
		if in.BaseVersion != nil {
			if v.Published || v.Version <= *in.BaseVersion {
				continue
			}
		} else if !ConfigContains(v.Config, in.Config) {
			continue
		}
		if !isEmptyBody(in.InstructionBuilderInputs) && !ConfigContains(v.InstructionBuilderInputs, in.InstructionBuilderInputs) {
			continue
		}
		if best == nil || v.Version > best.Version {
			best = v
		}
	}
	return best, nil
}

// ConfigContains reports whether the JSON document server contains
// everything in sent (configjson.Contains, with strings compared without
// regard to case: the service's validators may canonicalise them, as with
// language tags). It is how a config sent to the API is recognised in what
// the API returns, which adds defaults. An empty sent document is contained
// in anything; invalid JSON in nothing.
func ConfigContains(server, sent json.RawMessage) bool {
	if len(bytes.TrimSpace(sent)) == 0 {
		return true
	}
	want, err := configjson.Decode(string(sent))
	if err != nil {
		return false
	}
	if len(bytes.TrimSpace(server)) == 0 {
		return want == nil
	}
	got, err := configjson.Decode(string(server))
	if err != nil {
		return false
	}
	return configjson.Contains(got, want, true)
}
