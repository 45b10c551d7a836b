package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
)

// This file holds what the list resources (terraform query, Terraform 1.14
// and later) share. They find objects through internal/discovery, the walk
// anyreach-export uses too, so both find the same agents, versions and
// publications. Each result carries the object's identity (identity.go), a
// name a person recognises, and, when the query asks for it
// (include_resource, or -generate-config-out), the object as its import
// reads it: the configuration Terraform writes from it then plans the import
// and nothing else.

// listOutcome is one result of a list, or the error that ends the list.
type listOutcome struct {
	display  string
	identity any
	// object is the resource's state; it is only built when the query asks
	// for the resource.
	object func() (any, diag.Diagnostics)
	diags  diag.Diagnostics
}

// listedResult turns an outcome into a terraform query result.
func listedResult(ctx context.Context, req list.ListRequest, o listOutcome) list.ListResult {
	if o.diags.HasError() {
		return list.ListResult{Diagnostics: o.diags}
	}
	result := req.NewListResult(ctx)
	result.DisplayName = o.display
	result.Diagnostics.Append(o.diags...)
	result.Diagnostics.Append(result.Identity.Set(ctx, o.identity)...)
	if req.IncludeResource && o.object != nil {
		obj, diags := o.object()
		result.Diagnostics.Append(diags...)
		if !diags.HasError() {
			result.Diagnostics.Append(result.Resource.Set(ctx, obj)...)
		}
	}
	if result.Diagnostics.HasError() {
		return list.ListResult{Diagnostics: result.Diagnostics}
	}
	return result
}

// streamResults hands the outcomes of next to Terraform one by one, up to
// the query's limit; next yields until it returns false or emit does. A list
// block whose config could not be read (configDiags), or a provider not yet
// configured, ends the list with that error before next runs.
func streamResults(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, configDiags diag.Diagnostics, configured bool,
	next func(emit func(listOutcome) bool),
) {
	stream.Results = func(push func(list.ListResult) bool) {
		switch {
		case configDiags.HasError():
			push(listedResult(ctx, req, listOutcome{diags: configDiags}))
			return
		case !configured:
			push(listedResult(ctx, req, notConfigured()))
			return
		}
		n := int64(0)
		next(func(o listOutcome) bool {
			if !push(listedResult(ctx, req, o)) || o.diags.HasError() {
				return false
			}
			n++
			return req.Limit <= 0 || n < req.Limit
		})
	}
}

// listError is an outcome that ends a list with an error.
func listError(summary, detail string) listOutcome {
	var diags diag.Diagnostics
	diags.AddError(summary, detail)
	return listOutcome{diags: diags}
}

// notConfigured is the error of a list resource used before the provider
// was configured.
func notConfigured() listOutcome {
	return listError("Provider not configured", "The anyreach provider must be configured before terraform query can list objects.")
}

// nullTimeouts is a resource's timeouts block left out, as an import leaves it.
func nullTimeouts(ctx context.Context, req list.ListRequest) (timeouts.Value, diag.Diagnostics) {
	typ, diags := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	if diags.HasError() {
		return timeouts.Value{}, diags
	}
	v, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), nil))
	if err != nil {
		diags.AddError("Cannot build the listed object", err.Error())
		return timeouts.Value{}, diags
	}
	t, ok := v.(timeouts.Value)
	if !ok {
		diags.AddError("Cannot build the listed object", fmt.Sprintf("the timeouts block is a %T", v))
	}
	return t, diags
}

// agentFilterConfig is the configuration of the lists that select agents.
type agentFilterConfig struct {
	Name     types.String `tfsdk:"name"`
	Metadata types.Map    `tfsdk:"metadata"`
}

// agentFilterAttributes are the arguments of the lists that select agents
// (anyreach_agent, anyreach_sip_deployment), the filters anyreach-export takes.
func agentFilterAttributes() map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"name": listschema.StringAttribute{
			Description: "Only the agents with exactly this name (names are not unique, so several may match).",
			Optional:    true,
		},
		"metadata": listschema.MapAttribute{
			Description: "Only the agents whose metadata holds every one of these pairs. A value matches as the agent's " +
				"`metadata` shows it: `\"blue\"` matches the string, and a value written as JSON also matches the stored " +
				"JSON value (`\"3\"` matches the number 3, `\"true\"` the boolean).",
			ElementType: types.StringType,
			Optional:    true,
		},
	}
}

// agentFilter reads the filter of a list that selects agents.
func agentFilter(ctx context.Context, config tfsdk.Config) (discovery.Filter, diag.Diagnostics) {
	var cfg agentFilterConfig
	var diags diag.Diagnostics
	if !config.Raw.IsNull() { // a list block without a config block
		diags = config.Get(ctx, &cfg)
	}
	f := discovery.Filter{Name: cfg.Name.ValueString()}
	if !cfg.Metadata.IsNull() && !cfg.Metadata.IsUnknown() {
		diags.Append(cfg.Metadata.ElementsAs(ctx, &f.Metadata, false)...)
	}
	return f, diags
}

// listAgents lists the organization's agents that match filter, the first
// step of the agent-wide list resources; on failure it emits the error and
// returns false.
func listAgents(ctx context.Context, data *providerData, filter discovery.Filter, emit func(listOutcome) bool) ([]client.Agent, bool) {
	agents, err := discovery.List(ctx, data.client.reader(), filter)
	if err != nil {
		emit(listError("Cannot list Anyreach agents", apiErrorDetail(fmt.Sprintf("Listing the agents with %s", filter), err)))
		return nil, false
	}
	return agents, true
}
