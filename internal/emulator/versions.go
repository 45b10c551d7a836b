package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Instruction generation states.
const (
	statusIdle       = "idle"
	statusGenerating = "generating"
	statusCompleted  = "completed"
	statusFailed     = "failed"
)

// versionView is the version object of the contract (section 4).
type versionView struct {
	AgentID                    string         `json:"agent_id"`
	Version                    int            `json:"version"`
	VersionID                  string         `json:"version_id"`
	Published                  bool           `json:"published"`
	PublishedAt                *string        `json:"published_at"`
	Config                     map[string]any `json:"config"`
	InstructionBuilderInputs   map[string]any `json:"instruction_builder_inputs"`
	InstructionsStatus         string         `json:"instructions_status"`
	InstructionsDirty          bool           `json:"instructions_dirty"`
	InstructionsManuallyEdited bool           `json:"instructions_manually_edited"`
	InstructionsError          *string        `json:"instructions_error"`
	CreatedAt                  string         `json:"created_at"`
	UpdatedAt                  string         `json:"updated_at"`
}

func (e *Emulator) viewVersion(v *Version) versionView {
	config := v.Config
	if e.opts.NullOptionalFields && config != nil {
		config = e.schema.withNulls(config)
	}
	return versionView{
		AgentID: v.AgentID, Version: v.Version, VersionID: v.VersionID, Published: v.Published,
		PublishedAt: tsPtr(v.PublishedAt), Config: config, InstructionBuilderInputs: v.InstructionBuilderInputs,
		InstructionsStatus: v.InstructionsStatus, InstructionsDirty: v.InstructionsDirty,
		InstructionsManuallyEdited: v.InstructionsManuallyEdited, InstructionsError: v.InstructionsError,
		CreatedAt: ts(v.CreatedAt), UpdatedAt: ts(v.UpdatedAt),
	}
}

// version returns a pointer into the agent's version slice; it stays valid
// until the next version is appended.
func (a *Agent) version(n int) *Version {
	for i := range a.Versions {
		if a.Versions[i].Version == n {
			return &a.Versions[i]
		}
	}
	return nil
}

func (a *Agent) hasPublished() bool {
	for _, v := range a.Versions {
		if v.Published {
			return true
		}
	}
	return false
}

func versionNotFound(n int) reply {
	return detailReply(http.StatusNotFound, fmt.Sprintf("Version %d not found", n))
}

// parseVersionParam reads the {version} path segment: a positive number, or
// "latest" where allowed.
func parseVersionParam(s string, allowLatest bool) (n int, latest bool, rep *reply) {
	if allowLatest && s == "latest" {
		return 0, true, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		msg := "Input should be a valid integer, unable to parse string as an integer"
		if allowLatest {
			msg = "Input should be a version number or 'latest'"
		}
		return 0, false, ptr(validationReply([]fieldError{{Loc: []any{"path", "version"}, Msg: msg, Type: "int_parsing"}}))
	}
	return n, false, nil
}

// lookupVersion resolves {agent_id} and a numeric {version}, or answers 404/422.
func (e *Emulator) lookupVersion(c *call) (*Agent, *Version, *reply) {
	n, _, rep := parseVersionParam(c.params["version"], false)
	if rep != nil {
		return nil, nil, rep
	}
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return nil, nil, ptr(agentNotFound())
	}
	v := a.version(n)
	if v == nil {
		return nil, nil, ptr(versionNotFound(n))
	}
	return a, v, nil
}

// checkConfig validates a config from a request body and fills its defaults.
// The caller gets a private copy it may store.
func (e *Emulator) checkConfig(raw any, loc ...any) (map[string]any, []fieldError) {
	if m, ok := raw.(map[string]any); ok && e.opts.NullOptionalFields {
		m = copyMap(m)
		e.schema.dropNulls(m)
		raw = m
	}
	if errs := e.schema.validate(raw, loc...); errs != nil {
		return nil, errs
	}
	config, ok := deepCopy(raw).(map[string]any)
	if !ok {
		return nil, []fieldError{{Loc: loc, Msg: "Input should be a valid dictionary", Type: "dict_type"}}
	}
	e.schema.applyDefaults(config)
	return config, nil
}

