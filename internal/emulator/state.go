package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// State is everything the emulator holds: every agent with all of its versions,
// and the organization's phone-number directory. Snapshot returns it and the
// state file stores it, so tests can assert exact counts without going through
// the API. Numbers inside configs, metadata and builder inputs are
// json.Number in the service's spelling ("1.0" for a float, "10" for an int).
type State struct {
	Agents       []Agent       `json:"agents"`
	PhoneNumbers []PhoneNumber `json:"phone_numbers"`
}

// Agent is one agent as the emulator stores it, with every version in full
// (the API only embeds version summaries).
type Agent struct {
	AgentID     string         `json:"agent_id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Active      bool           `json:"active"`
	IsDemo      bool           `json:"is_demo"`
	Metadata    map[string]any `json:"metadata"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	SIPEndpoint *SIPEndpoint   `json:"sip_endpoint"`
	Versions    []Version      `json:"versions"`
}

// Version is one version of an agent's configuration; published versions are
// immutable through the API.
type Version struct {
	AgentID                    string         `json:"agent_id"`
	Version                    int            `json:"version"`
	VersionID                  string         `json:"version_id"`
	Published                  bool           `json:"published"`
	PublishedAt                *time.Time     `json:"published_at"`
	Config                     map[string]any `json:"config"`
	InstructionBuilderInputs   map[string]any `json:"instruction_builder_inputs"`
	InstructionsStatus         string         `json:"instructions_status"`
	InstructionsDirty          bool           `json:"instructions_dirty"`
	InstructionsManuallyEdited bool           `json:"instructions_manually_edited"`
	InstructionsError          *string        `json:"instructions_error"`
	CreatedAt                  time.Time      `json:"created_at"`
	UpdatedAt                  time.Time      `json:"updated_at"`
	// GenerationDoneAt is when the running instruction generation finishes;
	// nil unless InstructionsStatus is "generating". It is kept in the state so
	// a generation survives an emulator restart.
	GenerationDoneAt *time.Time `json:"generation_done_at,omitempty"`
}

// SIPEndpoint is an agent's SIP deployment, created by deploy-as-sip.
type SIPEndpoint struct {
	URI        string    `json:"uri"`
	Status     string    `json:"status"`
	DeployedAt time.Time `json:"deployed_at"`
}

// PhoneNumber is one entry of the organization's phone-number directory, with
// its two independent agent slots holding version IDs.
type PhoneNumber struct {
	PhoneNumber            string    `json:"phone_number"`
	TrunkID                string    `json:"trunk_id"`
	InboundAgentVersionID  *string   `json:"inbound_agent_version_id"`
	OutboundAgentVersionID *string   `json:"outbound_agent_version_id"`
	OutboundShareable      bool      `json:"outbound_shareable"`
	CreatedAt              time.Time `json:"created_at"`
	UpdatedAt              time.Time `json:"updated_at"`
}

// stateLocked deep-copies the live state; a JSON round trip is the simplest
// copy that cannot share a map with the live records (numbers stay
// json.Number in their Python spelling).
func (e *Emulator) stateLocked() State {
	s := State{Agents: []Agent{}, PhoneNumbers: []PhoneNumber{}}
	for _, a := range e.agents {
		s.Agents = append(s.Agents, *a)
	}
	for _, n := range e.numbers {
		s.PhoneNumbers = append(s.PhoneNumbers, *n)
	}
	raw, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("emulator: state is not serialisable: %v", err))
	}
	var out State
	if err := decodeJSON(raw, &out); err != nil {
		panic(fmt.Sprintf("emulator: state does not round-trip: %v", err))
	}
	return out
}

// loadState replaces the in-memory records with the contents of path. A
// missing file is not an error: the emulator then starts empty and creates the
// file on the first write.
func (e *Emulator) loadState(path string) error {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading state file: %w", err)
	}
	var s State
	if err := decodeJSON(raw, &s); err != nil {
		return fmt.Errorf("parsing state file %s: %w", path, err)
	}
	e.agents = nil
	for i := range s.Agents {
		a := s.Agents[i]
		if a.Metadata == nil {
			a.Metadata = map[string]any{}
		}
		e.agents = append(e.agents, &a)
		e.observeTime(a.CreatedAt, a.UpdatedAt)
		for _, v := range a.Versions {
			e.observeTime(v.CreatedAt, v.UpdatedAt)
			if v.GenerationDoneAt != nil {
				e.generating++
			}
		}
	}
	e.numbers = nil
	for i := range s.PhoneNumbers {
		n := s.PhoneNumbers[i]
		e.numbers = append(e.numbers, &n)
		e.observeTime(n.CreatedAt, n.UpdatedAt)
	}
	return nil
}

// observeTime moves the emulator clock past t, so timestamps issued after a
// restart still sort after the ones in the state file.
func (e *Emulator) observeTime(ts ...time.Time) {
	for _, t := range ts {
		if t.After(e.lastTime) {
			e.lastTime = t
		}
	}
}

// saveStateLocked writes the state atomically (temporary file and rename), so
// a crash mid-write never leaves a truncated state file behind.
func (e *Emulator) saveStateLocked() error {
	raw, err := json.MarshalIndent(e.stateLocked(), "", "  ")
	if err != nil {
		return err
	}
	path := e.opts.StateFile
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// commitLocked persists the state when something changed since the last save.
// Every locked section that may mutate ends with it.
func (e *Emulator) commitLocked() {
	if !e.changed {
		return
	}
	e.changed = false
	if e.opts.StateFile == "" {
		return
	}
	if err := e.saveStateLocked(); err != nil {
		e.logf("anyreach-emulator: saving state file %s: %v", e.opts.StateFile, err)
	}
}
