package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/routing"
	"github.com/anyreach/terraform-provider-anyreach/internal/versionid"
)

var (
	_ resource.Resource                = &PublishResource{}
	_ resource.ResourceWithConfigure   = &PublishResource{}
	_ resource.ResourceWithImportState = &PublishResource{}
	_ resource.ResourceWithModifyPlan  = &PublishResource{}
)

// e164 is the phone-number form the API accepts.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// e164Number checks a phone number's form at validate time.
func e164Number() validator.String {
	return stringvalidator.RegexMatches(e164,
		"must be a phone number in E.164 form: a + followed by the country code and number, digits only, for example +15551234567")
}

// NewPublishResource returns the anyreach_publish resource.
func NewPublishResource() resource.Resource { return &PublishResource{} }

// PublishResource publishes one version of an agent and assigns it to phone
// numbers. Moving it to another version is an in-place update that rewrites
// the slots in one call, so no number is ever left without an agent.
type PublishResource struct {
	data *providerData
}

// PublishResourceModel is the state of anyreach_publish.
type PublishResourceModel struct {
	ID           types.String   `tfsdk:"id"`
	AgentID      types.String   `tfsdk:"agent_id"`
	Version      types.Int64    `tfsdk:"version"`
	PhoneNumbers types.Set      `tfsdk:"phone_numbers"`
	Direction    types.String   `tfsdk:"direction"`
	VersionID    types.String   `tfsdk:"version_id"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// Metadata sets the resource type name. The identity (agent, version,
// direction) changes with a promotion, which is an in-place update.
func (r *PublishResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_publish"
	resp.ResourceBehavior.MutableIdentity = true
}

// Schema describes anyreach_publish.
func (r *PublishResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Publishes a version of an agent and deploys it to phone numbers. Every number has two independent slots, " +
			"inbound and outbound; `direction` says which this resource writes. Changing `version` is an in-place, zero-downtime " +
			"promotion: the new version is written over the same slots in one call, then only numbers that left `phone_numbers` " +
			"are cleared. Publications of one agent are written one at a time and none clears a slot another resource of the " +
			"same apply has taken or recorded; numbers that move between versions (an A/B test) belong in one " +
			"`anyreach_agent_routing`, because Terraform applies two publications in no guaranteed order (the plan warns). " +
			"Destroying it clears the slots that still hold this version and that no other resource of the apply takes over; " +
			"the version itself stays published (publishing cannot be undone through the API). Taking a number that answers " +
			"for another agent is warned about at plan time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "`<agent_id>/<version>` of the published version.",
				Computed:    true,
			},
			"agent_id": schema.StringAttribute{
				Description:   "The agent whose version is published. Changing it publishes another agent, so the resource is replaced.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"version": schema.Int64Attribute{
				Description: "The version number to publish, usually `anyreach_agent_version.<name>.version`. Changing it moves the " +
					"phone numbers to the new version in place.",
				Required:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"phone_numbers": schema.SetAttribute{
				Description: "Phone numbers (E.164, for example `+15551234567`) this version answers or calls from, per `direction`. " +
					"Defaults to none: the version is published without any assignment. Every number must exist in the organization's " +
					"phone-number directory (see the `anyreach_phone_numbers` data source).",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(e164Number())},
			},
			"direction": schema.StringAttribute{
				Description: "Which slot of each number the version takes: `inbound` (answers calls), `outbound` (places calls) or " +
					"`both`. Defaults to `inbound`. The other slot is never touched unless this is `both`.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(client.DirectionInbound),
				Validators: []validator.String{stringvalidator.OneOf(client.DirectionInbound, client.DirectionOutbound, client.DirectionBoth)},
			},
			"version_id": schema.StringAttribute{
				Description: "ID of the published version: the value the phone numbers' slots hold.",
				Computed:    true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": operationTimeoutsBlock(ctx),
		},
	}
}

// Configure receives the shared client.
func (r *PublishResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan keeps id and version_id known when the version does not change,
// records the slots this publication takes and drops (see slot_clearing.go),
// warns when a number moves between it and another anyreach_publish of the
// same plan, and warns when a number it takes answers for another agent.
// Only a plan that changes phone_numbers or direction costs requests.
func (r *PublishResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	var state *PublishResourceModel
	if !req.State.Raw.IsNull() {
		state = &PublishResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if req.Plan.Raw.IsNull() { // destroy: every slot it holds is dropped
		if state != nil && !resp.Diagnostics.HasError() {
			numbers := setStrings(ctx, state.PhoneNumbers, &resp.Diagnostics)
			resp.Diagnostics.Append(r.recordPlan(state.AgentID.ValueString(), publicationOwner(state), nil,
				routing.Slots(numbers, state.Direction.ValueString()))...)
		}
		return
	}
	var plan PublishResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.AgentID.IsUnknown() || plan.Version.IsUnknown() {
		return
	}
	agentID := plan.AgentID.ValueString()
	plan.ID = types.StringValue(versionid.Format(agentID, plan.Version.ValueInt64()))
	if state != nil && state.AgentID.Equal(plan.AgentID) && state.Version.Equal(plan.Version) {
		plan.VersionID = state.VersionID // the same version: only the numbers move
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if plan.PhoneNumbers.IsUnknown() || plan.Direction.IsUnknown() {
		return
	}
	numbers := setStrings(ctx, plan.PhoneNumbers, &resp.Diagnostics)
	direction := plan.Direction.ValueString()
	var drops []routing.Slot
	if state != nil {
		drops = routing.Dropped(setStrings(ctx, state.PhoneNumbers, &resp.Diagnostics), state.Direction.ValueString(), numbers, direction)
	}
	resp.Diagnostics.Append(r.recordPlan(agentID, publicationOwner(&plan), routing.Slots(numbers, direction), drops)...)
	if state != nil && state.PhoneNumbers.Equal(plan.PhoneNumbers) && state.Direction.Equal(plan.Direction) {
		return
	}
	resp.Diagnostics.Append(r.warnTakenFromOthers(ctx, agentID, numbers, direction)...)
}

// publicationOwner names a publication in the slot claims.
func publicationOwner(m *PublishResourceModel) string {
	return fmt.Sprintf("anyreach_publish %s/%d (%s)", m.AgentID.ValueString(), m.Version.ValueInt64(), m.Direction.ValueString())
}

// recordPlan records what a publication's plan takes and drops and warns
// about each slot it hands to, or takes from, another anyreach_publish of
// this plan: nothing orders the two operations, so the number may answer
// nothing between them.
func (r *PublishResource) recordPlan(agentID, owner string, takes, drops []routing.Slot) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, h := range r.data.slots.planned(owner, takes, drops) {
		diags.AddWarning("Phone number moves between two anyreach_publish resources",
			fmt.Sprintf("The %s slot of %s moves from %s to %s. Terraform applies two resources in no guaranteed order, so "+
				"if the first clears the number before the second takes it, calls to it go unanswered in between; "+
				"a higher -parallelism makes that less likely, never impossible. Declare numbers that move between versions of agent "+
				"%s in one anyreach_agent_routing, which hands every number over in one update.",
				h.Slot.Direction, h.Slot.Number, h.From, h.To, agentID))
	}
	return diags
}

// warnTakenFromOthers warns about each wanted slot that answers for another
// agent now: applying moves the live number away from it, and two
// configurations that both claim a number move it back and forth.
func (r *PublishResource) warnTakenFromOthers(ctx context.Context, agentID string, numbers []string, direction string) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(numbers) == 0 {
		return diags
	}
	directory, err := r.data.client.ListPhoneNumbers(ctx, client.PhoneNumberListOptions{})
	if err != nil { // a missing phone_numbers:read scope, say: the apply reports what matters
		tflog.Debug(ctx, "cannot check whether the numbers answer for another agent", map[string]any{"error": err.Error()})
		return diags
	}
	if len(takenFromOthers(directory, numbers, direction, nil)) == 0 {
		return diags // every wanted slot is empty: no need to know the agent's own versions
	}
	own := map[string]bool{}
	if agent, err := r.data.agents.get(ctx, agentID); err == nil {
		for _, v := range agent.Versions {
			own[v.VersionID] = true
		}
	} else if !client.IsNotFound(err) {
		tflog.Debug(ctx, "cannot check whether the numbers answer for another agent", map[string]any{"error": err.Error()})
		return diags
	}
	taken := takenFromOthers(directory, numbers, direction, own)
	if len(taken) == 0 {
		return diags
	}
	owners := r.versionOwners(ctx)
	for _, t := range taken {
		owner := "another agent (version ID " + t.VersionID + ")"
		if o, ok := owners[t.VersionID]; ok {
			owner = o
		}
		diags.AddAttributeWarning(path.Root("phone_numbers"), "Phone number answers for another agent",
			fmt.Sprintf("The %s slot of %s currently holds %s. Applying moves the number to agent %s, and the other "+
				"agent stops using it. If another configuration also manages %s, the two take the number from each other "+
				"on every apply: keep it in one of them. A plan of either configuration shows this warning.",
				t.Direction, t.Number, owner, agentID, t.Number))
	}
	return diags
}

// versionOwners maps version IDs to a readable "agent NAME (ID)", from one
// agent listing; empty when the listing fails or does not carry versions.
func (r *PublishResource) versionOwners(ctx context.Context) map[string]string {
	out := map[string]string{}
	agents, err := r.data.client.ListAgents(ctx, client.AgentListOptions{})
	if err != nil {
		return out
	}
	for _, a := range agents {
		for _, v := range a.Versions {
			out[v.VersionID] = fmt.Sprintf("version %d of agent %q (%s)", v.Version, a.Name, a.ID)
		}
	}
	return out
}

// Create publishes the version onto the numbers.
func (r *PublishResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan PublishResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	numbers := setStrings(ctx, plan.PhoneNumbers, &resp.Diagnostics)
	timeout := operationTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics, false)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	agentID := plan.AgentID.ValueString()
	r.data.slots.claim(publicationOwner(&plan), routing.Slots(numbers, plan.Direction.ValueString()))
	unlock := r.data.slots.lock(agentID)
	r.publishAndRecord(ctx, &plan, client.PublishRequest{PhoneNumbers: numbers, Direction: plan.Direction.ValueString()}, "create", timeout, &resp.Diagnostics)
	unlock()
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Read derives the numbers and slots from one agent GET.
func (r *PublishResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state PublishResourceModel
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
		tflog.Info(ctx, "agent no longer exists; removing its publication from state", map[string]any{"agent_id": agentID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach publication",
			apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err))
		return
	}
	summary := findVersion(agent, int(state.Version.ValueInt64()))
	if summary == nil || !summary.Published {
		// Unpublished (or gone) out of band: plan publishing it again.
		tflog.Info(ctx, "version is no longer published; removing its publication from state",
			map[string]any{"agent_id": agentID, "version": state.Version.ValueInt64()})
		resp.State.RemoveResource(ctx)
		return
	}
	publicationFromSlots(agent, summary, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
}

// publicationFromSlots records in m what the agent's phone-number slots say
// of its published version summary: the numbers whose slot in m's direction
// holds it, and the direction itself when m has none yet (an import).
func publicationFromSlots(agent *client.Agent, summary *client.VersionSummary, m *PublishResourceModel, diags *diag.Diagnostics) {
	direction := m.Direction.ValueString()
	if direction == "" {
		direction = routing.InferDirection(agent.PhoneNumbers, summary.VersionID)
	}
	held := routing.Holding(agent.PhoneNumbers, summary.VersionID, direction)
	m.Direction = types.StringValue(direction)
	m.PhoneNumbers = stringSet(held, diags)
	m.VersionID = types.StringValue(summary.VersionID)
	m.ID = types.StringValue(versionid.Format(agent.ID, summary.Version))
}

// Update writes the planned version over the wanted slots and, in the same
// call, clears the slots that left, except those another publication of this
// process claims (see slot_clearing.go): a number it hands to a sibling is
// taken by the sibling's own write, never cleared.
func (r *PublishResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state PublishResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := operationTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics, false)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	wanted := setStrings(ctx, plan.PhoneNumbers, &resp.Diagnostics)
	previous := setStrings(ctx, state.PhoneNumbers, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	agentID, newDir := plan.AgentID.ValueString(), plan.Direction.ValueString()
	r.data.slots.claim(publicationOwner(&plan), routing.Slots(wanted, newDir))
	unlock := r.data.slots.lock(agentID)
	defer unlock()
	unassign, gone, diags := r.slotsToUnassign(ctx, agentID, state.VersionID.ValueString(),
		routing.Dropped(previous, state.Direction.ValueString(), wanted, newDir))
	resp.Diagnostics.Append(diags...)
	if gone {
		resp.Diagnostics.AddError("Cannot update Anyreach publication",
			fmt.Sprintf("Agent %s no longer exists; the next plan will create it and its publication again.", agentID))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// One call writes the new slots and clears the slots that left in the same
	// direction; a direction change clears the other slots in one more call.
	first := client.PublishRequest{PhoneNumbers: wanted, Direction: newDir, UnassignPhoneNumbers: unassign[newDir]}
	delete(unassign, newDir)
	r.publishAndRecord(ctx, &plan, first, "update", timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.unassignSlots(ctx, agentID, int(plan.Version.ValueInt64()), unassign)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Delete clears the slots that still hold this version and that no other
// publication of this process claims, so a create_before_destroy replacement
// (whose create Terraform runs first) never blanks a number its successor
// holds.
func (r *PublishResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state PublishResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Delete, &resp.Diagnostics, false)
	defer cancel()
	agentID, number := state.AgentID.ValueString(), int(state.Version.ValueInt64())
	numbers := setStrings(ctx, state.PhoneNumbers, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	unlock := r.data.slots.lock(agentID)
	unassign, gone, diags := r.slotsToUnassign(ctx, agentID, state.VersionID.ValueString(), routing.Slots(numbers, state.Direction.ValueString()))
	resp.Diagnostics.Append(diags...)
	if !gone && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.unassignSlots(ctx, agentID, number, unassign)...)
	}
	unlock()
	if gone || resp.Diagnostics.HasError() {
		return // a deleted agent took its slots with it
	}
	resp.Diagnostics.AddWarning("Version stays published",
		fmt.Sprintf("Version %d of agent %s was cleared from the phone numbers that still held it and that no other "+
			"anyreach_publish of this run wants, but it stays published: the Anyreach API cannot unpublish a version.", number, agentID))
}

// slotsToUnassign decides, while the caller holds the agent's write lock, which
// dropped slots to clear: those no claim of this process wants and that still
// hold versionID in a read taken now, grouped into unassign calls (direction ->
// numbers). It reads nothing when every slot is claimed. The read is the one
// request above the publish call: the API's unassign clears a slot holding any
// version of the agent, and the read keeps a slot that another version took
// since the refresh (another workspace, the dashboard) from being blanked.
func (r *PublishResource) slotsToUnassign(ctx context.Context, agentID, versionID string, dropped []routing.Slot) (map[string][]string, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	pending := r.data.slots.unclaimed(dropped)
	if len(pending) == 0 {
		return map[string][]string{}, false, diags
	}
	// Its own read, never the walk's shared one (agent_reads.go): the slots
	// are decided from what they hold now, inside the agent's critical section.
	agent, err := r.data.client.GetAgent(ctx, agentID)
	if client.IsNotFound(err) {
		return nil, true, diags
	}
	if err != nil {
		diags.AddError("Cannot read Anyreach phone-number slots", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err))
		return nil, false, diags
	}
	return routing.Unassign(routing.StillHeld(agent.PhoneNumbers, versionID, pending)), false, diags
}

// unassignSlots clears slots with one publish call per direction. A 404 means
// the slot went away meanwhile, which is what was wanted.
func (r *PublishResource) unassignSlots(ctx context.Context, agentID string, number int, unassign map[string][]string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, dir := range sortedKeys(unassign) {
		_, err := r.data.client.PublishVersion(ctx, agentID, number, client.PublishRequest{UnassignPhoneNumbers: unassign[dir], Direction: dir})
		if err != nil && !client.IsNotFound(err) {
			diags.AddError("Cannot clear phone-number slots",
				apiErrorDetail(fmt.Sprintf("Clearing the %s slot of %s", dir, strings.Join(unassign[dir], ", ")), err))
			break
		}
	}
	return diags
}

// ImportState accepts <agent_id>/<version> of a published version, and Read
// then reconstructs the numbers and direction from the slots; or
// <agent_id>/<version>/<direction>, for a version that holds other numbers
// inbound than outbound and so is two publications, one per direction. An
// import by identity gives the same parts.
func (r *PublishResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, _ := importIDOf[publishIdentity](ctx, req, &resp.Diagnostics)
	agentID, number, direction, err := versionid.ParsePublication(id)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	agent, err := r.data.agents.get(ctx, agentID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import Anyreach publication", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err))
		return
	}
	switch summary := findVersion(agent, number); {
	case summary == nil:
		resp.Diagnostics.AddError("Version not found",
			fmt.Sprintf("Agent %s has no version %d, so there is no publication to import.", agentID, number))
		return
	case !summary.Published:
		resp.Diagnostics.AddError("Version is not published",
			fmt.Sprintf("Version %d of agent %s is not published, so there is no publication to import. Declare an "+
				"anyreach_publish for it instead and apply: that publishes it.", number, agentID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("agent_id"), agentID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("version"), int64(number))...)
	if direction != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("direction"), direction)...)
	}
}

// publishAndRecord calls publish (publishWaiting) and records the outcome in
// the model.
func (r *PublishResource) publishAndRecord(ctx context.Context, m *PublishResourceModel, in client.PublishRequest, op string, timeout time.Duration, diags *diag.Diagnostics) {
	agentID, number := m.AgentID.ValueString(), int(m.Version.ValueInt64())
	records, ok := publishWaiting(ctx, r.data, agentID, number, in, op, timeout, publishPaths{path.Root("version"), path.Root("phone_numbers")}, diags)
	if !ok {
		return
	}
	m.ID = types.StringValue(versionid.Format(agentID, number))
	if vid := versionIDFromRecords(records, in.PhoneNumbers, in.Direction); vid != "" {
		m.VersionID = types.StringValue(vid)
		return
	}
	// Without an assignment the response names no version ID; one GET does.
	agent, err := r.data.agents.get(ctx, agentID)
	if err != nil {
		diags.AddError("Cannot read Anyreach publication", apiErrorDetail(fmt.Sprintf("Reading agent %s after publishing", agentID), err))
		return
	}
	summary := findVersion(agent, number)
	if summary == nil {
		diags.AddError("Published version not found", fmt.Sprintf("Version %d of agent %s was published but is not listed on the agent.", number, agentID))
		return
	}
	m.VersionID = types.StringValue(summary.VersionID)
}

// publishPaths are the attributes a publish refusal points at: the version
// and the phone numbers.
type publishPaths struct{ version, numbers path.Path }

// publishWaiting calls publish, waiting out instruction generation once
// (bounded by timeout, the op "create" or "update" timeout). Refusals are told
// apart by status code and a re-read of the version's documented fields,
// never by the wording of the message, and reported on paths. ok is false
// when it added an error.
func publishWaiting(ctx context.Context, data *providerData, agentID string, number int, in client.PublishRequest, op string, timeout time.Duration, paths publishPaths, diags *diag.Diagnostics) ([]client.PhoneNumber, bool) {
	records, err := data.client.PublishVersion(ctx, agentID, number, in)
	refusal := classifyPublishError(ctx, data, agentID, number, err)
	if refusal == refusalGenerating {
		_, werr := data.client.WaitForInstructions(ctx, agentID, number)
		if werr != nil {
			diags.AddError("Cannot publish while instructions are generating", generationWaitDetail(
				fmt.Sprintf("instruction generation of version %d of agent %s to finish before publishing it", number, agentID), op, timeout, werr))
			return nil, false
		}
		records, err = data.client.PublishVersion(ctx, agentID, number, in)
		refusal = classifyPublishError(ctx, data, agentID, number, err)
	}
	if err != nil {
		addPublishError(diags, agentID, number, refusal, err, paths)
		return nil, false
	}
	return records, true
}

// publishRefusal is why a publish call failed, as far as it matters to the user.
type publishRefusal int

const (
	refusalNone       publishRefusal = iota
	refusalOther                     // anything else: the API's own words are shown
	refusalGenerating                // client.IsGenerationInProgress
	refusalStale                     // client.IsInstructionsStale
	refusalNoVersion                 // 404 and the version does not exist
	refusalNumber                    // 404 for an existing version (a number not in the directory), or 422
)

// classifyPublishError decides from the status code and, where one code has
// several causes, from a re-read of the version's documented fields: the
// client settles a 409 itself (client.IsGenerationInProgress,
// client.IsInstructionsStale); a 404 is told apart here.
func classifyPublishError(ctx context.Context, data *providerData, agentID string, number int, err error) publishRefusal {
	switch {
	case err == nil:
		return refusalNone
	case client.IsValidation(err):
		return refusalNumber
	case client.IsGenerationInProgress(err):
		return refusalGenerating
	case client.IsInstructionsStale(err):
		return refusalStale
	case !client.IsNotFound(err):
		return refusalOther
	}
	_, verr := data.client.GetVersion(ctx, agentID, number)
	return classifyNotFound(verr)
}

// classifyNotFound tells a publish's 404 apart by the re-read of the version
// (verr): the version is gone, or it exists and a number is not in the
// directory.
func classifyNotFound(verr error) publishRefusal {
	switch {
	case client.IsNotFound(verr):
		return refusalNoVersion
	case verr == nil:
		return refusalNumber
	}
	return refusalOther
}

// addPublishError turns a publish refusal into what a user should do next,
// on the attribute at fault.
func addPublishError(diags *diag.Diagnostics, agentID string, number int, refusal publishRefusal, err error, paths publishPaths) {
	detail := apiErrorDetail(fmt.Sprintf("Publishing version %d of agent %s", number, agentID), err)
	switch refusal {
	case refusalStale:
		diags.AddError("Instructions are stale", detail+"\n\nThe version's instruction_builder_inputs changed since its instructions were "+
			"generated. Set generate_instructions = true on the anyreach_agent_version (or regenerate in the dashboard), then apply again.")
	case refusalGenerating:
		diags.AddError("Cannot publish while instructions are generating", detail+"\n\nInstruction generation started again "+
			"while waiting for it; apply again once it has finished.")
	case refusalNoVersion:
		diags.AddAttributeError(paths.version, "Version not found",
			detail+fmt.Sprintf("\n\nAgent %s has no version %d.", agentID, number))
	case refusalNumber:
		diags.AddAttributeError(paths.numbers, "Phone number not found", detail+"\n\nEvery number in phone_numbers "+
			"must be in E.164 form and registered in the organization's phone-number directory (see the anyreach_phone_numbers data source).")
	default:
		diags.AddError("Cannot publish Anyreach agent version", detail)
	}
}

// findVersion returns the agent's summary of a version number.
func findVersion(a *client.Agent, number int) *client.VersionSummary {
	for i := range a.Versions {
		if a.Versions[i].Version == number {
			return &a.Versions[i]
		}
	}
	return nil
}

// versionIDFromRecords reads the published version's ID off the updated
// phone-number records of a publish call, if it assigned any.
func versionIDFromRecords(records []client.PhoneNumber, numbers []string, direction string) string {
	if len(numbers) == 0 {
		return ""
	}
	for _, rec := range records {
		if rec.PhoneNumber != numbers[0] {
			continue
		}
		if direction == client.DirectionOutbound {
			if rec.OutboundAgentVersionID != nil {
				return *rec.OutboundAgentVersionID
			}
		} else if rec.InboundAgentVersionID != nil {
			return *rec.InboundAgentVersionID
		}
	}
	return ""
}

// setStrings reads a set of strings, sorted.
func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

// stringSet builds a set of strings.
func stringSet(in []string, diags *diag.Diagnostics) types.Set {
	elems := make([]attr.Value, 0, len(in))
	for _, s := range in {
		elems = append(elems, types.StringValue(s))
	}
	v, d := types.SetValue(types.StringType, elems)
	diags.Append(d...)
	return v
}
