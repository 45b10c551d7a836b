package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

var (
	_ datasource.DataSource              = &AgentsDataSource{}
	_ datasource.DataSourceWithConfigure = &AgentsDataSource{}
)

// NewAgentsDataSource returns the anyreach_agents data source.
func NewAgentsDataSource() datasource.DataSource { return &AgentsDataSource{} }

// AgentsDataSource lists agents with the API's filters, following every page.
type AgentsDataSource struct {
	data *providerData
}

// AgentsDataSourceModel is the state of anyreach_agents.
type AgentsDataSourceModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	Active        types.Bool   `tfsdk:"active"`
	IsDemo        types.Bool   `tfsdk:"is_demo"`
	Metadata      types.Map    `tfsdk:"metadata"`
	CreatedAfter  types.String `tfsdk:"created_after"`
	CreatedBefore types.String `tfsdk:"created_before"`
	UpdatedAfter  types.String `tfsdk:"updated_after"`
	UpdatedBefore types.String `tfsdk:"updated_before"`
	Agents        types.List   `tfsdk:"agents"`
	IDs           types.List   `tfsdk:"ids"`
}

var agentListItemType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id":            types.StringType,
	"name":          types.StringType,
	"description":   types.StringType,
	"active":        types.BoolType,
	"is_demo":       types.BoolType,
	"metadata":      types.MapType{ElemType: types.StringType},
	"metadata_json": types.StringType,
	"created_at":    types.StringType,
	"updated_at":    types.StringType,
}}

// Metadata sets the data source type name.
func (d *AgentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agents"
}

// Schema describes anyreach_agents.
func (d *AgentsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	timeFilter := func(what string) schema.StringAttribute {
		return schema.StringAttribute{Description: "Only agents " + what + " (RFC 3339 timestamp).", Optional: true}
	}
	resp.Schema = schema.Schema{
		Description: "Lists the organization's agents, optionally filtered, following every page of the API's list. " +
			"Useful to adopt existing agents in bulk: `for_each` over `agents` with `import {}` blocks.",
		Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Description: "A fixed identifier for this listing.", Computed: true},
			"name":           schema.StringAttribute{Description: "Only agents with exactly this name.", Optional: true},
			"active":         schema.BoolAttribute{Description: "Only active (`true`) or inactive (`false`) agents.", Optional: true},
			"is_demo":        schema.BoolAttribute{Description: "Only demo (`true`) or non-demo (`false`) agents.", Optional: true},
			"metadata":       schema.MapAttribute{Description: "Only agents whose metadata contains all these key/value pairs, values written as `anyreach_agent` shows them: `\"3\"` matches a stored number 3 and a stored string \"3\", `\"true\"` a boolean.", ElementType: types.StringType, Optional: true},
			"created_after":  timeFilter("created after this time"),
			"created_before": timeFilter("created before this time"),
			"updated_after":  timeFilter("changed after this time"),
			"updated_before": timeFilter("changed before this time"),
			"ids":            schema.ListAttribute{Description: "The IDs of the matching agents, in the API's order.", ElementType: types.StringType, Computed: true},
			"agents": schema.ListNestedAttribute{
				Description: "The matching agents, in the API's order.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":          schema.StringAttribute{Description: "The agent's ID.", Computed: true},
					"name":        schema.StringAttribute{Description: "The agent's name.", Computed: true},
					"description": schema.StringAttribute{Description: "The agent's description.", Computed: true},
					"active":      schema.BoolAttribute{Description: "Whether the agent accepts conversations.", Computed: true},
					"is_demo":     schema.BoolAttribute{Description: "Whether the agent is a demo agent.", Computed: true},
					"metadata": schema.MapAttribute{Description: "The agent's metadata, a value of another JSON type than a string shown as its JSON text.",
						ElementType: types.StringType, Computed: true},
					"metadata_json": schema.StringAttribute{Description: metadataJSONDescription, Computed: true},
					"created_at":    schema.StringAttribute{Description: "When the agent was created.", Computed: true},
					"updated_at":    schema.StringAttribute{Description: "When the agent was last changed.", Computed: true},
				}},
			},
		},
	}
}

// Configure receives the shared client.
func (d *AgentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read lists every matching agent.
func (d *AgentsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg AgentsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := client.AgentListOptions{
		Name:   cfg.Name.ValueString(),
		Active: cfg.Active.ValueBoolPointer(),
		IsDemo: cfg.IsDemo.ValueBoolPointer(),
		Limit:  100,
	}
	if !cfg.Metadata.IsNull() {
		resp.Diagnostics.Append(cfg.Metadata.ElementsAs(ctx, &opts.Metadata, false)...)
	}
	for name, target := range map[string]struct {
		v   types.String
		dst **time.Time
	}{
		"created_after": {cfg.CreatedAfter, &opts.CreatedAfter}, "created_before": {cfg.CreatedBefore, &opts.CreatedBefore},
		"updated_after": {cfg.UpdatedAfter, &opts.UpdatedAfter}, "updated_before": {cfg.UpdatedBefore, &opts.UpdatedBefore},
	} {
		if target.v.IsNull() {
			continue
		}
		t, err := time.Parse(time.RFC3339, target.v.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Invalid timestamp",
				fmt.Sprintf("%s must be an RFC 3339 timestamp such as 2026-01-02T15:04:05Z, got %q.", name, target.v.ValueString()))
			continue
		}
		*target.dst = &t
	}
	if resp.Diagnostics.HasError() {
		return
	}

	agents, err := d.data.client.ListAgents(ctx, opts)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list Anyreach agents", apiErrorDetail("Listing agents", err))
		return
	}
	items := make([]attr.Value, 0, len(agents))
	ids := make([]attr.Value, 0, len(agents))
	for i := range agents {
		obj, diags := agentListItem(ctx, &agents[i])
		resp.Diagnostics.Append(diags...)
		items = append(items, obj)
		ids = append(ids, types.StringValue(agents[i].ID))
	}
	var diags diag.Diagnostics
	cfg.Agents, diags = types.ListValue(agentListItemType, items)
	resp.Diagnostics.Append(diags...)
	cfg.IDs, diags = types.ListValue(types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	cfg.ID = types.StringValue("agents")
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// agentListItem is one element of agents: the agent's own fields, converted
// as anyreach_agent converts them.
func agentListItem(ctx context.Context, a *client.Agent) (attr.Value, diag.Diagnostics) {
	var m struct {
		AgentResourceModel
		MetadataJSON types.String `tfsdk:"metadata_json"`
	}
	diags := agentFromAPI(a, &m.AgentResourceModel)
	var d diag.Diagnostics
	m.MetadataJSON, d = metadataJSON(a.Metadata)
	diags.Append(d...)
	obj, d := types.ObjectValueFrom(ctx, agentListItemType.AttrTypes, m)
	diags.Append(d...)
	return obj, diags
}
