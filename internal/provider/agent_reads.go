package provider

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// Agent reads shared within one provider process.
//
// anyreach_agent, anyreach_publish, anyreach_sip_deployment and the
// anyreach_agent data source all refresh from the same GET /core/agents/{id},
// so a plan of an agent with its publication and SIP endpoint would read it
// three times. Terraform configures a new provider (and with it a new
// providerData) for every graph walk, so within one walk:
//
//   - readers of an agent share one request: those that arrive while it is in
//     flight wait for it, later ones reuse its answer;
//   - a failed read is neither kept nor shared: whoever waited for it reads
//     again, with its own context;
//   - every write this process sends forgets what it may have changed, as
//     soon as it returns (forget for a write to one agent, forgetAll for a
//     publish, which can move a phone number away from another agent); a
//     read already in flight is not kept either, so a read that starts
//     after a write returned always sees it. The resources write only
//     through apiClient (below), which does this for every write, so no
//     resource forgets by hand and a new write cannot forget to;
//   - anyreach_publish decides which slots to clear from a read of its own
//     inside its critical section (slot_clearing.go), never from this one.
//
// Each plan is a new walk and reads again, so an out-of-band edit shows on
// the next plan as before.
type agentReads struct {
	read func(ctx context.Context, id string) (*client.Agent, error)

	mu      sync.Mutex
	reads   map[string]*agentRead // agent ID -> the read in flight or its answer
	waiting int                   // readers waiting for a read in flight (tests wait on it)
}

// agentRead is one GET of an agent; agent and err are set before done closes.
type agentRead struct {
	done  chan struct{}
	agent *client.Agent
	err   error
}

func newAgentReads(read func(ctx context.Context, id string) (*client.Agent, error)) *agentReads {
	return &agentReads{read: read, reads: map[string]*agentRead{}}
}

// get returns agent id, sending at most one request per agent between
// writes. The agent is shared with the other readers: do not modify it.
func (r *agentReads) get(ctx context.Context, id string) (*client.Agent, error) {
	for {
		r.mu.Lock()
		rd, ok := r.reads[id]
		if !ok {
			rd = &agentRead{done: make(chan struct{})}
			r.reads[id] = rd
			r.mu.Unlock()
			r.send(ctx, id, rd)
			return rd.agent, rd.err
		}
		r.waiting++
		r.mu.Unlock()
		var err error
		select {
		case <-rd.done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		r.mu.Lock()
		r.waiting--
		r.mu.Unlock()
		if err != nil {
			return nil, err
		}
		if rd.err == nil {
			return rd.agent, nil
		}
		// The read waited for failed, perhaps only for its sender's context.
	}
}

// send performs rd; a failed read is dropped before its waiters wake.
func (r *agentReads) send(ctx context.Context, id string, rd *agentRead) {
	rd.err = errReadAborted // stays if read panics, so nobody takes it for an answer
	defer func() {
		if rd.err != nil {
			r.mu.Lock()
			if r.reads[id] == rd {
				delete(r.reads, id)
			}
			r.mu.Unlock()
		}
		close(rd.done)
	}()
	rd.agent, rd.err = r.read(ctx, id)
}

// errReadAborted is what waiters see of a read that never returned.
var errReadAborted = errors.New("the shared read of the agent did not finish")

// waiters is how many readers wait for a read in flight.
func (r *agentReads) waiters() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.waiting
}

// forget drops what was read of agent id; call it as soon as a write to that
// agent returns, whatever its outcome.
func (r *agentReads) forget(id string) {
	r.mu.Lock()
	delete(r.reads, id)
	r.mu.Unlock()
}

// forgetAll drops every agent read; call it after a write that can change
// other agents too (a publish takes phone numbers from whichever agent held them).
func (r *agentReads) forgetAll() {
	r.mu.Lock()
	clear(r.reads)
	r.mu.Unlock()
}

// apiClient is the client as resources and data sources use it: reads pass
// through, and every write forgets the shared agent reads it may have
// changed as soon as it returns, whatever its outcome (a failed write may
// still have been applied). Resources never hold the *client.Client itself,
// so a write the provider starts using must be added here, next to the rule
// (TestAPIClientWritesForgetAgentReads checks each one).
type apiClient struct {
	c      *client.Client
	agents *agentReads
}

