package emulator

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// agentConfigSchemaJSON is the AgentConfig JSON Schema (draft 2020-12) that
// GET /core/agent-config-schema serves and every config write is checked
// against.
//
//go:embed agent_config_schema.json
var agentConfigSchemaJSON []byte

const agentConfigSchemaURL = "https://api.anyreach.ai/core/agent-config-schema"

var englishPrinter = message.NewPrinter(language.English)

// configSchema is the compiled schema for validation plus the parsed document
// for what the validator does not do: discriminator dispatch and defaults.
type configSchema struct {
	compiled *jsonschema.Schema
	doc      map[string]any
}

func loadConfigSchema() (*configSchema, error) {
	forCompiler, err := jsonschema.UnmarshalJSON(bytes.NewReader(agentConfigSchemaJSON))
	if err != nil {
		return nil, fmt.Errorf("emulator: parsing the embedded AgentConfig schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(agentConfigSchemaURL, forCompiler); err != nil {
		return nil, fmt.Errorf("emulator: loading the embedded AgentConfig schema: %w", err)
	}
	compiled, err := c.Compile(agentConfigSchemaURL)
	if err != nil {
		return nil, fmt.Errorf("emulator: compiling the embedded AgentConfig schema: %w", err)
	}
	var doc map[string]any
	if err := decodeJSON(agentConfigSchemaJSON, &doc); err != nil {
		return nil, err
	}
	if _, err := canonNumbers(doc); err != nil {
		return nil, err
	}
	return &configSchema{compiled: compiled, doc: doc}, nil
}

// validate checks a config and returns FastAPI-style errors whose loc starts
// with prefix (["body","config"]), sorted by location so the answer is stable.
func (s *configSchema) validate(config any, prefix ...any) []fieldError {
	if _, ok := config.(map[string]any); !ok {
		return []fieldError{{Loc: appendLoc(prefix), Msg: "Input should be a valid dictionary", Type: "dict_type"}}
	}
	err := s.compiled.Validate(config)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []fieldError{{Loc: prefix, Msg: err.Error(), Type: "value_error"}}
	}
	errs := s.flatten(ve, config)
	if len(errs) == 0 { // cannot happen, but never answer 422 with an empty list
		errs = []fieldError{{Msg: ve.Error(), Type: "value_error"}}
	}
	seen := map[string]bool{}
	out := make([]fieldError, 0, len(errs))
	for _, fe := range errs {
		fe.Loc = appendLoc(prefix, fe.Loc...)
		k := jsonText(fe)
		if !seen[k] {
			seen[k] = true
			out = append(out, fe)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return jsonText(out[i].Loc) < jsonText(out[j].Loc) })
	return out
}

// flatten turns a validation error tree into leaf errors. A oneOf that fails
// would otherwise report every variant; with a discriminator only the variant
// the tag selects is reported (so the error points at the real field), and
// without one the variant needing the fewest fixes is.
func (s *configSchema) flatten(ve *jsonschema.ValidationError, inst any) []fieldError {
	switch ve.ErrorKind.(type) {
	case *kind.OneOf:
		if len(ve.Causes) == 0 {
			return []fieldError{{Loc: locOf(inst, ve.InstanceLocation), Msg: "Input matches more than one of the allowed shapes", Type: "union_ambiguous"}}
		}
		if errs, ok := s.byDiscriminator(ve, inst); ok {
			return errs
		}
		return s.fewest(ve.Causes, inst)
	case *kind.AnyOf:
		return s.fewest(ve.Causes, inst)
	}
	if len(ve.Causes) > 0 {
		var out []fieldError
		for _, c := range ve.Causes {
			out = append(out, s.flatten(c, inst)...)
		}
		return out
	}
	return leafErrors(ve, inst)
}

func (s *configSchema) fewest(causes []*jsonschema.ValidationError, inst any) []fieldError {
	var best []fieldError
	for _, c := range causes {
		errs := s.flatten(c, inst)
		if best == nil || len(errs) < len(best) {
			best = errs
		}
	}
	return best
}

