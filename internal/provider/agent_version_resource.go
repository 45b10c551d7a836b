package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/anyreach/terraform-provider-anyreach/internal/versionid"
)

var (
	_ resource.Resource                     = &AgentVersionResource{}
	_ resource.ResourceWithConfigure        = &AgentVersionResource{}
	_ resource.ResourceWithImportState      = &AgentVersionResource{}
	_ resource.ResourceWithModifyPlan       = &AgentVersionResource{}
	_ resource.ResourceWithConfigValidators = &AgentVersionResource{}
)

// NewAgentVersionResource returns the anyreach_agent_version resource.
func NewAgentVersionResource() resource.Resource { return &AgentVersionResource{} }

// AgentVersionResource manages one version of an agent's configuration: a
// draft that is updated in place until it is published, after which it is
// immutable and a change creates a new version.
type AgentVersionResource struct {
	data *providerData
}

// AgentVersionResourceModel is the state of anyreach_agent_version.
type AgentVersionResourceModel struct {
	ID                       types.String   `tfsdk:"id"`
	AgentID                  types.String   `tfsdk:"agent_id"`
	Config                   types.String   `tfsdk:"config"`
	BaseVersion              types.Int64    `tfsdk:"base_version"`
	InstructionBuilderInputs types.String   `tfsdk:"instruction_builder_inputs"`
	GenerateInstructions     types.Bool     `tfsdk:"generate_instructions"`
	Version                  types.Int64    `tfsdk:"version"`
	VersionID                types.String   `tfsdk:"version_id"`
	InstructionsStatus       types.String   `tfsdk:"instructions_status"`
	CreatedAt                types.String   `tfsdk:"created_at"`
	Timeouts                 timeouts.Value `tfsdk:"timeouts"`
}

// Metadata sets the resource type name.
func (r *AgentVersionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent_version"
}

// Schema describes anyreach_agent_version.
func (r *AgentVersionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "One version of an agent's configuration (voice, model, prompt, tools, knowledge bases). A version is created " +
			"as a **draft**, and a change to a draft is made in place. Once published (by `anyreach_publish` or in the dashboard) " +
			"it is **immutable**: a later change to `config` or `instruction_builder_inputs` plans a replacement, which creates a " +
			"new version and leaves the old one in the agent's history, and the plan says so in a warning. Whether the version " +
			"is published is read from the API when a change is planned rather than kept in state, since publishing is " +
			"`anyreach_publish`'s doing (the `anyreach_agent_version` data source shows it). Versions cannot be deleted " +
			"through the API: destroying this resource only removes it from Terraform state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "`<agent_id>/<version>`, also the import ID.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"agent_id": schema.StringAttribute{
				Description:   "The agent this version belongs to. Changing it creates the version under the other agent (versions cannot move).",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"config": schema.StringAttribute{
				Description: "The whole AgentConfig as a JSON string: write `jsonencode({...})` or `file(\"agent.json\")` with a config " +
					"exported from the dashboard's agent builder. Exactly one of `config` and `base_version`. It is validated " +
					"against the API's AgentConfig JSON Schema at plan time. What the schema declares as a default is implied, so " +
					"leaving a key out and writing its default are the same; whitespace, key order and number spelling never " +
					"matter. Any other difference from the stored config (a dashboard edit anywhere in it) shows in the plan as " +
					"exactly that difference, and apply restores this config. Changing it updates a draft in place and replaces a " +
					"published version.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{jsonText{}, jsonDocumentLimits{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"base_version": schema.Int64Attribute{
				Description: "Create the version as a copy of this existing version number of the same agent, instead of from `config`. " +
					"Exactly one of `config` and `base_version`. Changing it creates a new version, since a copy is made only at creation.",
				Optional:      true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"instruction_builder_inputs": schema.StringAttribute{
				Description: "Inputs of Anyreach's instruction builder (for example industry and purpose) as a JSON object string. " +
					"With `generate_instructions`, the builder writes the agent's instructions from them. Changing it updates a " +
					"draft in place and replaces a published version.",
				Optional:   true,
				Validators: []validator.String{jsonText{}, jsonDocumentLimits{}},
			},
			"generate_instructions": schema.BoolAttribute{
				Description: "Generate the version's instructions from `instruction_builder_inputs` after the version is created and " +
					"whenever the inputs change, and wait for generation to finish (see `timeouts`). The generated text is owned " +
					"by the builder, so the `instructions` key of `config` is then not compared on refresh. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"version": schema.Int64Attribute{
				Description:   "The version number (1, 2, 3, ... per agent). Reference it from `anyreach_publish.version`.",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"version_id": schema.StringAttribute{
				Description:   "The version's ID, the value a phone number's inbound or outbound slot holds once published there.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instructions_status": schema.StringAttribute{
				Description: "State of instruction generation: `idle`, `generating`, `completed`, `failed`, or `stale` (the builder inputs " +
					"changed after the instructions were generated). While `generate_instructions` is on, `failed`, `idle` and `stale` " +
					"show in the plan as pending work, and apply generates again.",
				Computed: true,
			},
			"created_at": schema.StringAttribute{
				Description:   "When the version was created (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": operationTimeoutsBlock(ctx),
		},
	}
}

// ConfigValidators requires exactly one of config and base_version.
func (r *AgentVersionResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{versionSourceValidator{}}
}

// versionSourceValidator requires exactly one of config and base_version, and
// says what each of them does, which the generic validators cannot.
type versionSourceValidator struct{}

var _ resource.ConfigValidator = versionSourceValidator{}

// Description says what the validator checks.
func (versionSourceValidator) Description(context.Context) string {
	return "exactly one of config and base_version must be set"
}

// MarkdownDescription says what the validator checks.
func (v versionSourceValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateResource reports both (on base_version) or neither (on the resource).
func (versionSourceValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config types.String
	var base types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("config"), &config)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("base_version"), &base)...)
	if resp.Diagnostics.HasError() || config.IsUnknown() || base.IsUnknown() {
		return
	}
	switch {
	case !config.IsNull() && !base.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("base_version"), "Both config and base_version are set",
			"A version is created either from config or as a copy of the version numbered base_version, not both. "+
				"Remove base_version to create the version from config, or remove config to copy base_version.")
	case config.IsNull() && base.IsNull():
		resp.Diagnostics.AddError("Neither config nor base_version is set",
			"Set config to the AgentConfig as JSON (for example config = jsonencode({...}) or file(\"agent.json\")), "+
				"or base_version to the number of an existing version of the same agent to copy.")
	}
}