// listVersions is GET /core/agents/{id}/versions.
func (e *Emulator) listVersions(c *call) reply {
	q := &query{v: c.query}
	limit := q.limit()
	after, hasCursor := q.cursor("versions")
	number, published := q.integer("version"), q.boolean("published")
	window := q.window()
	afterN := 0
	if hasCursor {
		n, err := strconv.Atoi(after)
		if err != nil {
			q.fail("cursor", "Invalid cursor", "value_error")
		}
		afterN = n
	}
	if rep := q.failed(); rep != nil {
		return *rep
	}
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	var matched []*Version
	for i := range a.Versions {
		v := &a.Versions[i]
		switch {
		case v.Version <= afterN,
			number != nil && v.Version != *number,
			published != nil && v.Published != *published,
			!window.admits(v.CreatedAt, v.UpdatedAt):
			continue
		}
		matched = append(matched, v)
	}
	if e.opts.VariantWire { // a bare array of every match
		limit = len(matched) + 1
	}
	page, more := cut(matched, limit)
	data := make([]versionView, 0, len(page))
	for _, v := range page {
		data = append(data, e.viewVersion(v))
	}
	if e.opts.VariantWire {
		return jsonReply(http.StatusOK, data)
	}
	var next *string
	if more {
		next = ptr(encodeCursor("versions", strconv.Itoa(page[len(page)-1].Version)))
	}
	return jsonReply(http.StatusOK, pageEnvelope(data, limit, next))
}

// createVersion is POST /core/agents/{id}/versions: a new draft from exactly
// one of config or base_version.
func (e *Emulator) createVersion(c *call) reply {
	obj, errs, _ := decodeObject(c.body)
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	rawConfig, hasConfig := f.get("config")
	base, hasBase := f.integer("base_version")
	if _, given := f.get("base_version"); given {
		hasBase = true
	}
	inputs, hasInputs := f.object("instruction_builder_inputs")
	if hasConfig == hasBase {
		f.fail([]any{"body"}, "Value error, exactly one of config or base_version is required", "value_error")
	}
	var config map[string]any
	if hasConfig && !hasBase {
		var cerrs []fieldError
		if config, cerrs = e.checkConfig(rawConfig, "body", "config"); cerrs != nil {
			f.errs = append(f.errs, cerrs...)
		}
	}
	if rep := f.failed(); rep != nil {
		return *rep
	}
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	now := e.now()
	var v Version
	if hasBase {
		from := a.version(base)
		if from == nil {
			return versionNotFound(base)
		}
		v = draftFrom(from)
	} else {
		v = Version{Config: config, InstructionsStatus: statusIdle}
	}
	if hasInputs {
		v.InstructionBuilderInputs = copyMap(inputs)
	}
	e.appendVersion(a, &v, now)
	return jsonReply(http.StatusCreated, e.viewVersion(a.version(v.Version)))
}

// draftFrom copies a version into a new draft: config, instruction builder
// inputs and the instruction flags carry over (the copy holds the same
// instructions, generated or edited the same way); publication does not, and
// a running generation is not inherited.
func draftFrom(from *Version) Version {
	v := Version{
		Config:                     copyMap(from.Config),
		InstructionBuilderInputs:   copyMap(from.InstructionBuilderInputs),
		InstructionsStatus:         from.InstructionsStatus,
		InstructionsDirty:          from.InstructionsDirty,
		InstructionsManuallyEdited: from.InstructionsManuallyEdited,
		InstructionsError:          from.InstructionsError,
	}
	if v.InstructionsStatus == statusGenerating {
		v.InstructionsStatus, v.InstructionsError = statusIdle, nil
	}
	return v
}

// appendVersion numbers a new draft max+1 and stores it.
func (e *Emulator) appendVersion(a *Agent, v *Version, now time.Time) {
	v.AgentID = a.AgentID
	v.Version = 1
	if n := len(a.Versions); n > 0 {
		v.Version = a.Versions[n-1].Version + 1
	}
	v.VersionID = newUUID()
	v.Published, v.PublishedAt = false, nil
	v.CreatedAt, v.UpdatedAt = now, now
	a.Versions = append(a.Versions, *v)
	e.touch()
}

// getVersion is GET /core/agents/{id}/versions/{version}. "latest" returns the
// newest draft, creating one from the newest version when that is published.
func (e *Emulator) getVersion(c *call) reply {
	n, latest, rep := parseVersionParam(c.params["version"], true)
	if rep != nil {
		return *rep
	}
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	if !latest {
		v := a.version(n)
		if v == nil {
			return versionNotFound(n)
		}
		return jsonReply(http.StatusOK, e.viewVersion(v))
	}
	if len(a.Versions) == 0 {
		return detailReply(http.StatusNotFound, "Agent has no versions")
	}
	newest := &a.Versions[len(a.Versions)-1]
	if !newest.Published {
		return jsonReply(http.StatusOK, e.viewVersion(newest))
	}
	v := draftFrom(newest)
	e.appendVersion(a, &v, e.now())
	return jsonReply(http.StatusOK, e.viewVersion(&a.Versions[len(a.Versions)-1]))
}

