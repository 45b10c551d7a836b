package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

var (
	_ resource.Resource                = &AgentResource{}
	_ resource.ResourceWithConfigure   = &AgentResource{}
	_ resource.ResourceWithImportState = &AgentResource{}
)

// NewAgentResource returns the anyreach_agent resource.
func NewAgentResource() resource.Resource { return &AgentResource{} }

// AgentResource manages an Anyreach agent: the named stub that versions,
// phone-number assignments and the SIP endpoint hang off.
type AgentResource struct {
	data *providerData
}

// AgentResourceModel is the state of anyreach_agent.
type AgentResourceModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Active      types.Bool   `tfsdk:"active"`
	IsDemo      types.Bool   `tfsdk:"is_demo"`
	Metadata    types.Map    `tfsdk:"metadata"`
	CreatedAt   types.String `tfsdk:"created_at"`
	UpdatedAt   types.String `tfsdk:"updated_at"`
}

// agentResourceState is the resource's whole state: the agent's fields,
// shared with the data sources, and the resource's own timeouts.
type agentResourceState struct {
	AgentResourceModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// Metadata sets the resource type name.
func (r *AgentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent"
}

// Schema describes anyreach_agent.
func (r *AgentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An Anyreach agent. The agent is the named container that holds versions (its configuration), " +
			"phone-number assignments and the SIP endpoint; it starts as a stub with no version until an " +
			"`anyreach_agent_version` is created for it. Deleting the agent deletes its versions, clears its phone-number " +
			"slots and removes its SIP endpoint.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The agent's ID (`agent_id` in the API).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "Display name of the agent. Names are not unique in Anyreach; import by name refuses an ambiguous one.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthAtLeast(1), notBlank{}},
			},
			"description": schema.StringAttribute{
				Description: "Free-text description shown in the dashboard. Defaults to an empty string.",
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(""),
			},
			"active": schema.BoolAttribute{
				Description: "Whether the agent accepts conversations. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"is_demo": schema.BoolAttribute{
				Description: "Marks the agent as a demo agent. Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"metadata": schema.MapAttribute{
				Description: "Key/value labels stored on the agent (the `metadata` object of the API). The agents list can be filtered by them " +
					"(see the `anyreach_agents` data source). A value the API holds as another JSON type than a string (a number, " +
					"boolean, object, array or null, for example set in the dashboard) is shown as its JSON text (`3`, `true`), and " +
					"an update that leaves it as it is writes it back as the same JSON value; a value changed here is written as the string given.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
			},
			"created_at": schema.StringAttribute{
				Description:   "When the agent was created (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				Description: "When the agent was last changed (RFC 3339).",
				Computed:    true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": operationTimeoutsBlock(ctx),
		},
	}
}

