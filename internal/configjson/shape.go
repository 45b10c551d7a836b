package configjson

import (
	"reflect"
	"sort"
	"strings"
)

// Shape is what a config's meaning depends on in the AgentConfig JSON
// Schema: defaults and declared keys, found by walking the schema document
// through $ref, the oneOf/anyOf variant a discriminator picks, and array
// items. A nil *Shape stands for "no schema": nothing is implied then.
// It is the one walker of the schema document in the project: the
// provider's list of top-level keys (TopLevelKeys) and the drift rule's
// defaults both go through it, under the same bounds (schema_limits.go).
type Shape struct {
	root map[string]any // the schema document, numbers kept exact (Decode)
	// filled holds, for every schema node that declares a default, that
	// default with its own nested defaults filled in; NewShape computes
	// them all once, under the limits, so a walk never expands a default.
	filled map[uintptr]any
}

// NewShape returns the shape of a schema document decoded with Decode. The
// document is data from the network: one over the limits of
// schema_limits.go (its size, its nesting, or defaults that expand without
// end or beyond a bound) is refused with an error that wraps
// ErrSchemaLimit and names the limit.
func NewShape(schema map[string]any) (*Shape, error) {
	if err := checkSchemaSize(schema); err != nil {
		return nil, err
	}
	c := &Shape{root: schema}
	filled, err := expandDefaults(c)
	if err != nil {
		return nil, err
	}
	c.filled = filled
	return c, nil
}