// Configure receives the shared client.
func (r *AgentVersionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan decides what a configuration change means (config_drift.go):
// a config equivalent to the one in state keeps state's text, so a
// reformatted file or a key written as its default plans nothing; a real
// change updates a draft in place, or replaces a published version with a
// warning that says why. Whether the version is published is read from the
// API only when a change is planned, so a plan without changes sends no
// request. A new or changed config is validated against the schema.
func (r *AgentVersionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan AgentVersionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.validatePlannedConfig(ctx, plan, &resp.Diagnostics)
		return
	}
	var state AgentVersionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rule := r.rule(ctx, plan.GenerateInstructions.ValueBool() && state.GenerateInstructions.ValueBool())
	recorded := getConfigBaseline(ctx, req.Private, state.Config.ValueString(), rule.schema)
	var baseline any
	if recorded != nil {
		baseline = recorded.value
	}

	var changed []path.Path
	configChanged, diags := r.planConfig(rule, &plan, state, recorded)
	resp.Diagnostics.Append(diags...)
	if configChanged {
		changed = append(changed, path.Root("config"))
	}
	if !plan.InstructionBuilderInputs.IsUnknown() && !plan.InstructionBuilderInputs.Equal(state.InstructionBuilderInputs) {
		if !plan.InstructionBuilderInputs.IsNull() && !state.InstructionBuilderInputs.IsNull() &&
			sameJSON(plan.InstructionBuilderInputs.ValueString(), state.InstructionBuilderInputs.ValueString()) {
			plan.InstructionBuilderInputs = state.InstructionBuilderInputs
		} else {
			changed = append(changed, path.Root("instruction_builder_inputs"))
		}
	} else if plan.InstructionBuilderInputs.IsUnknown() {
		changed = append(changed, path.Root("instruction_builder_inputs"))
	}
	if generationChangeNeedsWrite(plan, state, baseline) {
		changed = append(changed, path.Root("generate_instructions"))
	}
	pending := generationPending(plan, state)
	switch {
	case pending:
		// Generation the configuration asks for has not finished (it failed,
		// timed out, or the inputs changed after it): the plan shows it and
		// apply runs it.
		plan.InstructionsStatus = types.StringUnknown()
	case len(changed) == 0:
		// Nothing reaches the API, so nothing the API computes changes.
		plan.InstructionsStatus = state.InstructionsStatus
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if (len(changed) == 0 && !pending) || resp.Diagnostics.HasError() {
		return
	}
	if configChanged {
		r.validatePlannedConfig(ctx, plan, &resp.Diagnostics)
	}

	agentID, number := state.AgentID.ValueString(), int(state.Version.ValueInt64())
	// Whether the version is published is asked here, not kept: publishing
	// is anyreach_publish's doing, and any record of it in this resource's
	// state, private state included, would make plan -refresh-only report a
	// sibling's publish as a change made outside Terraform (workflow row 2).
	// This read is the one request an update of a draft sends beyond its
	// write (bench/results.md).
	v, err := r.data.client.GetVersion(ctx, agentID, number)
	if client.IsNotFound(err) {
		return // refresh removes it; nothing to decide
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot plan Anyreach agent version change",
			apiErrorDetail(fmt.Sprintf("Reading version %d of agent %s to learn whether it is published", number, agentID), err))
		return
	}
	if !v.Published {
		return
	}
	if len(changed) == 0 {
		// A published version's instructions cannot be generated again;
		// nothing to do.
		plan.InstructionsStatus = state.InstructionsStatus
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	resp.RequiresReplace = append(resp.RequiresReplace, changed...)
	names := make([]string, len(changed))
	for i, p := range changed {
		names[i] = p.String()
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("Version %d is published, so this change creates a new version", number),
		fmt.Sprintf("Version %d of agent %s is published, and published versions are immutable. Applying this change to %s creates "+
			"a new version of the agent (the next version number) from this configuration, and version %d stays in the agent's "+
			"history. An anyreach_publish that refers to this resource's version then moves its phone numbers to the new version "+
			"in one call, so no number is left without an agent.", number, agentID, strings.Join(names, " and "), number))
}

// planConfig plans config against state by the drift rule
// (config_drift.go): equivalent text keeps state's, anything else is a
// change. It reports whether config changes.
func (r *AgentVersionResource) planConfig(rule *configRule, plan *AgentVersionResourceModel, state AgentVersionResourceModel,
	recorded *configBaseline) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case plan.Config.IsUnknown():
		return true, nil
	case plan.Config.IsNull(), state.Config.IsNull():
		return false, nil
	}
	ans, err := rule.decide(driftQuery{Question: driftPlan, Prior: state.Config.ValueString(), Planned: plan.Config.ValueString(), Baseline: recorded})
	if err != nil {
		return true, nil
	}
	if ans.WrittenKeysOnly {
		diags.AddAttributeWarning(path.Root("config"), "Config compared on the keys it writes only",
			"The AgentConfig JSON Schema is not available (validate_config = false, or GET /core/agent-config-schema failed), "+
				"so the defaults it declares could not be applied: the stored config was compared with config on the keys "+
				"config writes only, and keys it leaves out are not checked.")
	}
	if len(ans.Unsure) > 0 {
		diags.AddAttributeWarning(path.Root("config"), "Config kept as Anyreach holds it",
			fmt.Sprintf("Version %d of agent %s was adopted from Anyreach (imported), and config differs from what Anyreach holds only "+
				"where the service could have filled or normalized what was sent: %s. The provider cannot tell such a fill from an "+
				"edit, so it keeps the version as it is (a published version is not replaced for this) and plans no change. To "+
				"write these values anyway, change them to something Anyreach does not already hold in another spelling.",
				state.Version.ValueInt64(), state.AgentID.ValueString(), strings.Join(ans.Unsure, ", ")))
	}
	if !ans.Changed {
		plan.Config = state.Config
	}
	return ans.Changed, diags
}