// updateVersion is PUT /core/agents/{id}/versions/{version}: drafts only.
func (e *Emulator) updateVersion(c *call) reply {
	obj, errs, err := decodeObject(c.body)
	if errors.Is(err, errBodyMissing) {
		obj, errs = map[string]any{}, nil
	}
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	rawConfig, hasConfig := f.get("config")
	inputs, hasInputs := f.object("instruction_builder_inputs")
	var config map[string]any
	if hasConfig {
		var cerrs []fieldError
		if config, cerrs = e.checkConfig(rawConfig, "body", "config"); cerrs != nil {
			f.errs = append(f.errs, cerrs...)
		}
	}
	if rep := f.failed(); rep != nil {
		return *rep
	}
	_, v, rep := e.lookupVersion(c)
	if rep != nil {
		return *rep
	}
	if v.Published {
		return detailReply(http.StatusBadRequest, "Published versions are immutable; create a new draft to iterate.")
	}
	inputsChange := hasInputs && !reflect.DeepEqual(inputs, v.InstructionBuilderInputs)
	if inputsChange && v.InstructionsStatus == statusGenerating && e.opts.RefuseInputsWhileGenerating {
		return detailReply(http.StatusConflict, "Instructions are being generated from the current inputs; wait for generation to finish before changing them.")
	}
	if hasConfig {
		setConfig(v, config)
	}
	if inputsChange {
		v.InstructionBuilderInputs = copyMap(inputs)
		if v.InstructionsStatus == statusCompleted {
			v.InstructionsDirty = true
		}
	}
	v.UpdatedAt = e.now()
	e.touch()
	return jsonReply(http.StatusOK, e.viewVersion(v))
}

// setConfig replaces a version's config; changing config.instructions by hand
// marks the instructions as manually edited.
func setConfig(v *Version, config map[string]any) {
	if !reflect.DeepEqual(config["instructions"], v.Config["instructions"]) {
		v.InstructionsManuallyEdited = true
	}
	v.Config = config
}

// generateInstructions is POST …/versions/{version}/generate-instructions.
// Generation finishes GenerationDelay later; settleLocked notices on the next
// request, so no goroutine outlives a request.
func (e *Emulator) generateInstructions(c *call) reply {
	_, v, rep := e.lookupVersion(c)
	if rep != nil {
		return *rep
	}
	switch {
	case v.Published:
		return detailReply(http.StatusBadRequest, "Published versions are immutable; instructions can only be generated for a draft.")
	case len(v.InstructionBuilderInputs) == 0:
		return detailReply(http.StatusBadRequest, "instruction_builder_inputs are required to generate instructions")
	case v.InstructionsStatus == statusGenerating:
		return jsonReply(http.StatusAccepted, map[string]any{"status": statusGenerating})
	}
	done := e.clock.Now().Add(e.opts.GenerationDelay)
	v.InstructionsStatus, v.InstructionsError, v.GenerationDoneAt = statusGenerating, nil, &done
	e.generating++
	v.UpdatedAt = e.now()
	e.touch()
	return jsonReply(http.StatusAccepted, map[string]any{"status": statusGenerating})
}

// settleLocked finishes every generation whose time has come, unless
// generation is held (HoldGeneration). It runs at the
// start of every locked section, so all observers agree on the outcome; it
// scans the versions only while some are generating, and counts what is left
// (versions of deleted agents drop out of the count).
func (e *Emulator) settleLocked(now time.Time) {
	if e.generating == 0 || e.genHeld {
		return
	}
	e.generating = 0
	for _, a := range e.agents {
		for i := range a.Versions {
			v := &a.Versions[i]
			if v.InstructionsStatus != statusGenerating || v.GenerationDoneAt == nil {
				continue
			}
			if now.Before(*v.GenerationDoneAt) {
				e.generating++
				continue
			}
			v.GenerationDoneAt = nil
			if e.genFailure != "" {
				v.InstructionsStatus, v.InstructionsError = statusFailed, ptr(e.genFailure)
			} else {
				if v.Config == nil {
					v.Config = map[string]any{}
				}
				v.Config["instructions"] = generatedInstructions(v.InstructionBuilderInputs)
				v.InstructionsStatus, v.InstructionsError = statusCompleted, nil
				v.InstructionsDirty, v.InstructionsManuallyEdited = false, false
			}
			v.UpdatedAt = e.now()
			e.touch()
		}
	}
}

// generatedInstructions is the emulator's stand-in for the LLM: a
// deterministic text built from the inputs, so tests can predict it.
func generatedInstructions(inputs map[string]any) string {
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("You are a helpful Anyreach agent. Follow this brief:\n")
	for _, k := range keys {
		val, ok := inputs[k].(string)
		if !ok {
			val = jsonText(inputs[k])
		}
		fmt.Fprintf(&b, "- %s: %s\n", k, val)
	}
	return b.String()
}
