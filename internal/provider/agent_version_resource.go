package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

var (
	_ resource.Resource                     = &AgentVersionResource{}
	_ resource.ResourceWithConfigure        = &AgentVersionResource{}
	_ resource.ResourceWithImportState      = &AgentVersionResource{}
	_ resource.ResourceWithModifyPlan       = &AgentVersionResource{}
	_ resource.ResourceWithConfigValidators = &AgentVersionResource{}
)

// defaultGenerationTimeout bounds the wait for instruction generation.
const defaultGenerationTimeout = 10 * time.Minute

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
	ID                       types.String         `tfsdk:"id"`
	AgentID                  types.String         `tfsdk:"agent_id"`
	Config                   jsontypes.Normalized `tfsdk:"config"`
	BaseVersion              types.Int64          `tfsdk:"base_version"`
	InstructionBuilderInputs jsontypes.Normalized `tfsdk:"instruction_builder_inputs"`
	GenerateInstructions     types.Bool           `tfsdk:"generate_instructions"`
	Version                  types.Int64          `tfsdk:"version"`
	VersionID                types.String         `tfsdk:"version_id"`
	Published                types.Bool           `tfsdk:"published"`
	PublishedAt              types.String         `tfsdk:"published_at"`
	InstructionsStatus       types.String         `tfsdk:"instructions_status"`
	EffectiveConfig          types.String         `tfsdk:"effective_config"`
	CreatedAt                types.String         `tfsdk:"created_at"`
	UpdatedAt                types.String         `tfsdk:"updated_at"`
	Timeouts                 timeouts.Value       `tfsdk:"timeouts"`
}

// Metadata sets the resource type name.
func (r *AgentVersionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent_version"
}

// replaceIfPublished forces a new version when a published one would change,
// because the API refuses to edit published versions.
var replaceIfPublished = stringplanmodifier.RequiresReplaceIf(
	func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		if req.State.Raw.IsNull() {
			return
		}
		var published types.Bool
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("published"), &published)...)
		resp.RequiresReplace = published.ValueBool()
	},
	"The version is published, and published versions are immutable, so this change creates a new version.",
	"The version is published, and published versions are immutable, so this change creates a new version.",
)

