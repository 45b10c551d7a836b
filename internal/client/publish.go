package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// PublishVersion publishes a version and, per in, assigns it to or clears it
// from phone numbers. It returns the phone numbers the call changed. Publishing
// is idempotent, so it is retried like any other request.
func (c *Client) PublishVersion(ctx context.Context, agentID string, version int, in PublishRequest) ([]PhoneNumber, error) {
	path, err := versionPath(agentID, version)
	if err != nil {
		return nil, err
	}
	path += "/publish"
	res, err := c.do(ctx, call{method: http.MethodPost, path: path, body: in})
	if err != nil {
		return nil, c.explainPublishConflict(ctx, agentID, version, err)
	}
	numbers, _, err := decodePage[PhoneNumber](res.body)
	if err != nil {
		return nil, fmt.Errorf("POST %s: decoding the response: %w", path, err)
	}
	if numbers == nil {
		numbers = []PhoneNumber{}
	}
	return numbers, nil
}

// ErrSIPUndeployUnsupported means the API offers no way to remove an agent's
// SIP endpoint (undeploying is not documented); the endpoint stays until the
// agent is deleted.
var ErrSIPUndeployUnsupported = errors.New("anyreach: the API cannot undeploy an agent's SIP endpoint; it is removed when the agent is deleted")

// DeployAsSIP exposes the agent as a SIP endpoint (it needs a published
// version) and returns the endpoint. Deploying twice returns the same
// endpoint, so it is retried like any other request. The response may be the
// endpoint itself, an agent carrying "sip_endpoint", or empty, in which case
// the agent is read back.
func (c *Client) DeployAsSIP(ctx context.Context, agentID string) (*SIPEndpoint, error) {
	path, err := agentPath(agentID)
	if err != nil {
		return nil, err
	}
	path += "/deploy-as-sip"
	res, err := c.do(ctx, call{method: http.MethodPost, path: path})
	if err != nil {
		return nil, c.explainSIPConflict(ctx, agentID, err)
	}
	ep, err := decodeSIPEndpoint(res.body)
	if err != nil {
		return nil, fmt.Errorf("POST %s: decoding the response: %w", path, err)
	}
	if ep != nil {
		return ep, nil
	}
	agent, err := c.GetAgent(ctx, agentID)
	if err != nil {
		return nil, err
	}
	if agent.SIPEndpoint == nil {
		return nil, fmt.Errorf("POST %s succeeded but agent %s reports no SIP endpoint", path, agentID)
	}
	return agent.SIPEndpoint, nil
}

// UnmarshalJSON decodes a SIP endpoint, refusing one without a uri or a
// status as malformed.
func (e *SIPEndpoint) UnmarshalJSON(data []byte) error {
	type endpointFields SIPEndpoint // no methods: no recursion
	var aux struct {
		endpointFields
		URI    *string `json:"uri"`
		Status *string `json:"status"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	var missing requiredFields
	missing.check("uri", aux.URI != nil)
	missing.check("status", aux.Status != nil)
	if err := missing.err("SIP endpoint"); err != nil {
		return err
	}
	*e = SIPEndpoint(aux.endpointFields)
	e.URI, e.Status = *aux.URI, *aux.Status
	return nil
}

// decodeSIPEndpoint finds the endpoint in a deploy-as-sip response; nil when
// the response does not carry one.
func decodeSIPEndpoint(body []byte) (*SIPEndpoint, error) {
	if isEmptyBody(body) {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, err
	}
	if raw, ok := obj["sip_endpoint"]; ok {
		if isEmptyBody(raw) {
			return nil, nil
		}
		var ep SIPEndpoint
		if err := json.Unmarshal(raw, &ep); err != nil {
			return nil, err
		}
		return &ep, nil
	}
	if _, ok := obj["uri"]; ok {
		var ep SIPEndpoint
		if err := json.Unmarshal(body, &ep); err != nil {
			return nil, err
		}
		return &ep, nil
	}
	return nil, nil
}

// UndeploySIP removes the agent's SIP endpoint. Where the API cannot (it
// answers 404 or 405), the error wraps ErrSIPUndeployUnsupported and the
// *APIError; check errors.Is(err, ErrSIPUndeployUnsupported) before
// IsNotFound, since a 404 here means the operation, not the agent, is missing.
func (c *Client) UndeploySIP(ctx context.Context, agentID string) error {
	path, err := agentPath(agentID)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, call{method: http.MethodDelete, path: path + "/deploy-as-sip"})
	if code := StatusCode(err); code == http.StatusNotFound || code == http.StatusMethodNotAllowed {
		return fmt.Errorf("%w: %w", ErrSIPUndeployUnsupported, err)
	}
	return err
}
