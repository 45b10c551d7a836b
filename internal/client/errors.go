package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// APIError is every failure the API answers with a non-2xx status.
type APIError struct {
	StatusCode int
	Method     string
	// Path is the request path only: never the full URL, never the query.
	Path string
	// Detail is the API's "detail": the string itself, the rendered field
	// errors for a validation list, compact JSON for anything else, or the
	// start of a non-JSON body (an HTML error page from a proxy, say).
	Detail string
	// Fields holds the decoded field errors of a FastAPI-style 422.
	Fields []FieldError
	// Condition is what the failure means where the client could tell from
	// documented facts (see ConditionOf); never derived from Detail's words.
	Condition Condition
}

// FieldError is one entry of a FastAPI validation error list.
type FieldError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// Path renders Loc as a dotted path a user can find in their configuration,
// e.g. "config.tools[0].name": the leading "body" is dropped and list indexes
// are bracketed.
func (f FieldError) Path() string {
	loc := f.Loc
	if len(loc) > 0 {
		if s, ok := loc[0].(string); ok && s == "body" {
			loc = loc[1:]
		}
	}
	var b strings.Builder
	for _, part := range loc {
		if idx, ok := locIndex(part); ok {
			b.WriteString("[" + idx + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		fmt.Fprint(&b, part)
	}
	return b.String()
}

// locIndex recognises a list index in a loc, whichever numeric type decoding
// produced.
func locIndex(part any) (string, bool) {
	switch v := part.(type) {
	case float64:
		if v == math.Trunc(v) && !math.IsInf(v, 0) {
			return strconv.FormatInt(int64(v), 10), true
		}
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// String renders the field error as "path: message".
func (f FieldError) String() string {
	if p := f.Path(); p != "" {
		return p + ": " + f.Msg
	}
	return f.Msg
}

// Error reads like `POST /core/agents/abc/versions: 422 Unprocessable Entity:
// config.voice.speed: Input should be less than or equal to 2`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	detail := e.Detail
	if detail == "" && len(e.Fields) > 0 {
		detail = renderFields(e.Fields)
	}
	if detail != "" {
		b.WriteString(": " + detail)
	}
	return b.String()
}

// renderFields joins field errors with "; ".
func renderFields(fields []FieldError) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.String()
	}
	return strings.Join(parts, "; ")
}

// maxPlainDetail bounds the Detail taken from a non-JSON error body or a
// body without "detail"; maxDetail bounds any other Detail.
const (
	maxPlainDetail = 200
	maxDetail      = 4096
)

// newAPIError decodes an error response body tolerantly. Every text it keeps
// goes through redact, which masks secrets from whatever the server echoed
// before anything is shortened.
func newAPIError(method, path string, status int, body []byte, secrets ...string) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return e
	}
	var envelope map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &envelope); err != nil {
		if json.Valid(trimmed) {
			e.Detail = redact(compactJSON(trimmed), maxDetail, secrets) // a JSON string, array or number
		} else {
			e.Detail = redact(plainDetail(trimmed), maxPlainDetail, secrets)
		}
		return e
	}
	detail, ok := envelope["detail"]
	if !ok {
		e.Detail = redact(compactJSON(trimmed), maxPlainDetail, secrets)
		return e
	}
	var s string
	if err := json.Unmarshal(detail, &s); err == nil {
		e.Detail = redact(s, maxDetail, secrets)
		return e
	}
	if fields, ok := decodeFieldErrors(detail); ok {
		for i := range fields {
			maskFieldError(&fields[i], secrets)
		}
		e.Fields = fields
		e.Detail = redact(renderFields(fields), maxDetail, secrets)
		return e
	}
	e.Detail = redact(compactJSON(detail), maxDetail, secrets)
	return e
}

// decodeFieldErrors accepts detail as a FastAPI validation list: an array of
// objects each carrying at least a msg or a loc.
func decodeFieldErrors(detail json.RawMessage) ([]FieldError, bool) {
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(detail, &raw); err != nil || len(raw) == 0 {
		return nil, false
	}
	fields := make([]FieldError, 0, len(raw))
	for _, item := range raw {
		if item["msg"] == nil && item["loc"] == nil {
			return nil, false
		}
		var f FieldError
		if v, ok := item["loc"]; ok && json.Unmarshal(v, &f.Loc) != nil {
			f.Loc = []any{compactJSON(v)}
		}
		if v, ok := item["msg"]; ok && json.Unmarshal(v, &f.Msg) != nil {
			f.Msg = compactJSON(v)
		}
		if v, ok := item["type"]; ok && json.Unmarshal(v, &f.Type) != nil {
			f.Type = compactJSON(v)
		}
		fields = append(fields, f)
	}
	return fields, true
}

// maskFieldError masks secret out of every part of f that is ever shown.
// Each part is masked on its own, then the rendering as a whole, since a
// server could echo the secret split across loc entries ("ak_x", "secret"
// renders as "ak_x.secret"). A loc entry that is neither a string nor a
// number becomes its compact JSON text, so it can be masked too.
func maskFieldError(f *FieldError, secrets []string) {
	f.Msg, f.Type = redact(f.Msg, noLimit, secrets), redact(f.Type, noLimit, secrets)
	for j, part := range f.Loc {
		if _, isIndex := locIndex(part); isIndex {
			continue
		}
		s, ok := part.(string)
		if !ok {
			b, _ := json.Marshal(part) // a decoded JSON value always encodes
			s = string(b)
		}
		f.Loc[j] = redact(s, noLimit, secrets)
	}
	if p := f.Path(); redact(p, noLimit, secrets) != p {
		f.Loc = []any{redact(p, noLimit, secrets)}
	}
	if s := f.String(); redact(s, noLimit, secrets) != s {
		f.Loc, f.Msg = nil, redact(s, noLimit, secrets)
	}
}

// compactJSON renders valid JSON on one line, its strings written again
// with only the escapes JSON needs: a server that writes the token as
// "ak_\u0061bc..." (legal JSON for the same string) shows it plainly
// here, where redact masks it.
func compactJSON(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if enc.Encode(v) == nil {
			return strings.TrimSuffix(b.String(), "\n")
		}
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// plainDetail renders the start of a non-JSON body on one line; redact
// shortens it further, after masking, so the start kept here is much longer
// than maxPlainDetail.
func plainDetail(body []byte) string {
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	s := strings.ToValidUTF8(string(body), "")
	return strings.Join(strings.Fields(s), " ")
}

// StatusCode returns the HTTP status of an *APIError in err's chain, or 0.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound reports a 404: the object does not exist (any more).
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsConflict reports a 409: the object's state does not allow the action.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsForbidden reports a 403: the credential lacks a scope.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsUnauthorized reports a 401: the credential is missing, wrong, or (for a
// pat_) lacks the organization.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsBadRequest reports a 400, e.g. updating a published version.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }

// IsValidation reports a 422: the request body failed validation.
func IsValidation(err error) bool { return StatusCode(err) == http.StatusUnprocessableEntity }
