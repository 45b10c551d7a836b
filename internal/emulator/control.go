package emulator

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// LoggedRequest is one /core request as the emulator saw it, for tests that
// assert exactly what a client sent.
type LoggedRequest struct {
	Method string `json:"method"`
	// Route is the matched pattern, e.g. "/core/agents/{agent_id}"; the raw
	// path when no route matched.
	Route string `json:"route"`
	Path  string `json:"path"`
	// Query is the raw query string, without "?".
	Query string `json:"query,omitempty"`
	// Status is what the emulator answered (or would have, when Dropped).
	Status int `json:"status"`
	// Body is the raw request body.
	Body string `json:"body"`
	// Dropped is true when LostResponseRate applied the write and then
	// closed the connection instead of answering.
	Dropped bool `json:"dropped,omitempty"`
	// ClientGone is true when the client disconnected before the answer was
	// written; the request was carried out all the same (unless
	// AbandonOnDisconnect) and only the answer was lost.
	ClientGone bool `json:"client_gone,omitempty"`
	// At is when the emulator took the request, by its clock.
	At time.Time `json:"at"`
}

func (e *Emulator) recordLocked(lr LoggedRequest) {
	e.counts[lr.Method+" "+lr.Route]++
	e.log = append(e.log, lr)
	// Trim in batches: copying the kept entries on every request once the
	// log is full made each request cost as much as the whole log.
	if len(e.log) >= 2*maxLogEntries {
		e.log = append(e.log[:0:0], e.log[len(e.log)-maxLogEntries:]...)
	}
}

// logTailLocked is the part of the log callers see: the last maxLogEntries.
func (e *Emulator) logTailLocked() []LoggedRequest {
	return append([]LoggedRequest{}, e.log[max(0, len(e.log)-maxLogEntries):]...)
}

// RequestCounts returns how many /core requests reached each route since the
// last ResetRequests, keyed "METHOD /pattern" (e.g. "GET /core/agents/{agent_id}"),
// whatever they were answered (401, 404, 429 and injected faults included).
func (e *Emulator) RequestCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.counts)
}

// RequestLog returns the /core requests since the last ResetRequests, oldest
// first (at most the last 10000).
func (e *Emulator) RequestLog() []LoggedRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.logTailLocked()
}

// ResetRequests clears request counts and the request log; state is kept.
func (e *Emulator) ResetRequests() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts = map[string]int{}
	e.log = nil
}

// Snapshot returns a deep copy of every agent (with all versions in full) and
// the phone directory.
func (e *Emulator) Snapshot() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleLocked(e.clock.Now())
	defer e.commitLocked()
	return e.stateLocked()
}

// mutate runs one out-of-band change under the lock, with generations settled
// first and the state file saved after.
func (e *Emulator) mutate(fn func() error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleLocked(e.clock.Now())
	defer e.commitLocked()
	return fn()
}

func (e *Emulator) agentForControl(id string) (*Agent, error) {
	a, _ := e.findAgent(id)
	if a == nil {
		return nil, fmt.Errorf("agent %s: %w", id, ErrNotFound)
	}
	return a, nil
}

func (e *Emulator) versionForControl(agentID string, n int) (*Version, error) {
	a, err := e.agentForControl(agentID)
	if err != nil {
		return nil, err
	}
	v := a.version(n)
	if v == nil {
		return nil, fmt.Errorf("agent %s version %d: %w", agentID, n, ErrNotFound)
	}
	return v, nil
}

// EditAgent changes an agent the way a dashboard user would: patch may set
// name, description, active, is_demo and metadata (replacing the whole map).
// updated_at moves.
func (e *Emulator) EditAgent(id string, patch map[string]any) error {
	norm, err := normalizeJSON(patch)
	if err != nil {
		return err
	}
	obj, _ := norm.(map[string]any)
	f := newForm(obj)
	for k := range obj {
		switch k {
		case "name", "description", "active", "is_demo", "metadata":
		default:
			return fmt.Errorf("EditAgent: %q is not an editable agent field", k)
		}
	}
	af := readAgentFields(f, false)
	if len(f.errs) > 0 {
		return fmt.Errorf("EditAgent: %s %v: %s", f.errs[0].Type, f.errs[0].Loc, f.errs[0].Msg)
	}
	return e.mutate(func() error {
		a, err := e.agentForControl(id)
		if err != nil {
			return err
		}
		af.apply(a)
		a.UpdatedAt = e.now()
		e.touch()
		return nil
	})
}

