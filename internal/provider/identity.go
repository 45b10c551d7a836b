package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/versionid"
)

// Resource identity (Terraform 1.12 and later): the typed attributes an
// import block names an object by (identity = {...} instead of id = "..."),
// which Terraform keeps in state beside the object and terraform query
// results carry. Every resource sets its identity from what it holds in state
// in Create, Read and Update: Read sets it first thing, so state written
// before identity existed gains it on the next refresh (also when the object
// is gone and Read removes it), and Update sets it so a plan with
// -refresh=false upgrades it too. Terraform versions without identity never
// ask for the identity schema, and the framework then sends none.

var (
	_ resource.ResourceWithIdentity = &AgentResource{}
	_ resource.ResourceWithIdentity = &AgentVersionResource{}
	_ resource.ResourceWithIdentity = &PublishResource{}
	_ resource.ResourceWithIdentity = &SIPDeploymentResource{}
	_ resource.ResourceWithIdentity = &AgentRoutingResource{}
)

// agentIdentity identifies an anyreach_agent.
type agentIdentity struct {
	ID types.String `tfsdk:"id"`
}

// agentVersionIdentity identifies an anyreach_agent_version.
type agentVersionIdentity struct {
	AgentID types.String `tfsdk:"agent_id"`
	Version types.Int64  `tfsdk:"version"`
}

// publishIdentity identifies an anyreach_publish. version and direction
// change in place (a promotion), so the identity is mutable
// (PublishResource.Metadata).
type publishIdentity struct {
	AgentID   types.String `tfsdk:"agent_id"`
	Version   types.Int64  `tfsdk:"version"`
	Direction types.String `tfsdk:"direction"`
}

// sipDeploymentIdentity identifies an anyreach_sip_deployment.
type sipDeploymentIdentity struct {
	AgentID types.String `tfsdk:"agent_id"`
}

// agentRoutingIdentity identifies an anyreach_agent_routing: one per agent.
type agentRoutingIdentity struct {
	AgentID types.String `tfsdk:"agent_id"`
}

// Descriptions of the identity attributes, shared by the resources that have them.
const (
	identityAgentIDDescription = "The agent's ID."
	identityVersionDescription = "The version number (1, 2, 3, ... per agent)."
)

// IdentitySchema describes how an anyreach_agent is identified.
func (r *AgentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{Description: identityAgentIDDescription, RequiredForImport: true},
	}}
}

// IdentitySchema describes how an anyreach_agent_version is identified.
func (r *AgentVersionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"agent_id": identityschema.StringAttribute{Description: identityAgentIDDescription, RequiredForImport: true},
		"version":  identityschema.Int64Attribute{Description: identityVersionDescription, RequiredForImport: true},
	}}
}

// IdentitySchema describes how an anyreach_publish is identified.
func (r *PublishResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"agent_id": identityschema.StringAttribute{Description: identityAgentIDDescription, RequiredForImport: true},
		"version":  identityschema.Int64Attribute{Description: "The published version number.", RequiredForImport: true},
		"direction": identityschema.StringAttribute{
			Description: "Which slot of the phone numbers the version holds: `inbound`, `outbound` or `both`. Optional on import, " +
				"which then reads it from the slots (as an import ID without a direction does).",
			OptionalForImport: true,
		},
	}}
}

// IdentitySchema describes how an anyreach_sip_deployment is identified.
func (r *SIPDeploymentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"agent_id": identityschema.StringAttribute{Description: "The ID of the agent exposed as a SIP endpoint.", RequiredForImport: true},
	}}
}

// IdentitySchema describes how an anyreach_agent_routing is identified.
func (r *AgentRoutingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"agent_id": identityschema.StringAttribute{Description: "The ID of the agent whose routing this is.", RequiredForImport: true},
	}}
}

func (m AgentResourceModel) identity() agentIdentity { return agentIdentity{ID: m.ID} }

func (m AgentVersionResourceModel) identity() agentVersionIdentity {
	return agentVersionIdentity{AgentID: m.AgentID, Version: m.Version}
}

func (m PublishResourceModel) identity() publishIdentity {
	return publishIdentity{AgentID: m.AgentID, Version: m.Version, Direction: m.Direction}
}

func (m SIPDeploymentResourceModel) identity() sipDeploymentIdentity {
	return sipDeploymentIdentity{AgentID: m.AgentID}
}

func (m AgentRoutingResourceModel) identity() agentRoutingIdentity {
	return agentRoutingIdentity{AgentID: m.AgentID}
}

// setIdentity records v as the resource's identity. identity is nil only
// when a method is called outside the framework's server, which always
// hands a resource with an identity schema one to fill.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, v any, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, v)...)
}

// Each identity says which import ID names the same object, so ImportState
// checks and reads both forms of import the same way.

func (v agentIdentity) importID() string { return v.ID.ValueString() }

func (v agentVersionIdentity) importID() string {
	return versionid.Format(v.AgentID.ValueString(), v.Version.ValueInt64())
}

// importID is AGENT_ID/VERSION, with /DIRECTION when the identity gives one.
func (v publishIdentity) importID() string {
	return versionid.FormatPublication(v.AgentID.ValueString(), v.Version.ValueInt64(), v.Direction.ValueString())
}

func (v sipDeploymentIdentity) importID() string { return v.AgentID.ValueString() }

func (v agentRoutingIdentity) importID() string { return v.AgentID.ValueString() }

// importIDOf returns the import ID of the object an import names: req.ID
// when it gives an ID (terraform import, or an import block's id), else the
// one its identity stands for (an import block's identity = {...}, Terraform
// 1.12 and later). byIdentity reports the second.
func importIDOf[I interface{ importID() string }](ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (id string, byIdentity bool) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return req.ID, false
	}
	var v I
	diags.Append(req.Identity.Get(ctx, &v)...)
	return v.importID(), true
}
