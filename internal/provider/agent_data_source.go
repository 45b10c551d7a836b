package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

var (
	_ datasource.DataSource                     = &AgentDataSource{}
	_ datasource.DataSourceWithConfigure        = &AgentDataSource{}
	_ datasource.DataSourceWithConfigValidators = &AgentDataSource{}
)

// NewAgentDataSource returns the anyreach_agent data source.
func NewAgentDataSource() datasource.DataSource { return &AgentDataSource{} }

// AgentDataSource looks up one agent by ID or exact name.
type AgentDataSource struct {
	data *providerData
}

// AgentDataSourceModel is the state of anyreach_agent (data source).
type AgentDataSourceModel struct {
	// AgentResourceModel holds the agent's own fields, as the resource does.
	AgentResourceModel
	MetadataJSON types.String `tfsdk:"metadata_json"`
	Versions     types.List   `tfsdk:"versions"`
	PhoneNumbers types.List   `tfsdk:"phone_numbers"`
	SIPURI       types.String `tfsdk:"sip_uri"`
}

var versionSummaryType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"version":      types.Int64Type,
	"version_id":   types.StringType,
	"published":    types.BoolType,
	"published_at": types.StringType,
}}

var phoneSlotType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"phone_number":              types.StringType,
	"inbound_agent_version_id":  types.StringType,
	"outbound_agent_version_id": types.StringType,
}}

// Metadata sets the data source type name.
func (d *AgentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent"
}

// Schema describes anyreach_agent (data source).
func (d *AgentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up one existing Anyreach agent by `id` or by exact `name` (exactly one of the two), with its versions, " +
			"the phone numbers that hold one of its versions, and its SIP endpoint. A name shared by several agents is an error that lists them.",
		Attributes: map[string]schema.Attribute{
			"id":          schema.StringAttribute{Description: "The agent's ID. Set this or `name`.", Optional: true, Computed: true},
			"name":        schema.StringAttribute{Description: "The agent's exact name. Set this or `id`.", Optional: true, Computed: true},
			"description": schema.StringAttribute{Description: "Description of the agent.", Computed: true},
			"active":      schema.BoolAttribute{Description: "Whether the agent accepts conversations.", Computed: true},
			"is_demo":     schema.BoolAttribute{Description: "Whether the agent is a demo agent.", Computed: true},
			"metadata": schema.MapAttribute{Description: "Key/value labels of the agent, a value of another JSON type than a string shown as its JSON text, " +
				"as `anyreach_agent` shows them.", ElementType: types.StringType, Computed: true},
			"metadata_json": schema.StringAttribute{Description: metadataJSONDescription, Computed: true},
			"created_at":    schema.StringAttribute{Description: "When the agent was created (RFC 3339).", Computed: true},
			"updated_at":    schema.StringAttribute{Description: "When the agent was last changed (RFC 3339).", Computed: true},
			"versions": schema.ListNestedAttribute{
				Description: "Every version of the agent, oldest first.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"version":      schema.Int64Attribute{Description: "Version number (1, 2, 3, ...).", Computed: true},
					"version_id":   schema.StringAttribute{Description: "Version ID, the value phone-number slots hold.", Computed: true},
					"published":    schema.BoolAttribute{Description: "Whether the version is published (immutable).", Computed: true},
					"published_at": schema.StringAttribute{Description: "When it was published, or null for a draft.", Computed: true},
				}},
			},
			"phone_numbers": schema.ListNestedAttribute{
				Description: "Phone numbers with at least one slot holding a version of this agent.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"phone_number":              schema.StringAttribute{Description: "The number, in E.164 form.", Computed: true},
					"inbound_agent_version_id":  schema.StringAttribute{Description: "Version ID answering inbound calls, or null.", Computed: true},
					"outbound_agent_version_id": schema.StringAttribute{Description: "Version ID placing outbound calls, or null.", Computed: true},
				}},
			},
			"sip_uri": schema.StringAttribute{Description: "The agent's SIP URI when it is deployed as a SIP endpoint, otherwise null.", Computed: true},
		},
	}
}

// ConfigValidators requires exactly one of id and name.
func (d *AgentDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

// Configure receives the shared client.
func (d *AgentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read resolves the agent and reads it with one GET. A lookup by name lists
// agents first; the GET still follows because the API documents versions,
// phone numbers and the SIP endpoint only for GET /core/agents/{id}.
func (d *AgentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg AgentDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := cfg.ID.ValueString()
	if id == "" {
		found, diags := findAgentByName(ctx, d.data.client, cfg.Name.ValueString())
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = found.ID
	}
	agent, err := d.data.agents.get(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Anyreach agent", apiErrorDetail(fmt.Sprintf("Reading agent %s", id), err))
		return
	}
	resp.Diagnostics.Append(agentDataFromAPI(agent, &cfg)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func agentDataFromAPI(a *client.Agent, m *AgentDataSourceModel) diag.Diagnostics {
	diags := agentFromAPI(a, &m.AgentResourceModel)
	var d diag.Diagnostics
	m.MetadataJSON, d = metadataJSON(a.Metadata)
	diags.Append(d...)

	versions := make([]attr.Value, 0, len(a.Versions))
	for _, v := range a.Versions {
		obj, d := types.ObjectValue(versionSummaryType.AttrTypes, map[string]attr.Value{
			"version":      types.Int64Value(int64(v.Version)),
			"version_id":   types.StringValue(v.VersionID),
			"published":    types.BoolValue(v.Published),
			"published_at": types.StringPointerValue(v.PublishedAt),
		})
		diags.Append(d...)
		versions = append(versions, obj)
	}
	m.Versions, d = types.ListValue(versionSummaryType, versions)
	diags.Append(d...)

	numbers := make([]attr.Value, 0, len(a.PhoneNumbers))
	for _, n := range a.PhoneNumbers {
		obj, d := types.ObjectValue(phoneSlotType.AttrTypes, map[string]attr.Value{
			"phone_number":              types.StringValue(n.PhoneNumber),
			"inbound_agent_version_id":  types.StringPointerValue(n.InboundAgentVersionID),
			"outbound_agent_version_id": types.StringPointerValue(n.OutboundAgentVersionID),
		})
		diags.Append(d...)
		numbers = append(numbers, obj)
	}
	m.PhoneNumbers, d = types.ListValue(phoneSlotType, numbers)
	diags.Append(d...)

	m.SIPURI = types.StringNull()
	if a.SIPEndpoint != nil {
		m.SIPURI = types.StringValue(a.SIPEndpoint.URI)
	}
	return diags
}

// metadataJSONDescription describes metadata_json on the data sources.
const metadataJSONDescription = "The agent's metadata as one JSON object, every value in the JSON type Anyreach holds " +
	"(`jsondecode(...)` gives numbers as numbers and booleans as booleans)."

// metadataJSON is the API's metadata as JSON text, types kept.
func metadataJSON(m map[string]any) (types.String, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m == nil {
		m = map[string]any{}
	}
	text, err := configjson.Encode(m)
	if err != nil {
		diags.AddError("Unexpected metadata from the API", err.Error())
		return types.StringNull(), diags
	}
	return types.StringValue(text), diags
}
