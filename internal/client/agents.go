package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// UnmarshalJSON decodes an agent tolerantly: the ID comes from "agent_id" or,
// failing that, "id"; null metadata becomes an empty map; and the client's
// create marker (RequestTokenMetadataKey) is removed from the metadata so
// callers only ever see their own keys. An object without an ID, name,
// active, is_demo, created_at or updated_at is malformed (see
// ErrMalformedResponse), not an agent with zero values.
func (a *Agent) UnmarshalJSON(data []byte) error {
	// agentFields has Agent's fields but not its methods, so decoding into it
	// does not call this method again.
	type agentFields Agent
	var aux struct {
		agentFields
		AltID string `json:"id"`
		// The pointers shadow the embedded fields of the same name, so a
		// field that is absent or null stays nil.
		Name      *string `json:"name"`
		Active    *bool   `json:"active"`
		IsDemo    *bool   `json:"is_demo"`
		CreatedAt *string `json:"created_at"`
		UpdatedAt *string `json:"updated_at"`
		// Metadata is decoded with numbers kept exact (1.0 stays 1.0 and a
		// large integer keeps its digits), so writing it back keeps its type.
		Metadata json.RawMessage `json:"metadata"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*a = Agent(aux.agentFields)
	if len(aux.Metadata) > 0 && string(aux.Metadata) != "null" {
		m, err := configjson.Decode(string(aux.Metadata))
		obj, isObject := m.(map[string]any)
		if err != nil || !isObject {
			return fmt.Errorf("%w: the agent's metadata is not a JSON object", ErrMalformedResponse)
		}
		a.Metadata = obj
	}
	if a.ID == "" {
		a.ID = aux.AltID
	}
	var missing requiredFields
	missing.check("agent_id", a.ID != "")
	missing.check("name", aux.Name != nil)
	missing.check("active", aux.Active != nil)
	missing.check("is_demo", aux.IsDemo != nil)
	missing.check("created_at", aux.CreatedAt != nil)
	missing.check("updated_at", aux.UpdatedAt != nil)
	if err := missing.err("agent"); err != nil {
		return err
	}
	if err := checkAnsweredID("agent", "agent_id", a.ID); err != nil {
		return err
	}
	for _, slot := range a.PhoneNumbers {
		if err := checkSlotIDs("agent", slot.InboundAgentVersionID, slot.OutboundAgentVersionID); err != nil {
			return err
		}
	}
	for _, v := range a.Versions {
		if v.VersionID == "" {
			continue // a short form may leave it out
		}
		if err := checkAnsweredID("agent", "versions[].version_id", v.VersionID); err != nil {
			return err
		}
	}
	a.Name, a.Active, a.IsDemo, a.CreatedAt, a.UpdatedAt = *aux.Name, *aux.Active, *aux.IsDemo, *aux.CreatedAt, *aux.UpdatedAt
	if a.Metadata == nil {
		a.Metadata = map[string]any{}
	}
	delete(a.Metadata, RequestTokenMetadataKey)
	return nil
}

// MarshalJSON sends metadata whenever it is non-nil, even when empty: PUT
// replaces the whole metadata object, so an empty map is how a caller clears
// it, while a nil map leaves it as it is.
func (u AgentUpdate) MarshalJSON() ([]byte, error) {
	type updateFields AgentUpdate // no methods: no recursion
	aux := struct {
		updateFields
		Metadata *map[string]any `json:"metadata,omitempty"`
	}{updateFields: updateFields(u)}
	if u.Metadata != nil {
		aux.Metadata = &u.Metadata
	}
	return json.Marshal(aux)
}

// values encodes the filters that are set.
func (o AgentListOptions) values() url.Values {
	q := url.Values{}
	b := queryBuilder(q)
	b.str("name", o.Name)
	b.boolean("active", o.Active)
	b.boolean("is_demo", o.IsDemo)
	if strs := stringMetadata(o.Metadata); len(strs) > 0 {
		m, _ := json.Marshal(strs) // a map of strings always encodes
		q.Set("metadata", string(m))
	}
	b.timeRange(o.CreatedAfter, o.CreatedBefore, o.UpdatedAfter, o.UpdatedBefore)
	b.limit(o.Limit)
	return q
}

// agentPath is /core/agents/{id}, refusing an ID that would address
// something else: empty (the collection), "." or ".." (see checkID).
func agentPath(id string) (string, error) {
	if err := checkID("agent ID", id); err != nil {
		return "", err
	}
	return "/core/agents/" + pathEscape(id), nil
}

// ListAgents returns every agent matching opts, following all pages.
func (c *Client) ListAgents(ctx context.Context, opts AgentListOptions) ([]Agent, error) {
	agents, err := listAll[Agent](ctx, c, "/core/agents", opts.values())
	if err != nil {
		return nil, err
	}
	out := agents[:0]
	for _, a := range agents {
		if metadataMatches(a.Metadata, opts.Metadata) {
			out = append(out, a)
		}
	}
	return out, nil
}

// stringMetadata is the part of a metadata filter the service can match:
// values that are not the JSON text of a number, boolean, null, object or
// array, which can only match a stored string.
func stringMetadata(pairs map[string]string) map[string]string {
	out := make(map[string]string, len(pairs))
	for k, v := range pairs {
		if _, typed := typedMetadataValue(v); !typed {
			out[k] = v
		}
	}
	return out
}

// typedMetadataValue decodes a filter value that is the JSON text of a
// value other than a string.
func typedMetadataValue(v string) (any, bool) {
	d, err := configjson.Decode(v)
	if err != nil {
		return nil, false
	}
	_, isString := d.(string)
	return d, !isString
}

// metadataMatches reports whether metadata holds every pair of a filter as
// the provider shows metadata: a value matches a stored string equal to it,
// or a stored value of another JSON type whose JSON text it is (3 matches
// the number 3 and the string "3"). The service matches the string pairs
// already; this is the check for the others.
func metadataMatches(metadata map[string]any, pairs map[string]string) bool {
	for k, v := range pairs {
		want, typed := typedMetadataValue(v)
		if !typed {
			continue
		}
		got, has := metadata[k]
		if !has {
			return false
		}
		if s, isString := got.(string); isString {
			if s != v {
				return false
			}
			continue
		}
		if !configjson.Equal(got, want) {
			return false
		}
	}
	return true
}

// GetAgent returns one agent with its versions, phone numbers and SIP
// endpoint. A missing agent is an error for which IsNotFound is true.
func (c *Client) GetAgent(ctx context.Context, id string) (*Agent, error) {
	path, err := agentPath(id)
	if err != nil {
		return nil, err
	}
	var a Agent
	if err := c.doJSON(ctx, call{method: http.MethodGet, path: path}, &a); err != nil {
		return nil, err
	}
	if err := checkAbout("agent", id, a.ID); err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	return &a, nil
}

// CreateAgent creates an agent stub (no version, no config). A lost response
// does not lead to a second agent: see "Creates and lost responses" in the
// package documentation.
func (c *Client) CreateAgent(ctx context.Context, in AgentCreate) (*Agent, error) {
	token, err := newRequestToken()
	if err != nil {
		return nil, err
	}
	body := in
	body.Metadata = make(map[string]any, len(in.Metadata)+1)
	for k, v := range in.Metadata {
		body.Metadata[k] = v
	}
	body.Metadata[RequestTokenMetadataKey] = token

	var found *Agent
	recoverFn := func(ctx context.Context) (bool, error) {
		a, err := c.findCreatedAgent(ctx, in.Name, token)
		if err != nil || a == nil {
			return false, err
		}
		found = a
		return true, nil
	}
	cl := call{method: http.MethodPost, path: "/core/agents", body: body, recover: recoverFn}
	res, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	if res.recovered {
		return found, nil
	}
	var a Agent
	if err := decodeObject(cl, res.body, &a); err != nil {
		if err := c.recoverUnusableAnswer(ctx, cl, err); err != nil {
			return nil, err
		}
		return found, nil
	}
	return &a, nil
}

// UpdateAgent changes the fields set in in and returns the updated agent.
func (c *Client) UpdateAgent(ctx context.Context, id string, in AgentUpdate) (*Agent, error) {
	path, err := agentPath(id)
	if err != nil {
		return nil, err
	}
	cl := call{method: http.MethodPut, path: path, body: in}
	res, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	if isEmptyBody(res.body) {
		// Tolerate an update that answers 204: read the result back.
		return c.GetAgent(ctx, id)
	}
	var a Agent
	if err := decodeBody(cl, res.body, &a); err != nil {
		return nil, err
	}
	if err := checkAbout("agent", id, a.ID); err != nil {
		return nil, fmt.Errorf("PUT %s: %w", path, err)
	}
	return &a, nil
}

// DeleteAgent deletes an agent with its versions, phone-number assignments and
// SIP endpoint. Deleting it again is an error for which IsNotFound is true.
func (c *Client) DeleteAgent(ctx context.Context, id string) error {
	path, err := agentPath(id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{method: http.MethodDelete, path: path})
	return err
}
