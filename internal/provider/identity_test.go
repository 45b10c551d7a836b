package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// identityConfig is an agent with two versions, one published outbound on
// two numbers, and a SIP endpoint.
func identityConfig(emu *testEmulator, which string) string {
	return testAccPublishConfig(emu, which, []string{"+15550100001", "+15550100002"}, "outbound") + `
resource "anyreach_sip_deployment" "test" {
  agent_id   = anyreach_agent.test.id
  depends_on = [anyreach_publish.test]
}
`
}

// identityChecks checks the identity of every resource of identityConfig
// publishing version.
func identityChecks(version int64) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectIdentityValueMatchesState("anyreach_agent.test", tfjsonpath.New("id")),
		statecheck.ExpectIdentityValueMatchesStateAtPath("anyreach_agent_version.v1", tfjsonpath.New("agent_id"), tfjsonpath.New("agent_id")),
		statecheck.ExpectIdentityValue("anyreach_agent_version.v1", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
		statecheck.ExpectIdentityValue("anyreach_agent_version.v2", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
		statecheck.ExpectIdentityValueMatchesStateAtPath("anyreach_publish.test", tfjsonpath.New("agent_id"), tfjsonpath.New("agent_id")),
		statecheck.ExpectIdentityValue("anyreach_publish.test", tfjsonpath.New("version"), knownvalue.Int64Exact(version)),
		statecheck.ExpectIdentityValue("anyreach_publish.test", tfjsonpath.New("direction"), knownvalue.StringExact("outbound")),
		statecheck.ExpectIdentityValueMatchesStateAtPath("anyreach_sip_deployment.test", tfjsonpath.New("agent_id"), tfjsonpath.New("agent_id")),
	}
}

// TestAccResourceIdentity: every resource type records its identity on
// create, a promotion (an in-place change of anyreach_publish's version)
// moves the publication's identity with it, and an import block that names
// each object by its identity imports it with no change planned.
func TestAccResourceIdentity(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	steps := []tfresource.TestStep{
		{Config: identityConfig(emu, "v1"), ConfigStateChecks: identityChecks(1)},
		{Config: identityConfig(emu, "v2"), ConfigStateChecks: identityChecks(2)},
	}
	for _, addr := range []string{"anyreach_agent.test", "anyreach_agent_version.v1", "anyreach_agent_version.v2", "anyreach_publish.test", "anyreach_sip_deployment.test"} {
		steps = append(steps, tfresource.TestStep{
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
		})
	}
	tfresource.UnitTest(t, tfresource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccResourceIdentity_stateFromEarlierRelease: state written by a
// provider without identity (the release before it) gains the identity on
// the next refresh without any change planned, also when an object was
// deleted out of band since (its refresh must drop it, and the plan create
// it again, although its state has no identity yet).
func TestAccResourceIdentity_stateFromEarlierRelease(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	var sipAgent string
	noOp := func(addr string) plancheck.PlanCheck {
		return plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)
	}
	tfresource.UnitTest(t, tfresource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []tfresource.TestStep{
			{
				ProtoV6ProviderFactories: withoutIdentityProviderFactories,
				Config:                   identityConfig(emu, "v1"),
				ConfigStateChecks:        []statecheck.StateCheck{captureAttr("anyreach_sip_deployment.test", "agent_id", &sipAgent)},
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				PreConfig: func() {
					if err := emu.RemoveSIPEndpoint(sipAgent); err != nil {
						t.Fatal(err)
					}
				},
				Config: identityConfig(emu, "v1"),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noOp("anyreach_agent.test"), noOp("anyreach_agent_version.v1"), noOp("anyreach_agent_version.v2"), noOp("anyreach_publish.test"),
					plancheck.ExpectResourceAction("anyreach_sip_deployment.test", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: identityChecks(1),
			},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   identityConfig(emu, "v1"),
				PlanOnly:                 true,
			},
		},
	})
}

// withoutIdentityProviderFactories serve the provider as the release before
// resource identity: the same resources without their identity schemas.
var withoutIdentityProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"anyreach": func() (tfprotov6.ProviderServer, error) {
		p := &providerWithoutIdentity{AnyreachProvider: &AnyreachProvider{version: "test"}}
		return &jsonReadServer{ProviderServer: providerserver.NewProtocol6(p)()}, nil
	},
}

