package configjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// Decode parses JSON keeping numbers exact (json.Number), and refuses
// anything after the value.
func Decode(s string) (any, error) {
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

// Encode renders a value compactly with sorted keys (encoding/json sorts
// map keys), without HTML escaping so prompts stay readable in plans.
func Encode(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// Equal compares two decoded JSON values; numbers compare by value.
func Equal(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !Equal(x, y) {
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
			if !Equal(av[i], bv[i]) {
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
// Decode keeps every number as a json.Number.
func numbersEqual(a, b json.Number) bool {
	x, _, errA := big.ParseFloat(string(a), 10, 256, big.ToNearestEven)
	y, _, errB := big.ParseFloat(string(b), 10, 256, big.ToNearestEven)
	return errA == nil && errB == nil && x.Cmp(y) == 0
}

// Contains reports whether got holds everything in want: every key of an
// object in want is in got's object with a value that holds it in turn (a
// key want has as null may be absent), arrays have the same length and hold
// element by element, numbers compare by value, and other scalars are equal.
// With foldCase, strings compare without regard to case, for a service whose
// validators store some strings in canonical case. It is "the server holds
// what was sent", the one comparison the client's create recovery and the
// provider's schema-less drift check share.
func Contains(got, want any, foldCase bool) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			gv, present := g[k]
			if !present {
				if wv == nil {
					continue
				}
				return false
			}
			if !Contains(gv, wv, foldCase) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !Contains(g[i], w[i], foldCase) {
				return false
			}
		}
		return true
	case string:
		g, ok := got.(string)
		return ok && (g == w || foldCase && strings.EqualFold(g, w))
	}
	return Equal(got, want)
}

// Canonical renders any JSON text in the canonical form Encode writes.
func Canonical(s string) (string, error) {
	v, err := Decode(s)
	if err != nil {
		return "", err
	}
	return Encode(v)
}
