package discovery

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// Agent is an agent as read by its own GET, and what of it Terraform manages.
type Agent struct {
	*client.Agent
	// Versions are the versions that matter, oldest first.
	Versions []Version
	// Publications are the publications of Versions, in their order: every
	// direction a version holds numbers in, and a web-only publication for
	// a live version that holds none.
	Publications []Publication
	// History is the number of versions left out of Versions.
	History int
}

// SIP reports whether the agent has a SIP deployment.
func (a Agent) SIP() bool { return a.SIPEndpoint != nil }

// Describe says what Terraform manages of an agent read by its own GET (a
// listed short form may lack versions and slots). It makes no request.
func Describe(a *client.Agent) Agent {
	d := Agent{Agent: a, Versions: chooseVersions(a)}
	d.History = len(a.Versions) - len(d.Versions)
	for _, v := range d.Versions {
		if !v.Published {
			continue // slots hold only published versions
		}
		pubs := Publications(a, v.VersionID)
		if len(pubs) == 0 && v.Role == RoleLive {
			pubs = []Publication{{VersionID: v.VersionID, Direction: client.DirectionInbound}}
		}
		for _, p := range pubs {
			p.Version = v.Version
			d.Publications = append(d.Publications, p)
		}
	}
	return d
}

// Read reads one agent and describes it. A deleted agent is an error for
// which client.IsNotFound is true.
func Read(ctx context.Context, c *client.Client, id string) (Agent, error) {
	a, err := c.GetAgent(ctx, id)
	if err != nil {
		return Agent{}, err
	}
	return Describe(a), nil
}

// WalkOptions bound a Walk.
type WalkOptions struct {
	// Parallelism is the most agents read at once (default 10, as
	// Terraform's -parallelism).
	Parallelism int
	// AgentTimeout bounds each agent's read and visit (0: no bound beyond ctx).
	AgentTimeout time.Duration
}

// DefaultParallelism is Terraform's own default -parallelism.
const DefaultParallelism = 10

// Walk reads the listed agents, at most opts.Parallelism at a time, and
// calls visit once for every one of them, in the goroutine that read it:
// with the described agent and a context that still bounds the agent's
// time, or with the error that stopped its read (client.IsNotFound for an
// agent deleted since it was listed, the context's error for one never
// started because ctx ended). visit runs concurrently with other visits. It
// returns once every agent has been visited.
func Walk(ctx context.Context, c *client.Client, agents []client.Agent, opts WalkOptions, visit func(ctx context.Context, listed *client.Agent, a Agent, err error)) {
	n := opts.Parallelism
	if n <= 0 {
		n = DefaultParallelism
	}
	work := make(chan *client.Agent)
	var wg sync.WaitGroup
	for range min(n, len(agents)) {
		wg.Go(func() {
			for listed := range work {
				readOne(ctx, c, listed, opts.AgentTimeout, visit)
			}
		})
	}
	for i := range agents {
		if ctx.Err() != nil {
			visit(ctx, &agents[i], Agent{}, ctx.Err())
			continue
		}
		select {
		case work <- &agents[i]:
		case <-ctx.Done():
			visit(ctx, &agents[i], Agent{}, ctx.Err())
		}
	}
	close(work)
	wg.Wait()
}

// readOne reads and visits one agent within its own deadline.
func readOne(ctx context.Context, c *client.Client, listed *client.Agent, timeout time.Duration, visit func(context.Context, *client.Agent, Agent, error)) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, fmt.Errorf("%w: reading the agent took longer than %s", context.DeadlineExceeded, timeout))
		defer cancel()
	}
	a, err := Read(ctx, c, listed.ID)
	visit(ctx, listed, a, err)
}
