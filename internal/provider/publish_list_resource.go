package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
)

var _ list.ListResourceWithConfigure = &PublishListResource{}

// NewPublishListResource returns the anyreach_publish list resource.
func NewPublishListResource() list.ListResource { return &PublishListResource{} }

// PublishListResource lists the publications of one agent for terraform query.
type PublishListResource struct {
	data *providerData
}

// publishListConfig is the list block's config.
type publishListConfig struct {
	AgentID types.String `tfsdk:"agent_id"`
}

// Metadata sets the type name: the resource it lists.
func (l *PublishListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_publish"
}

// ListResourceConfigSchema describes the list block's config.
func (l *PublishListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		Description: "Lists the publications of one agent, as `anyreach_publish` reads them back: one per version and " +
			"direction that holds phone numbers (`both` when a version holds both slots of exactly the same numbers), and " +
			"one for the live version (the newest published) when it holds no number, published on the web only. Each " +
			"result is identified by `agent_id`, `version` and `direction`.",
		Attributes: map[string]listschema.Attribute{
			"agent_id": listschema.StringAttribute{
				Description: "The agent whose publications are listed.",
				Required:    true,
			},
		},
	}
}

// Configure receives the shared client.
func (l *PublishListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List lists the agent's publications, oldest version first.
func (l *PublishListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg publishListConfig
	diags := req.Config.Get(ctx, &cfg)
	streamResults(ctx, req, stream, diags, l.data != nil, func(emit func(listOutcome) bool) {
		agentID := cfg.AgentID.ValueString()
		a, err := discovery.Read(ctx, l.data.client.reader(), agentID)
		if err != nil {
			emit(listError("Cannot list Anyreach publications", apiErrorDetail(fmt.Sprintf("Reading agent %s", agentID), err)))
			return
		}
		for _, p := range a.Publications {
			m := PublishResourceModel{AgentID: types.StringValue(a.ID), Version: types.Int64Value(int64(p.Version)),
				Direction: types.StringValue(p.Direction)}
			o := listOutcome{display: publicationName(a.Name, p), identity: m.identity(), object: func() (any, diag.Diagnostics) {
				var diags diag.Diagnostics
				summary := findVersion(a.Agent, p.Version)
				if summary == nil {
					diags.AddError("Published version not found", fmt.Sprintf("Version %d is not listed on agent %s.", p.Version, a.ID))
					return nil, diags
				}
				publicationFromSlots(a.Agent, summary, &m, &diags)
				t, d := nullTimeouts(ctx, req)
				m.Timeouts = t
				diags.Append(d...)
				return m, diags
			}}
			if !emit(o) {
				return
			}
		}
	})
}

// publicationName names a publication for people: the agent, the version,
// and its numbers or that it is on the web only.
func publicationName(agent string, p discovery.Publication) string {
	if p.WebOnly() {
		return fmt.Sprintf("%s version %d, published on the web only", agent, p.Version)
	}
	return fmt.Sprintf("%s version %d, %s on %s", agent, p.Version, p.Direction, strings.Join(p.PhoneNumbers, ", "))
}
