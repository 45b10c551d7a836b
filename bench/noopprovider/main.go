// Command noopprovider is a plugin provider that does no work, for the fleet
// benchmark: it serves anyreach_agent, anyreach_agent_version, anyreach_publish
// and anyreach_sip_deployment with just the attributes the fleet module uses, on the
// same framework as the real provider, and makes no request. Running the
// fleet through it measures what any framework provider costs Terraform for
// that graph (process starts, gRPC, state encoding) before doing anything.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	tfaddr "github.com/hashicorp/terraform-registry-address"
)

func main() {
	// The same address as the real provider, so the same module runs on it.
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noop{} },
		providerserver.ServeOpts{Address: tfaddr.NewProvider(tfaddr.DefaultProviderRegistryHost, "anyreach", "anyreach").String()})
	if err != nil {
		log.Fatal(err)
	}
}

type noop struct{}

func (noop) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "anyreach"
}

func (noop) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (noop) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}

func (noop) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource {
			return thing{name: "agent", args: []string{"name", "description"}}
		},
		func() resource.Resource {
			return thing{name: "agent_version", args: []string{"agent_id", "config"}, version: true}
		},
		func() resource.Resource {
			return thing{name: "publish", args: []string{"agent_id"}, numberArgs: []string{"version"}}
		},
		func() resource.Resource {
			return thing{name: "sip_deployment", args: []string{"agent_id"}}
		},
	}
}

func (noop) DataSources(context.Context) []func() datasource.DataSource { return nil }

// thing is a resource whose state is its configuration plus an id (and a
// version number for versions), set on create and never changed.
type thing struct {
	name       string
	args       []string
	numberArgs []string
	version    bool
}

func (t thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + t.name
}

func (t thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
	}
	for _, a := range t.args {
		attrs[a] = schema.StringAttribute{Optional: true}
	}
	for _, a := range t.numberArgs {
		attrs[a] = schema.Int64Attribute{Optional: true}
	}
	if t.version {
		attrs["version"] = schema.Int64Attribute{Computed: true}
	}
	resp.Schema = schema.Schema{Attributes: attrs}
}

func (t thing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
	var id attr.Value = types.StringValue(t.name)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if t.version {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("version"), types.Int64Value(1))...)
	}
}

func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (thing) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
