package provider

import (
	"sort"
	"strconv"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// This file holds the JSON helpers the provider's config handling shares.
// Exact decoding, canonical encoding and comparison by value live in
// internal/configjson (anyreach-export uses them too); the short names below
// keep the provider's code readable. The rule that decides what a config
// difference means is in config_model.go.

// decodeJSON parses JSON keeping numbers exact (json.Number).
func decodeJSON(s string) (any, error) { return configjson.Decode(s) }

// encodeJSON renders a value compactly with sorted keys, without HTML escaping.
func encodeJSON(v any) (string, error) { return configjson.Encode(v) }

// jsonEqual compares two decoded JSON values; numbers compare by value.
func jsonEqual(a, b any) bool { return configjson.Equal(a, b) }

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
