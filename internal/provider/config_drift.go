package provider

import (
	"fmt"
	"maps"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// This file holds the rule that decides what a difference between an
// anyreach_agent_version's config and the API's stored config means. It is
// the one place the rule lives, and configRule.decide is its one entry point
// (Read, Create, Update and ModifyPlan call it); config_drift_test.go holds
// its table tests and FuzzRefreshConfig. The baseline it keeps is recorded
// in private state by config_baseline_private.go.
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
//     compared. A property the schema declares on a model whose value is
//     null is an unset optional field, the same as leaving it out (pydantic
//     writes unset fields as null). Everywhere else (inside a free-form
//     object such as a tool's JSON Schema or a workflow definition, or
//     anywhere when no schema is known) null is data: kept, compared and
//     shown like any other value. While generate_instructions is on, the
//     top-level "instructions" belongs to the instruction builder and is not
//     compared.
//   - The service may normalize what it is sent (a language tag's case, 1
//     stored as 1.0) and fill values its schema does not declare (a stock
//     voice). So the config the API answered to the provider's own last write
//     is kept as the baseline: a refresh that finds the stored config equal
//     to the baseline finds no drift at all. Only a later change to it is an
//     out-of-band edit.
//   - An out-of-band edit is shown as exactly that edit: state takes the
//     user's config with the changes from the baseline to the stored config
//     carried over key by key (a changed value, an added tool, a removed
//     key), so the plan shows those keys going back and nothing else, and
//     apply restores the configuration.
//   - With no baseline of a write (an import), state takes the stored config
//     without the service's own keys and without values equal to their
//     schema default, which is also what -generate-config-out writes, and
//     that answer becomes an adopted baseline. A configuration whose values
//     plus the schema's defaults equal it plans no change. One that differs
//     only where the service could have filled or normalized what was sent
//     (a key the configuration leaves out, a string differing in case) is
//     not a change either: the provider cannot tell a fill from an edit
//     there, so it keeps the version (a published one is never replaced for
//     it) and says so in a warning naming the keys. Any other difference is
//     a change.
//   - Without the schema (validate_config = false, or the API does not serve
//     it), nothing is implied: a config that leaves out keys the stored config
//     has is compared on the keys it writes only, and the plan says so.

// configRule applies the rule for one version: the schema's shape (loaded
// on first use by load; nil when the schema is not available) and whether
// generation owns "instructions".
type configRule struct {
	shape     *configjson.Shape
	load      func() *configjson.Shape
	generated bool
}

// schema returns the shape, loading it once.
func (r *configRule) schema() *configjson.Shape {
	if r.shape == nil && r.load != nil {
		r.shape = r.load()
		r.load = nil
	}
	return r.shape
}

// driftQuestion is what the rule is asked.
type driftQuestion int

const (
	// driftRefresh: what state's config is after a read found Server.
	driftRefresh driftQuestion = iota
	// driftWrite: what state's config is after the API answered Server to
	// the provider's own write of Planned ("" when a copy of base_version
	// was created without a config).
	driftWrite
	// driftPlan: whether Planned is a change from Prior.
	driftPlan
)

// driftQuery is one question to the rule.
type driftQuery struct {
	Question driftQuestion
	Prior    string          // config text in state ("" after an import)
	Planned  string          // config text in the plan (driftWrite, driftPlan)
	Server   any             // stored config the API answered (driftRefresh, driftWrite)
	Baseline *configBaseline // the recorded baseline, nil when none
}

// driftAnswer is the rule's answer.
type driftAnswer struct {
	Config   string          // config text for state (or the plan)
	Baseline *configBaseline // the baseline to record with Config
	Changed  bool            // driftPlan: config changes
	// Unsure lists the keys (driftPlan) whose difference may be the
	// service's fill or normalization of an adopted config: not a change.
	Unsure []string
	// WrittenKeysOnly (driftPlan) says the schema was not available, so the
	// comparison was on the keys the configuration writes.
	WrittenKeysOnly bool
	// Unchecked (driftRefresh) says the stored config differs from the
	// baseline and the schema needed to compare them was not available:
	// state was left as it was.
	Unchecked bool
}

// decide answers a question about a version's config: the one entry point
// of the drift rule.
func (r *configRule) decide(q driftQuery) (driftAnswer, error) {
	switch q.Question {
	case driftWrite:
		if q.Planned == "" {
			s, err := configjson.Encode(r.schema().Minimal(q.Server))
			return driftAnswer{Config: s, Baseline: r.baselineOf(q.Server, true)}, err
		}
		return driftAnswer{Config: q.Planned, Baseline: r.baselineOf(q.Server, false)}, nil
	case driftPlan:
		return r.planned(q.Prior, q.Planned, q.Baseline)
	}
	var baseline any
	adopted := q.Prior == ""
	if q.Baseline != nil {
		if q.Baseline.value != nil && (q.Baseline.answer != "" && answerDigest(q.Server) == q.Baseline.answer ||
			configjson.Equal(q.Server, q.Baseline.value)) {
			// The API answers what it answered when the baseline was taken
			// (the common refresh): nothing changed, and no schema is needed
			// to say so.
			return driftAnswer{Config: q.Prior, Baseline: q.Baseline}, nil
		}
		if q.Baseline.held && r.schema() == nil {
			// The baseline leaves out what the schema implies, and the schema
			// cannot be had now: keep state as it is and say so, rather than
			// show every implied value as drift.
			return driftAnswer{Config: q.Prior, Baseline: q.Baseline, Unchecked: true}, nil
		}
		baseline, adopted = r.held(q.Baseline.value), adopted || q.Baseline.adopted
	}
	cfg, next, err := r.refreshed(q.Prior, baseline, r.held(q.Server))
	if cfg != q.Prior && (baseline == nil || q.Prior == "") {
		adopted = true // taken from the service, not written by the user
	}
	if q.Baseline != nil && cfg == q.Prior && configjson.Equal(next, baseline) {
		return driftAnswer{Config: cfg, Baseline: q.Baseline}, err // the record stays byte for byte
	}
	return driftAnswer{Config: cfg, Baseline: &configBaseline{value: next, adopted: adopted, held: r.schema() != nil, answer: answerDigest(q.Server)}}, err
}

// held is a stored config as the baseline keeps it: without what the rule
// treats as absent (the service's own keys, declared fields left null and
// values equal to their schema default), so private state holds what the
// service filled or normalized beyond the schema, not every implied value
// again. Without a schema it is the stored config as it is.
func (r *configRule) held(server any) any {
	return r.schema().Minimal(server)
}

// baselineOf is the baseline for the API's answer server.
func (r *configRule) baselineOf(server any, adopted bool) *configBaseline {
	return &configBaseline{value: r.held(server), adopted: adopted, held: r.schema() != nil, answer: answerDigest(server)}
}

// planned decides whether the planned config changes the one in state.
func (r *configRule) planned(prior, planned string, baseline *configBaseline) (driftAnswer, error) {
	keep := driftAnswer{Config: prior, Baseline: baseline}
	if planned == prior || prior == "" || planned == "" {
		keep.Changed = prior != planned && prior != "" && planned != ""
		return keep, nil
	}
	wanted, err := configjson.Decode(planned)
	if err != nil {
		// Not an error here: the attribute's validator reports malformed JSON.
		return driftAnswer{Config: planned, Changed: true}, nil //nolint:nilerr // reported by the validator
	}
	stored, err := configjson.Decode(prior)
	if err != nil {
		return driftAnswer{Config: planned, Changed: true}, nil //nolint:nilerr // state that is not JSON is replaced by the plan
	}
	if r.equivalent(wanted, stored) {
		return keep, nil
	}
	if r.schema() == nil {
		if r.writtenKeysMatch(wanted, stored) {
			keep.WrittenKeysOnly = true
			return keep, nil
		}
		return driftAnswer{Config: planned, Changed: true}, nil
	}
	if baseline != nil && baseline.adopted {
		if keys, onlyFills := fillsOnly(r.view(wanted), r.view(stored), ""); onlyFills {
			keep.Unsure = keys
			return keep, nil
		}
	}
	return driftAnswer{Config: planned, Changed: true}, nil
}

// view is a config as the rule compares it.
func (r *configRule) view(v any) any {
	out := r.schema().Comparable(v)
	if m, ok := out.(map[string]any); ok && r.generated {
		m = maps.Clone(m)
		delete(m, "instructions")
		return m
	}
	return out
}

// equivalent reports whether two configs mean the same to the service.
func (r *configRule) equivalent(a, b any) bool {
	return configjson.Equal(r.view(a), r.view(b))
}

// writtenKeysMatch is the comparison without a schema: the stored config
// projected onto the keys the configuration writes equals the configuration.
func (r *configRule) writtenKeysMatch(config, stored any) bool {
	return configjson.Contains(r.view(stored), r.view(config), false)
}

// fillsOnly compares a wanted config with an adopted stored one (both as the
// rule views them) and reports whether every difference is one the service
// could have made to what was sent: a key the wanted config leaves out
// (filled), or a string that differs only in case (normalized). It returns
// those keys' paths.
func fillsOnly(wanted, stored any, at string) ([]string, bool) {
	if configjson.Equal(wanted, stored) {
		return nil, true
	}
	switch s := stored.(type) {
	case map[string]any:
		w, ok := wanted.(map[string]any)
		if !ok {
			return nil, false
		}
		var keys []string
		for _, k := range sortedKeys(w) {
			sv, has := s[k]
			if !has {
				return nil, false // written, but not held: an edit
			}
			sub, ok := fillsOnly(w[k], sv, joinPath(at, k))
			if !ok {
				return nil, false
			}
			keys = append(keys, sub...)
		}
		for _, k := range sortedKeys(s) {
			if _, has := w[k]; !has {
				if s[k] == nil {
					return nil, false // a null left in the view is data, never a fill
				}
				keys = append(keys, joinPath(at, k))
			}
		}
		return keys, true
	case []any:
		w, ok := wanted.([]any)
		if !ok || len(w) != len(s) {
			return nil, false
		}
		var keys []string
		for i := range s {
			sub, ok := fillsOnly(w[i], s[i], fmt.Sprintf("%s[%d]", at, i))
			if !ok {
				return nil, false
			}
			keys = append(keys, sub...)
		}
		return keys, true
	case string:
		if w, ok := wanted.(string); ok && strings.EqualFold(w, s) {
			return []string{at}, true
		}
	}
	return nil, false
}

// joinPath appends an object key to a path written a.b[0].c.
func joinPath(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// refreshed decides what state's config holds after a refresh that read
// server, given the config state held (prior, "" after an import) and the
// baseline (nil when none is known). It returns the text for state and the
// baseline to keep.
func (r *configRule) refreshed(prior string, baseline, server any) (string, any, error) {
	if prior == "" {
		s, err := configjson.Encode(r.schema().Minimal(server))
		return s, server, err
	}
	if baseline != nil && configjson.Equal(server, baseline) {
		return prior, baseline, nil
	}
	pv, err := configjson.Decode(prior)
	if err != nil {
		s, err := configjson.Encode(r.schema().Minimal(server))
		return s, server, err
	}
	if baseline == nil {
		// State written before baselines were kept: adopt the stored config as
		// the baseline if it matches, else show the difference plainly.
		if r.equivalent(pv, server) {
			return prior, server, nil
		}
		s, err := configjson.Encode(r.schema().Minimal(server))
		return s, server, err
	}
	carried, present := carryChanges(pv, true, baseline, true, server, true)
	if !present {
		carried = map[string]any{}
	}
	if r.equivalent(carried, pv) {
		return prior, baseline, nil
	}
	s, err := configjson.Encode(carried)
	return s, baseline, err
}

// carryChanges returns the user's value p with the changes from the
// baseline b to the stored value s carried over: where b and s agree the
// user's value stays (normalization and filled values are not edits), where
// they differ the stored value wins, key by key in objects and element by
// element in arrays. The booleans say whether each value is present.
func carryChanges(p any, pOK bool, b any, bOK bool, s any, sOK bool) (any, bool) {
	if bOK == sOK && (!bOK || configjson.Equal(b, s)) {
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