// rule returns the drift rule for a version, loading the AgentConfig
// schema's shape only when the rule needs it.
func (r *AgentVersionResource) rule(ctx context.Context, generated bool) *configRule {
	return &configRule{load: func() *configjson.Shape { return r.shape(ctx) }, generated: generated}
}

// shape returns the AgentConfig schema's shape for the drift rule, or nil
// when validation is off or the schema cannot be fetched.
func (r *AgentVersionResource) shape(ctx context.Context) *configjson.Shape {
	if r.data == nil || !r.data.validateConfig {
		return nil
	}
	s, err := r.data.configSchema(ctx)
	if err != nil {
		tflog.Warn(ctx, "the AgentConfig schema is not available; comparing the keys config writes", map[string]any{"error": err.Error()})
		return nil
	}
	return s.shape
}

// validatePlannedConfig checks a new or changed config against the API's
// AgentConfig schema, so a bad config fails the plan before anything is created.
func (r *AgentVersionResource) validatePlannedConfig(ctx context.Context, plan AgentVersionResourceModel, diags *diag.Diagnostics) {
	if r.data == nil || !r.data.validateConfig || plan.Config.IsNull() || plan.Config.IsUnknown() {
		return
	}
	doc, err := configjson.Decode(plan.Config.ValueString())
	if err != nil {
		return // the JSON type's own validation reports malformed JSON on the attribute
	}
	s, err := r.data.configSchema(ctx)
	if err != nil {
		diags.Append(configSchemaUnavailable(err))
		return
	}
	if problems := s.validate(doc); len(problems) > 0 {
		diags.AddAttributeError(path.Root("config"), "Invalid agent config",
			"config does not match the AgentConfig JSON Schema served by the Anyreach API:\n  - "+strings.Join(problems, "\n  - ")+
				"\n\nFix the listed paths (see the anyreach_agent_config_schema data source for the schema), or set "+
				"validate_config = false in the provider block to leave validation to the API.")
	}
}