// Schema describes anyreach_agent_version.
func (r *AgentVersionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "One version of an agent's configuration (voice, model, prompt, tools, knowledge bases). A version is created " +
			"as a **draft**, and a change to a draft is made in place. Once published (by `anyreach_publish` or in the dashboard) " +
			"it is **immutable**: a later change to `config` or `instruction_builder_inputs` plans a replacement, which creates a " +
			"new version and leaves the old one in the agent's history. Versions cannot be deleted through the API: destroying " +
			"this resource only removes it from Terraform state.",
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
				CustomType: jsontypes.NormalizedType{},
				Description: "The AgentConfig as a JSON string: write `jsonencode({...})` or `file(\"agent.json\")` with a config exported " +
					"from the dashboard's agent builder. Exactly one of `config` and `base_version`. It is validated against the " +
					"API's AgentConfig JSON Schema at plan time. Only the keys written here are compared on refresh: server " +
					"defaults never show as a diff, while an out-of-band change to a key written here does. Changing it updates a " +
					"draft in place and replaces a published version.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{jsonDocumentLimits{}},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					replaceIfPublished,
				},
			},
			"base_version": schema.Int64Attribute{
				Description: "Create the version as a copy of this existing version number of the same agent, instead of from `config`. " +
					"Exactly one of `config` and `base_version`. Changing it creates a new version, since a copy is made only at creation.",
				Optional:      true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"instruction_builder_inputs": schema.StringAttribute{
				CustomType: jsontypes.NormalizedType{},
				Description: "Inputs of Anyreach's instruction builder (for example industry and purpose) as a JSON object string. " +
					"With `generate_instructions`, the builder writes the agent's instructions from them. Changing it updates a " +
					"draft in place and replaces a published version.",
				Optional:      true,
				Validators:    []validator.String{jsonDocumentLimits{}},
				PlanModifiers: []planmodifier.String{replaceIfPublished},
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
			"published": schema.BoolAttribute{
				Description:   "Whether the version is published (and therefore immutable).",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"published_at": schema.StringAttribute{
				Description:   "When the version was published (RFC 3339), null for a draft.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instructions_status": schema.StringAttribute{
				Description: "State of instruction generation: `idle`, `generating`, `completed` or `failed`.",
				Computed:    true,
			},
			"effective_config": schema.StringAttribute{
				Description: "The complete config as the API stores it, server defaults included, as compact JSON with sorted keys.",
				Computed:    true,
			},
			"created_at": schema.StringAttribute{
				Description:   "When the version was created (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				Description: "When the version was last changed (RFC 3339).",
				Computed:    true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true}),
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
	var config jsontypes.Normalized
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

// ModifyPlan plans a new version where a change of generate_instructions
// cannot be made to a published version, and validates the planned config
// against the API's AgentConfig schema, so a bad config fails the plan before
// anything is created.
func (r *AgentVersionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() {
		var plan, state AgentVersionResourceModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if state.Published.ValueBool() && generationChangeNeedsWrite(plan, state) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("generate_instructions"))
		}
		// A config already in state passed validation when it was planned and is
		// only sent again when it changes, so a refresh-only plan of a large fleet
		// neither fetches the schema nor validates every version again.
		if plan.Config.Equal(state.Config) {
			return
		}
		if same, _ := plan.Config.StringSemanticEquals(ctx, state.Config); same {
			return
		}
	}
	if r.data == nil || !r.data.validateConfig {
		return
	}
	var config jsontypes.Normalized
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("config"), &config)...)
	if resp.Diagnostics.HasError() || config.IsNull() || config.IsUnknown() {
		return
	}
	doc, err := decodeJSON(config.ValueString())
	if err != nil {
		return // the JSON type's own validation reports malformed JSON on the attribute
	}
	s, err := r.data.configSchema(ctx)
	if err != nil {
		resp.Diagnostics.AddAttributeWarning(path.Root("config"), "AgentConfig not validated",
			"The AgentConfig JSON Schema could not be fetched from GET /core/agent-config-schema, so config was not validated "+
				"at plan time; the API still validates it on apply. Cause: "+err.Error())
		return
	}
	if problems := s.validate(doc); len(problems) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("config"), "Invalid agent config",
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
	resp.Diagnostics.Append(versionFromAPI(v, &plan, plan.Config.ValueString())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if plan.GenerateInstructions.ValueBool() && !plan.InstructionBuilderInputs.IsNull() {
		timeout, diags := plan.Timeouts.Create(ctx, defaultGenerationTimeout)
		resp.Diagnostics.Append(diags...)
		v, diags = r.generate(ctx, agentID, v.Version, "create", timeout)
		resp.Diagnostics.Append(diags...)
		if v != nil {
			resp.Diagnostics.Append(versionFromAPI(v, &plan, plan.Config.ValueString())...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		}
	}
}

// Read refreshes the version by number (never "latest", which creates drafts).
func (r *AgentVersionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state AgentVersionResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	agentID, number := state.AgentID.ValueString(), int(state.Version.ValueInt64())
	v, err := r.data.client.GetVersion(ctx, agentID, number)
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach agent version",
			apiErrorDetail(fmt.Sprintf("Reading version %d of agent %s", number, agentID), err))
		return
	}
	resp.Diagnostics.Append(versionFromAPI(v, &state, state.Config.ValueString())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes a draft in place; published versions never reach here
// because every change to them plans a replacement.
func (r *AgentVersionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state AgentVersionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	agentID, number := state.AgentID.ValueString(), int(state.Version.ValueInt64())

	in := client.VersionUpdate{}
	if !plan.Config.IsUnknown() && !plan.Config.IsNull() && (!plan.Config.Equal(state.Config) || takesOverInstructions(plan, state)) {
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
		resp.Diagnostics.AddError("Cannot update Anyreach agent version",
			apiErrorDetail(fmt.Sprintf("Updating version %d of agent %s", number, agentID), err)+versionErrorHint(err))
		return
	}
	resp.Diagnostics.Append(versionFromAPI(v, &plan, plan.Config.ValueString())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	generateNow := plan.GenerateInstructions.ValueBool() && !plan.InstructionBuilderInputs.IsNull() &&
		(inputsChanged || !state.GenerateInstructions.ValueBool())
	if generateNow {
		timeout, diags := plan.Timeouts.Update(ctx, defaultGenerationTimeout)
		resp.Diagnostics.Append(diags...)
		v, diags = r.generate(ctx, agentID, number, "update", timeout)
		resp.Diagnostics.Append(diags...)
		if v != nil {
			resp.Diagnostics.Append(versionFromAPI(v, &plan, plan.Config.ValueString())...)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		}
	}
}

// generationChangeNeedsWrite reports a change of generate_instructions that
// has to write to the version: turning it on (with inputs) generates, and
// turning it off hands config's instructions back to the user, which writes
// them when they differ from what the builder generated. Neither can be done
// to a published version, so ModifyPlan then plans a new one.
func generationChangeNeedsWrite(plan, state AgentVersionResourceModel) bool {
	if plan.GenerateInstructions.IsUnknown() {
		return false
	}
	was, is := state.GenerateInstructions.ValueBool(), plan.GenerateInstructions.ValueBool()
	switch {
	case !was && is:
		return !plan.InstructionBuilderInputs.IsNull()
	case was && !is:
		return takesOverInstructions(plan, state)
	}
	return false
}

// takesOverInstructions reports that generate_instructions is being turned
// off while config's instructions differ from the generated ones the version
// holds: from now on config owns them, so they must be written. While
// generation was on they were not compared, so config itself looks unchanged.
func takesOverInstructions(plan, state AgentVersionResourceModel) bool {
	if !state.GenerateInstructions.ValueBool() || plan.GenerateInstructions.IsUnknown() || plan.GenerateInstructions.ValueBool() ||
		plan.Config.IsUnknown() || plan.Config.IsNull() {
		return false
	}
	wanted, err := decodeJSON(plan.Config.ValueString())
	if err != nil {
		return false
	}
	stored, err := decodeJSON(state.EffectiveConfig.ValueString())
	if err != nil {
		return true
	}
	w, _ := wanted.(map[string]any)
	s, _ := stored.(map[string]any)
	want, written := w["instructions"]
	return written && !jsonEqual(want, s["instructions"])
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

// ImportState accepts <agent_id>/<version>.
func (r *AgentVersionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	agentID, number, err := parseVersionImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("agent_id"), agentID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("version"), int64(number))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("generate_instructions"), false)...)
}