func newAPIClient(c *client.Client, agents *agentReads) *apiClient {
	return &apiClient{c: c, agents: agents}
}

// Reads.

// reader is the client for read-only walks of the organization
// (internal/discovery, behind the list resources): they write nothing, so
// there is nothing to forget.
func (a *apiClient) reader() *client.Client { return a.c }

func (a *apiClient) ListAgents(ctx context.Context, opts client.AgentListOptions) ([]client.Agent, error) {
	return a.c.ListAgents(ctx, opts)
}

func (a *apiClient) GetAgent(ctx context.Context, id string) (*client.Agent, error) {
	return a.c.GetAgent(ctx, id)
}

func (a *apiClient) ListPhoneNumbers(ctx context.Context, opts client.PhoneNumberListOptions) ([]client.PhoneNumber, error) {
	return a.c.ListPhoneNumbers(ctx, opts)
}

func (a *apiClient) AgentConfigSchema(ctx context.Context) (json.RawMessage, error) {
	return a.c.AgentConfigSchema(ctx)
}

func (a *apiClient) ListVersions(ctx context.Context, agentID string, opts client.VersionListOptions) ([]client.Version, error) {
	return a.c.ListVersions(ctx, agentID, opts)
}

func (a *apiClient) GetVersion(ctx context.Context, agentID string, version int) (*client.Version, error) {
	return a.c.GetVersion(ctx, agentID, version)
}

func (a *apiClient) WaitForInstructions(ctx context.Context, agentID string, version int) (*client.Version, error) {
	return a.c.WaitForInstructions(ctx, agentID, version)
}

// Writes to one agent: each forgets that agent.

// CreateAgent forgets the new agent's ID, which no kept read can hold yet;
// it is here so that every write goes through the same place.
func (a *apiClient) CreateAgent(ctx context.Context, in client.AgentCreate) (*client.Agent, error) {
	agent, err := a.c.CreateAgent(ctx, in)
	if agent != nil {
		a.agents.forget(agent.ID)
	}
	return agent, err
}

func (a *apiClient) UpdateAgent(ctx context.Context, id string, in client.AgentUpdate) (*client.Agent, error) {
	defer a.agents.forget(id)
	return a.c.UpdateAgent(ctx, id, in)
}

func (a *apiClient) DeleteAgent(ctx context.Context, id string) error {
	defer a.agents.forget(id)
	return a.c.DeleteAgent(ctx, id)
}

func (a *apiClient) CreateVersion(ctx context.Context, agentID string, in client.VersionCreate) (*client.Version, error) {
	defer a.agents.forget(agentID)
	return a.c.CreateVersion(ctx, agentID, in)
}

func (a *apiClient) UpdateVersion(ctx context.Context, agentID string, version int, in client.VersionUpdate) (*client.Version, error) {
	defer a.agents.forget(agentID)
	return a.c.UpdateVersion(ctx, agentID, version, in)
}

func (a *apiClient) GenerateInstructions(ctx context.Context, agentID string, version int) error {
	defer a.agents.forget(agentID)
	return a.c.GenerateInstructions(ctx, agentID, version)
}

func (a *apiClient) DeployAsSIP(ctx context.Context, agentID string) (*client.SIPEndpoint, error) {
	defer a.agents.forget(agentID)
	return a.c.DeployAsSIP(ctx, agentID)
}

func (a *apiClient) UndeploySIP(ctx context.Context, agentID string) error {
	defer a.agents.forget(agentID)
	return a.c.UndeploySIP(ctx, agentID)
}

// PublishVersion forgets every agent: publishing takes phone numbers from
// whichever agent held them.
func (a *apiClient) PublishVersion(ctx context.Context, agentID string, version int, in client.PublishRequest) ([]client.PhoneNumber, error) {
	defer a.agents.forgetAll()
	return a.c.PublishVersion(ctx, agentID, version, in)
}
