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

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

var (
	_ resource.Resource                = &PublishResource{}
	_ resource.ResourceWithConfigure   = &PublishResource{}
	_ resource.ResourceWithImportState = &PublishResource{}
)

// e164 is the phone-number form the API accepts.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

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

// Metadata sets the resource type name.
func (r *PublishResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_publish"
}

// Schema describes anyreach_publish.
func (r *PublishResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Publishes a version of an agent and deploys it to phone numbers. Every number has two independent slots, " +
			"inbound and outbound; `direction` says which this resource writes. Changing `version` is an in-place, zero-downtime " +
			"promotion: the new version is written over the same slots in one call, then only numbers that left `phone_numbers` " +
			"are cleared. Destroying it clears the slots that still hold this version; the version itself stays published " +
			"(publishing cannot be undone through the API).",
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
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(e164,
					"must be a phone number in E.164 form: a + followed by the country code and number, digits only, for example +15551234567"))},
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
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true}),
		},
	}
}

// Configure receives the shared client.
func (r *PublishResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Create publishes the version onto the numbers.
func (r *PublishResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan PublishResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	numbers := setStrings(ctx, plan.PhoneNumbers, &resp.Diagnostics)
	timeout, diags := plan.Timeouts.Create(ctx, defaultGenerationTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.publishAndRecord(ctx, &plan, client.PublishRequest{PhoneNumbers: numbers, Direction: plan.Direction.ValueString()}, "create", timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read derives the numbers and slots from one agent GET.
func (r *PublishResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state PublishResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	agent, err := r.data.client.GetAgent(ctx, state.AgentID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach publication",
			apiErrorDetail(fmt.Sprintf("Reading agent %s", state.AgentID.ValueString()), err))
		return
	}
	summary := findVersion(agent, int(state.Version.ValueInt64()))
	if summary == nil || !summary.Published {
		// Unpublished (or gone) out of band: plan publishing it again.
		resp.State.RemoveResource(ctx)
		return
	}
	direction := state.Direction.ValueString()
	if direction == "" {
		direction = inferDirection(agent, summary.VersionID)
	}
	held := numbersHolding(agent, summary.VersionID, direction)
	state.Direction = types.StringValue(direction)
	state.PhoneNumbers = stringSet(held, &resp.Diagnostics)
	state.VersionID = types.StringValue(summary.VersionID)
	state.ID = types.StringValue(fmt.Sprintf("%s/%d", agent.ID, summary.Version))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update moves the slots to the planned version and numbers. Numbers that stay
// are overwritten in the same call that clears the numbers that left, so no
// wanted number is ever unassigned, not even for a moment.
func (r *PublishResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state PublishResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultGenerationTimeout)
	resp.Diagnostics.Append(diags...)
	wanted := setStrings(ctx, plan.PhoneNumbers, &resp.Diagnostics)
	previous := setStrings(ctx, state.PhoneNumbers, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	newDir, oldDir := plan.Direction.ValueString(), state.Direction.ValueString()

	// Slots this resource wrote before and no longer wants: per number, which
	// directions to clear. Only slots that still hold the old version are cleared.
	unassign, gone, diags := r.slotsStillHeld(ctx, plan.AgentID.ValueString(), state.VersionID.ValueString(),
		slotsToClear(previous, oldDir, wanted, newDir))
	resp.Diagnostics.Append(diags...)
	if gone {
		resp.Diagnostics.AddError("Cannot update Anyreach publication",
			fmt.Sprintf("Agent %s no longer exists; the next plan will create it and its publication again.", plan.AgentID.ValueString()))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// One call writes the new slots and, when the direction is the same, also
	// clears the numbers that left.
	first := client.PublishRequest{PhoneNumbers: wanted, Direction: newDir}
	if nums := unassign[newDir]; len(nums) > 0 {
		first.UnassignPhoneNumbers = nums
		delete(unassign, newDir)
	}
	r.publishAndRecord(ctx, &plan, first, "update", timeout, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.unassignSlots(ctx, plan.AgentID.ValueString(), int(state.Version.ValueInt64()), unassign)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete clears the slots that still hold this version and leaves every
// number that has moved on alone, so a replacement never blanks a live number.
func (r *PublishResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state PublishResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	agentID, number := state.AgentID.ValueString(), int(state.Version.ValueInt64())
	numbers := setStrings(ctx, state.PhoneNumbers, &resp.Diagnostics)
	unassign, gone, diags := r.slotsStillHeld(ctx, agentID, state.VersionID.ValueString(),
		slotsToClear(numbers, state.Direction.ValueString(), nil, ""))
	resp.Diagnostics.Append(diags...)
	if gone || resp.Diagnostics.HasError() {
		return // a deleted agent took its slots with it
	}
	resp.Diagnostics.Append(r.unassignSlots(ctx, agentID, number, unassign)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Version stays published",
		fmt.Sprintf("Version %d of agent %s was cleared from the phone numbers that still held it, but it stays published: "+
			"the Anyreach API cannot unpublish a version.", number, agentID))
}

// ImportState accepts <agent_id>/<version>; Read reconstructs the numbers and direction from the slots.
func (r *PublishResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	agentID, number, err := parseVersionImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("agent_id"), agentID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("version"), int64(number))...)
}

// slotsStillHeld keeps, of the slots this resource no longer wants
// (number -> directions), those that still hold versionID, grouped into
// unassign calls (direction -> numbers). It reads the agent once, and not at
// all when nothing is to be cleared; gone reports an agent that no longer exists.
func (r *PublishResource) slotsStillHeld(ctx context.Context, agentID, versionID string, unwanted map[string][]string) (map[string][]string, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if len(unwanted) == 0 {
		return nil, false, diags
	}
	agent, err := r.data.client.GetAgent(ctx, agentID)
	if client.IsNotFound(err) {
		return nil, true, diags
	}
	if err != nil {
		diags.AddError("Cannot read Anyreach phone-number slots", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err))
		return nil, false, diags
	}
	return stillHeld(agent, versionID, unwanted), false, diags
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

// publishAndRecord calls publish, waiting out instruction generation once
// (bounded by timeout, the op "create" or "update" timeout), and records the
// outcome in the model.
func (r *PublishResource) publishAndRecord(ctx context.Context, m *PublishResourceModel, in client.PublishRequest, op string, timeout time.Duration, diags *diag.Diagnostics) {
	agentID, number := m.AgentID.ValueString(), int(m.Version.ValueInt64())
	records, err := r.data.client.PublishVersion(ctx, agentID, number, in)
	if client.IsConflict(err) && strings.Contains(strings.ToLower(err.Error()), "generating") {
		wctx, cancel := context.WithTimeout(ctx, timeout)
		_, werr := r.data.client.WaitForInstructions(wctx, agentID, number)
		cancel()
		if werr != nil {
			diags.AddError("Cannot publish while instructions are generating", generationWaitDetail(
				fmt.Sprintf("instruction generation of version %d of agent %s to finish before publishing it", number, agentID), op, timeout, werr))
			return
		}
		records, err = r.data.client.PublishVersion(ctx, agentID, number, in)
	}
	if err != nil {
		summary, detail := publishErrorText(agentID, number, err)
		if client.IsNotFound(err) || client.IsValidation(err) {
			diags.AddAttributeError(path.Root("phone_numbers"), summary, detail)
		} else {
			diags.AddError(summary, detail)
		}
		return
	}
	m.ID = types.StringValue(fmt.Sprintf("%s/%d", agentID, number))
	if vid := versionIDFromRecords(records, in.PhoneNumbers, in.Direction); vid != "" {
		m.VersionID = types.StringValue(vid)
		return
	}
	// Without an assignment the response names no version ID; one GET does.
	agent, err := r.data.client.GetAgent(ctx, agentID)
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

// publishErrorText turns publish refusals into what a user should do next.
func publishErrorText(agentID string, number int, err error) (string, string) {
	detail := apiErrorDetail(fmt.Sprintf("Publishing version %d of agent %s", number, agentID), err)
	lower := strings.ToLower(err.Error())
	switch {
	case client.IsConflict(err) && strings.Contains(lower, "stale"):
		return "Instructions are stale", detail + "\n\nThe version's instruction_builder_inputs changed since its instructions were " +
			"generated. Set generate_instructions = true on the anyreach_agent_version (or regenerate in the dashboard), then apply again."
	case client.IsNotFound(err):
		return "Phone number or version not found", detail + "\n\nEvery number in phone_numbers must be registered in the " +
			"organization's phone-number directory (see the anyreach_phone_numbers data source), and the version must exist."
	}
	return "Cannot publish Anyreach agent version", detail
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

// numbersHolding lists the numbers whose slot(s) for direction hold versionID.
func numbersHolding(a *client.Agent, versionID, direction string) []string {
	var out []string
	for _, n := range a.PhoneNumbers {
		in := n.InboundAgentVersionID != nil && *n.InboundAgentVersionID == versionID
		outb := n.OutboundAgentVersionID != nil && *n.OutboundAgentVersionID == versionID
		if (direction == client.DirectionInbound && in) || (direction == client.DirectionOutbound && outb) ||
			(direction == client.DirectionBoth && in && outb) {
			out = append(out, n.PhoneNumber)
		}
	}
	sort.Strings(out)
	return out
}

// inferDirection reconstructs the direction on import from which slots hold the version.
func inferDirection(a *client.Agent, versionID string) string {
	in := numbersHolding(a, versionID, client.DirectionInbound)
	out := numbersHolding(a, versionID, client.DirectionOutbound)
	switch {
	case len(in) == 0 && len(out) > 0:
		return client.DirectionOutbound
	case len(in) > 0 && strings.Join(in, ",") == strings.Join(out, ","):
		return client.DirectionBoth
	}
	return client.DirectionInbound
}

// slotDirections expands a direction into the slots it covers.
func slotDirections(direction string) []string {
	switch direction {
	case client.DirectionBoth:
		return []string{client.DirectionInbound, client.DirectionOutbound}
	case "":
		return nil
	}
	return []string{direction}
}

// slotsToClear lists, per number, the slots the old assignment wrote that the
// new one no longer covers.
func slotsToClear(oldNumbers []string, oldDir string, newNumbers []string, newDir string) map[string][]string {
	wanted := map[string]bool{}
	for _, n := range newNumbers {
		for _, d := range slotDirections(newDir) {
			wanted[n+"|"+d] = true
		}
	}
	out := map[string][]string{}
	for _, n := range oldNumbers {
		for _, d := range slotDirections(oldDir) {
			if !wanted[n+"|"+d] {
				out[n] = append(out[n], d)
			}
		}
	}
	return out
}

// stillHeld keeps the slots that still hold versionID and groups them into
// unassign calls: direction ("inbound", "outbound" or "both") -> numbers.
func stillHeld(a *client.Agent, versionID string, unwanted map[string][]string) map[string][]string {
	slots := map[string]client.PhoneNumberSlot{}
	for _, n := range a.PhoneNumbers {
		slots[n.PhoneNumber] = n
	}
	out := map[string][]string{}
	for _, number := range sortedKeys(unwanted) {
		s, ok := slots[number]
		if !ok {
			continue
		}
		var in, outb bool
		for _, d := range unwanted[number] {
			if d == client.DirectionInbound && s.InboundAgentVersionID != nil && *s.InboundAgentVersionID == versionID {
				in = true
			}
			if d == client.DirectionOutbound && s.OutboundAgentVersionID != nil && *s.OutboundAgentVersionID == versionID {
				outb = true
			}
		}
		switch {
		case in && outb:
			out[client.DirectionBoth] = append(out[client.DirectionBoth], number)
		case in:
			out[client.DirectionInbound] = append(out[client.DirectionInbound], number)
		case outb:
			out[client.DirectionOutbound] = append(out[client.DirectionOutbound], number)
		}
	}
	return out
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
