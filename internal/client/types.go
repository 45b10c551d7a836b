package client

import (
	"encoding/json"
	"time"
)

// Agent is an Anyreach agent as returned by GET /core/agents/{id}.
type Agent struct {
	ID                string            `json:"agent_id"`
	Name              string            `json:"name"`
	Description       string            `json:"description"`
	Active            bool              `json:"active"`
	IsDemo            bool              `json:"is_demo"`
	Metadata          map[string]any    `json:"metadata"`
	CreatedAt         string            `json:"created_at"`
	UpdatedAt         string            `json:"updated_at"`
	Versions          []VersionSummary  `json:"versions"`
	PhoneNumbers      []PhoneNumberSlot `json:"phone_numbers"`
	SIPEndpoint       *SIPEndpoint      `json:"sip_endpoint"`
	ConversationStats map[string]any    `json:"conversation_stats"`
}

// VersionSummary is the short form of a version embedded in an agent.
type VersionSummary struct {
	Version     int     `json:"version"`
	VersionID   string  `json:"version_id"`
	Published   bool    `json:"published"`
	PublishedAt *string `json:"published_at"`
}

// PhoneNumberSlot is one phone number assigned to (some version of) an agent,
// with its two independent slots.
type PhoneNumberSlot struct {
	PhoneNumber            string  `json:"phone_number"`
	InboundAgentVersionID  *string `json:"inbound_agent_version_id"`
	OutboundAgentVersionID *string `json:"outbound_agent_version_id"`
}

// SIPEndpoint is the agent's SIP deployment, present once deploy-as-sip succeeded.
type SIPEndpoint struct {
	URI        string `json:"uri"`
	Status     string `json:"status"`
	DeployedAt string `json:"deployed_at"`
}

// AgentCreate is the body of POST /core/agents. Nil pointers are omitted so the
// server applies its own defaults.
type AgentCreate struct {
	Name        string         `json:"name"`
	Description *string        `json:"description,omitempty"`
	Active      *bool          `json:"active,omitempty"`
	IsDemo      *bool          `json:"is_demo,omitempty"`
	Metadata    map[string]any `json:"metadata,omitempty"`
}

// AgentUpdate is the body of PUT /core/agents/{id}; absent fields are left unchanged.
type AgentUpdate struct {
	Name        *string        `json:"name,omitempty"`
	Description *string        `json:"description,omitempty"`
	Active      *bool          `json:"active,omitempty"`
	IsDemo      *bool          `json:"is_demo,omitempty"`
	Metadata    map[string]any `json:"metadata,omitempty"`
}

// AgentListOptions are the filters of GET /core/agents. Zero values are not sent.
type AgentListOptions struct {
	Name   string
	Active *bool
	IsDemo *bool
	// Metadata keeps the agents whose metadata holds every pair, written as
	// anyreach_agent shows metadata: "3" matches a stored number 3 as well
	// as the string "3", and "true" the boolean. String values are matched
	// by the service, the others by the client after listing.
	Metadata      map[string]string
	CreatedAfter  *time.Time
	CreatedBefore *time.Time
	UpdatedAfter  *time.Time
	UpdatedBefore *time.Time
	// Limit is the page size (server default 20, max 100); 0 lets the server choose.
	Limit int
}

// Version is one immutable-once-published version of an agent's configuration.
type Version struct {
	AgentID                    string          `json:"agent_id"`
	Version                    int             `json:"version"`
	VersionID                  string          `json:"version_id"`
	Published                  bool            `json:"published"`
	PublishedAt                *string         `json:"published_at"`
	Config                     json.RawMessage `json:"config"`
	InstructionBuilderInputs   json.RawMessage `json:"instruction_builder_inputs"`
	InstructionsStatus         string          `json:"instructions_status"`
	InstructionsDirty          bool            `json:"instructions_dirty"`
	InstructionsManuallyEdited bool            `json:"instructions_manually_edited"`
	InstructionsError          *string         `json:"instructions_error"`
	CreatedAt                  string          `json:"created_at"`
	UpdatedAt                  string          `json:"updated_at"`
}

// Instruction generation states reported in Version.InstructionsStatus.
const (
	InstructionsIdle       = "idle"
	InstructionsGenerating = "generating"
	InstructionsCompleted  = "completed"
	InstructionsFailed     = "failed"
)

// VersionCreate is the body of POST /core/agents/{id}/versions: exactly one of
// Config and BaseVersion.
type VersionCreate struct {
	Config                   json.RawMessage `json:"config,omitempty"`
	BaseVersion              *int            `json:"base_version,omitempty"`
	InstructionBuilderInputs json.RawMessage `json:"instruction_builder_inputs,omitempty"`
}

// VersionUpdate is the body of PUT /core/agents/{id}/versions/{version} (drafts only).
type VersionUpdate struct {
	Config                   json.RawMessage `json:"config,omitempty"`
	InstructionBuilderInputs json.RawMessage `json:"instruction_builder_inputs,omitempty"`
}

// VersionListOptions are the filters of GET /core/agents/{id}/versions.
type VersionListOptions struct {
	Version   *int
	Published *bool
	Limit     int

	CreatedAfter  *time.Time
	CreatedBefore *time.Time
	UpdatedAfter  *time.Time
	UpdatedBefore *time.Time
}

// Publish directions: which phone-number slot(s) a publish writes or clears.
const (
	DirectionInbound  = "inbound"
	DirectionOutbound = "outbound"
	DirectionBoth     = "both"
)

// PublishRequest is the body of POST .../versions/{version}/publish. Nil slices
// are omitted: publishing without phone numbers changes no assignment.
type PublishRequest struct {
	PhoneNumbers         []string `json:"phone_numbers,omitempty"`
	UnassignPhoneNumbers []string `json:"unassign_phone_numbers,omitempty"`
	Direction            string   `json:"direction,omitempty"`
}

// PhoneNumber is an entry of the organization's phone-number directory.
type PhoneNumber struct {
	PhoneNumber            string  `json:"phone_number"`
	TrunkID                string  `json:"trunk_id"`
	InboundAgentVersionID  *string `json:"inbound_agent_version_id"`
	OutboundAgentVersionID *string `json:"outbound_agent_version_id"`
	OutboundShareable      bool    `json:"outbound_shareable"`
	CreatedAt              string  `json:"created_at"`
	UpdatedAt              string  `json:"updated_at"`
}

// PhoneNumberListOptions are the filters of GET /core/phone-numbers.
type PhoneNumberListOptions struct {
	PhoneNumber string // substring match
	TrunkID     string
	Limit       int

	CreatedAfter  *time.Time
	CreatedBefore *time.Time
	UpdatedAfter  *time.Time
	UpdatedBefore *time.Time
}
