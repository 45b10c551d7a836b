package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = &AgentConfigSchemaDataSource{}
	_ datasource.DataSourceWithConfigure = &AgentConfigSchemaDataSource{}
)

// NewAgentConfigSchemaDataSource returns the anyreach_agent_config_schema data source.
func NewAgentConfigSchemaDataSource() datasource.DataSource { return &AgentConfigSchemaDataSource{} }

// AgentConfigSchemaDataSource exposes the AgentConfig JSON Schema, the
// service's own description of what an agent version's config may contain.
type AgentConfigSchemaDataSource struct {
	data *providerData
}

// AgentConfigSchemaModel is the state of anyreach_agent_config_schema.
type AgentConfigSchemaModel struct {
	ID         types.String `tfsdk:"id"`
	Schema     types.String `tfsdk:"schema"`
	SHA256     types.String `tfsdk:"sha256"`
	Properties types.List   `tfsdk:"properties"`
}

// Metadata sets the data source type name.
func (d *AgentConfigSchemaDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent_config_schema"
}

// Schema describes anyreach_agent_config_schema.
func (d *AgentConfigSchemaDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The complete JSON Schema of AgentConfig, the configuration held by an agent version, as served by " +
			"`GET /core/agent-config-schema`. It is generated from the service's own model, so it is the source of truth for " +
			"field names, types, defaults and enums. The provider validates `anyreach_agent_version.config` against the same schema at plan time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "The schema's SHA-256 digest; it changes whenever the service's AgentConfig model changes.",
				Computed:    true,
			},
			"schema": schema.StringAttribute{
				Description: "The JSON Schema document (draft 2020-12) as a JSON string; use `jsondecode()` to navigate it.",
				Computed:    true,
			},
			"sha256": schema.StringAttribute{
				Description: "Hex SHA-256 digest of `schema`, handy for noticing a schema change in CI.",
				Computed:    true,
			},
			"properties": schema.ListAttribute{
				Description: "The top-level property names an AgentConfig may have (across every config type), sorted.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

// Configure receives the shared client.
func (d *AgentConfigSchemaDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read fetches the schema through the provider-wide cache, so plan-time
// validation and this data source share one request.
func (d *AgentConfigSchemaDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	s, err := d.data.configSchema(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the AgentConfig schema", apiErrorDetail("Fetching GET /core/agent-config-schema", err))
		return
	}
	props, diags := types.ListValueFrom(ctx, types.StringType, s.properties)
	resp.Diagnostics.Append(diags...)
	state := AgentConfigSchemaModel{
		ID:         types.StringValue(s.sha256),
		Schema:     types.StringValue(string(s.raw)),
		SHA256:     types.StringValue(s.sha256),
		Properties: props,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
