package configjson

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func mustDecodeObject(t *testing.T, s string) map[string]any {
	t.Helper()
	v, err := Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not an object: %s", s)
	}
	return m
}

// TestNewShapeRefusesSchemasOverTheLimits: a schema whose defaults expand
// without end (a property whose default is an object of its own recursive
// type: legal JSON Schema, and once a stack overflow), or beyond a bound,
// or a document too large or too deep to compile in bounded time, is
// refused with ErrSchemaLimit and an error naming the limit, and the work
// done is bounded by the limits, not by the expansion.
func TestNewShapeRefusesSchemasOverTheLimits(t *testing.T) {
	t.Parallel()
	// 2^20 values once written out, 21 levels deep (within the depth
	// limit, so the count is what refuses it, from whichever default the
	// walk expands first): every level's two properties default to an
	// object of the next level.
	var wide strings.Builder
	wide.WriteString(`{"type":"object","properties":{"x":{"$ref":"#/$defs/L0","default":{}}},"$defs":{`)
	for i := 0; i < 20; i++ {
		if i > 0 {
			wide.WriteString(",")
		}
		fmt.Fprintf(&wide, `"L%d":{"type":"object","properties":{"a":{"$ref":"#/$defs/L%d","default":{}},"b":{"$ref":"#/$defs/L%d","default":{}}}}`, i, i+1, i+1)
	}
	wide.WriteString(`,"L20":{"type":"object"}}}`)
	var chain strings.Builder
	chain.WriteString(`{"type":"object","properties":{"x":{"$ref":"#/$defs/L0","default":{}}},"$defs":{`)
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&chain, `"L%d":{"type":"object","properties":{"a":{"$ref":"#/$defs/L%d","default":{}}}},`, i, i+1)
	}
	chain.WriteString(`"L100":{"type":"object"}}}`)
	var many strings.Builder
	many.WriteString(`{"type":"object","properties":{`)
	for i := 0; i < 100000; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `"p%d":{"type":"string","default":"v"}`, i)
	}
	many.WriteString(`}}`)

	for _, tc := range []struct{ name, schema, want string }{
		{"a default of its own recursive type",
			`{"type":"object","properties":{"node":{"$ref":"#/$defs/Node"}},"$defs":{"Node":{"type":"object",` +
				`"properties":{"child":{"$ref":"#/$defs/Node","default":{}}}}}}`,
			`"#/$defs/Node/properties/child" holds an object of its own type`},
		{"a recursive default through a union",
			`{"type":"object","properties":{"node":{"oneOf":[{"$ref":"#/$defs/Node"}],"default":{"kind":"n"}}},"$defs":{"Node":{"type":"object",` +
				`"properties":{"kind":{"const":"n"},"child":{"oneOf":[{"$ref":"#/$defs/Node"}],"default":{"kind":"n"}}}}}}`,
			"holds an object of its own type"},
		{"defaults that double at each level", wide.String(), "holds more than 10000 values"},
		{"defaults chained 100 levels deep", chain.String(), "nests more than 32 levels deep once its own defaults are filled in"},
		{"100,000 defaulted properties", many.String(), "more than 10000 objects"},
		{"a document 100 levels deep", strings.Repeat(`{"items":`, 100) + `{}` + strings.Repeat(`}`, 100), "more than 64 levels deep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewShape(mustDecodeObject(t, tc.schema))
			if !errors.Is(err, ErrSchemaLimit) {
				t.Fatalf("NewShape = %v, %v; want ErrSchemaLimit", s, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// TestNewShapeMemoryIsBounded: refusing a schema whose defaults would
// expand without end (once about 1 GB of stack) or to 2^40 values
// allocates a few MiB at most. Not parallel: it reads the process's
// allocation counter, which parallel tests would add to.
func TestNewShapeMemoryIsBounded(t *testing.T) {
	var wide strings.Builder
	wide.WriteString(`{"type":"object","properties":{"x":{"$ref":"#/$defs/L0","default":{}}},"$defs":{`)
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&wide, `"L%d":{"type":"object","properties":{"a":{"$ref":"#/$defs/L%d","default":{}},"b":{"$ref":"#/$defs/L%d","default":{}}}},`, i, i+1, i+1)
	}
	wide.WriteString(`"L40":{"type":"object"}}}`)
	for name, schema := range map[string]string{
		"recursive": `{"type":"object","properties":{"node":{"$ref":"#/$defs/Node"}},"$defs":{"Node":{"type":"object",` +
			`"properties":{"child":{"$ref":"#/$defs/Node","default":{}}}}}}`,
		"doubling": wide.String(),
	} {
		root := mustDecodeObject(t, schema)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := NewShape(root)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrSchemaLimit) {
			t.Fatalf("%s: NewShape = %v, want ErrSchemaLimit", name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
			t.Errorf("%s: refusing the schema allocated %d MiB", name, n>>20)
		}
	}
}

// TestNewShapeExpandsEachDefaultOnce: defaults inside defaults are filled
// in, each computed once and shared, and a config is walked in time linear
// in the config: the fills are not walked again.
func TestNewShapeExpandsEachDefaultOnce(t *testing.T) {
	t.Parallel()
	s, err := NewShape(mustDecodeObject(t, `{"type":"object","properties":{
		"voice":{"$ref":"#/$defs/Voice","default":{}},
		"backup":{"$ref":"#/$defs/Voice","default":{"speed":2}}},
		"$defs":{"Voice":{"type":"object","properties":{"speed":{"type":"number","default":1},"style":{"$ref":"#/$defs/Style","default":{}}}},
		"Style":{"type":"object","properties":{"tone":{"type":"string","default":"calm"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Encode(s.Comparable(map[string]any{}))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"backup":{"speed":2,"style":{"tone":"calm"}},"voice":{"speed":1,"style":{"tone":"calm"}}}`
	if got != want {
		t.Errorf("Comparable({})\n got: %s\nwant: %s", got, want)
	}
	if got, _ := Encode(s.Minimal(mustDecodeObject(t, `{"voice":{"speed":1,"style":{"tone":"calm"}},"backup":{"speed":3}}`))); got != `{"backup":{"speed":3}}` {
		t.Errorf("Minimal = %s", got)
	}
	if keys := s.TopLevelKeys(); strings.Join(keys, ",") != "backup,voice" {
		t.Errorf("TopLevelKeys = %v", keys)
	}
}

// TestTopLevelKeysVisitsEachNodeOnce: a union whose variants refer back to
// the root many times over is listed in one visit per node, not one per
// path (100 variants, 16 hops deep, would be 100^16 paths).
func TestTopLevelKeysVisitsEachNodeOnce(t *testing.T) {
	t.Parallel()
	variants := strings.TrimSuffix(strings.Repeat(`{"$ref":"#"},`, 100), ",")
	s, err := NewShape(mustDecodeObject(t, `{"properties":{"a":{}},"oneOf":[`+variants+`,{"properties":{"b":{}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if keys := s.TopLevelKeys(); strings.Join(keys, ",") != "a,b" {
		t.Errorf("TopLevelKeys = %v", keys)
	}
}
