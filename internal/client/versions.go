package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// UnmarshalJSON decodes a version, refusing one that lacks a field the API
// always sends (version, version_id, published, config, created_at,
// updated_at) as malformed rather than reading it as a zero value.
func (v *Version) UnmarshalJSON(data []byte) error {
	type versionFields Version // no methods: no recursion
	var aux struct {
		versionFields
		// The pointers shadow the embedded fields of the same name, so a
		// field that is absent or null stays nil.
		Version   *int    `json:"version"`
		VersionID *string `json:"version_id"`
		Published *bool   `json:"published"`
		CreatedAt *string `json:"created_at"`
		UpdatedAt *string `json:"updated_at"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	var missing requiredFields
	missing.check("version", aux.Version != nil)
	missing.check("version_id", aux.VersionID != nil)
	missing.check("published", aux.Published != nil)
	missing.check("config", !isEmptyBody(aux.Config))
	missing.check("created_at", aux.CreatedAt != nil)
	missing.check("updated_at", aux.UpdatedAt != nil)
	if err := missing.err("version"); err != nil {
		return err
	}
	if err := checkAnsweredID("version", "version_id", *aux.VersionID); err != nil {
		return err
	}
	if aux.AgentID != "" {
		if err := checkAnsweredID("version", "agent_id", aux.AgentID); err != nil {
			return err
		}
	}
	*v = Version(aux.versionFields)
	if v.InstructionsError != nil {
		// Server-chosen text bound for a diagnostic.
		msg := printable(*v.InstructionsError)
		v.InstructionsError = &msg
	}
	v.Version, v.VersionID, v.Published, v.CreatedAt, v.UpdatedAt = *aux.Version, *aux.VersionID, *aux.Published, *aux.CreatedAt, *aux.UpdatedAt
	return nil
}

// values encodes the filters that are set.
func (o VersionListOptions) values() url.Values {
	q := url.Values{}
	b := queryBuilder(q)
	b.integer("version", o.Version)
	b.boolean("published", o.Published)
	b.timeRange(o.CreatedAfter, o.CreatedBefore, o.UpdatedAfter, o.UpdatedBefore)
	b.limit(o.Limit)
	return q
}

// versionsPath is /core/agents/{id}/versions.
func versionsPath(agentID string) (string, error) {
	p, err := agentPath(agentID)
	if err != nil {
		return "", err
	}
	return p + "/versions", nil
}

// versionPath is /core/agents/{id}/versions/{version}; version numbers start at 1.
func versionPath(agentID string, version int) (string, error) {
	p, err := versionsPath(agentID)
	if err != nil {
		return "", err
	}
	if version < 1 {
		return "", fmt.Errorf("anyreach: version numbers start at 1, got %d", version)
	}
	return p + "/" + strconv.Itoa(version), nil
}

// versionOf supplies the agent ID when the server leaves it out, and
// refuses a version of another agent than agentID or, when number > 0,
// another version than number.
func versionOf(cl call, v *Version, agentID string, number int) (*Version, error) {
	if v.AgentID == "" {
		v.AgentID = agentID
	}
	if err := checkAbout("agent", agentID, v.AgentID); err != nil {
		return nil, fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
	}
	if number > 0 {
		if err := checkAbout("version", number, v.Version); err != nil {
			return nil, fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
		}
	}
	return v, nil
}

// ListVersions returns every version of an agent matching opts, following all pages.
func (c *Client) ListVersions(ctx context.Context, agentID string, opts VersionListOptions) ([]Version, error) {
	path, err := versionsPath(agentID)
	if err != nil {
		return nil, err
	}
	versions, err := listAll[Version](ctx, c, path, opts.values())
	if err != nil {
		return nil, err
	}
	for i := range versions {
		if _, err := versionOf(call{method: http.MethodGet, path: path}, &versions[i], agentID, 0); err != nil {
			return nil, err
		}
	}
	return versions, nil
}

// GetVersion returns one version. It never creates anything, unlike
// GetLatestVersion.
func (c *Client) GetVersion(ctx context.Context, agentID string, version int) (*Version, error) {
	path, err := versionPath(agentID, version)
	if err != nil {
		return nil, err
	}
	return c.getVersion(ctx, agentID, path, version)
}

// GetLatestVersion reads versions/latest.
//
// WARNING: this is not a read. When the agent's newest version is published,
// the API CREATES a new draft copying its config and returns that. Never call
// it to refresh or plan; list the versions (ListVersions) to find the newest
// one without side effects.
func (c *Client) GetLatestVersion(ctx context.Context, agentID string) (*Version, error) {
	path, err := versionsPath(agentID)
	if err != nil {
		return nil, err
	}
	return c.getVersion(ctx, agentID, path+"/latest", 0)
}

// getVersion reads the version at path: number, or any (0) of agentID's.
func (c *Client) getVersion(ctx context.Context, agentID, path string, number int) (*Version, error) {
	var v Version
	cl := call{method: http.MethodGet, path: path}
	if err := c.doJSON(ctx, cl, &v); err != nil {
		return nil, err
	}
	return versionOf(cl, &v, agentID, number)
}

// CreateVersion creates a draft from a config or from a base version (set
// exactly one). A lost response does not lead to a second version: see
// "Creates and lost responses" in the package documentation.
func (c *Client) CreateVersion(ctx context.Context, agentID string, in VersionCreate) (*Version, error) {
	path, err := versionsPath(agentID)
	if err != nil {
		return nil, err
	}
	start := c.clock.now()
	var found *Version
	recoverFn := func(ctx context.Context) (bool, error) {
		v, err := c.findCreatedVersion(ctx, agentID, in, start)
		if err != nil || v == nil {
			return false, err
		}
		found = v
		return true, nil
	}
	cl := call{method: http.MethodPost, path: path, body: in, recover: recoverFn}
	res, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	if res.recovered {
		return found, nil
	}
	var v Version
	if err := decodeObject(cl, res.body, &v); err != nil {
		if err := c.recoverUnusableAnswer(ctx, cl, err); err != nil {
			return nil, err
		}
		return found, nil
	}
	return versionOf(cl, &v, agentID, 0)
}

// UpdateVersion changes a draft's config and/or instruction builder inputs.
// Updating a published version is an error for which IsVersionPublished is true.
func (c *Client) UpdateVersion(ctx context.Context, agentID string, version int, in VersionUpdate) (*Version, error) {
	path, err := versionPath(agentID, version)
	if err != nil {
		return nil, err
	}
	cl := call{method: http.MethodPut, path: path, body: in}
	res, err := c.do(ctx, cl)
	if err != nil {
		return nil, c.explainVersionRefusal(ctx, agentID, version, err)
	}
	if isEmptyBody(res.body) {
		// Tolerate an update that answers 204: read the result back.
		return c.GetVersion(ctx, agentID, version)
	}
	var v Version
	if err := decodeBody(cl, res.body, &v); err != nil {
		return nil, err
	}
	return versionOf(cl, &v, agentID, version)
}

// CompareVersions returns the API's plain-text summary of what changed
// between two versions. It only reads, so it is retried like any read.
func (c *Client) CompareVersions(ctx context.Context, agentID string, from, to int) (string, error) {
	path, err := versionsPath(agentID)
	if err != nil {
		return "", err
	}
	body := struct {
		From int `json:"from_version"`
		To   int `json:"to_version"`
	}{from, to}
	res, err := c.do(ctx, call{
		method: http.MethodPost,
		path:   path + "/compare",
		body:   body,
		accept: "text/plain, application/json;q=0.5",
	})
	if err != nil {
		return "", err
	}
	return string(res.body), nil
}

// GenerateInstructions starts generating the version's instructions from its
// instruction builder inputs; the API answers 202 and works in the
// background. Follow it with WaitForInstructions.
func (c *Client) GenerateInstructions(ctx context.Context, agentID string, version int) error {
	path, err := versionPath(agentID, version)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{method: http.MethodPost, path: path + "/generate-instructions"})
	return c.explainVersionRefusal(ctx, agentID, version, err)
}

// WaitForInstructions polls the version, backing off from 250 ms by half
// each time up to 5 s, until its instruction status is no longer
// "generating", and returns it. A failed generation is not an error here:
// check InstructionsStatus and InstructionsError. When ctx ends first, the
// error says what was being waited for and wraps ctx.Err().
func (c *Client) WaitForInstructions(ctx context.Context, agentID string, version int) (*Version, error) {
	delay := c.pollMin
	for poll := 1; ; poll++ {
		v, err := c.GetVersion(ctx, agentID, version)
		if err != nil {
			if ctx.Err() != nil {
				return nil, waitError(agentID, version, ctx.Err())
			}
			return nil, err
		}
		if v.InstructionsStatus != InstructionsGenerating {
			return v, nil
		}
		c.log.debug(ctx, "anyreach: instructions still generating", map[string]any{
			"agent_id": agentID, "version": version, "poll": poll, "next_poll_ms": delay.Milliseconds(),
		})
		if err := c.clock.sleep(ctx, delay); err != nil {
			return nil, waitError(agentID, version, err)
		}
		delay = min(delay+delay/2, c.pollMax)
	}
}

func waitError(agentID string, version int, err error) error {
	return fmt.Errorf("waiting for instruction generation of agent %s version %d: %w", agentID, version, err)
}
