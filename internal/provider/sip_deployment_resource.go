package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

var (
	_ resource.Resource                = &SIPDeploymentResource{}
	_ resource.ResourceWithConfigure   = &SIPDeploymentResource{}
	_ resource.ResourceWithImportState = &SIPDeploymentResource{}
)

// NewSIPDeploymentResource returns the anyreach_sip_deployment resource.
func NewSIPDeploymentResource() resource.Resource { return &SIPDeploymentResource{} }

// SIPDeploymentResource exposes an agent as a SIP endpoint for
// bring-your-own-carrier trunks.
type SIPDeploymentResource struct {
	data *providerData
}

// SIPDeploymentResourceModel is the state of anyreach_sip_deployment.
type SIPDeploymentResourceModel struct {
	ID         types.String   `tfsdk:"id"`
	AgentID    types.String   `tfsdk:"agent_id"`
	SIPURI     types.String   `tfsdk:"sip_uri"`
	Status     types.String   `tfsdk:"status"`
	DeployedAt types.String   `tfsdk:"deployed_at"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

// Metadata sets the resource type name.
func (r *SIPDeploymentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sip_deployment"
}

// Schema describes anyreach_sip_deployment.
func (r *SIPDeploymentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Exposes an agent as a SIP endpoint (`deploy-as-sip`), for BYOC setups where your own SIP trunk routes calls to " +
			"the agent. The agent needs at least one published version first: add `depends_on = [anyreach_publish.<name>]`. " +
			"Point the trunk at `sip_uri`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The agent ID (one SIP endpoint per agent).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"agent_id": schema.StringAttribute{
				Description:   "The agent to expose. Changing it deploys another agent, so the resource is replaced.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"sip_uri": schema.StringAttribute{
				Description:   "The agent's SIP URI, `sip:<agent_id>@<host>`: the destination to configure on your trunk.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				Description:   "State of the endpoint as reported by Anyreach, for example `active`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"deployed_at": schema.StringAttribute{
				Description:   "When the endpoint was deployed (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": operationTimeoutsBlock(ctx),
		},
	}
}

// Configure receives the shared client.
func (r *SIPDeploymentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Create deploys the agent as a SIP endpoint.
func (r *SIPDeploymentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan SIPDeploymentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, plan.Timeouts.Create, &resp.Diagnostics, false)
	defer cancel()
	agentID := plan.AgentID.ValueString()
	ep, err := r.data.client.DeployAsSIP(ctx, agentID)
	if err != nil {
		detail := apiErrorDetail(fmt.Sprintf("Deploying agent %s as a SIP endpoint", agentID), err)
		if client.IsSIPNeedsPublishedVersion(err) {
			detail += "\n\nThe agent has no published version yet. Publish one first: give this resource " +
				"depends_on = [anyreach_publish.<name>] so Terraform publishes before deploying."
		}
		resp.Diagnostics.AddAttributeError(path.Root("agent_id"), "Cannot deploy Anyreach agent as SIP", detail)
		return
	}
	sipFromAPI(agentID, ep, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Read refreshes the endpoint from the agent; a removed endpoint leaves state.
func (r *SIPDeploymentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state SIPDeploymentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Read, &resp.Diagnostics, true)
	defer cancel()
	agentID := state.AgentID.ValueString()
	agent, err := r.data.agents.get(ctx, agentID)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "removing anyreach_sip_deployment from state: the API no longer has the agent", map[string]any{"agent_id": agentID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach SIP endpoint", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err))
		return
	}
	if agent.SIPEndpoint == nil {
		tflog.Info(ctx, "removing anyreach_sip_deployment from state: the agent has no SIP endpoint any more", map[string]any{"agent_id": agentID})
		resp.State.RemoveResource(ctx)
		return
	}
	sipFromAPI(agent.ID, agent.SIPEndpoint, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only records a changed timeouts block: the only argument forces replacement.
func (r *SIPDeploymentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan SIPDeploymentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Delete removes the endpoint where the service allows it.
func (r *SIPDeploymentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state SIPDeploymentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Delete, &resp.Diagnostics, false)
	defer cancel()
	agentID := state.AgentID.ValueString()
	left, err := undeploySIP(ctx, r.data.client, agentID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot remove Anyreach SIP endpoint", apiErrorDetail(fmt.Sprintf("Removing the SIP endpoint of agent %s", agentID), err))
	case left != nil:
		resp.Diagnostics.AddWarning("SIP endpoint left in place",
			fmt.Sprintf("Anyreach did not accept removing the SIP endpoint of agent %s (%s), so it was only removed from Terraform "+
				"state. The endpoint stays until it is removed in Anyreach, or the agent is deleted.", agentID, left))
	}
}

// undeploySIP removes the agent's SIP endpoint. It returns the service's
// refusal in left when the endpoint is still there because the service cannot
// undeploy, and err for any other failure.
//
// The client reports a 404 from DELETE .../deploy-as-sip as "the service
// cannot undeploy", but a 404 also comes back when the endpoint is already
// gone: most often because an earlier attempt of this very request was
// applied and its response lost, so the client's retry met a 404. Only the
// agent tells the two apart, so it is read back: no endpoint (or no agent)
// means the job is done.
func undeploySIP(ctx context.Context, c *apiClient, agentID string) (left, err error) {
	err = c.UndeploySIP(ctx, agentID)
	if err == nil || !errors.Is(err, client.ErrSIPUndeployUnsupported) {
		return nil, err
	}
	agent, gerr := c.GetAgent(ctx, agentID)
	switch {
	case client.IsNotFound(gerr):
		return nil, nil
	case gerr != nil:
		// Cannot tell; the endpoint may well be there, so say so.
		return err, nil
	case agent.SIPEndpoint == nil:
		return nil, nil
	}
	return err, nil
}

// ImportState accepts the agent ID, as the import ID or the identity's agent_id.
func (r *SIPDeploymentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, _ := importIDOf[sipDeploymentIdentity](ctx, req, &resp.Diagnostics)
	if err := checkAgentIDImport(id, "AGENT_ID"); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("agent_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

func sipFromAPI(agentID string, ep *client.SIPEndpoint, m *SIPDeploymentResourceModel) {
	m.ID = types.StringValue(agentID)
	m.AgentID = types.StringValue(agentID)
	m.SIPURI = types.StringValue(ep.URI)
	m.Status = types.StringValue(ep.Status)
	m.DeployedAt = types.StringValue(ep.DeployedAt)
}
