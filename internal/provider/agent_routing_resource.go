package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
)

var (
	_ resource.Resource                = &AgentRoutingResource{}
	_ resource.ResourceWithConfigure   = &AgentRoutingResource{}
	_ resource.ResourceWithImportState = &AgentRoutingResource{}
	_ resource.ResourceWithModifyPlan  = &AgentRoutingResource{}
)

// NewAgentRoutingResource returns the anyreach_agent_routing resource.
func NewAgentRoutingResource() resource.Resource { return &AgentRoutingResource{} }

// AgentRoutingResource owns which version of one agent answers (inbound) and
// calls from (outbound) each of its phone numbers. Because one resource holds
// the whole mapping, one update hands every moving number over before it
// clears any: no number answers nothing in between, at any parallelism.
type AgentRoutingResource struct {
	data *providerData
}

// AgentRoutingResourceModel is the state of anyreach_agent_routing.
type AgentRoutingResourceModel struct {
	ID       types.String   `tfsdk:"id"`
	AgentID  types.String   `tfsdk:"agent_id"`
	Inbound  types.Map      `tfsdk:"inbound"`
	Outbound types.Map      `tfsdk:"outbound"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// routes is one direction's number -> version number.
type routes map[string]int64

// Metadata sets the resource type name.
func (r *AgentRoutingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent_routing"
}

// Schema describes anyreach_agent_routing.
func (r *AgentRoutingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	routesAttr := func(what string) schema.MapAttribute {
		return schema.MapAttribute{
			Description: "Phone number (E.164, for example `+15551234567`) → the version number that " + what + ". Every version " +
				"named is published. Defaults to none. A number leaving the map is cleared once every number that stays has been written.",
			ElementType: types.Int64Type,
			Optional:    true,
			Computed:    true,
			Default:     mapdefault.StaticValue(types.MapValueMust(types.Int64Type, map[string]attr.Value{})),
			Validators: []validator.Map{
				mapvalidator.KeysAre(e164Number()),
				mapvalidator.ValueInt64sAre(int64validator.AtLeast(1)),
			},
		}
	}
	resp.Schema = schema.Schema{
		Description: "Owns the routing of one agent's phone numbers: which version answers each number (`inbound`) and which " +
			"places calls from it (`outbound`). Use it when numbers move between versions, as in an A/B test: one update writes " +
			"every number that moves to its new version (the API moves a slot in the call that takes it) and only then clears the " +
			"numbers that left, so no number answers nothing in between, whatever the parallelism. Every version named is " +
			"published. Give an agent's numbers one owner: this resource, or `anyreach_publish` resources, not both.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The agent ID.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"agent_id": schema.StringAttribute{
				Description:   "The agent whose numbers this routes. Changing it routes another agent, so the resource is replaced.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"inbound":  routesAttr("answers calls to it"),
			"outbound": routesAttr("places calls from it"),
		},
		Blocks: map[string]schema.Block{
			"timeouts": operationTimeoutsBlock(ctx),
		},
	}
}

// Configure receives the shared client.
func (r *AgentRoutingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// routingOwner names an agent's routing in the slot claims.
func routingOwner(agentID string) string { return "anyreach_agent_routing " + agentID }

// ModifyPlan records the slots the routing wants (see slot_clearing.go), so a
// create_before_destroy replacement's destroy leaves them alone. It makes no
// request.
func (r *AgentRoutingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan AgentRoutingResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.AgentID.IsUnknown() {
		return
	}
	plan.ID = plan.AgentID
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	r.data.slots.claim(routingOwner(plan.AgentID.ValueString()), wantedSlots(plan.Inbound, plan.Outbound))
}

// wantedSlots lists the slots the maps name; map keys are known whenever the
// map is, even before the versions are.
func wantedSlots(inbound, outbound types.Map) []routing.Slot {
	var out []routing.Slot
	for dir, m := range map[string]types.Map{client.DirectionInbound: inbound, client.DirectionOutbound: outbound} {
		if m.IsNull() || m.IsUnknown() {
			continue
		}
		for n := range m.Elements() {
			out = append(out, routing.Slot{Number: n, Direction: dir})
		}
	}
	return out
}

// Create writes every slot of the routing.
func (r *AgentRoutingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan AgentRoutingResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := operationTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics, false)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.apply(ctx, &plan, nil, "create", timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = plan.AgentID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Update writes the slots that change, then clears those that left.
func (r *AgentRoutingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state AgentRoutingResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := operationTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics, false)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.apply(ctx, &plan, &state, "update", timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// apply moves the agent's slots from prior to plan: the publish calls of
// routingCalls, in order, inside the agent's critical section, after claiming
// the wanted slots. A create (prior nil) starts from the slots the agent's
// versions hold now, read once inside that section, so the routing it leaves
// is exactly the configured one even on an agent that already answers numbers.
func (r *AgentRoutingResource) apply(ctx context.Context, plan, prior *AgentRoutingResourceModel, op string, timeout time.Duration, diags *diag.Diagnostics) {
	agentID := plan.AgentID.ValueString()
	wantIn, wantOut := routesOf(ctx, plan.Inbound, diags), routesOf(ctx, plan.Outbound, diags)
	var hadIn, hadOut routes
	if prior != nil {
		hadIn, hadOut = routesOf(ctx, prior.Inbound, diags), routesOf(ctx, prior.Outbound, diags)
	}
	if diags.HasError() {
		return
	}
	r.data.slots.claim(routingOwner(agentID), wantedSlots(plan.Inbound, plan.Outbound))
	unlock := r.data.slots.lock(agentID)
	defer unlock()
	if prior == nil {
		agent, err := r.data.client.GetAgent(ctx, agentID)
		if err != nil {
			diags.AddAttributeError(path.Root("agent_id"), "Cannot read Anyreach agent", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err))
			return
		}
		hadIn, hadOut = agentRoutes(agent)
	}
	cleared := r.data.slots.unclaimed(droppedSlots(hadIn, wantIn, client.DirectionInbound))
	cleared = append(cleared, r.data.slots.unclaimed(droppedSlots(hadOut, wantOut, client.DirectionOutbound))...)
	for _, c := range routingCalls(hadIn, hadOut, wantIn, wantOut, cleared) {
		paths := publishPaths{path.Root("inbound"), path.Root("inbound")}
		if c.req.Direction == client.DirectionOutbound {
			paths = publishPaths{path.Root("outbound"), path.Root("outbound")}
		}
		if _, ok := publishWaiting(ctx, r.data, agentID, int(c.version), c.req, op, timeout, paths, diags); !ok {
			return
		}
	}
}

// routingCall is one publish call of an apply.
type routingCall struct {
	version int64
	req     client.PublishRequest
}

// routingCalls plans the fewest publish calls that move the slots from had to
// want and clear the slots in cleared: one per version and direction that gains
// slots ("both" for numbers whose two slots go to the same version), in
// version order, each write taking its numbers from whichever version held
// them in the same call. The clears ride on the last write of their
// direction, after every number that stays has been written; a direction
// with no write clears in one call of its own on a version that held the
// slot (already published, so the call publishes nothing new).
func routingCalls(hadIn, hadOut, wantIn, wantOut routes, cleared []routing.Slot) []routingCall {
	type key struct {
		version   int64
		direction string
	}
	groups := map[key][]string{}
	numbers := map[string]bool{}
	for n := range wantIn {
		numbers[n] = true
	}
	for n := range wantOut {
		numbers[n] = true
	}
	for n := range numbers {
		vin, in := wantIn[n]
		vout, out := wantOut[n]
		in = in && hadIn[n] != vin
		out = out && hadOut[n] != vout
		switch {
		case in && out && vin == vout:
			groups[key{vin, client.DirectionBoth}] = append(groups[key{vin, client.DirectionBoth}], n)
		default:
			if in {
				groups[key{vin, client.DirectionInbound}] = append(groups[key{vin, client.DirectionInbound}], n)
			}
			if out {
				groups[key{vout, client.DirectionOutbound}] = append(groups[key{vout, client.DirectionOutbound}], n)
			}
		}
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].version != keys[j].version {
			return keys[i].version < keys[j].version
		}
		return keys[i].direction < keys[j].direction
	})
	calls := make([]routingCall, 0, len(keys)+2)
	for _, k := range keys {
		sort.Strings(groups[k])
		calls = append(calls, routingCall{version: k.version, req: client.PublishRequest{PhoneNumbers: groups[k], Direction: k.direction}})
	}
	unassign := routing.Unassign(cleared)
	for _, dir := range sortedKeys(unassign) {
		last := -1
		for i, c := range calls {
			if c.req.Direction == dir {
				last = i
			}
		}
		if last >= 0 {
			calls[last].req.UnassignPhoneNumbers = unassign[dir]
			continue
		}
		held := hadIn[unassign[dir][0]]
		if dir == client.DirectionOutbound {
			held = hadOut[unassign[dir][0]]
		}
		calls = append(calls, routingCall{version: held, req: client.PublishRequest{UnassignPhoneNumbers: unassign[dir], Direction: dir}})
	}
	return calls
}

// droppedSlots lists the slots of had that want no longer routes.
func droppedSlots(had, want routes, direction string) []routing.Slot {
	var out []routing.Slot
	for _, n := range sortedKeys(had) {
		if _, ok := want[n]; !ok {
			out = append(out, routing.Slot{Number: n, Direction: direction})
		}
	}
	return out
}

// routesOf reads a map attribute.
func routesOf(ctx context.Context, m types.Map, diags *diag.Diagnostics) routes {
	out := routes{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

// Read derives both maps from one agent GET: every slot that holds a version
// of this agent.
func (r *AgentRoutingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state AgentRoutingResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Read, &resp.Diagnostics, true)
	defer cancel()
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	agentID := state.AgentID.ValueString()
	agent, err := r.data.agents.get(ctx, agentID)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "agent no longer exists; removing its routing from state", map[string]any{"agent_id": agentID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach agent routing", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err))
		return
	}
	in, out := agentRoutes(agent)
	state.ID = types.StringValue(agent.ID)
	state.AgentID = types.StringValue(agent.ID)
	state.Inbound = routesValue(in, &resp.Diagnostics)
	state.Outbound = routesValue(out, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// agentRoutes maps the agent's slots that hold one of its versions to that
// version's number.
func agentRoutes(a *client.Agent) (routes, routes) {
	number := map[string]int64{}
	for _, v := range a.Versions {
		number[v.VersionID] = int64(v.Version)
	}
	in, out := routes{}, routes{}
	for _, n := range a.PhoneNumbers {
		if n.InboundAgentVersionID != nil && number[*n.InboundAgentVersionID] > 0 {
			in[n.PhoneNumber] = number[*n.InboundAgentVersionID]
		}
		if n.OutboundAgentVersionID != nil && number[*n.OutboundAgentVersionID] > 0 {
			out[n.PhoneNumber] = number[*n.OutboundAgentVersionID]
		}
	}
	return in, out
}

func routesValue(r routes, diags *diag.Diagnostics) types.Map {
	elems := make(map[string]attr.Value, len(r))
	for n, v := range r {
		elems[n] = types.Int64Value(v)
	}
	m, d := types.MapValue(types.Int64Type, elems)
	diags.Append(d...)
	return m
}

// Delete clears the routing's slots that no other resource of this process
// claims (a create_before_destroy replacement's create runs first and claims
// them). The API clears a slot only while it holds a version of this agent, so
// a number another agent took meanwhile is left alone. Versions stay
// published: the API cannot unpublish.
func (r *AgentRoutingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state AgentRoutingResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	in, out := routesOf(ctx, state.Inbound, &resp.Diagnostics), routesOf(ctx, state.Outbound, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Delete, &resp.Diagnostics, false)
	defer cancel()
	agentID := state.AgentID.ValueString()
	unlock := r.data.slots.lock(agentID)
	defer unlock()
	cleared := r.data.slots.unclaimed(append(droppedSlots(in, nil, client.DirectionInbound), droppedSlots(out, nil, client.DirectionOutbound)...))
	for _, c := range routingCalls(in, out, nil, nil, cleared) {
		_, err := r.data.client.PublishVersion(ctx, agentID, int(c.version), c.req)
		if client.IsNotFound(err) {
			return // the agent or version is gone, and its slots with it
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot clear phone-number slots", apiErrorDetail(fmt.Sprintf("Clearing the %s slot of %s of agent %s",
				c.req.Direction, strings.Join(c.req.UnassignPhoneNumbers, ", "), agentID), err))
			return
		}
	}
}

// ImportState takes the agent ID, as the import ID or as the identity's
// agent_id; Read then fills both maps from its slots.
func (r *AgentRoutingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, _ := importIDOf[agentRoutingIdentity](ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("agent_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
