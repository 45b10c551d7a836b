package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// reply is a handler's answer, written only after the lock is released and
// the lost-response decision is made.
type reply struct {
	status int
	body   any    // encoded as JSON unless raw is set
	raw    []byte // a non-JSON body
	ctype  string
	header http.Header
}

// fieldError is one entry of a FastAPI-style 422 detail list.
type fieldError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

func jsonReply(status int, v any) reply { return reply{status: status, body: v} }

func detailReply(status int, detail string) reply {
	return reply{status: status, body: map[string]any{"detail": detail}}
}

func validationReply(errs []fieldError) reply {
	return reply{status: http.StatusUnprocessableEntity, body: map[string]any{"detail": errs}}
}

func methodNotAllowed(allow []string) *reply {
	return &reply{
		status: http.StatusMethodNotAllowed,
		body:   map[string]any{"detail": "Method Not Allowed"},
		header: http.Header{"Allow": {strings.Join(allow, ", ")}},
	}
}

func writeReply(w http.ResponseWriter, rep reply) {
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.status == http.StatusNoContent {
		w.WriteHeader(rep.status)
		return
	}
	body := rep.raw
	ctype := rep.ctype
	if body == nil {
		var err error
		body, err = marshalPy(rep.body)
		if err != nil {
			body, rep.status = []byte(`{"detail":"Internal Server Error"}`), http.StatusInternalServerError
		}
		ctype = "application/json"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(body)
}

// errBodyMissing distinguishes an empty body from a malformed one.
var errBodyMissing = errors.New("body missing")

// decodeObject parses a request body that must be a JSON object. An empty
// body yields errBodyMissing so callers with an all-optional body can accept it.
func decodeObject(body []byte) (map[string]any, []fieldError, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, []fieldError{{Loc: []any{"body"}, Msg: "Field required", Type: "missing"}}, errBodyMissing
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(&v)
	if err == nil && !dec.More() {
		v, err = canonNumbers(v)
	}
	if err != nil || dec.More() {
		pos := int(dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			pos = int(se.Offset)
		}
		return nil, []fieldError{{Loc: []any{"body", pos}, Msg: "JSON decode error", Type: "json_invalid"}}, errors.New("invalid json")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, []fieldError{{Loc: []any{"body"}, Msg: "Input should be a valid dictionary or object to extract fields from", Type: "model_attributes_type"}}, errors.New("not an object")
	}
	return obj, nil, nil
}

// form reads typed fields out of a decoded JSON object and collects
// FastAPI-style errors. A field set to null counts as absent.
type form struct {
	obj  map[string]any
	loc  []any
	errs []fieldError
}

func newForm(obj map[string]any, loc ...any) *form { return &form{obj: obj, loc: loc} }

func (f *form) at(path ...any) []any { return appendLoc(f.loc, path...) }

func appendLoc(loc []any, more ...any) []any {
	out := make([]any, 0, len(loc)+len(more))
	return append(append(out, loc...), more...)
}

func (f *form) fail(loc []any, msg, typ string) {
	f.errs = append(f.errs, fieldError{Loc: loc, Msg: msg, Type: typ})
}

func (f *form) get(key string) (any, bool) {
	v, ok := f.obj[key]
	return v, ok && v != nil
}

func (f *form) require(key string) bool {
	if _, ok := f.get(key); !ok {
		f.fail(f.at(key), "Field required", "missing")
		return false
	}
	return true
}

func (f *form) str(key string) (string, bool) {
	v, ok := f.get(key)
	if !ok {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		f.fail(f.at(key), "Input should be a valid string", "string_type")
		return "", false
	}
	return s, true
}

// nonEmptyStr is a required string with at least one non-blank character.
func (f *form) nonEmptyStr(key string) (string, bool) {
	if !f.require(key) {
		return "", false
	}
	s, ok := f.str(key)
	if ok && strings.TrimSpace(s) == "" {
		f.fail(f.at(key), "String should have at least 1 character", "string_too_short")
		return "", false
	}
	return s, ok
}

func (f *form) boolean(key string) (bool, bool) {
	v, ok := f.get(key)
	if !ok {
		return false, false
	}
	b, isBool := v.(bool)
	if !isBool {
		f.fail(f.at(key), "Input should be a valid boolean", "bool_type")
		return false, false
	}
	return b, true
}

func (f *form) integer(key string) (int, bool) {
	v, ok := f.get(key)
	if !ok {
		return 0, false
	}
	n, isNum := numberValue(v)
	if !isNum || n != math.Trunc(n) || math.Abs(n) > 1<<53 {
		f.fail(f.at(key), "Input should be a valid integer", "int_type")
		return 0, false
	}
	return int(n), true
}

func (f *form) object(key string) (map[string]any, bool) {
	v, ok := f.get(key)
	if !ok {
		return nil, false
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		f.fail(f.at(key), "Input should be a valid dictionary", "dict_type")
		return nil, false
	}
	return m, true
}

func (f *form) strings(key string) []string {
	v, ok := f.get(key)
	if !ok {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		f.fail(f.at(key), "Input should be a valid list", "list_type")
		return nil
	}
	out := make([]string, 0, len(list))
	for i, item := range list {
		s, isStr := item.(string)
		if !isStr {
			f.fail(f.at(key, i), "Input should be a valid string", "string_type")
			continue
		}
		out = append(out, s)
	}
	return out
}

// failed turns collected errors into a 422, or nil when there are none.
func (f *form) failed() *reply {
	if len(f.errs) == 0 {
		return nil
	}
	return ptr(validationReply(f.errs))
}

// query reads typed query parameters the way FastAPI does, collecting errors
// with loc ["query", name].
type query struct {
	v    url.Values
	errs []fieldError
}

func (q *query) fail(key, msg, typ string) {
	q.errs = append(q.errs, fieldError{Loc: []any{"query", key}, Msg: msg, Type: typ})
}

func (q *query) str(key string) (string, bool) {
	if !q.v.Has(key) {
		return "", false
	}
	return q.v.Get(key), true
}

// boolean accepts the spellings pydantic accepts for a bool query parameter.
func (q *query) boolean(key string) *bool {
	s, ok := q.str(key)
	if !ok {
		return nil
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on", "t", "y":
		return ptr(true)
	case "false", "0", "no", "off", "f", "n":
		return ptr(false)
	}
	q.fail(key, "Input should be a valid boolean, unable to interpret input", "bool_parsing")
	return nil
}

func (q *query) integer(key string) *int {
	s, ok := q.str(key)
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.fail(key, "Input should be a valid integer, unable to parse string as an integer", "int_parsing")
		return nil
	}
	return &n
}

