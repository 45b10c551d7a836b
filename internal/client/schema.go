package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// AgentConfigSchema returns the JSON Schema of AgentConfig as the server
// publishes it: the source of truth for field names, types, defaults and enums.
func (c *Client) AgentConfigSchema(ctx context.Context) (json.RawMessage, error) {
	const path = "/core/agent-config-schema"
	res, err := c.do(ctx, call{method: http.MethodGet, path: path})
	if err != nil {
		return nil, err
	}
	if isEmptyBody(res.body) || !json.Valid(res.body) {
		return nil, fmt.Errorf("GET %s: the response is not a JSON document", path)
	}
	return json.RawMessage(res.body), nil
}
