package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// This file holds the JSON helpers the provider's config handling shares:
// exact decoding, canonical encoding and comparison by value. The rule that
// decides what a config difference means is in config_model.go.

// decodeJSON parses JSON keeping numbers exact (json.Number).
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

// encodeJSON renders a value compactly with sorted keys (encoding/json sorts
// map keys), without HTML escaping so prompts stay readable in plans.
func encodeJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// projectJSON cuts the server's value down to the shape of the user's value,
// following the rule in the file comment.
func projectJSON(server, shape any) any {
	switch s := shape.(type) {
	case map[string]any:
		sm, ok := server.(map[string]any)
		if !ok {
			return server
		}
		out := make(map[string]any, len(s))
		for k, sv := range s {
			if v, ok := sm[k]; ok {
				out[k] = projectJSON(v, sv)
			}
		}
		return out
	case []any:
		sa, ok := server.([]any)
		if !ok {
			return server
		}
		out := make([]any, len(sa))
		for i := range sa {
			if i < len(s) {
				out[i] = projectJSON(sa[i], s[i])
			} else {
				out[i] = sa[i]
			}
		}
		return out
	default:
		return server
	}
}

// jsonEqual compares two decoded JSON values; numbers compare by value.
func jsonEqual(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !jsonEqual(x, y) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !jsonEqual(av[i], bv[i]) {
				return false
			}
		}
		return true
	case json.Number:
		bv, ok := b.(json.Number)
		return ok && (av == bv || numbersEqual(av, bv))
	default:
		return a == b
	}
}

// numbersEqual compares two JSON numbers by value, so 1, 1.0 and 1e0 are equal.
// decodeJSON keeps every number as a json.Number.
func numbersEqual(a, b json.Number) bool {
	x, _, errA := big.ParseFloat(string(a), 10, 256, big.ToNearestEven)
	y, _, errB := big.ParseFloat(string(b), 10, 256, big.ToNearestEven)
	return errA == nil && errB == nil && x.Cmp(y) == 0
}

// normalizeJSON renders any JSON text in the provider's canonical form.
func normalizeJSON(s string) (string, error) {
	v, err := decodeJSON(s)
	if err != nil {
		return "", err
	}
	return encodeJSON(v)
}

// jsonPointerToPath renders instance location tokens as config.a.b[0].c.
func jsonPointerToPath(root string, tokens []string) string {
	var b strings.Builder
	b.WriteString(root)
	for _, t := range tokens {
		if _, err := strconv.Atoi(t); err == nil {
			b.WriteString("[" + t + "]")
			continue
		}
		b.WriteString("." + t)
	}
	return b.String()
}

// sortedUnique sorts and de-duplicates strings.
func sortedUnique(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}