// EditVersionConfig shallow-merges top-level keys into a version's config (a
// key set to nil is removed), validates the result and fills defaults again.
// It works on published versions too, so tests can fake out-of-band drift.
// Changing "instructions" marks them manually edited, as the API would.
func (e *Emulator) EditVersionConfig(agentID string, version int, patch map[string]any) error {
	norm, err := normalizeJSON(patch)
	if err != nil {
		return err
	}
	obj, _ := norm.(map[string]any)
	return e.mutate(func() error {
		v, err := e.versionForControl(agentID, version)
		if err != nil {
			return err
		}
		merged := copyMap(v.Config)
		if merged == nil {
			merged = map[string]any{}
		}
		for k, val := range obj {
			if val == nil {
				delete(merged, k)
			} else {
				merged[k] = val
			}
		}
		config, errs := e.checkConfig(merged, "config")
		if errs != nil {
			return fmt.Errorf("EditVersionConfig: invalid config: %v %s", errs[0].Loc, errs[0].Msg)
		}
		setConfig(v, config)
		v.UpdatedAt = e.now()
		e.touch()
		return nil
	})
}

// PublishVersion marks a version published without assignments and without
// the generation checks the API applies.
func (e *Emulator) PublishVersion(agentID string, version int) error {
	return e.mutate(func() error {
		v, err := e.versionForControl(agentID, version)
		if err != nil {
			return err
		}
		now := e.now()
		if !v.Published {
			v.Published, v.PublishedAt = true, ptr(now)
		}
		v.UpdatedAt = now
		e.touch()
		return nil
	})
}

// UnpublishVersion turns a published version back into a draft (something
// the API never does), leaving phone slots that hold it as they are.
func (e *Emulator) UnpublishVersion(agentID string, version int) error {
	return e.mutate(func() error {
		v, err := e.versionForControl(agentID, version)
		if err != nil {
			return err
		}
		v.Published, v.PublishedAt = false, nil
		v.UpdatedAt = e.now()
		e.touch()
		return nil
	})
}

// SetPhoneNumberSlots writes both slots of a directory number exactly as
// given (nil clears), with no check that the IDs name real versions.
func (e *Emulator) SetPhoneNumberSlots(number string, inbound, outbound *string) error {
	return e.mutate(func() error {
		n := e.findNumber(number)
		if n == nil {
			return fmt.Errorf("phone number %s: %w", number, ErrNotFound)
		}
		n.InboundAgentVersionID, n.OutboundAgentVersionID = cloneStr(inbound), cloneStr(outbound)
		n.UpdatedAt = e.now()
		e.touch()
		return nil
	})
}

func cloneStr(s *string) *string {
	if s == nil {
		return nil
	}
	return ptr(*s)
}

// DeleteAgent deletes an agent out of band, with the same cascade as the API.
func (e *Emulator) DeleteAgent(id string) error {
	return e.mutate(func() error {
		if !e.removeAgentLocked(id) {
			return fmt.Errorf("agent %s: %w", id, ErrNotFound)
		}
		return nil
	})
}

// RemoveSIPEndpoint drops an agent's SIP endpoint out of band.
func (e *Emulator) RemoveSIPEndpoint(agentID string) error {
	return e.mutate(func() error {
		a, err := e.agentForControl(agentID)
		if err != nil {
			return err
		}
		if a.SIPEndpoint == nil {
			return fmt.Errorf("agent %s SIP endpoint: %w", agentID, ErrNotFound)
		}
		a.SIPEndpoint = nil
		e.touch()
		return nil
	})
}