// Configure receives the shared client.
func (r *AgentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Create creates the agent stub.
func (r *AgentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan agentResourceState
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, plan.Timeouts.Create, &resp.Diagnostics, false)
	defer cancel()
	fields, diags := agentFields(ctx, plan.AgentResourceModel, types.MapNull(types.StringType), nil)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	agent, err := r.data.client.CreateAgent(ctx, client.AgentCreate{
		Name:        *fields.Name,
		Description: fields.Description,
		Active:      fields.Active,
		IsDemo:      fields.IsDemo,
		Metadata:    fields.Metadata,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create Anyreach agent", apiErrorDetail(fmt.Sprintf("Creating agent %q", plan.Name.ValueString()), err))
		return
	}
	resp.Diagnostics.Append(agentFromAPI(agent, &plan.AgentResourceModel)...)
	resp.Diagnostics.Append(setMetadataTypes(ctx, resp.Private, agent.Metadata)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Read refreshes every argument from the API so dashboard edits show as drift.
func (r *AgentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state agentResourceState
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Read, &resp.Diagnostics, true)
	defer cancel()
	agent, err := r.data.agents.get(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "removing anyreach_agent from state: the API no longer has the agent", map[string]any{"agent_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach agent", apiErrorDetail(fmt.Sprintf("Reading agent %s", state.ID.ValueString()), err))
		return
	}
	resp.Diagnostics.Append(agentFromAPI(agent, &state.AgentResourceModel)...)
	resp.Diagnostics.Append(setMetadataTypes(ctx, resp.Private, agent.Metadata)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update sends every argument; the API leaves absent fields alone, but sending
// all of them also reverts drift in fields the plan did not otherwise touch.
func (r *AgentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state agentResourceState
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, plan.Timeouts.Update, &resp.Diagnostics, false)
	defer cancel()
	fields, diags := agentFields(ctx, plan.AgentResourceModel, state.Metadata, getMetadataTypes(ctx, req.Private))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	agent, err := r.data.client.UpdateAgent(ctx, plan.ID.ValueString(), fields)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update Anyreach agent", apiErrorDetail(fmt.Sprintf("Updating agent %s", plan.ID.ValueString()), err))
		return
	}
	resp.Diagnostics.Append(agentFromAPI(agent, &plan.AgentResourceModel)...)
	resp.Diagnostics.Append(setMetadataTypes(ctx, resp.Private, agent.Metadata)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// Delete deletes the agent; one that is already gone counts as deleted.
func (r *AgentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state agentResourceState
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Delete, &resp.Diagnostics, false)
	defer cancel()
	err := r.data.client.DeleteAgent(ctx, state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		resp.Diagnostics.AddError("Cannot delete Anyreach agent", apiErrorDetail(fmt.Sprintf("Deleting agent %s", state.ID.ValueString()), err))
	}
}

// agentImportNamePrefix marks an import ID that names the agent instead of giving its ID.
const agentImportNamePrefix = "name="

// ImportState accepts the agent ID, or name=<agent name> for an agent whose ID
// is not at hand (for example one built in the dashboard); an import by
// identity gives the ID.
func (r *AgentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID, byIdentity := importIDOf[agentIdentity](ctx, req, &resp.Diagnostics)
	id, byName, err := parseAgentImportID(importID)
	if err == nil && byIdentity && byName {
		err = fmt.Errorf("unexpected identity id (%q), expected an agent ID: name=AGENT_NAME is a form of the import ID only", importID)
	}
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	if byName {
		if r.data == nil {
			resp.Diagnostics.AddError("Provider not configured", "Importing by name needs a configured provider.")
			return
		}
		found, diags := findAgentByName(ctx, r.data.client, id)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = found.ID
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// parseAgentImportID reads an anyreach_agent import ID: an agent ID, or
// name=<agent name>, in which case byName is true and value is the name.
func parseAgentImportID(id string) (value string, byName bool, err error) {
	if name, ok := strings.CutPrefix(id, agentImportNamePrefix); ok {
		if name == "" {
			return "", false, fmt.Errorf("unexpected format of ID (%q), expected AGENT_ID or name=AGENT_NAME: the name after name= is empty", id)
		}
		return name, true, nil
	}
	if err := checkAgentIDImport(id, "AGENT_ID or name=AGENT_NAME"); err != nil {
		return "", false, err
	}
	return id, false, nil
}

// checkAgentIDImport checks an import ID that must be an agent ID; expected
// names the accepted forms in the error.
func checkAgentIDImport(id, expected string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fmt.Errorf("unexpected format of ID (%q), expected %s: the ID is empty", id, expected)
	case strings.IndexFunc(id, unicode.IsSpace) >= 0:
		return fmt.Errorf("unexpected format of ID (%q), expected %s: an agent ID has no spaces", id, expected)
	case strings.Contains(id, "/"):
		return fmt.Errorf("unexpected format of ID (%q), expected %s: AGENT_ID/VERSION is the import ID of "+
			"anyreach_agent_version and anyreach_publish, not of this resource", id, expected)
	}
	return nil
}

// findAgentByName resolves an exact agent name, refusing a name that matches
// several agents because names are not unique in Anyreach.
func findAgentByName(ctx context.Context, c *apiClient, name string) (*client.Agent, diag.Diagnostics) {
	var diags diag.Diagnostics
	agents, err := c.ListAgents(ctx, client.AgentListOptions{Name: name, Limit: 100})
	if err != nil {
		diags.AddError("Cannot look up Anyreach agent by name", apiErrorDetail(fmt.Sprintf("Listing agents named %q", name), err))
		return nil, diags
	}
	switch len(agents) {
	case 0:
		diags.AddError("No Anyreach agent with that name",
			fmt.Sprintf("No agent is named %q in this organization. Names are matched exactly, including case and spaces.", name))
		return nil, diags
	case 1:
		return &agents[0], diags
	}
	ids := make([]string, 0, len(agents))
	for _, a := range agents {
		ids = append(ids, fmt.Sprintf("  %s (created %s)", a.ID, a.CreatedAt))
	}
	diags.AddError("Several Anyreach agents have that name",
		fmt.Sprintf("%d agents are named %q, so the name does not say which one is meant. Use the ID of one of them instead:\n%s",
			len(agents), name, strings.Join(ids, "\n")))
	return nil, diags
}

// agentFields is every argument of the plan as the API's agent fields.
// Metadata is always sent (empty when none), so removing the last key from
// configuration clears it in Anyreach too; a value the API holds as another
// JSON type than a string (typed, with its text in prior) is sent as that
// value while the plan leaves it as it is.
func agentFields(ctx context.Context, plan AgentResourceModel, prior types.Map, typed map[string]bool) (client.AgentUpdate, diag.Diagnostics) {
	metadata, diags := metadataToAPI(ctx, plan.Metadata, prior, typed)
	if metadata == nil {
		metadata = map[string]any{}
	}
	return client.AgentUpdate{
		Name:        plan.Name.ValueStringPointer(),
		Description: plan.Description.ValueStringPointer(),
		Active:      plan.Active.ValueBoolPointer(),
		IsDemo:      plan.IsDemo.ValueBoolPointer(),
		Metadata:    metadata,
	}, diags
}

// agentFromAPI copies the API's view of an agent into the model.
func agentFromAPI(a *client.Agent, m *AgentResourceModel) diag.Diagnostics {
	m.ID = types.StringValue(a.ID)
	m.Name = types.StringValue(a.Name)
	m.Description = types.StringValue(a.Description)
	m.Active = types.BoolValue(a.Active)
	m.IsDemo = types.BoolValue(a.IsDemo)
	m.CreatedAt = types.StringValue(a.CreatedAt)
	m.UpdatedAt = types.StringValue(a.UpdatedAt)
	var diags diag.Diagnostics
	m.Metadata, diags = metadataFromAPI(a.Metadata)
	return diags
}

// metadataFromAPI turns the API's metadata object into a map of strings;
// non-string values are shown as their JSON text (3, true, {"a":1}, null),
// and written back as the same JSON value (metadataToAPI).
func metadataFromAPI(in map[string]any) (types.Map, diag.Diagnostics) {
	elems := make(map[string]attr.Value, len(in))
	for k, v := range in {
		if s, ok := v.(string); ok {
			elems[k] = types.StringValue(s)
			continue
		}
		text, err := configjson.Encode(v)
		if err != nil {
			text = fmt.Sprint(v)
		}
		elems[k] = types.StringValue(text)
	}
	return types.MapValue(types.StringType, elems)
}

// metadataToAPI turns the planned map into the API's metadata object; nil when
// the map is null or unknown, so the server keeps its default. A key the API
// holds as a non-string (typed) whose text the plan leaves as it was in
// prior is sent as the JSON value that text is, so an unrelated update never
// turns 3 into "3"; a value the configuration changes is sent as written.
func metadataToAPI(ctx context.Context, m, prior types.Map, typed map[string]bool) (map[string]any, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	var strs, before map[string]string
	diags := m.ElementsAs(ctx, &strs, false)
	if !prior.IsNull() && !prior.IsUnknown() {
		diags.Append(prior.ElementsAs(ctx, &before, false)...)
	}
	out := make(map[string]any, len(strs))
	for k, v := range strs {
		out[k] = v
		if was, ok := before[k]; ok && typed[k] && was == v {
			if value, err := configjson.Decode(v); err == nil {
				out[k] = value
			}
		}
	}
	return out, diags
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
