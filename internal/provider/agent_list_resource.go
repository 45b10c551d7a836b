package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ list.ListResourceWithConfigure = &AgentListResource{}

// NewAgentListResource returns the anyreach_agent list resource.
func NewAgentListResource() list.ListResource { return &AgentListResource{} }

// AgentListResource lists the organization's agents for terraform query.
type AgentListResource struct {
	data *providerData
}

// Metadata sets the type name: the resource it lists.
func (l *AgentListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent"
}

// ListResourceConfigSchema describes the list block's config.
func (l *AgentListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		Description: "Lists the organization's agents, all of them or those with a name or metadata, " +
			"by the agent name. Each result is identified by the agent's `id`.",
		Attributes: agentFilterAttributes(),
	}
}

// Configure receives the shared client.
func (l *AgentListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List lists the agents that match the filter, in the API's order.
func (l *AgentListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	filter, diags := agentFilter(ctx, req.Config)
	streamResults(ctx, req, stream, diags, l.data != nil, func(emit func(listOutcome) bool) {
		agents, ok := listAgents(ctx, l.data, filter, emit)
		if !ok {
			return
		}
		for i := range agents {
			a := &agents[i]
			m := AgentResourceModel{ID: types.StringValue(a.ID)}
			o := listOutcome{display: a.Name, identity: m.identity(), object: func() (any, diag.Diagnostics) {
				state := agentResourceState{}
				diags := agentFromAPI(a, &state.AgentResourceModel)
				t, d := nullTimeouts(ctx, req)
				state.Timeouts = t
				diags.Append(d...)
				return state, diags
			}}
			if !emit(o) {
				return
			}
		}
	})
}