// SetGenerationFailure makes every instruction generation that finishes
// while msg is non-empty end "failed" with instructions_error = msg. An empty
// msg lets generations succeed again.
func (e *Emulator) SetGenerationFailure(msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleLocked(e.clock.Now()) // generations already due finish under the old setting
	e.genFailure = msg
	e.commitLocked()
}

// HoldGeneration keeps every instruction generation running, those already
// started and those started later, until ReleaseGeneration, whatever
// GenerationDelay says: a test decides when generation ends instead of
// racing a delay.
func (e *Emulator) HoldGeneration() { e.HoldGenerationUntil() }

// HoldGenerationUntil holds generation (HoldGeneration) until the emulator
// has answered requests to routes in this order (each a "METHOD /pattern" key
// as in RequestCounts), whatever the answers, and then releases it
// (ReleaseGeneration). For example "POST .../publish" then
// "GET .../versions/{version}" lets a publish meet a running generation and
// the read that follows the refusal still see it running; the next read sees
// it finished. Without routes, only ReleaseGeneration ends the hold.
func (e *Emulator) HoldGenerationUntil(routes ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleLocked(e.clock.Now()) // generations already due finish before the hold
	e.genHeld, e.genHeldUntil = true, slices.Clone(routes)
}

// ReleaseGeneration ends a hold: every running generation finishes now,
// whatever GenerationDelay says, and later ones take GenerationDelay again.
func (e *Emulator) ReleaseGeneration() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.releaseGenerationLocked()
	e.settleLocked(e.clock.Now())
	e.commitLocked()
}

// releaseGenerationLocked ends the hold and makes every running generation
// due, so the next settleLocked finishes it.
func (e *Emulator) releaseGenerationLocked() {
	e.genHeld, e.genHeldUntil = false, nil
	now := e.clock.Now()
	for _, a := range e.agents {
		for i := range a.Versions {
			if v := &a.Versions[i]; v.InstructionsStatus == statusGenerating && v.GenerationDoneAt != nil {
				v.GenerationDoneAt = &now
			}
		}
	}
}

