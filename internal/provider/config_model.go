package provider

import (
	"maps"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// This file holds the rule that decides what a difference between an
// anyreach_agent_version's config and the API's stored config means. It is
// the one place the rule lives; config_model_test.go holds its table tests
// and FuzzRefreshConfig.
//
// The rule:
//
//   - The configuration is the whole desired AgentConfig. What the served
//     AgentConfig JSON Schema declares as a default is implied: writing
//     "speed": 1.0 and leaving speed out mean the same, at every depth
//     (through $ref, the oneOf variant the discriminator picks, and array
//     items). Whitespace, key order, number spelling (1 and 1.0) and string
//     escapes (\u00e9 and é) never matter.
//   - Keys the schema does not declare on an object that does not take
//     extra keys are the service's own, never the user's, so they are never
//     compared. A key whose value is null is an unset optional field, the
//     same as leaving it out (pydantic writes unset fields as null). While generate_instructions is on, the top-level
//     "instructions" belongs to the instruction builder and is not compared.
//   - The service may normalize what it is sent (a language tag's case, 1
//     stored as 1.0) and fill values its schema does not declare (a stock
//     voice). So the config the API answered to the provider's own last write
//     is kept as the baseline (in private state; only its digest when the
//     config plus the schema's defaults is exactly it, since it can then be
//     derived again): a refresh that finds the stored config equal to the
//     baseline finds no drift at all. Only a later
//     change to it is an out-of-band edit.
//   - An out-of-band edit is shown as exactly that edit: state takes the
//     user's config with the changes from the baseline to the stored config
//     carried over key by key (a changed value, an added tool, a removed
//     key), so the plan shows those keys going back and nothing else, and
//     apply restores the configuration.
//   - With no baseline (an import), state takes the stored config without the
//     service's own keys and without values equal to their schema default,
//     which is also what -generate-config-out writes. A configuration whose
//     values plus the schema's defaults equal the stored config then plans
//     no change.
//   - Without the schema (validate_config = false, or the API does not serve
//     it), nothing is implied: a config that leaves out keys the stored config
//     has is compared on the keys it writes only, and the plan says so.

// configShape is what the rule needs from the AgentConfig JSON Schema
// (defaults and declared keys); anyreach-export shares it.
type configShape = configjson.Shape

// configRule applies the rule for one version: the schema's shape (nil when
// the schema is not available) and whether generation owns "instructions".
type configRule struct {
	shape     *configShape
	generated bool
}

// view is a config as the rule compares it.
func (r configRule) view(v any) any {
	out := r.shape.Comparable(v)
	if m, ok := out.(map[string]any); ok && r.generated {
		m = maps.Clone(m)
		delete(m, "instructions")
		return m
	}
	return out
}

// implies reports whether config plus the schema's defaults is exactly the
// stored config, so the stored config need not be kept beside it as the
// baseline: it can be derived again (Shape.Comparable). Never without the
// schema, and never while generation owns the instructions, whose generated
// text is the baseline's alone.
func (r configRule) implies(config string, stored any) bool {
	if r.shape == nil || r.generated || config == "" {
		return false
	}
	cv, err := decodeJSON(config)
	if err != nil {
		return false
	}
	return jsonEqual(r.shape.Comparable(cv), stored)
}

// equivalent reports whether two configs mean the same to the service.
func (r configRule) equivalent(a, b any) bool {
	return jsonEqual(r.view(a), r.view(b))
}

// writtenKeysMatch is the comparison without a schema: the stored config
// projected onto the keys the configuration writes equals the configuration.
func (r configRule) writtenKeysMatch(config, stored any) bool {
	return configjson.Contains(r.view(stored), r.view(config), false)
}

// refreshed decides what state's config holds after a refresh that read
// server, given the config state held (prior, "" after an import) and the
// baseline (nil when none is known). It returns the text for state and the
// baseline to keep.
func (r configRule) refreshed(prior string, baseline, server any) (string, any, error) {
	if prior == "" {
		s, err := encodeJSON(r.shape.Minimal(server))
		return s, server, err
	}
	pv, err := decodeJSON(prior)
	if err != nil {
		s, err := encodeJSON(r.shape.Minimal(server))
		return s, server, err
	}
	if baseline == nil {
		// State written before baselines were kept: adopt the stored config as
		// the baseline if it matches, else show the difference plainly.
		if r.equivalent(pv, server) {
			return prior, server, nil
		}
		s, err := encodeJSON(r.shape.Minimal(server))
		return s, server, err
	}
	if jsonEqual(server, baseline) {
		return prior, baseline, nil
	}
	carried, present := carryChanges(pv, true, baseline, true, server, true)
	if !present {
		carried = map[string]any{}
	}
	if r.equivalent(carried, pv) {
		return prior, baseline, nil
	}
	s, err := encodeJSON(carried)
	return s, baseline, err
}

// carryChanges returns the user's value p with the changes from the
// baseline b to the stored value s carried over: where b and s agree the
// user's value stays (normalization and filled values are not edits), where
// they differ the stored value wins, key by key in objects and element by
// element in arrays. The booleans say whether each value is present.
func carryChanges(p any, pOK bool, b any, bOK bool, s any, sOK bool) (any, bool) {
	if bOK == sOK && (!bOK || jsonEqual(b, s)) {
		return p, pOK
	}
	if !sOK {
		return nil, false
	}
	if !bOK {
		return s, true
	}
	switch sv := s.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return s, true
		}
		pv, ok := p.(map[string]any)
		if !pOK || !ok {
			pv = map[string]any{}
		}
		out := maps.Clone(pv)
		for _, k := range unionKeys(bv, sv) {
			pe, pHas := pv[k]
			be, bHas := bv[k]
			se, sHas := sv[k]
			if v, has := carryChanges(pe, pHas, be, bHas, se, sHas); has {
				out[k] = v
			} else {
				delete(out, k)
			}
		}
		return out, true
	case []any:
		bv, ok := b.([]any)
		pv, pok := p.([]any)
		if !ok || !pOK || !pok {
			return s, true
		}
		out := make([]any, len(sv))
		for i := range sv {
			if i < len(bv) && i < len(pv) {
				out[i], _ = carryChanges(pv[i], true, bv[i], true, sv[i], true)
			} else {
				out[i] = sv[i]
			}
		}
		return out, true
	}
	return s, true
}

// unionKeys lists the keys of two objects, each once.
func unionKeys(a, b map[string]any) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, dup := a[k]; !dup {
			keys = append(keys, k)
		}
	}
	return keys
}
