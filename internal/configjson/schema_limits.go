package configjson

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The AgentConfig schema is data from the network, and these bounds keep
// what the provider and the exporter do with it finite and small. A real
// schema is far inside them: the emulator's has about 150 objects, 8 levels
// and defaults of a handful of values.
const (
	// MaxSchemaObjects bounds the objects (schemas and their keywords'
	// objects) of the document. The JSON Schema library's compiler takes
	// time quadratic in this number (about 2 s at 10,000 on a quiet machine,
	// 228 s at 100,000), so it is checked before anything compiles.
	MaxSchemaObjects = 10000
	// MaxSchemaDepth bounds the nesting of the document.
	MaxSchemaDepth = 64
	// MaxDefaultDepth bounds how deep a default nests once its own
	// defaults are filled in, and MaxDefaultValues how many values it then
	// holds (counting every object, array and scalar).
	MaxDefaultDepth  = 32
	MaxDefaultValues = 10000
)

// ErrSchemaLimit is wrapped by every error about a schema over a limit.
var ErrSchemaLimit = errors.New("the AgentConfig schema exceeds a limit")

// schemaLimitError says which limit a schema broke; its text names the
// limit (and never quotes a value of the schema without %q escaping).
func schemaLimitError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSchemaLimit, fmt.Sprintf(format, args...))
}

// dataKeywords hold values, not schemas: their objects are never walked as
// schema nodes.
var dataKeywords = map[string]bool{"default": true, "const": true, "enum": true, "examples": true, "example": true}

// forEachSchemaNode calls f with every object of the document in schema
// position (not inside a default, const, enum or example) and its JSON
// Pointer, without recursion, depth first with an object's keys in sorted
// order: always the same order, so the same schema is always refused for
// the same limit.
func forEachSchemaNode(root map[string]any, f func(node map[string]any, pointer string)) {
	type item struct {
		v       any
		pointer string
	}
	stack := []item{{root, ""}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x := it.v.(type) {
		case map[string]any:
			f(x, it.pointer)
			keys := slices.Sorted(maps.Keys(x))
			for i := len(keys) - 1; i >= 0; i-- { // pushed last to first, so visited first to last
				if k := keys[i]; !dataKeywords[k] {
					stack = append(stack, item{x[k], it.pointer + "/" + escapePointer(k)})
				}
			}
		case []any:
			for i := len(x) - 1; i >= 0; i-- {
				stack = append(stack, item{x[i], fmt.Sprintf("%s/%d", it.pointer, i)})
			}
		}
	}
}

func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// checkSchemaSize refuses a document with more than MaxSchemaObjects
// objects or more than MaxSchemaDepth levels, counting without recursion
// and stopping at the first limit.
func checkSchemaSize(root map[string]any) error {
	type item struct {
		v     any
		depth int
	}
	objects := 0
	stack := []item{{root, 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth > MaxSchemaDepth {
			return schemaLimitError("it nests more than %d levels deep", MaxSchemaDepth)
		}
		switch x := it.v.(type) {
		case map[string]any:
			if objects++; objects > MaxSchemaObjects {
				return schemaLimitError("it has more than %d objects; the provider compiles at most %d", MaxSchemaObjects, MaxSchemaObjects)
			}
			for _, e := range x {
				stack = append(stack, item{e, it.depth + 1})
			}
		case []any:
			for _, e := range x {
				stack = append(stack, item{e, it.depth + 1})
			}
		}
	}
	return nil
}

// expandDefaults computes, once for each schema node that declares a
// default, that default with its nested defaults filled in (what
// Shape.Comparable adds for a missing key). Each is computed once and then
// shared, so the work is linear in the schema; a default that holds an
// object of its own type taking the same default (legal JSON Schema, and an
// expansion without end) is refused, and so is one that expands beyond
// MaxDefaultDepth levels or MaxDefaultValues values.
func expandDefaults(c *Shape) (map[uintptr]any, error) {
	const (
		pending = iota + 1
		done
	)
	state := map[uintptr]int{}
	memo := map[uintptr]any{}
	pointers := map[uintptr]string{}
	m := newMeasure()
	var firstErr error
	nesting := 0 // defaults being expanded, each inside the one before
	var fill defaults
	fill = func(node map[string]any) (any, bool) {
		if node == nil || firstErr != nil {
			return nil, false
		}
		key := nodeKey(node)
		switch state[key] {
		case done:
			v, ok := memo[key]
			return v, ok
		case pending:
			firstErr = schemaLimitError("the default at %q holds an object of its own type that takes the same default, "+
				"so filling in defaults never ends (defaults may nest at most %d levels)", "#"+pointers[key], MaxDefaultDepth)
			return nil, false
		}
		d, ok := c.defaultOf(node)
		if !ok {
			state[key] = done
			return nil, false
		}
		// Each default expanded inside another adds a level to its value.
		if nesting++; nesting > MaxDefaultDepth {
			firstErr = schemaLimitError("the default at %q nests more than %d levels deep once its own defaults are filled in",
				"#"+pointers[key], MaxDefaultDepth)
			return nil, false
		}
		state[key] = pending
		v := c.comparableWith(d, node, fill)
		state[key] = done
		nesting--
		if firstErr != nil {
			return nil, false
		}
		if values, depth := m.of(v); depth > MaxDefaultDepth {
			firstErr = schemaLimitError("the default at %q nests more than %d levels deep once its own defaults are filled in",
				"#"+pointers[key], MaxDefaultDepth)
		} else if values > MaxDefaultValues {
			firstErr = schemaLimitError("the default at %q holds more than %d values once its own defaults are filled in",
				"#"+pointers[key], MaxDefaultValues)
		}
		memo[key] = v
		return v, true
	}
	var nodes []map[string]any
	forEachSchemaNode(c.root, func(node map[string]any, pointer string) {
		pointers[nodeKey(node)] = pointer
		nodes = append(nodes, node)
	})
	for _, node := range nodes {
		if fill(node); firstErr != nil {
			return nil, firstErr
		}
	}
	return memo, nil
}

// measure counts the values of a decoded JSON value and its depth. Filled
// defaults share subtrees (one object may be reached many times), so each
// object's counts are remembered: the work stays linear in the distinct
// objects while the counts are those of the value written out in full.
type measure struct {
	objects map[uintptr][2]int
}

func newMeasure() *measure { return &measure{objects: map[uintptr][2]int{}} }

// of returns the number of values of v and its depth, both capped so a
// count cannot overflow.
func (m *measure) of(v any) (values, depth int) {
	switch x := v.(type) {
	case map[string]any:
		key := nodeKey(x)
		if r, ok := m.objects[key]; ok {
			return r[0], r[1]
		}
		values, depth = 1, 1
		for _, e := range x {
			n, d := m.of(e)
			values = min(values+n, MaxDefaultValues+1)
			depth = max(depth, min(d+1, MaxDefaultDepth+1))
		}
		m.objects[key] = [2]int{values, depth}
		return values, depth
	case []any:
		values, depth = 1, 1
		for _, e := range x {
			n, d := m.of(e)
			values = min(values+n, MaxDefaultValues+1)
			depth = max(depth, min(d+1, MaxDefaultDepth+1))
		}
		return values, depth
	}
	return 1, 0
}
