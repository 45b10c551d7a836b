package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Bounds on one list, whatever the server's cursors do: maxPages pages
// (100,000 objects at the page size of 100 the provider asks for), and
// maxListBytes of response bodies in all.
const (
	maxPages     = 1000
	maxListBytes = 64 << 20
)

// listAll fetches every page of the list at path and returns all items; it is
// the one pagination loop behind every List method. It accepts the envelope
// {"data": [...], "pagination": {"next_cursor": ...}} and a bare JSON array
// (a single page), and stops with an error if the server hands out a cursor
// it has handed out before. It sets the cursor on q, which callers build
// afresh for each call.
func listAll[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	all := []T{}
	seen := map[string]bool{}
	total := 0
	for page := 1; ; page++ {
		if page > maxPages {
			return nil, fmt.Errorf("GET %s: the list has more than %d pages; giving up (narrow it with filters)", path, maxPages)
		}
		res, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q})
		if err != nil {
			return nil, err
		}
		if total += len(res.body); total > maxListBytes {
			return nil, fmt.Errorf("GET %s: the list exceeds %d MiB after %d pages; giving up (narrow it with filters)", path, maxListBytes>>20, page)
		}
		items, next, err := decodePage[T](res.body)
		if err != nil {
			return nil, fmt.Errorf("GET %s: decoding page %d: %w", path, page, err)
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		if seen[next] {
			return nil, fmt.Errorf("GET %s: the server returned pagination cursor %q a second time; stopping instead of looping forever", path, redact(next, maxPlainDetail, c.log.secrets))
		}
		seen[next] = true
		q.Set("cursor", next)
	}
}

// decodePage decodes one list page in either shape and returns its items and
// the cursor of the next page ("" on the last one).
func decodePage[T any](body []byte) (items []T, next string, err error) {
	if isEmptyBody(body) {
		return nil, "", nil
	}
	if body = bytes.TrimSpace(body); body[0] == '[' {
		err := json.Unmarshal(body, &items)
		return items, "", err
	}
	var env struct {
		Data       json.RawMessage `json:"data"`
		Pagination *struct {
			NextCursor json.RawMessage `json:"next_cursor"`
		} `json:"pagination"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, "", err
	}
	if env.Data == nil {
		return nil, "", errors.New(`the response is neither a JSON array nor an object with "data"`)
	}
	if err := json.Unmarshal(env.Data, &items); err != nil {
		return nil, "", err
	}
	if env.Pagination != nil {
		next = cursorString(env.Pagination.NextCursor)
	}
	return items, next, nil
}

// cursorString accepts a cursor as a JSON string (or, tolerantly, a number);
// null, absent and "" all mean there is no next page.
func cursorString(raw json.RawMessage) string {
	if isEmptyBody(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// queryBuilder collects list filters, skipping zero values so the server
// applies its own defaults.
type queryBuilder url.Values

func (b queryBuilder) str(key, v string) {
	if v != "" {
		url.Values(b).Set(key, v)
	}
}

func (b queryBuilder) boolean(key string, v *bool) {
	if v != nil {
		url.Values(b).Set(key, strconv.FormatBool(*v))
	}
}

func (b queryBuilder) integer(key string, v *int) {
	if v != nil {
		url.Values(b).Set(key, strconv.Itoa(*v))
	}
}

func (b queryBuilder) limit(v int) {
	if v > 0 {
		url.Values(b).Set("limit", strconv.Itoa(v))
	}
}

// timestamp sends t in RFC 3339 (UTC, with sub-second precision when t has any).
func (b queryBuilder) timestamp(key string, t *time.Time) {
	if t != nil && !t.IsZero() {
		url.Values(b).Set(key, t.UTC().Format(time.RFC3339Nano))
	}
}

// timeRange adds the four created_*/updated_* filters every list accepts.
func (b queryBuilder) timeRange(createdAfter, createdBefore, updatedAfter, updatedBefore *time.Time) {
	b.timestamp("created_after", createdAfter)
	b.timestamp("created_before", createdBefore)
	b.timestamp("updated_after", updatedAfter)
	b.timestamp("updated_before", updatedBefore)
}