// nodeKey identifies a schema node (a map of the document) by identity.
func nodeKey(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// TopLevelKeys lists the property names an AgentConfig may have at its top
// level, following $ref into $defs and every variant of a union
// (oneOf/anyOf/allOf). Each node is visited once.
func (c *Shape) TopLevelKeys() []string {
	if c == nil {
		return nil
	}
	seen, visited := map[string]bool{}, map[uintptr]bool{}
	var visit func(node map[string]any, hops int)
	visit = func(node map[string]any, hops int) {
		if node == nil || hops > maxSchemaHops || visited[nodeKey(node)] {
			return
		}
		visited[nodeKey(node)] = true
		if ref, ok := node["$ref"].(string); ok {
			visit(ResolveLocalRef(c.root, ref), hops+1)
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for k := range props {
				seen[k] = true
			}
		}
		for _, key := range []string{"oneOf", "anyOf", "allOf"} {
			for _, v := range schemaList(node, key) {
				visit(v, hops+1)
			}
		}
	}
	visit(c.root, 0)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Comparable is the config v as it is compared: the schema's defaults filled
// in wherever v has an object, the service's own keys (those the schema does
// not declare on an object that takes no extra keys) and unset declared
// fields left out. A null is left out only where the schema declares the property on a
// model; elsewhere (free-form objects, or no schema at all) null is data.
func (c *Shape) Comparable(v any) any { return c.comparable(v, c.rootNode()) }

// Minimal is the config v without the service's own keys, unset declared
// fields (null) and values equal to their schema default: what the provider's import writes to
// state and -generate-config-out writes, and what anyreach-export writes to
// a config file. Without a schema (nil) it returns v as it is.
func (c *Shape) Minimal(v any) any { return c.minimal(v, c.rootNode()) }

func (c *Shape) rootNode() map[string]any {
	if c == nil {
		return nil
	}
	return c.root
}

// maxSchemaHops bounds $ref and union resolution, so a schema that refers to
// itself in a cycle cannot hang the walk.
const maxSchemaHops = 16

// resolve follows $ref chains inside the document.
func (c Shape) resolve(node map[string]any) map[string]any {
	for i := 0; node != nil && i < maxSchemaHops; i++ {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		node = ResolveLocalRef(c.root, ref)
	}
	return node
}

// objectNode returns the schema that governs the object value v at node:
// the node itself, or the oneOf/anyOf variant v's discriminator (or its const
// properties) selects. nil when no single variant can be told.
func (c Shape) objectNode(node map[string]any, v map[string]any) map[string]any {
	for i := 0; node != nil && i < maxSchemaHops; i++ {
		node = c.resolve(node)
		if node == nil {
			return nil
		}
		variants := schemaList(node, "oneOf")
		if len(variants) == 0 {
			variants = schemaList(node, "anyOf")
		}
		if len(variants) == 0 {
			return node
		}
		next := c.pickVariant(node, variants, v)
		if next == nil {
			return nil
		}
		node = next
	}
	return nil
}

// pickVariant selects the union member for v: by the discriminator mapping
// when there is one, else the only member whose const properties all match.
func (c Shape) pickVariant(node map[string]any, variants []map[string]any, v map[string]any) map[string]any {
	if d, ok := node["discriminator"].(map[string]any); ok {
		prop, _ := d["propertyName"].(string)
		val, _ := v[prop].(string)
		if mapping, ok := d["mapping"].(map[string]any); ok {
			if ref, ok := mapping[val].(string); ok {
				return ResolveLocalRef(c.root, ref)
			}
		}
	}
	var found map[string]any
	for _, variant := range variants {
		r := c.resolve(variant)
		props, _ := r["properties"].(map[string]any)
		matches, constrained := true, false
		for name, p := range props {
			pm, _ := p.(map[string]any)
			want, has := c.resolve(pm)["const"]
			if !has {
				continue
			}
			constrained = true
			if got, ok := v[name]; !ok || !Equal(got, want) {
				matches = false
			}
		}
		if constrained && matches {
			if found != nil {
				return nil
			}
			found = r
		}
	}
	return found
}

// property returns the schema of key k of an object governed by node, and
// whether k is the user's to write: declared, or allowed as an extra key.
func (c *Shape) property(node map[string]any, k string) (map[string]any, bool) {
	if c == nil || node == nil {
		return nil, true
	}
	props, hasProps := node["properties"].(map[string]any)
	if p, ok := props[k].(map[string]any); ok {
		return p, true
	}
	switch extra := node["additionalProperties"].(type) {
	case bool:
		return nil, extra
	case map[string]any:
		return extra, true
	}
	// No additionalProperties: a free-form object (no properties either)
	// holds data; a model's extra keys are dropped by the service.
	return nil, !hasProps
}

// declared reports whether the model schema obj declares property k: only
// there does null mean "not set". In a free-form object (a tool's JSON
// Schema, workflow inputs, an object whose schema declares no properties, or
// any object when no schema is known) null is data and is kept.
func declared(obj map[string]any, k string) bool {
	props, _ := obj["properties"].(map[string]any)
	_, ok := props[k]
	return ok
}

// items returns the schema of an array's elements at node.
func (c Shape) items(node map[string]any) map[string]any {
	node = c.resolve(node)
	if node == nil {
		return nil
	}
	it, _ := node["items"].(map[string]any)
	return it
}

// filledDefault returns the default the schema declares at node with its
// nested defaults filled in, as NewShape computed it.
func (c *Shape) filledDefault(node map[string]any) (any, bool) {
	if c == nil || node == nil {
		return nil, false
	}
	d, ok := c.filled[nodeKey(node)]
	return d, ok
}

// defaultOf returns the default the schema declares at node.
func (c *Shape) defaultOf(node map[string]any) (any, bool) {
	if c == nil || node == nil {
		return nil, false
	}
	if d, ok := node["default"]; ok {
		return d, true
	}
	d, ok := c.resolve(node)["default"]
	return d, ok
}

// comparable is v as the rule compares it: the schema's defaults filled in
// wherever v has an object, the service's own keys and unset declared fields
// left out. A nil shape returns v as it is.
func (c *Shape) comparable(v any, node map[string]any) any {
	return c.comparableWith(v, node, c.filledDefault)
}

// comparableWith is comparable taking each missing key's default from fill.
func (c *Shape) comparableWith(v any, node map[string]any, fill defaults) any {
	return c.walk(v, node, func(e any, p map[string]any) (any, bool) { return c.comparableWith(e, p, fill), true }, fill)
}

// defaults returns the default of a property schema, its nested defaults
// filled in; a Shape's walks read them from filledDefault, and NewShape
// computes them through expandDefaults.
type defaults func(node map[string]any) (any, bool)

// minimal is v without the service's own keys, unset declared fields and values equal
// to their schema default: what an import writes to state.
func (c *Shape) minimal(v any, node map[string]any) any {
	return c.walk(v, node, func(e any, p map[string]any) (any, bool) {
		if d, ok := c.filledDefault(p); ok && Equal(c.comparable(e, p), d) {
			return nil, false
		}
		return c.minimal(e, p), true
	}, nil)
}

// walk rebuilds v under the schema node governing it: in each object, every
// key that is the user's (declared and not null, or allowed as an extra key)
// goes through value, which returns what to keep and whether to keep the key,
// and with fill (non-nil) every declared default the object lacks is added;
// array elements are walked under the items schema. Scalars are returned as
// they are. The recursion follows v only: a default is never walked here.
func (c *Shape) walk(v any, node map[string]any, value func(e any, p map[string]any) (any, bool), fill defaults) any {
	switch x := v.(type) {
	case map[string]any:
		var obj map[string]any
		if c != nil {
			obj = c.objectNode(node, x)
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			p, mine := c.property(obj, k)
			if !mine || (e == nil && declared(obj, k)) {
				// The service's own key, or a declared optional field left
				// unset (pydantic writes it as null): the same as leaving it out.
				continue
			}
			if kept, ok := value(e, p); ok {
				out[k] = kept
			}
		}
		if fill != nil && obj != nil {
			props, _ := obj["properties"].(map[string]any)
			for k, p := range props {
				if _, set := out[k]; set {
					continue
				}
				pm, _ := p.(map[string]any)
				if d, ok := fill(pm); ok {
					out[k] = d
				}
			}
		}
		return out
	case []any:
		var it map[string]any
		if c != nil {
			it = c.items(node)
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = c.walk(e, it, value, fill)
		}
		return out
	}
	return v
}

// schemaList returns the object members of a schema keyword's array.
func schemaList(node map[string]any, key string) []map[string]any {
	raw, _ := node[key].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, e := range raw {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// ResolveLocalRef follows a "#/$defs/Name"-style reference inside the document.
func ResolveLocalRef(root map[string]any, ref string) map[string]any {
	if len(ref) < 2 || ref[:2] != "#/" {
		return nil
	}
	var node any = root
	for _, part := range splitPointer(ref[2:]) {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		node = m[part]
	}
	m, _ := node.(map[string]any)
	return m
}

// splitPointer splits a JSON Pointer (RFC 6901) body into unescaped tokens.
func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}