// byDiscriminator resolves a failed oneOf through the schema's OpenAPI-style
// discriminator. Every variant failed, so the validator reports one cause per
// variant in schema order.
func (s *configSchema) byDiscriminator(ve *jsonschema.ValidationError, inst any) ([]fieldError, bool) {
	node := s.nodeAt(ve.SchemaURL)
	prop, mapping, variants := discriminatorOf(node)
	if prop == "" {
		return nil, false
	}
	loc := locOf(inst, ve.InstanceLocation)
	obj, ok := valueAt(inst, ve.InstanceLocation).(map[string]any)
	if !ok {
		return []fieldError{{Loc: loc, Msg: "Input should be a valid dictionary or object to extract fields from", Type: "model_attributes_type"}}, true
	}
	tag, present := obj[prop]
	if !present || tag == nil {
		return []fieldError{{Loc: appendLoc(loc, prop), Msg: "Field required", Type: "missing"}}, true
	}
	tagStr, _ := tag.(string)
	target, known := mapping[tagStr]
	if !known {
		tags := make([]string, 0, len(mapping))
		for t := range mapping {
			tags = append(tags, "'"+t+"'")
		}
		sort.Strings(tags)
		return []fieldError{{
			Loc:  appendLoc(loc, prop),
			Msg:  fmt.Sprintf("Input tag %s found using '%s' does not match any of the expected tags: %s", quoteValue(tag), prop, strings.Join(tags, ", ")),
			Type: "union_tag_invalid",
		}}, true
	}
	for i, v := range variants {
		if ref, _ := v["$ref"].(string); ref == target && i < len(ve.Causes) {
			return s.flatten(ve.Causes[i], inst), true
		}
	}
	return nil, false
}

// discriminatorOf returns a schema node's discriminator property, its
// tag-to-$ref mapping and its oneOf variants.
func discriminatorOf(node map[string]any) (string, map[string]string, []map[string]any) {
	d, _ := node["discriminator"].(map[string]any)
	prop, _ := d["propertyName"].(string)
	if prop == "" {
		return "", nil, nil
	}
	mapping := map[string]string{}
	if m, ok := d["mapping"].(map[string]any); ok {
		for tag, ref := range m {
			if r, ok := ref.(string); ok {
				mapping[tag] = r
			}
		}
	}
	var variants []map[string]any
	if list, ok := node["oneOf"].([]any); ok {
		for _, v := range list {
			m, _ := v.(map[string]any)
			variants = append(variants, m)
		}
	}
	return prop, mapping, variants
}

// nodeAt finds the schema node a validator location ("<url>#/json/pointer") names.
func (s *configSchema) nodeAt(location string) map[string]any {
	_, frag, _ := strings.Cut(location, "#")
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	return s.pointer(frag)
}

