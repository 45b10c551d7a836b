package emulator

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"time"
)

// coreRoutes registers every /core endpoint of the contract.
func (e *Emulator) coreRoutes() *router {
	rt := &router{}
	rt.handle("GET", "/core/agents", agentsRead, e.listAgents)
	rt.handle("POST", "/core/agents", agentsManage, e.createAgent)
	rt.handle("POST", "/core/agents/create-from-website", agentsManage, e.createFromWebsite)
	rt.handle("POST", "/core/agents/create-demo", agentsManage, e.createDemo)
	rt.handle("GET", "/core/agents/{agent_id}", agentsRead, e.getAgent)
	rt.handle("PUT", "/core/agents/{agent_id}", agentsManage, e.updateAgent)
	rt.handle("DELETE", "/core/agents/{agent_id}", agentsManage, e.deleteAgent)
	rt.handle("GET", "/core/agents/{agent_id}/versions", agentsRead, e.listVersions)
	rt.handle("POST", "/core/agents/{agent_id}/versions", agentsManage, e.createVersion)
	rt.handle("POST", "/core/agents/{agent_id}/versions/compare", agentsRead, e.compareVersions)
	rt.handle("GET", "/core/agents/{agent_id}/versions/{version}", agentsRead, e.getVersion)
	rt.handle("PUT", "/core/agents/{agent_id}/versions/{version}", agentsManage, e.updateVersion)
	rt.handle("POST", "/core/agents/{agent_id}/versions/{version}/generate-instructions", agentsManage, e.generateInstructions)
	rt.handle("POST", "/core/agents/{agent_id}/versions/{version}/publish", agentsManage, e.publish)
	rt.handle("POST", "/core/agents/{agent_id}/deploy-as-sip", agentsManage, e.deploySIP)
	if !e.opts.DisableSIPUndeploy {
		rt.handle("DELETE", "/core/agents/{agent_id}/deploy-as-sip", agentsManage, e.undeploySIP)
	}
	rt.handle("GET", "/core/agent-config-schema", agentsRead, e.getConfigSchema)
	rt.handle("GET", "/core/phone-numbers", phonesRead, e.listPhoneNumbers)
	rt.handle("POST", "/core/phone-numbers", phonesManage, e.registerPhoneNumber)
	rt.handle("GET", "/core/phone-numbers/{phone_number}", phonesRead, e.getPhoneNumber)
	rt.handle("PATCH", "/core/phone-numbers/{phone_number}", phonesManage, e.patchPhoneNumber)
	return rt
}

// agentView is the agent object of the contract (section 3).
type agentView struct {
	AgentID           string               `json:"agent_id,omitempty"`
	ID                string               `json:"id,omitempty"`              // the variant wire's name for agent_id
	OrganizationID    string               `json:"organization_id,omitempty"` // a field the contract does not list (variant wire)
	Name              string               `json:"name"`
	Description       string               `json:"description"`
	Active            bool                 `json:"active"`
	IsDemo            bool                 `json:"is_demo"`
	Metadata          map[string]any       `json:"metadata"`
	CreatedAt         string               `json:"created_at"`
	UpdatedAt         string               `json:"updated_at"`
	Versions          []versionSummaryView `json:"versions"`
	PhoneNumbers      []phoneSlotView      `json:"phone_numbers"`
	Widgets           []any                `json:"widgets"`
	SIPEndpoint       *sipView             `json:"sip_endpoint"`
	ConversationStats map[string]int       `json:"conversation_stats"`
}

type versionSummaryView struct {
	Version     int     `json:"version"`
	VersionID   string  `json:"version_id"`
	Published   bool    `json:"published"`
	PublishedAt *string `json:"published_at"`
}

type phoneSlotView struct {
	PhoneNumber            string  `json:"phone_number"`
	InboundAgentVersionID  *string `json:"inbound_agent_version_id"`
	OutboundAgentVersionID *string `json:"outbound_agent_version_id"`
}

type sipView struct {
	URI        string `json:"uri"`
	Status     string `json:"status"`
	DeployedAt string `json:"deployed_at"`
}

func viewSIP(s *SIPEndpoint) *sipView {
	if s == nil {
		return nil
	}
	return &sipView{URI: s.URI, Status: s.Status, DeployedAt: ts(s.DeployedAt)}
}

