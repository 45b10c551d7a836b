package client

import (
	"context"
	"fmt"
	"net/http"
)

// logSink forwards to the configured Logger (if any), masking the credential
// out of the message and every field as a second line of defence: nothing the
// client logs on purpose contains it.
type logSink struct {
	logger  Logger
	secrets []string // see secretsOf
}

func (s logSink) debug(ctx context.Context, msg string, fields map[string]any) {
	if s.logger != nil {
		s.logger.Debug(ctx, s.mask(msg), s.maskFields(fields))
	}
}

func (s logSink) warn(ctx context.Context, msg string, fields map[string]any) {
	if s.logger != nil {
		s.logger.Warn(ctx, s.mask(msg), s.maskFields(fields))
	}
}

func (s logSink) mask(v string) string { return redact(v, noLimit, s.secrets) }

// maskFields masks every textual field value; errors and Stringers become
// their (masked) text.
func (s logSink) maskFields(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch t := v.(type) {
		case string:
			v = s.mask(t)
		case error:
			v = s.mask(t.Error())
		case fmt.Stringer:
			v = s.mask(t.String())
		case []byte:
			v = s.mask(string(t))
		}
		out[s.mask(k)] = v
	}
	return out
}

// logAttempt logs one attempt at Debug: method, path, status, duration and
// attempt number, plus the error when there was no response. Never headers.
func (c *Client) logAttempt(ctx context.Context, st *callState, resp *http.Response, err error, willRetry bool) {
	if c.log.logger == nil {
		return
	}
	fields := map[string]any{
		"method":      st.call.method,
		"path":        st.call.path,
		"attempt":     st.attempt,
		"duration_ms": c.clock.now().Sub(st.started).Milliseconds(),
		"will_retry":  willRetry,
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	c.log.debug(ctx, "anyreach: API request", fields)
}
