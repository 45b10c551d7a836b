package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// The deep merge behind provider::anyreach::config_merge, the rule users rely
// on to keep one base AgentConfig and small per-environment overlays:
//
//   - Objects merge key by key; for a key in both, the later document wins,
//     recursively when both values are objects.
//   - Arrays, strings, numbers and booleans are replaced whole: an overlay's
//     array is the new array, never concatenated or merged by index.
//   - null in an overlay deletes the key (also inside an object the overlay
//     adds), so an environment can drop a base setting. A null in the base
//     document, or inside an array, is kept as a value.
//
// This is JSON Merge Patch (RFC 7386) applied overlay after overlay. Numbers
// keep the spelling they were written with, and the result is canonical JSON
// (sorted keys, compact, no HTML escaping) as encodeJSON writes it, so a
// merged config compares like any other.

// mergeJSONObjects returns base with overlay merged into it by the rule
// above. Neither argument is modified; unchanged subtrees may be shared.
func mergeJSONObjects(base, overlay map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(overlay))
	maps.Copy(out, base)
	for k, v := range overlay {
		switch ov := v.(type) {
		case nil:
			delete(out, k)
		case map[string]any:
			// Not an object in base (or absent): merge into an empty object,
			// which drops the overlay's own nulls.
			bv, _ := out[k].(map[string]any)
			out[k] = mergeJSONObjects(bv, ov)
		default:
			out[k] = v
		}
	}
	return out
}

// mergeJSONDocuments parses each document, which must be a JSON object,
// merges them in order and returns the canonical JSON of the result. On a bad
// document it returns the index of that document and an error that says
// what is wrong with it; the index is -1 for an error of no document.
func mergeJSONDocuments(docs []string) (string, int, error) {
	var merged map[string]any
	for i, doc := range docs {
		obj, err := decodeJSONObject(doc)
		if err != nil {
			return "", i, err
		}
		if i == 0 {
			merged = obj
			continue
		}
		merged = mergeJSONObjects(merged, obj)
	}
	if merged == nil {
		merged = map[string]any{}
	}
	out, err := configjson.Encode(merged)
	if err != nil {
		return "", -1, err
	}
	if _, problem := jsonDocumentProblem(out); problem != "" {
		return "", -1, fmt.Errorf("the merged document %s", problem)
	}
	return out, -1, nil
}

// decodeJSONObject parses a JSON document that must be an object.
func decodeJSONObject(doc string) (map[string]any, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, fmt.Errorf("is an empty string, not a JSON object")
	}
	if _, problem := jsonDocumentProblem(doc); problem != "" {
		return nil, errors.New(problem)
	}
	v, err := configjson.Decode(doc)
	if err != nil {
		return nil, fmt.Errorf("is not valid JSON: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("is a JSON %s, not a JSON object", jsonKind(v))
	}
	return obj, nil
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	default:
		return "object"
	}
}