// viewAgent renders an agent with its version summaries and every directory
// number where either slot holds one of its versions.
func (e *Emulator) viewAgent(a *Agent) agentView {
	v := agentView{
		AgentID: a.AgentID, Name: a.Name, Description: a.Description, Active: a.Active, IsDemo: a.IsDemo,
		Metadata: a.Metadata, CreatedAt: ts(a.CreatedAt), UpdatedAt: ts(a.UpdatedAt),
		Versions: []versionSummaryView{}, PhoneNumbers: []phoneSlotView{}, Widgets: []any{},
		SIPEndpoint: viewSIP(a.SIPEndpoint), ConversationStats: map[string]int{"total": 0},
	}
	if v.Metadata == nil {
		v.Metadata = map[string]any{}
	}
	if e.opts.VariantWire {
		v.ID, v.AgentID, v.OrganizationID = v.AgentID, "", e.opts.OrgID
	}
	for _, ver := range a.Versions {
		v.Versions = append(v.Versions, versionSummaryView{
			Version: ver.Version, VersionID: ver.VersionID, Published: ver.Published, PublishedAt: tsPtr(ver.PublishedAt),
		})
	}
	for _, n := range e.numbers {
		if a.ownsVersionID(n.InboundAgentVersionID) || a.ownsVersionID(n.OutboundAgentVersionID) {
			v.PhoneNumbers = append(v.PhoneNumbers, phoneSlotView{
				PhoneNumber: n.PhoneNumber, InboundAgentVersionID: n.InboundAgentVersionID, OutboundAgentVersionID: n.OutboundAgentVersionID,
			})
		}
	}
	return v
}

// ownsVersionID reports whether a slot value is one of this agent's versions.
func (a *Agent) ownsVersionID(id *string) bool {
	if id == nil {
		return false
	}
	for _, v := range a.Versions {
		if v.VersionID == *id {
			return true
		}
	}
	return false
}

func (e *Emulator) findAgent(id string) (*Agent, int) {
	for i, a := range e.agents {
		if a.AgentID == id {
			return a, i
		}
	}
	return nil, -1
}

func agentNotFound() reply { return detailReply(http.StatusNotFound, "Agent not found") }

// newUUID returns a random (version 4) UUID, the shape of every Anyreach ID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// listAgents is GET /core/agents: filters, creation order, cursor pages.
func (e *Emulator) listAgents(c *call) reply {
	q := &query{v: c.query}
	limit := q.limit()
	after, hasCursor := q.cursor("agents")
	name, hasName := q.str("name")
	active, isDemo := q.boolean("active"), q.boolean("is_demo")
	window := q.window()
	var metaFilter map[string]any
	if raw, ok := q.str("metadata"); ok {
		err := decodeJSON([]byte(raw), &metaFilter)
		if err == nil {
			_, err = canonNumbers(metaFilter)
		}
		if err != nil || metaFilter == nil {
			q.fail("metadata", "metadata must be a JSON object string", "json_invalid")
		}
	}
	var afterTime time.Time
	if hasCursor {
		t, err := time.Parse(time.RFC3339Nano, after)
		if err != nil {
			q.fail("cursor", "Invalid cursor", "value_error")
		}
		afterTime = t
	}
	if rep := q.failed(); rep != nil {
		return *rep
	}
	var matched []*Agent
	for _, a := range e.agents {
		switch {
		case hasCursor && !a.CreatedAt.After(afterTime),
			hasName && a.Name != name,
			active != nil && a.Active != *active,
			isDemo != nil && a.IsDemo != *isDemo,
			!window.admits(a.CreatedAt, a.UpdatedAt),
			!containsAll(a.Metadata, metaFilter):
			continue
		}
		matched = append(matched, a)
	}
	page, more := cut(matched, e.pageLimit(limit))
	data := make([]agentView, 0, len(page))
	for _, a := range page {
		data = append(data, e.viewAgent(a))
	}
	var next *string
	if more {
		next = ptr(encodeCursor("agents", page[len(page)-1].CreatedAt.Format(time.RFC3339Nano)))
	}
	return jsonReply(http.StatusOK, e.envelope(data, limit, next))
}

// containsAll reports whether every pair of want is in have.
func containsAll(have, want map[string]any) bool {
	for k, w := range want {
		h, ok := have[k]
		if !ok || !reflect.DeepEqual(h, w) {
			return false
		}
	}
	return true
}

// agentFields reads the writable agent fields of a create or update body.
type agentFields struct {
	name, description *string
	active, isDemo    *bool
	metadata          map[string]any
	hasMetadata       bool
}

func readAgentFields(f *form, nameRequired bool) agentFields {
	var af agentFields
	if nameRequired || f.obj["name"] != nil {
		if s, ok := f.nonEmptyStr("name"); ok {
			af.name = &s
		}
	}
	if s, ok := f.str("description"); ok {
		af.description = &s
	}
	if b, ok := f.boolean("active"); ok {
		af.active = &b
	}
	if b, ok := f.boolean("is_demo"); ok {
		af.isDemo = &b
	}
	if m, ok := f.object("metadata"); ok {
		af.metadata, af.hasMetadata = m, true
	}
	return af
}

