package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// This file is the private-state record of anyreach_agent_version's config
// baseline: the config the API answered to the provider's last write, or to
// the read that imported the version (config_drift.go says what it is for).
// It is kept as a patch from the config text in state to that answer, so a
// version's private state holds only what the service filled or normalized
// (typically a few defaults), never the config a second time.

// privateState is the framework's private state of a resource, as requests
// and responses carry it.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateReader is the read half of privateState (ModifyPlan's request).
type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// configBaseline is the service's answer the config in state is compared
// with. adopted marks a baseline taken from a read (an import) rather than
// from a write of the user's config: the rule cannot then tell a value the
// service filled or normalized from an edit.
type configBaseline struct {
	value   any
	adopted bool
	// held marks a value kept as the rule holds it (configRule.held): what
	// the schema implies left out, so comparing it needs the schema.
	held bool
	// answer is the SHA-256 of the API's whole answer when this record was
	// written ("" when not known). A refresh that reads that same answer
	// again (the common case) would decide nothing new, so it knows so
	// without the schema: a no-change plan fetches no schema, and a schema
	// outage does not stop it from saying nothing changed.
	answer string
}

// answerDigest is the digest configBaseline.answer holds for a stored config.
func answerDigest(server any) string {
	text, err := configjson.Encode(server)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// same reports whether two baselines say the same (nil for none).
func (b *configBaseline) same(o *configBaseline) bool {
	if b == nil || o == nil {
		return b == o
	}
	return b.adopted == o.adopted && b.held == o.held && b.answer == o.answer && (b.value == nil) == (o.value == nil) && configjson.Equal(b.value, o.value)
}

const (
	// baselineKey holds the baseline as a patch (baselineRecord).
	baselineKey = "config_baseline"
	// legacyBaselineKey held it before 0.x: the whole stored config, or a
	// "sha256:" digest of it when the config plus the schema's defaults was it.
	legacyBaselineKey = "stored_config"
)

// baselineRecord is the JSON kept under baselineKey.
type baselineRecord struct {
	Patch   []patchOp `json:"patch"`
	Adopted bool      `json:"adopted,omitempty"`
	Held    bool      `json:"held,omitempty"`
	Answer  string    `json:"answer,omitempty"`
}

// patchOp sets the value at a path (keys and array indexes) or deletes it.
type patchOp struct {
	Path   []any `json:"p"`
	Value  any   `json:"v,omitempty"`
	Delete bool  `json:"d,omitempty"`
}

// getConfigBaseline returns the baseline of the config text in state, or nil
// when none is known. shape is needed only to read a record written before
// the patch form (a digest stood for "config plus the schema's defaults").
func getConfigBaseline(ctx context.Context, private privateReader, config string, shape func() *configjson.Shape) *configBaseline {
	if private == nil || config == "" {
		return nil
	}
	base, err := configjson.Decode(config)
	if err != nil {
		return nil
	}
	if raw, diags := private.GetKey(ctx, baselineKey); !diags.HasError() && len(raw) > 0 {
		var rec baselineRecord
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if dec.Decode(&rec) != nil {
			return nil
		}
		v, ok := applyPatch(base, rec.Patch)
		if !ok {
			return nil
		}
		return &configBaseline{value: v, adopted: rec.Adopted, held: rec.Held, answer: rec.Answer}
	}
	return legacyConfigBaseline(ctx, private, base, shape)
}

// legacyConfigBaseline reads the record of an older provider: the stored
// config whole, or its digest, which stands for the config plus the
// schema's defaults only when that is what it digests.
func legacyConfigBaseline(ctx context.Context, private privateReader, config any, shape func() *configjson.Shape) *configBaseline {
	raw, diags := private.GetKey(ctx, legacyBaselineKey)
	if diags.HasError() || len(raw) == 0 {
		return nil
	}
	v, err := configjson.Decode(string(raw))
	if err != nil {
		return nil
	}
	d, isDigest := v.(string)
	if !isDigest || !strings.HasPrefix(d, "sha256:") {
		return &configBaseline{value: v}
	}
	s := shape()
	if s == nil {
		return nil
	}
	derived := s.Comparable(config)
	text, err := configjson.Encode(derived)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256([]byte(text))
	if "sha256:"+hex.EncodeToString(sum[:]) != d {
		return nil
	}
	return &configBaseline{value: derived}
}

// setConfigBaseline records b as the baseline of the config text in state;
// nil removes it. Call it whenever state's config text is set.
func setConfigBaseline(ctx context.Context, private privateState, config string, b *configBaseline) diag.Diagnostics {
	if private == nil {
		return nil
	}
	var diags diag.Diagnostics
	diags.Append(private.SetKey(ctx, legacyBaselineKey, nil)...)
	base, err := configjson.Decode(config)
	if b == nil || b.value == nil || config == "" || err != nil {
		diags.Append(private.SetKey(ctx, baselineKey, nil)...)
		return diags
	}
	rec := baselineRecord{Patch: diffJSON(base, b.value, nil, nil), Adopted: b.adopted, Held: b.held, Answer: b.answer}
	if rec.Patch == nil {
		rec.Patch = []patchOp{}
	}
	text, err := configjson.Encode(rec)
	if err != nil {
		diags.AddError("Unexpected config from the API", err.Error())
		return diags
	}
	diags.Append(private.SetKey(ctx, baselineKey, []byte(text))...)
	return diags
}

// diffJSON appends to ops what turns from into to: objects key by key,
// arrays of the same length element by element, anything else whole.
func diffJSON(from, to any, path []any, ops []patchOp) []patchOp {
	if configjson.Equal(from, to) && (from == nil) == (to == nil) {
		return ops
	}
	at := func(k any) []any { return append(append([]any{}, path...), k) }
	switch t := to.(type) {
	case map[string]any:
		if f, ok := from.(map[string]any); ok {
			for _, k := range sortedKeys(t) {
				if fv, has := f[k]; has {
					ops = diffJSON(fv, t[k], at(k), ops)
				} else {
					ops = append(ops, patchOp{Path: at(k), Value: t[k]})
				}
			}
			for _, k := range sortedKeys(f) {
				if _, has := t[k]; !has {
					ops = append(ops, patchOp{Path: at(k), Delete: true})
				}
			}
			return ops
		}
	case []any:
		if f, ok := from.([]any); ok && len(f) == len(t) {
			for i := range t {
				ops = diffJSON(f[i], t[i], at(i), ops)
			}
			return ops
		}
	}
	return append(ops, patchOp{Path: path, Value: to})
}

// applyPatch applies ops to v (which it may change); false when an op does
// not fit v, so the record belongs to another config text.
func applyPatch(v any, ops []patchOp) (any, bool) {
	for _, op := range ops {
		if len(op.Path) == 0 {
			if op.Delete {
				return nil, false
			}
			v = op.Value
			continue
		}
		parent := v
		for _, k := range op.Path[:len(op.Path)-1] {
			next, ok := child(parent, k)
			if !ok {
				return nil, false
			}
			parent = next
		}
		last := op.Path[len(op.Path)-1]
		switch p := parent.(type) {
		case map[string]any:
			k, ok := last.(string)
			if !ok {
				return nil, false
			}
			if op.Delete {
				delete(p, k)
			} else {
				p[k] = op.Value
			}
		case []any:
			i, ok := index(last, len(p))
			if !ok || op.Delete {
				return nil, false
			}
			p[i] = op.Value
		default:
			return nil, false
		}
	}
	return v, true
}

// child returns the element of an object or array at a path token.
func child(v any, k any) (any, bool) {
	switch p := v.(type) {
	case map[string]any:
		s, ok := k.(string)
		if !ok {
			return nil, false
		}
		e, has := p[s]
		return e, has
	case []any:
		i, ok := index(k, len(p))
		if !ok {
			return nil, false
		}
		return p[i], true
	}
	return nil, false
}

// index reads an array index path token (a number once decoded).
func index(k any, n int) (int, bool) {
	var i int
	switch x := k.(type) {
	case int:
		i = x
	case json.Number:
		v, err := strconv.Atoi(string(x))
		if err != nil {
			return 0, false
		}
		i = v
	default:
		return 0, false
	}
	return i, i >= 0 && i < n
}