// pointer resolves a JSON pointer within the schema document.
func (s *configSchema) pointer(ptr string) map[string]any {
	var cur any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

// valueAt follows an instance location into a decoded JSON value.
func valueAt(v any, tokens []string) any {
	for _, tok := range tokens {
		switch c := v.(type) {
		case map[string]any:
			v = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// locOf converts an instance location into a FastAPI loc, with array indexes
// as numbers.
func locOf(inst any, tokens []string) []any {
	loc := make([]any, 0, len(tokens))
	cur := inst
	for _, tok := range tokens {
		if arr, ok := cur.([]any); ok {
			if i, err := strconv.Atoi(tok); err == nil {
				loc = append(loc, i)
				if i >= 0 && i < len(arr) {
					cur = arr[i]
				} else {
					cur = nil
				}
				continue
			}
		}
		loc = append(loc, tok)
		if m, ok := cur.(map[string]any); ok {
			cur = m[tok]
		} else {
			cur = nil
		}
	}
	return loc
}

// leafErrors words one validator error the way pydantic would.
func leafErrors(ve *jsonschema.ValidationError, inst any) []fieldError {
	loc := locOf(inst, ve.InstanceLocation)
	one := func(msg, typ string) []fieldError { return []fieldError{{Loc: loc, Msg: msg, Type: typ}} }
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		var out []fieldError
		for _, m := range k.Missing {
			out = append(out, fieldError{Loc: appendLoc(loc, m), Msg: "Field required", Type: "missing"})
		}
		return out
	case *kind.AdditionalProperties:
		var out []fieldError
		for _, p := range k.Properties {
			out = append(out, fieldError{Loc: appendLoc(loc, p), Msg: "Extra inputs are not permitted", Type: "extra_forbidden"})
		}
		return out
	case *kind.Type:
		want := map[string][2]string{
			"string": {"a valid string", "string_type"}, "integer": {"a valid integer", "int_type"},
			"number": {"a valid number", "float_type"}, "boolean": {"a valid boolean", "bool_type"},
			"object": {"a valid dictionary", "dict_type"}, "array": {"a valid list", "list_type"},
			"null": {"None", "none_required"},
		}
		if len(k.Want) > 0 {
			if w, ok := want[k.Want[0]]; ok {
				return one("Input should be "+w[0], w[1])
			}
		}
		return one("Input should be of type "+strings.Join(k.Want, " or "), "type_error")
	case *kind.Enum:
		return one("Input should be "+orList(k.Want), "enum")
	case *kind.Const:
		return one("Input should be "+quoteValue(k.Want), "literal_error")
	case *kind.Minimum:
		return one("Input should be greater than or equal to "+k.Want.FloatString(-1), "greater_than_equal")
	case *kind.Maximum:
		return one("Input should be less than or equal to "+k.Want.FloatString(-1), "less_than_equal")
	case *kind.ExclusiveMinimum:
		return one("Input should be greater than "+k.Want.FloatString(-1), "greater_than")
	case *kind.ExclusiveMaximum:
		return one("Input should be less than "+k.Want.FloatString(-1), "less_than")
	case *kind.Pattern:
		return one(fmt.Sprintf("String should match pattern '%s'", k.Want), "string_pattern_mismatch")
	case *kind.MinLength:
		return one(fmt.Sprintf("String should have at least %d %s", k.Want, plural(k.Want, "character")), "string_too_short")
	case *kind.MaxLength:
		return one(fmt.Sprintf("String should have at most %d %s", k.Want, plural(k.Want, "character")), "string_too_long")
	case *kind.MinItems:
		return one(fmt.Sprintf("List should have at least %d %s after validation, not %d", k.Want, plural(k.Want, "item"), k.Got), "too_short")
	case *kind.MaxItems:
		return one(fmt.Sprintf("List should have at most %d %s after validation, not %d", k.Want, plural(k.Want, "item"), k.Got), "too_long")
	}
	return one(ve.ErrorKind.LocalizedString(englishPrinter), "value_error")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return "'" + s + "'"
	}
	return jsonText(v)
}

// orList words enum values like pydantic: 'a', 'b' or 'c'.
func orList(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = quoteValue(v)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// applyDefaults runs the service's validators over a config, in place: absent
// properties of objects that are present get their schema default,
// recursively, following $ref and choosing oneOf variants by discriminator.
// Absent optional objects are not created, so a GET shows exactly the layers
// that were sent, each completed. Like pydantic, it also rewrites what was
// written: a number field holds a float (1 becomes 1.0), an integer field an
// int (1.0 becomes 1), a "language" field its tag in canonical case, and a
// voice without voice_id gets its provider's stock voice, which the schema
// does not declare.
func (s *configSchema) applyDefaults(config map[string]any) {
	s.fill(s.doc, config, 0)
}

func (s *configSchema) fill(node map[string]any, v any, depth int) {
	if node == nil || depth > 64 {
		return
	}
	node = s.resolve(node)
	if variant := s.variantFor(node, v); variant != nil {
		s.fill(variant, v, depth+1)
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := node["properties"].(map[string]any)
		for name, p := range props {
			ps, _ := p.(map[string]any)
			if cur, ok := val[name]; ok {
				val[name] = s.coerce(ps, name, cur)
				s.fill(ps, val[name], depth+1)
				continue
			}
			if d, ok := s.defaultOf(ps); ok {
				val[name] = deepCopy(d)
				s.fill(ps, val[name], depth+1)
			}
		}
		if node["title"] == "Voice" && val["voice_id"] == nil {
			if provider, _ := val["provider"].(string); stockVoices[provider] != "" {
				val["voice_id"] = stockVoices[provider]
			}
		}
	case []any:
		if items, ok := node["items"].(map[string]any); ok {
			for i, item := range val {
				val[i] = s.coerce(items, "", item)
				s.fill(items, val[i], depth+1)
			}
		}
	}
}

// coerce is the scalar part of the validators: the stored spelling of one
// value of a property named name.
func (s *configSchema) coerce(node map[string]any, name string, v any) any {
	node = s.resolve(node)
	switch t := v.(type) {
	case json.Number:
		switch node["type"] {
		case "number":
			return asFloat(t)
		case "integer":
			return asInt(t)
		}
	case string:
		if name == "language" && node["type"] == "string" {
			return canonicalLanguage(t)
		}
	}
	return v
}

// resolve follows $ref chains to the referenced definition.
func (s *configSchema) resolve(node map[string]any) map[string]any {
	for range 16 {
		ref, ok := node["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return node
		}
		target := s.pointer(strings.TrimPrefix(ref, "#"))
		if target == nil {
			return node
		}
		node = target
	}
	return node
}

func (s *configSchema) defaultOf(node map[string]any) (any, bool) {
	if node == nil {
		return nil, false
	}
	if d, ok := node["default"]; ok {
		return d, true
	}
	d, ok := s.resolve(node)["default"]
	return d, ok
}

// variantFor picks the oneOf variant a value belongs to: by discriminator tag
// when the node has one, else the only variant it validates against is not
// guessed (none of those variants carry defaults).
func (s *configSchema) variantFor(node map[string]any, v any) map[string]any {
	prop, mapping, _ := discriminatorOf(node)
	obj, ok := v.(map[string]any)
	if prop == "" || !ok {
		return nil
	}
	tag, _ := obj[prop].(string)
	ref, ok := mapping[tag]
	if !ok {
		return nil
	}
	return s.pointer(strings.TrimPrefix(ref, "#"))
}

// eachObject calls fn for every object inside v that the schema describes,
// with the properties the schema declares for it (the discriminated variant's,
// where there is one).
func (s *configSchema) eachObject(node map[string]any, v any, depth int, fn func(props map[string]any, obj map[string]any)) {
	if node == nil || depth > 64 {
		return
	}
	node = s.resolve(node)
	if variant := s.variantFor(node, v); variant != nil {
		s.eachObject(variant, v, depth+1, fn)
		return
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := node["properties"].(map[string]any)
		if props == nil {
			return
		}
		fn(props, val)
		for name, p := range props {
			if cur, ok := val[name]; ok {
				ps, _ := p.(map[string]any)
				s.eachObject(ps, cur, depth+1, fn)
			}
		}
	case []any:
		if items, ok := node["items"].(map[string]any); ok {
			for _, item := range val {
				s.eachObject(items, item, depth+1, fn)
			}
		}
	}
}

// withNulls returns a copy of a stored config in which every property the
// schema declares but the config does not hold is null: how pydantic's
// model_dump writes optional fields whose default is None.
func (s *configSchema) withNulls(config map[string]any) map[string]any {
	out := copyMap(config)
	s.eachObject(s.doc, out, 0, func(props, obj map[string]any) {
		for name := range props {
			if _, ok := obj[name]; !ok {
				obj[name] = nil
			}
		}
	})
	return out
}

// dropNulls removes declared properties set to null from a config, in place:
// a service that writes unset optional fields as null accepts them back.
func (s *configSchema) dropNulls(config map[string]any) {
	s.eachObject(s.doc, config, 0, func(props, obj map[string]any) {
		for name := range props {
			if v, ok := obj[name]; ok && v == nil {
				delete(obj, name)
			}
		}
	})
}
