package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/anyreach/terraform-provider-anyreach/internal/versionid"
)

var (
	_ datasource.DataSource                     = &AgentVersionDataSource{}
	_ datasource.DataSourceWithConfigure        = &AgentVersionDataSource{}
	_ datasource.DataSourceWithConfigValidators = &AgentVersionDataSource{}
)

// NewAgentVersionDataSource returns the anyreach_agent_version data source.
func NewAgentVersionDataSource() datasource.DataSource { return &AgentVersionDataSource{} }

// AgentVersionDataSource reads one version by number, or the newest published
// one. It never asks the API for "latest", which would create a draft.
type AgentVersionDataSource struct {
	data *providerData
}

// AgentVersionDataSourceModel is the state of anyreach_agent_version (data source).
type AgentVersionDataSourceModel struct {
	ID                       types.String `tfsdk:"id"`
	AgentID                  types.String `tfsdk:"agent_id"`
	Version                  types.Int64  `tfsdk:"version"`
	LatestPublished          types.Bool   `tfsdk:"latest_published"`
	VersionID                types.String `tfsdk:"version_id"`
	Published                types.Bool   `tfsdk:"published"`
	PublishedAt              types.String `tfsdk:"published_at"`
	Config                   types.String `tfsdk:"config"`
	InstructionBuilderInputs types.String `tfsdk:"instruction_builder_inputs"`
	InstructionsStatus       types.String `tfsdk:"instructions_status"`
	CreatedAt                types.String `tfsdk:"created_at"`
	UpdatedAt                types.String `tfsdk:"updated_at"`
}

// Metadata sets the data source type name.
func (d *AgentVersionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent_version"
}

// Schema describes anyreach_agent_version (data source).
func (d *AgentVersionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Reads one version of an agent: by `version` number, or the newest published version with `latest_published = true` " +
			"(exactly one of the two). Reading never creates a draft (the API's `versions/latest` would, so it is not used).",
		Attributes: map[string]schema.Attribute{
			"id":                         schema.StringAttribute{Description: "`<agent_id>/<version>`.", Computed: true},
			"agent_id":                   schema.StringAttribute{Description: "The agent's ID.", Required: true},
			"version":                    schema.Int64Attribute{Description: "The version number to read. Set this or `latest_published`.", Optional: true, Computed: true},
			"latest_published":           schema.BoolAttribute{Description: "Read the newest published version. Set this or `version`.", Optional: true},
			"version_id":                 schema.StringAttribute{Description: "The version's ID.", Computed: true},
			"published":                  schema.BoolAttribute{Description: "Whether the version is published.", Computed: true},
			"published_at":               schema.StringAttribute{Description: "When it was published, null for a draft.", Computed: true},
			"config":                     schema.StringAttribute{Description: "The full config as stored, defaults included, as compact JSON.", Computed: true},
			"instruction_builder_inputs": schema.StringAttribute{Description: "The instruction builder inputs as JSON, or null.", Computed: true},
			"instructions_status":        schema.StringAttribute{Description: "`idle`, `generating`, `completed` or `failed`.", Computed: true},
			"created_at":                 schema.StringAttribute{Description: "When the version was created.", Computed: true},
			"updated_at":                 schema.StringAttribute{Description: "When the version was last changed.", Computed: true},
		},
	}
}

// ConfigValidators requires exactly one way of choosing the version.
func (d *AgentVersionDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("version"), path.MatchRoot("latest_published")),
	}
}

// Configure receives the shared client.
func (d *AgentVersionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read fetches the version.
func (d *AgentVersionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg AgentVersionDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	agentID := cfg.AgentID.ValueString()
	var v *client.Version
	if cfg.LatestPublished.ValueBool() {
		published := true
		versions, err := d.data.client.ListVersions(ctx, agentID, client.VersionListOptions{Published: &published, Limit: 100})
		if err != nil {
			resp.Diagnostics.AddError("Cannot list Anyreach agent versions", apiErrorDetail(fmt.Sprintf("Listing published versions of agent %s", agentID), err))
			return
		}
		for i := range versions {
			if v == nil || versions[i].Version > v.Version {
				v = &versions[i]
			}
		}
		if v == nil {
			resp.Diagnostics.AddAttributeError(path.Root("latest_published"), "No published version",
				fmt.Sprintf("Agent %s has no published version yet.", agentID))
			return
		}
	} else {
		var err error
		v, err = d.data.client.GetVersion(ctx, agentID, int(cfg.Version.ValueInt64()))
		if err != nil {
			resp.Diagnostics.AddError("Cannot read Anyreach agent version",
				apiErrorDetail(fmt.Sprintf("Reading version %d of agent %s", cfg.Version.ValueInt64(), agentID), err))
			return
		}
	}
	config, err := configjson.Canonical(string(v.Config))
	if err != nil {
		resp.Diagnostics.AddError("Unexpected config from the API", err.Error())
		return
	}
	cfg.ID = types.StringValue(versionid.Format(agentID, v.Version))
	cfg.Version = types.Int64Value(int64(v.Version))
	cfg.VersionID = types.StringValue(v.VersionID)
	cfg.Published = types.BoolValue(v.Published)
	cfg.PublishedAt = types.StringPointerValue(v.PublishedAt)
	cfg.Config = types.StringValue(config)
	cfg.InstructionBuilderInputs = types.StringNull()
	if len(v.InstructionBuilderInputs) > 0 && string(v.InstructionBuilderInputs) != "null" {
		inputs, err := configjson.Canonical(string(v.InstructionBuilderInputs))
		if err == nil {
			cfg.InstructionBuilderInputs = types.StringValue(inputs)
		}
	}
	cfg.InstructionsStatus = types.StringValue(v.InstructionsStatus)
	cfg.CreatedAt = types.StringValue(v.CreatedAt)
	cfg.UpdatedAt = types.StringValue(v.UpdatedAt)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
