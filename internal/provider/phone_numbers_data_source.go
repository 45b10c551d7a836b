package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

var (
	_ datasource.DataSource              = &PhoneNumbersDataSource{}
	_ datasource.DataSourceWithConfigure = &PhoneNumbersDataSource{}
)

// NewPhoneNumbersDataSource returns the anyreach_phone_numbers data source.
func NewPhoneNumbersDataSource() datasource.DataSource { return &PhoneNumbersDataSource{} }

// PhoneNumbersDataSource lists the organization's phone-number directory.
type PhoneNumbersDataSource struct {
	data *providerData
}

// PhoneNumbersDataSourceModel is the state of anyreach_phone_numbers.
type PhoneNumbersDataSourceModel struct {
	ID           types.String `tfsdk:"id"`
	PhoneNumber  types.String `tfsdk:"phone_number"`
	TrunkID      types.String `tfsdk:"trunk_id"`
	PhoneNumbers types.List   `tfsdk:"phone_numbers"`
}

var phoneNumberType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"phone_number":              types.StringType,
	"trunk_id":                  types.StringType,
	"inbound_agent_version_id":  types.StringType,
	"outbound_agent_version_id": types.StringType,
	"outbound_shareable":        types.BoolType,
	"created_at":                types.StringType,
	"updated_at":                types.StringType,
}}

// Metadata sets the data source type name.
func (d *PhoneNumbersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_phone_numbers"
}

// Schema describes anyreach_phone_numbers.
func (d *PhoneNumbersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists the organization's phone-number directory with both slots of each number: the agent version that " +
			"answers inbound calls and the one that places outbound calls. Use it to check which numbers exist before an `anyreach_publish`.",
		Attributes: map[string]schema.Attribute{
			"id":           schema.StringAttribute{Description: "A fixed identifier for this listing.", Computed: true},
			"phone_number": schema.StringAttribute{Description: "Only numbers containing this substring, for example `+1555`.", Optional: true},
			"trunk_id":     schema.StringAttribute{Description: "Only numbers on this SIP trunk.", Optional: true},
			"phone_numbers": schema.ListNestedAttribute{
				Description: "The matching numbers.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"phone_number":              schema.StringAttribute{Description: "The number, in E.164 form.", Computed: true},
					"trunk_id":                  schema.StringAttribute{Description: "The trunk the number is registered on.", Computed: true},
					"inbound_agent_version_id":  schema.StringAttribute{Description: "Version ID answering inbound calls, or null.", Computed: true},
					"outbound_agent_version_id": schema.StringAttribute{Description: "Version ID placing outbound calls, or null.", Computed: true},
					"outbound_shareable":        schema.BoolAttribute{Description: "Whether other agents may place outbound calls from it.", Computed: true},
					"created_at":                schema.StringAttribute{Description: "When the number was registered.", Computed: true},
					"updated_at":                schema.StringAttribute{Description: "When the number was last changed.", Computed: true},
				}},
			},
		},
	}
}

// Configure receives the shared client.
func (d *PhoneNumbersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Read lists every matching number.
func (d *PhoneNumbersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg PhoneNumbersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	numbers, err := d.data.client.ListPhoneNumbers(ctx, client.PhoneNumberListOptions{
		PhoneNumber: cfg.PhoneNumber.ValueString(),
		TrunkID:     cfg.TrunkID.ValueString(),
		Limit:       100,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot list Anyreach phone numbers", apiErrorDetail("Listing phone numbers", err))
		return
	}
	items := make([]attr.Value, 0, len(numbers))
	for _, n := range numbers {
		obj, diags := types.ObjectValue(phoneNumberType.AttrTypes, map[string]attr.Value{
			"phone_number":              types.StringValue(n.PhoneNumber),
			"trunk_id":                  types.StringValue(n.TrunkID),
			"inbound_agent_version_id":  types.StringPointerValue(n.InboundAgentVersionID),
			"outbound_agent_version_id": types.StringPointerValue(n.OutboundAgentVersionID),
			"outbound_shareable":        types.BoolValue(n.OutboundShareable),
			"created_at":                types.StringValue(n.CreatedAt),
			"updated_at":                types.StringValue(n.UpdatedAt),
		})
		resp.Diagnostics.Append(diags...)
		items = append(items, obj)
	}
	var diags diag.Diagnostics
	cfg.PhoneNumbers, diags = types.ListValue(phoneNumberType, items)
	resp.Diagnostics.Append(diags...)
	cfg.ID = types.StringValue("phone_numbers")
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