// controlRoutes exposes the control methods over HTTP under /_emulator/, for
// the standalone binary and scripts. No auth, no fault knobs.
func (e *Emulator) controlRoutes() *router {
	rt := &router{}
	rt.handle("GET", "/_emulator/requests", nil, func(*call) reply {
		e.mu.Lock()
		defer e.mu.Unlock()
		return jsonReply(http.StatusOK, map[string]any{"counts": maps.Clone(e.counts), "log": e.logTailLocked()})
	})
	rt.handle("POST", "/_emulator/reset", nil, func(*call) reply {
		e.ResetRequests()
		return reply{status: http.StatusNoContent}
	})
	rt.handle("GET", "/_emulator/state", nil, func(*call) reply {
		return jsonReply(http.StatusOK, e.Snapshot())
	})
	rt.handle("PATCH", "/_emulator/agents/{agent_id}", nil, func(c *call) reply {
		return withObject(c, func(obj map[string]any) error { return e.EditAgent(c.params["agent_id"], obj) })
	})
	rt.handle("DELETE", "/_emulator/agents/{agent_id}", nil, func(c *call) reply {
		return controlResult(e.DeleteAgent(c.params["agent_id"]))
	})
	rt.handle("PATCH", "/_emulator/agents/{agent_id}/versions/{version}/config", nil, func(c *call) reply {
		n, err := strconv.Atoi(c.params["version"])
		if err != nil {
			return detailReply(http.StatusBadRequest, "version must be a number")
		}
		return withObject(c, func(obj map[string]any) error { return e.EditVersionConfig(c.params["agent_id"], n, obj) })
	})
	rt.handle("POST", "/_emulator/agents/{agent_id}/versions/{version}/publish", nil, func(c *call) reply {
		n, err := strconv.Atoi(c.params["version"])
		if err != nil {
			return detailReply(http.StatusBadRequest, "version must be a number")
		}
		return controlResult(e.PublishVersion(c.params["agent_id"], n))
	})
	rt.handle("POST", "/_emulator/agents/{agent_id}/versions/{version}/unpublish", nil, func(c *call) reply {
		n, err := strconv.Atoi(c.params["version"])
		if err != nil {
			return detailReply(http.StatusBadRequest, "version must be a number")
		}
		return controlResult(e.UnpublishVersion(c.params["agent_id"], n))
	})
	rt.handle("DELETE", "/_emulator/agents/{agent_id}/sip", nil, func(c *call) reply {
		return controlResult(e.RemoveSIPEndpoint(c.params["agent_id"]))
	})
	rt.handle("PUT", "/_emulator/phone-numbers/{phone_number}", nil, func(c *call) reply {
		return withObject(c, func(obj map[string]any) error {
			in, ok1 := optionalString(obj["inbound_agent_version_id"])
			out, ok2 := optionalString(obj["outbound_agent_version_id"])
			if !ok1 || !ok2 {
				return errors.New("slot values must be strings or null")
			}
			return e.SetPhoneNumberSlots(c.params["phone_number"], in, out)
		})
	})
	rt.handle("POST", "/_emulator/faults", nil, func(c *call) reply {
		return withObject(c, func(obj map[string]any) error {
			f := newForm(obj)
			f.require("route")
			f.require("status")
			route, _ := f.str("route")
			status, _ := f.integer("status")
			times, _ := f.integer("times")
			if len(f.errs) > 0 || status < 100 || status > 599 {
				return errors.New(`body must be {"route": "METHOD /pattern", "status": 100-599, "times": n}`)
			}
			e.FailRoute(route, status, times)
			return nil
		})
	})
	rt.handle("DELETE", "/_emulator/faults", nil, func(*call) reply {
		e.ClearFaults()
		return reply{status: http.StatusNoContent}
	})
	rt.handle("PUT", "/_emulator/generation-hold", nil, func(c *call) reply {
		return withObject(c, func(obj map[string]any) error {
			var until []string
			switch routes := obj["until"].(type) {
			case nil:
			case []any:
				for _, r := range routes {
					s, ok := r.(string)
					if !ok {
						return errors.New(`body must be {} or {"until": ["METHOD /pattern", ...]}`)
					}
					until = append(until, s)
				}
			default:
				return errors.New(`body must be {} or {"until": ["METHOD /pattern", ...]}`)
			}
			e.HoldGenerationUntil(until...)
			return nil
		})
	})
	rt.handle("DELETE", "/_emulator/generation-hold", nil, func(*call) reply {
		e.ReleaseGeneration()
		return reply{status: http.StatusNoContent}
	})
	rt.handle("PUT", "/_emulator/generation-failure", nil, func(c *call) reply {
		return withObject(c, func(obj map[string]any) error {
			msg, ok := optionalString(obj["message"])
			if !ok {
				return errors.New(`body must be {"message": "..."}`)
			}
			if msg == nil {
				msg = ptr("")
			}
			e.SetGenerationFailure(*msg)
			return nil
		})
	})
	return rt
}

// withObject decodes a control body (empty means {}) and runs fn on it.
func withObject(c *call, fn func(map[string]any) error) reply {
	obj, errs, err := decodeObject(c.body)
	if errors.Is(err, errBodyMissing) {
		obj, errs = map[string]any{}, nil
	}
	if errs != nil {
		return validationReply(errs)
	}
	return controlResult(fn(obj))
}

// controlResult maps a control method's error to a status: 404 for
// ErrNotFound, 400 for anything else, 204 for success.
func controlResult(err error) reply {
	switch {
	case err == nil:
		return reply{status: http.StatusNoContent}
	case errors.Is(err, ErrNotFound):
		return detailReply(http.StatusNotFound, err.Error())
	default:
		return detailReply(http.StatusBadRequest, err.Error())
	}
}

func optionalString(v any) (*string, bool) {
	switch s := v.(type) {
	case nil:
		return nil, true
	case string:
		return &s, true
	}
	return nil, false
}