// providerWithoutIdentity is the provider with every resource wrapped in
// resourceWithoutIdentity, and no list resources (they need identity).
type providerWithoutIdentity struct {
	*AnyreachProvider
}

var _ provider.Provider = &providerWithoutIdentity{}

func (p *providerWithoutIdentity) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, f := range p.AnyreachProvider.Resources(ctx) {
		out = append(out, func() resource.Resource { return resourceWithoutIdentity{f()} })
	}
	return out
}

func (p *providerWithoutIdentity) ListResources(context.Context) []func() list.ListResource {
	return nil
}

// resourceWithoutIdentity passes on every method of a resource but
// IdentitySchema.
type resourceWithoutIdentity struct {
	resource.Resource
}

func (r resourceWithoutIdentity) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if c, ok := r.Resource.(resource.ResourceWithConfigure); ok {
		c.Configure(ctx, req, resp)
	}
}

func (r resourceWithoutIdentity) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.Resource.(resource.ResourceWithImportState).ImportState(ctx, req, resp)
}

func (r resourceWithoutIdentity) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if m, ok := r.Resource.(resource.ResourceWithModifyPlan); ok {
		m.ModifyPlan(ctx, req, resp)
	}
}

func (r resourceWithoutIdentity) ConfigValidators(ctx context.Context) []resource.ConfigValidator {
	if v, ok := r.Resource.(resource.ResourceWithConfigValidators); ok {
		return v.ConfigValidators(ctx)
	}
	return nil
}

// TestImportByIdentity: an import block's identity names the same object as
// the import ID it stands for, and an agent's identity takes an ID only
// (name= is a form of the import ID).
func TestImportByIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type withIdentity interface {
		resource.ResourceWithImportState
		resource.ResourceWithIdentity
	}
	cases := []struct {
		name     string
		r        withIdentity
		identity map[string]tftypes.Value
		want     map[string]string // state attribute -> value, as Terraform would show it
		wantErr  bool
	}{
		{name: "agent", r: &AgentResource{}, identity: map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "a1")},
			want: map[string]string{"id": `"a1"`}},
		{name: "agent by name", r: &AgentResource{}, identity: map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, "name=Front Desk")},
			wantErr: true},
		{name: "version", r: &AgentVersionResource{}, identity: map[string]tftypes.Value{
			"agent_id": tftypes.NewValue(tftypes.String, "a1"), "version": tftypes.NewValue(tftypes.Number, 3)},
			want: map[string]string{"id": `"a1/3"`, "agent_id": `"a1"`, "version": "3"}},
		{name: "version zero", r: &AgentVersionResource{}, identity: map[string]tftypes.Value{
			"agent_id": tftypes.NewValue(tftypes.String, "a1"), "version": tftypes.NewValue(tftypes.Number, 0)},
			wantErr: true},
		{name: "sip deployment", r: &SIPDeploymentResource{}, identity: map[string]tftypes.Value{"agent_id": tftypes.NewValue(tftypes.String, "a1")},
			want: map[string]string{"id": `"a1"`, "agent_id": `"a1"`}},
		{name: "agent routing", r: &AgentRoutingResource{}, identity: map[string]tftypes.Value{"agent_id": tftypes.NewValue(tftypes.String, "a1")},
			want: map[string]string{"id": `"a1"`, "agent_id": `"a1"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var is resource.IdentitySchemaResponse
			tc.r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &is)
			var rs resource.SchemaResponse
			tc.r.Schema(ctx, resource.SchemaRequest{}, &rs)
			req := resource.ImportStateRequest{Identity: &tfsdk.ResourceIdentity{
				Schema: is.IdentitySchema, Raw: tftypes.NewValue(is.IdentitySchema.Type().TerraformType(ctx), tc.identity)}}
			resp := resource.ImportStateResponse{State: tfsdk.State{Schema: rs.Schema, Raw: tftypes.NewValue(rs.Schema.Type().TerraformType(ctx), nil)}}
			tc.r.ImportState(ctx, req, &resp)
			if tc.wantErr != resp.Diagnostics.HasError() {
				t.Fatalf("error %v, want %v: %v", resp.Diagnostics.HasError(), tc.wantErr, resp.Diagnostics)
			}
			for name, want := range tc.want {
				var v attr.Value
				resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root(name), &v)...)
				if got := v.String(); got != want {
					t.Errorf("%s = %s, want %s", name, got, want)
				}
			}
		})
	}
}
