package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
)

var _ list.ListResourceWithConfigure = &SIPDeploymentListResource{}

// NewSIPDeploymentListResource returns the anyreach_sip_deployment list resource.
func NewSIPDeploymentListResource() list.ListResource { return &SIPDeploymentListResource{} }

// SIPDeploymentListResource lists the agents exposed as SIP endpoints for terraform query.
type SIPDeploymentListResource struct {
	data *providerData
}

// Metadata sets the type name: the resource it lists.
func (l *SIPDeploymentListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sip_deployment"
}

// ListResourceConfigSchema describes the list block's config.
func (l *SIPDeploymentListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		Description: "Lists the SIP endpoints of the organization's agents (all of them, or those with a name or metadata), " +
			"each named by its agent and SIP URI and identified by `agent_id`. Every agent is read to learn whether it has " +
			"an endpoint, several at a time.",
		Attributes: agentFilterAttributes(),
	}
}

// Configure receives the shared client.
func (l *SIPDeploymentListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List lists the SIP endpoints of the agents that match the filter, in the
// order the agents are listed.
func (l *SIPDeploymentListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	filter, diags := agentFilter(ctx, req.Config)
	streamResults(ctx, req, stream, diags, l.data != nil, func(emit func(listOutcome) bool) {
		agents, ok := listAgents(ctx, l.data, filter, emit)
		if !ok {
			return
		}
		// The list may carry short forms; each agent's own GET says whether
		// it has an endpoint. The results keep the listing's order.
		index := make(map[*client.Agent]int, len(agents))
		for i := range agents {
			index[&agents[i]] = i
		}
		outcomes := make([]*listOutcome, len(agents))
		var mu sync.Mutex
		discovery.Walk(ctx, l.data.client.reader(), agents, discovery.WalkOptions{}, func(_ context.Context, listed *client.Agent, a discovery.Agent, err error) {
			o := sipOutcome(ctx, req, listed, a, err)
			mu.Lock()
			outcomes[index[listed]] = o
			mu.Unlock()
		})
		for _, o := range outcomes {
			if o != nil && !emit(*o) {
				return
			}
		}
	})
}

// sipOutcome is the result for one agent read by the walk: its endpoint,
// nothing when it has none or was deleted meanwhile, or the error.
func sipOutcome(ctx context.Context, req list.ListRequest, listed *client.Agent, a discovery.Agent, err error) *listOutcome {
	switch {
	case client.IsNotFound(err):
		return nil
	case err != nil:
		o := listError("Cannot list Anyreach SIP endpoints", apiErrorDetail(fmt.Sprintf("Reading agent %s", listed.ID), err))
		return &o
	case !a.SIP():
		return nil
	}
	m := SIPDeploymentResourceModel{AgentID: types.StringValue(a.ID)}
	return &listOutcome{display: fmt.Sprintf("%s at %s", a.Name, a.SIPEndpoint.URI), identity: m.identity(), object: func() (any, diag.Diagnostics) {
		sipFromAPI(a.ID, a.SIPEndpoint, &m)
		t, diags := nullTimeouts(ctx, req)
		m.Timeouts = t
		return m, diags
	}}
}