// versionNumber is a version number as written in an import ID: 1, 2, 3, ...
var versionNumber = regexp.MustCompile(`^[1-9][0-9]{0,8}$`)

// parseVersionImportID splits "<agent_id>/<version>".
func parseVersionImportID(id string) (string, int, error) {
	agentID, num, ok := strings.Cut(id, "/")
	n, err := strconv.Atoi(num)
	if !ok || agentID == "" || !versionNumber.MatchString(num) || err != nil {
		return "", 0, fmt.Errorf("unexpected format of ID (%q), expected AGENT_ID/VERSION, for example 6f1c2a.../3", id)
	}
	return agentID, n, nil
}

// generate starts instruction generation and waits for it within timeout,
// the resource's op ("create" or "update") timeout.
func (r *AgentVersionResource) generate(ctx context.Context, agentID string, number int, op string, timeout time.Duration) (*client.Version, diag.Diagnostics) {
	var diags diag.Diagnostics
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := r.data.client.GenerateInstructions(ctx, agentID, number); err != nil {
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
func versionErrorHint(err error) string {
	switch {
	case client.IsBadRequest(err):
		return "\n\nThe version is published, and published versions are immutable. Run terraform apply again: the next plan " +
			"creates a new version instead."
	case client.IsValidation(err):
		return "\n\nThe API rejected the config. Check it against the anyreach_agent_config_schema data source."
	}
	return ""
}

// versionFromAPI copies the API's view of a version into the model. prior is
// the config text state held before, used to keep server defaults out of the
// plan (see config_json.go).
func versionFromAPI(v *client.Version, m *AgentVersionResourceModel, prior string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(fmt.Sprintf("%s/%d", v.AgentID, v.Version))
	if v.AgentID != "" {
		m.AgentID = types.StringValue(v.AgentID)
	}
	m.Version = types.Int64Value(int64(v.Version))
	m.VersionID = types.StringValue(v.VersionID)
	m.Published = types.BoolValue(v.Published)
	m.PublishedAt = types.StringPointerValue(v.PublishedAt)
	m.InstructionsStatus = types.StringValue(v.InstructionsStatus)
	m.CreatedAt = types.StringValue(v.CreatedAt)
	m.UpdatedAt = types.StringValue(v.UpdatedAt)

	// Parsed once: it yields both effective_config and the projected config.
	server, err := decodeJSON(string(v.Config))
	if err == nil {
		var effective string
		effective, err = encodeJSON(server)
		m.EffectiveConfig = types.StringValue(effective)
	}
	if err != nil {
		diags.AddError("Unexpected config from the API", fmt.Sprintf("Version %d of agent %s has a config that is not JSON: %s", v.Version, v.AgentID, err))
		return diags
	}

	var ignore []string
	if m.GenerateInstructions.ValueBool() {
		ignore = []string{"instructions"}
	}
	cfg, err := refreshConfigValue(prior, server, ignore...)
	if err != nil {
		diags.AddError("Unexpected config from the API", err.Error())
		return diags
	}
	m.Config = jsontypes.NewNormalizedValue(cfg)

	// The framework keeps the prior text when the API's is semantically equal
	// (jsontypes.Normalized), so the server's formatting never shows as drift.
	if len(v.InstructionBuilderInputs) == 0 || string(v.InstructionBuilderInputs) == "null" {
		m.InstructionBuilderInputs = jsontypes.NewNormalizedNull()
	} else {
		m.InstructionBuilderInputs = jsontypes.NewNormalizedValue(string(v.InstructionBuilderInputs))
	}
	return diags
}