// Create creates the draft, then runs instruction generation when asked.
func (r *AgentVersionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan AgentVersionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := operationTimeout(ctx, plan.Timeouts.Create, &resp.Diagnostics, false)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	in := client.VersionCreate{}
	if !plan.Config.IsNull() && !plan.Config.IsUnknown() {
		in.Config = json.RawMessage(plan.Config.ValueString())
	}
	if !plan.BaseVersion.IsNull() {
		n := int(plan.BaseVersion.ValueInt64())
		in.BaseVersion = &n
	}
	if !plan.InstructionBuilderInputs.IsNull() {
		in.InstructionBuilderInputs = json.RawMessage(plan.InstructionBuilderInputs.ValueString())
	}
	agentID := plan.AgentID.ValueString()
	v, err := r.data.client.CreateVersion(ctx, agentID, in)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create Anyreach agent version",
			apiErrorDetail(fmt.Sprintf("Creating a version of agent %s", agentID), err)+versionErrorHint(err))
		return
	}
	// The version exists from here on; keep it in state whatever happens next.
	resp.Diagnostics.Append(r.written(ctx, v, &plan, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	if plan.GenerateInstructions.ValueBool() && !plan.InstructionBuilderInputs.IsNull() {
		var diags diag.Diagnostics
		v, diags = r.generate(ctx, agentID, v.Version, "create", timeout)
		resp.Diagnostics.Append(diags...)
		if v != nil {
			resp.Diagnostics.Append(r.written(ctx, v, &plan, resp.Private)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		}
	}
}

// written records the API's answer to the provider's own write: state keeps
// the planned config text (a config without one, copied from base_version,
// takes the stored config), and the stored config becomes the baseline that
// later refreshes compare with (config_drift.go).
func (r *AgentVersionResource) written(ctx context.Context, v *client.Version, m *AgentVersionResourceModel, private privateState) diag.Diagnostics {
	server, diags := versionFromAPI(v, m)
	if diags.HasError() {
		return diags
	}
	planned := ""
	if !m.Config.IsNull() && !m.Config.IsUnknown() {
		planned = m.Config.ValueString()
	}
	ans, err := r.rule(ctx, m.GenerateInstructions.ValueBool()).decide(driftQuery{Question: driftWrite, Planned: planned, Server: server})
	if err != nil {
		diags.AddError("Unexpected config from the API", err.Error())
		return diags
	}
	m.Config = newConfigValue(ans.Config)
	diags.Append(setConfigBaseline(ctx, private, ans.Config, ans.Baseline)...)
	return diags
}

// Read refreshes the version by number (never "latest", which creates drafts).
func (r *AgentVersionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state AgentVersionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := operationDeadline(ctx, state.Timeouts.Read, &resp.Diagnostics, true)
	defer cancel()
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	agentID, number := state.AgentID.ValueString(), int(state.Version.ValueInt64())
	v, err := r.data.client.GetVersion(ctx, agentID, number)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "removing anyreach_agent_version from state: the API no longer has it", map[string]any{"agent_id": agentID, "version": number})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach agent version",
			apiErrorDetail(fmt.Sprintf("Reading version %d of agent %s", number, agentID), err))
		return
	}
	prior := ""
	if !state.Config.IsNull() && !state.Config.IsUnknown() {
		prior = state.Config.ValueString()
	}
	server, diags := versionFromAPI(v, &state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	rule := r.rule(ctx, state.GenerateInstructions.ValueBool())
	recorded := getConfigBaseline(ctx, req.Private, prior, rule.schema)
	ans, err := rule.decide(driftQuery{Question: driftRefresh, Prior: prior, Server: server, Baseline: recorded})
	if err != nil {
		resp.Diagnostics.AddError("Unexpected config from the API", err.Error())
		return
	}
	if ans.Unchecked {
		resp.Diagnostics.AddWarning("Agent version config not checked for drift",
			fmt.Sprintf("The stored config of version %d of agent %s differs from the one the provider last saw, and the AgentConfig "+
				"schema needed to tell an edit from a value the schema implies could not be fetched, so state keeps the config as it "+
				"was. The next refresh with the schema available shows any edit.", number, agentID))
	}
	state.Config = newConfigValue(ans.Config)
	if ans.Config != prior || !recorded.same(ans.Baseline) {
		// Private state is rewritten only when it changes: plan -refresh-only
		// reports any change of it, so a refresh that finds nothing new must
		// leave it byte for byte (a record of an older provider included).
		resp.Diagnostics.Append(setConfigBaseline(ctx, resp.Private, ans.Config, ans.Baseline)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes a draft in place; published versions never reach here
// because ModifyPlan plans a replacement for every change to them.
func (r *AgentVersionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state AgentVersionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := operationTimeout(ctx, plan.Timeouts.Update, &resp.Diagnostics, false)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	agentID, number := state.AgentID.ValueString(), int(state.Version.ValueInt64())
	rule := r.rule(ctx, state.GenerateInstructions.ValueBool())
	recorded := getConfigBaseline(ctx, req.Private, state.Config.ValueString(), rule.schema)
	var baseline any
	if recorded != nil {
		baseline = recorded.value
	}

	in := client.VersionUpdate{}
	if !plan.Config.IsUnknown() && !plan.Config.IsNull() && (!plan.Config.Equal(state.Config) || takesOverInstructions(plan, state, baseline)) {
		in.Config = json.RawMessage(plan.Config.ValueString())
	}
	inputsChanged := !plan.InstructionBuilderInputs.Equal(state.InstructionBuilderInputs)
	if inputsChanged && !plan.InstructionBuilderInputs.IsNull() {
		in.InstructionBuilderInputs = json.RawMessage(plan.InstructionBuilderInputs.ValueString())
	}

	var v *client.Version
	var err error
	if in.Config != nil || in.InstructionBuilderInputs != nil {
		v, err = r.data.client.UpdateVersion(ctx, agentID, number, in)
	} else {
		v, err = r.data.client.GetVersion(ctx, agentID, number)
	}
	if err != nil {
		// State keeps what Anyreach held before, so the next plan shows the
		// change again (the next refresh corrects anything that was applied).
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		resp.Diagnostics.AddError("Cannot update Anyreach agent version",
			apiErrorDetail(fmt.Sprintf("Updating version %d of agent %s", number, agentID), err)+versionErrorHint(err))
		return
	}
	if in.Config != nil || in.InstructionBuilderInputs != nil || recorded == nil {
		resp.Diagnostics.Append(r.written(ctx, v, &plan, resp.Private)...)
	} else {
		_, diags := versionFromAPI(v, &plan)
		resp.Diagnostics.Append(diags...)
		// Nothing was written: the baseline stays, recorded against the
		// planned text (the same text, or one equal in meaning).
		resp.Diagnostics.Append(setConfigBaseline(ctx, resp.Private, plan.Config.ValueString(), recorded)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	generateNow := plan.GenerateInstructions.ValueBool() && !plan.InstructionBuilderInputs.IsNull() &&
		(inputsChanged || !state.GenerateInstructions.ValueBool() || generationPending(plan, state))
	if generateNow {
		var diags diag.Diagnostics
		v, diags = r.generate(ctx, agentID, number, "update", timeout)
		resp.Diagnostics.Append(diags...)
		if v != nil {
			resp.Diagnostics.Append(r.written(ctx, v, &plan, resp.Private)...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		}
	}
}

// generationChangeNeedsWrite reports a change of generate_instructions that
// has to write to the version: turning it on (with inputs) generates, and
// turning it off hands config's instructions back to the user, which writes
// them when they differ from what the builder generated. Neither can be done
// to a published version, so ModifyPlan then plans a new one.
func generationChangeNeedsWrite(plan, state AgentVersionResourceModel, baseline any) bool {
	if plan.GenerateInstructions.IsUnknown() {
		return false
	}
	was, is := state.GenerateInstructions.ValueBool(), plan.GenerateInstructions.ValueBool()
	switch {
	case !was && is:
		return !plan.InstructionBuilderInputs.IsNull()
	case was && !is:
		return takesOverInstructions(plan, state, baseline)
	}
	return false
}

// generationPending reports that generation stays on and the version's
// instructions are not the finished result of its current inputs: the last
// generation failed, never ran, or the inputs changed after it (stale). The
// next apply generates again. A generation still running (one the provider
// stopped waiting for, or started in the dashboard) is not pending work: it
// finishes by itself (anyreach_publish waits for it), and if it fails the
// next refresh reads failed.
func generationPending(plan, state AgentVersionResourceModel) bool {
	if plan.GenerateInstructions.IsUnknown() || !plan.GenerateInstructions.ValueBool() || !state.GenerateInstructions.ValueBool() ||
		plan.InstructionBuilderInputs.IsNull() || state.InstructionBuilderInputs.IsNull() {
		return false
	}
	switch state.InstructionsStatus.ValueString() {
	case client.InstructionsFailed, client.InstructionsIdle, instructionsStale:
		return true
	}
	return false
}

// instructionsStale is instructions_status of a version whose builder inputs
// changed after its instructions were generated (and which nobody edited by
// hand since): Anyreach refuses to publish it until they are generated again.
const instructionsStale = "stale"

// takesOverInstructions reports that generate_instructions is being turned
// off while config's instructions differ from the generated ones the version
// holds (the baseline): from now on config owns them, so they must be
// written. While generation was on they were not compared, so config itself
// looks unchanged.
func takesOverInstructions(plan, state AgentVersionResourceModel, baseline any) bool {
	if !state.GenerateInstructions.ValueBool() || plan.GenerateInstructions.IsUnknown() || plan.GenerateInstructions.ValueBool() ||
		plan.Config.IsUnknown() || plan.Config.IsNull() {
		return false
	}
	wanted, err := configjson.Decode(plan.Config.ValueString())
	if err != nil {
		return false
	}
	w, _ := wanted.(map[string]any)
	s, ok := baseline.(map[string]any)
	want, written := w["instructions"]
	return written && (!ok || !configjson.Equal(want, s["instructions"]))
}

// Delete only forgets the version: the API has no way to delete one.
func (r *AgentVersionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state AgentVersionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.AddWarning("Agent version kept in Anyreach",
		fmt.Sprintf("Version %d of agent %s was removed from Terraform state only: the Anyreach API cannot delete versions, so it "+
			"stays in the agent's history. Deleting the agent (anyreach_agent) removes all of its versions.",
			state.Version.ValueInt64(), state.AgentID.ValueString()))
}

// ImportState accepts <agent_id>/<version>, as the import ID or as the identity's agent_id and version.
func (r *AgentVersionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, _ := importIDOf[agentVersionIdentity](ctx, req, &resp.Diagnostics)
	agentID, number, err := versionid.Parse(id)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("agent_id"), agentID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("version"), int64(number))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("generate_instructions"), false)...)
}

// generate starts instruction generation and waits for it within ctx, which
// carries the deadline of the whole operation: timeout, the resource's op
// ("create" or "update") timeout, named when the wait gives up.
func (r *AgentVersionResource) generate(ctx context.Context, agentID string, number int, op string, timeout time.Duration) (*client.Version, diag.Diagnostics) {
	var diags diag.Diagnostics
	err := r.data.client.GenerateInstructions(ctx, agentID, number)
	if err != nil {
		diags.AddError("Cannot generate instructions",
			apiErrorDetail(fmt.Sprintf("Starting instruction generation for version %d of agent %s", number, agentID), err))
		return nil, diags
	}
	v, err := r.data.client.WaitForInstructions(ctx, agentID, number)
	if err != nil {
		detail := generationWaitDetail(fmt.Sprintf("instruction generation of version %d of agent %s", number, agentID), op, timeout, err)
		if op == "create" {
			detail += fmt.Sprintf("\n\nVersion %d itself was created and is kept in state, marked tainted: the next apply replaces it with a "+
				"new version and generates again (versions cannot be deleted, so version %d stays in the agent's history).", number, number)
		}
		diags.AddError("Instruction generation did not finish", detail)
		return v, diags
	}
	if v.InstructionsStatus == client.InstructionsFailed {
		msg := "no reason given"
		if v.InstructionsError != nil {
			msg = *v.InstructionsError
		}
		diags.AddAttributeError(path.Root("instruction_builder_inputs"), "Instruction generation failed",
			fmt.Sprintf("Anyreach could not generate instructions for version %d of agent %s: %s\n\nAdjust instruction_builder_inputs and apply again.",
				number, agentID, msg))
	}
	return v, diags
}

// versionErrorHint adds what to do for the version-specific API refusals.
// The client tells the conditions apart from the status code and a re-read
// of the version's documented fields, never from the message's words.
func versionErrorHint(err error) string {
	switch {
	case client.IsVersionPublished(err):
		return "\n\nThe version was published meanwhile (for example in the dashboard), and published versions are immutable. " +
			"Run terraform apply again: the next plan creates a new version instead."
	case client.IsMissingBuilderInputs(err):
		return "\n\nInstruction generation needs instruction_builder_inputs: set them, or turn generate_instructions off."
	case client.IsValidation(err):
		return "\n\nThe API rejected the config. Check it against the anyreach_agent_config_schema data source."
	}
	return ""
}

// versionFromAPI copies the API's view of a version into the model, all but
// config, whose text the drift rule decides (config_drift.go). It returns
// the stored config, decoded.
func versionFromAPI(v *client.Version, m *AgentVersionResourceModel) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	m.ID = types.StringValue(versionid.Format(v.AgentID, v.Version))
	if v.AgentID != "" {
		m.AgentID = types.StringValue(v.AgentID)
	}
	m.Version = types.Int64Value(int64(v.Version))
	m.VersionID = types.StringValue(v.VersionID)
	status := v.InstructionsStatus
	if status == client.InstructionsCompleted && v.InstructionsDirty && !v.InstructionsManuallyEdited {
		status = instructionsStale
	}
	m.InstructionsStatus = types.StringValue(status)
	m.CreatedAt = types.StringValue(v.CreatedAt)

	server, err := configjson.Decode(string(v.Config))
	if err != nil {
		diags.AddError("Unexpected config from the API", fmt.Sprintf("Version %d of agent %s has a config that is not JSON: %s", v.Version, v.AgentID, err))
		return nil, diags
	}

	// The prior text stays when the API's holds the same JSON, so the
	// server's formatting never shows as drift.
	switch inputs := string(v.InstructionBuilderInputs); {
	case inputs == "" || inputs == "null":
		m.InstructionBuilderInputs = types.StringNull()
	case m.InstructionBuilderInputs.IsNull() || m.InstructionBuilderInputs.IsUnknown() ||
		!sameJSON(m.InstructionBuilderInputs.ValueString(), inputs):
		m.InstructionBuilderInputs = newConfigValue(inputs)
	}
	return server, diags
}
