package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
)

var _ list.ListResourceWithConfigure = &AgentVersionListResource{}

// NewAgentVersionListResource returns the anyreach_agent_version list resource.
func NewAgentVersionListResource() list.ListResource { return &AgentVersionListResource{} }

// AgentVersionListResource lists the versions of one agent for terraform query.
type AgentVersionListResource struct {
	data *providerData
}

// agentVersionListConfig is the list block's config.
type agentVersionListConfig struct {
	AgentID   types.String `tfsdk:"agent_id"`
	Published types.Bool   `tfsdk:"published"`
}

// Metadata sets the type name: the resource it lists.
func (l *AgentVersionListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_agent_version"
}

// ListResourceConfigSchema describes the list block's config.
func (l *AgentVersionListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		Description: "Lists the versions of one agent, oldest first, each named by the agent, its number and what it is to " +
			"the agent (live: the newest published version; draft; holds phone numbers). Each result is identified by " +
			"`agent_id` and `version`. With `include_resource` (and `terraform query -generate-config-out`) a version " +
			"carries its config as its import reads it: the stored config without the service's own keys and without " +
			"values equal to their schema default, so the written configuration plans the import and no change.",
		Attributes: map[string]listschema.Attribute{
			"agent_id": listschema.StringAttribute{
				Description: "The agent whose versions are listed.",
				Required:    true,
			},
			"published": listschema.BoolAttribute{
				Description: "Only the published versions (`true`) or only the drafts (`false`). All versions when not set.",
				Optional:    true,
			},
		},
	}
}

// Configure receives the shared client.
func (l *AgentVersionListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List lists the agent's versions, oldest first.
func (l *AgentVersionListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg agentVersionListConfig
	diags := req.Config.Get(ctx, &cfg)
	streamResults(ctx, req, stream, diags, l.data != nil, func(emit func(listOutcome) bool) {
		agentID := cfg.AgentID.ValueString()
		a, err := discovery.Read(ctx, l.data.client.reader(), agentID)
		if err != nil {
			emit(listError("Cannot list Anyreach agent versions", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err)))
			return
		}
		roles := map[int]discovery.Version{}
		for _, v := range a.Versions {
			roles[v.Version] = v
		}
		versions := append([]client.VersionSummary(nil), a.Agent.Versions...)
		sort.Slice(versions, func(i, j int) bool { return versions[i].Version < versions[j].Version })
		for _, v := range versions {
			if !cfg.Published.IsNull() && cfg.Published.ValueBool() != v.Published {
				continue
			}
			m := AgentVersionResourceModel{AgentID: types.StringValue(a.ID), Version: types.Int64Value(int64(v.Version))}
			o := listOutcome{
				display:  fmt.Sprintf("%s version %d (%s)", a.Name, v.Version, versionRole(v, roles[v.Version])),
				identity: m.identity(),
				object:   func() (any, diag.Diagnostics) { return l.imported(ctx, req, a.ID, v.Version) },
			}
			if !emit(o) {
				return
			}
		}
	})
}

// versionRole says what a version is to its agent, for people.
func versionRole(v client.VersionSummary, matters discovery.Version) string {
	state := "draft"
	if v.Published {
		state = "published"
	}
	switch matters.Role {
	case discovery.RoleLive:
		return state + ", live"
	case discovery.RoleHistory:
		return state + ", holds phone numbers"
	}
	return state
}

// imported is the version's state as its import reads it
// (AgentVersionResource.Read with no config in state yet): the stored config
// without the service's own keys and the values equal to their schema
// default (configRule.refreshed), generate_instructions off.
func (l *AgentVersionListResource) imported(ctx context.Context, req list.ListRequest, agentID string, number int) (any, diag.Diagnostics) {
	var diags diag.Diagnostics
	v, err := l.data.client.GetVersion(ctx, agentID, number)
	if err != nil {
		diags.AddError("Cannot read Anyreach agent version", apiErrorDetail(fmt.Sprintf("Reading version %d of agent %s", number, agentID), err))
		return nil, diags
	}
	m := AgentVersionResourceModel{AgentID: types.StringValue(agentID), BaseVersion: types.Int64Null(), GenerateInstructions: types.BoolValue(false)}
	server, d := versionFromAPI(v, &m)
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	rule := configRule{shape: (&AgentVersionResource{data: l.data}).shape(ctx)}
	// The config as an import reads it (no prior, no baseline), so the
	// generated configuration plans no change.
	ans, err := rule.decide(driftQuery{Question: driftRefresh, Server: server})
	if err != nil {
		diags.AddError("Unexpected config from the API", err.Error())
		return nil, diags
	}
	m.Config = types.StringValue(ans.Config)
	m.Timeouts, d = nullTimeouts(ctx, req)
	diags.Append(d...)
	return m, diags
}
