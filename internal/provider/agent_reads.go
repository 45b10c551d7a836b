package provider

import (
	"context"
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
//     after a write returned always sees it;
//   - anyreach_publish decides which slots to clear from a read of its own
//     inside its critical section (slot_clearing.go), never from this one.
//
// Each plan is a new walk and reads again, so an out-of-band edit shows on
// the next plan as before.
type agentReads struct {
	read func(ctx context.Context, id string) (*client.Agent, error)

	mu    sync.Mutex
	reads map[string]*agentRead // agent ID -> the read in flight or its answer
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
		r.mu.Unlock()
		select {
		case <-rd.done:
		case <-ctx.Done():
			return nil, ctx.Err()
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