func (q *query) time(key string) *time.Time {
	s, ok := q.str(key)
	if !ok {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		q.fail(key, "Input should be a valid datetime in RFC 3339 format", "datetime_from_date_parsing")
		return nil
	}
	return &t
}

// limit is the page size: default 20, between 1 and 100.
func (q *query) limit() int {
	n := q.integer("limit")
	switch {
	case n == nil:
		return 20
	case *n < 1:
		q.fail("limit", "Input should be greater than or equal to 1", "greater_than_equal")
	case *n > 100:
		q.fail("limit", "Input should be less than or equal to 100", "less_than_equal")
	default:
		return *n
	}
	return 20
}

// timeWindow holds the created_*/updated_* filters every list takes.
type timeWindow struct {
	createdAfter, createdBefore, updatedAfter, updatedBefore *time.Time
}

func (q *query) window() timeWindow {
	return timeWindow{
		createdAfter: q.time("created_after"), createdBefore: q.time("created_before"),
		updatedAfter: q.time("updated_after"), updatedBefore: q.time("updated_before"),
	}
}

// admits applies the window with strict comparisons ("after" excludes the instant itself).
func (w timeWindow) admits(created, updated time.Time) bool {
	return (w.createdAfter == nil || created.After(*w.createdAfter)) &&
		(w.createdBefore == nil || created.Before(*w.createdBefore)) &&
		(w.updatedAfter == nil || updated.After(*w.updatedAfter)) &&
		(w.updatedBefore == nil || updated.Before(*w.updatedBefore))
}

func (q *query) failed() *reply {
	if len(q.errs) == 0 {
		return nil
	}
	return ptr(validationReply(q.errs))
}

// Cursors are opaque to clients: base64url of "<list>:<position key>", where
// the key is the last item's creation position, so deleting an item between
// pages never skips or repeats the others.
func encodeCursor(list, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(list + ":" + key))
}

func (q *query) cursor(list string) (string, bool) {
	s, ok := q.str("cursor")
	if !ok || s == "" {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), list+":") {
		q.fail("cursor", "Invalid cursor", "value_error")
		return "", false
	}
	return strings.TrimPrefix(string(raw), list+":"), true
}

// pageEnvelope is the list envelope of the contract.
func pageEnvelope(data any, limit int, next *string) map[string]any {
	return map[string]any{"data": data, "pagination": map[string]any{"limit": limit, "next_cursor": next}}
}

// cut returns the first limit items and whether more follow.
func cut[T any](items []T, limit int) ([]T, bool) {
	if len(items) > limit {
		return items[:limit], true
	}
	return items, false
}

// normalizeJSON round-trips a Go value through JSON, so values handed to the
// control methods (map[string]string, ints, structs) compare like decoded bodies.
func normalizeJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := decodeJSON(raw, &out); err != nil {
		return nil, err
	}
	return canonNumbers(out)
}

// deepCopy copies a decoded JSON value, so a stored config never shares a map
// with a request, a default in the schema, or another version.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	default:
		return v
	}
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out, _ := deepCopy(m).(map[string]any) // a copy of a map is a map
	return out
}

func jsonText(v any) string {
	raw, err := marshalPy(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}