// apply writes the fields that were given; metadata replaces the whole map.
func (af agentFields) apply(a *Agent) {
	if af.name != nil {
		a.Name = *af.name
	}
	if af.description != nil {
		a.Description = *af.description
	}
	if af.active != nil {
		a.Active = *af.active
	}
	if af.isDemo != nil {
		a.IsDemo = *af.isDemo
	}
	if af.hasMetadata {
		a.Metadata = copyMap(af.metadata)
	}
}

// createAgent is POST /core/agents: a stub agent with no version.
func (e *Emulator) createAgent(c *call) reply {
	obj, errs, _ := decodeObject(c.body)
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	af := readAgentFields(f, true)
	if rep := f.failed(); rep != nil {
		return *rep
	}
	now := e.now()
	a := &Agent{AgentID: newUUID(), Active: true, Metadata: map[string]any{}, CreatedAt: now, UpdatedAt: now, Versions: []Version{}}
	af.apply(a)
	e.agents = append(e.agents, a)
	e.touch()
	return jsonReply(http.StatusCreated, e.viewAgent(a))
}

func (e *Emulator) getAgent(c *call) reply {
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	return jsonReply(http.StatusOK, e.viewAgent(a))
}

// updateAgent is PUT /core/agents/{id}: a partial update.
func (e *Emulator) updateAgent(c *call) reply {
	obj, errs, err := decodeObject(c.body)
	if errors.Is(err, errBodyMissing) {
		obj, errs = map[string]any{}, nil
	}
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	af := readAgentFields(f, false)
	if rep := f.failed(); rep != nil {
		return *rep
	}
	a, _ := e.findAgent(c.params["agent_id"])
	if a == nil {
		return agentNotFound()
	}
	af.apply(a)
	a.UpdatedAt = e.now()
	e.touch()
	return jsonReply(http.StatusOK, e.viewAgent(a))
}

func (e *Emulator) deleteAgent(c *call) reply {
	if !e.removeAgentLocked(c.params["agent_id"]) {
		return agentNotFound()
	}
	return reply{status: http.StatusNoContent}
}

// removeAgentLocked hard-deletes an agent: its versions go with it, the phone
// slots holding them are cleared and its SIP endpoint disappears.
func (e *Emulator) removeAgentLocked(id string) bool {
	a, i := e.findAgent(id)
	if a == nil {
		return false
	}
	now := e.now()
	for _, n := range e.numbers {
		changed := false
		if a.ownsVersionID(n.InboundAgentVersionID) {
			n.InboundAgentVersionID, changed = nil, true
		}
		if a.ownsVersionID(n.OutboundAgentVersionID) {
			n.OutboundAgentVersionID, changed = nil, true
		}
		if changed {
			n.UpdatedAt = now
		}
	}
	e.agents = append(e.agents[:i:i], e.agents[i+1:]...)
	e.touch()
	return true
}

// createFromWebsite is POST /core/agents/create-from-website. The background
// workflow is not emulated: the request is validated and a workflow_id issued.
func (e *Emulator) createFromWebsite(c *call) reply {
	return e.startWorkflow(c, []string{"company_name", "company_website"},
		[]string{"company_overview", "voice_id", "avatar_url", "existing_agent_id", "existing_collection_id", "demo_type"},
		[]string{"is_demo", "skip_deployment"})
}

// createDemo is POST /core/agents/create-demo, emulated like createFromWebsite.
func (e *Emulator) createDemo(c *call) reply {
	return e.startWorkflow(c, []string{"company_website"}, []string{"instructions"}, []string{"include_phone_number"})
}

func (e *Emulator) startWorkflow(c *call, required, optionalStrings, optionalBools []string) reply {
	obj, errs, _ := decodeObject(c.body)
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	for _, k := range required {
		f.nonEmptyStr(k)
	}
	for _, k := range optionalStrings {
		f.str(k)
	}
	for _, k := range optionalBools {
		f.boolean(k)
	}
	if rep := f.failed(); rep != nil {
		return *rep
	}
	return jsonReply(http.StatusAccepted, map[string]any{"workflow_id": newUUID()})
}

// getConfigSchema is GET /core/agent-config-schema: the embedded schema, verbatim.
func (e *Emulator) getConfigSchema(*call) reply {
	return reply{status: http.StatusOK, raw: agentConfigSchemaJSON, ctype: "application/json"}
}
