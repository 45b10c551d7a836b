// Package provider maps Terraform plans and state onto the Anyreach API client.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// Environment variables read when the matching provider argument is not set.
const (
	envToken   = client.EnvToken
	envOrg     = client.EnvOrg
	envBaseURL = client.EnvBaseURL

	defaultBaseURL = client.DefaultBaseURL
)

var (
	_ provider.Provider                  = &AnyreachProvider{}
	_ provider.ProviderWithListResources = &AnyreachProvider{}
)

// AnyreachProvider is the provider implementation.
type AnyreachProvider struct {
	// version is the provider's release version, "dev" for local builds and "test" in acceptance tests.
	version string
}

// AnyreachProviderModel describes the provider block.
type AnyreachProviderModel struct {
	Token          types.String `tfsdk:"token"`
	OrganizationID types.String `tfsdk:"organization_id"`
	BaseURL        types.String `tfsdk:"base_url"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	ValidateConfig types.Bool   `tfsdk:"validate_config"`
}

// New returns the provider factory used by main and the acceptance tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &AnyreachProvider{version: version}
	}
}

// Metadata sets the type-name prefix of every resource and data source.
func (p *AnyreachProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "anyreach"
	resp.Version = p.version
}

// Schema describes the provider block.
func (p *AnyreachProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manage Anyreach voice and chat agents, their versions, phone-number assignments and SIP endpoints.",
		Attributes: map[string]schema.Attribute{
			"token": schema.StringAttribute{
				Description: "Anyreach API credential: an organization API key (`ak_<id>.<secret>`) or a personal access token (`pat_...`). " +
					"May also be set with the `" + envToken + "` environment variable. Needs the `agents:manage` scope to change anything, " +
					"`agents:read` to plan.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{tokenValidator},
			},
			"organization_id": schema.StringAttribute{
				Description: "Organization the requests act on, sent as `X-Anyreach-Org`. Required with a personal access token (`pat_...`), " +
					"which is not bound to an organization; an `ak_` key already carries its organization. May also be set with `" + envOrg + "`.",
				Optional: true,
			},
			"base_url": schema.StringAttribute{
				Description: "Base URL of the Anyreach API. Defaults to `" + defaultBaseURL + "`; may also be set with `" + envBaseURL + "`. " +
					"Plain `http://` is accepted only for loopback addresses (a local emulator), so the credential never crosses a network unencrypted. " +
					"It must not contain credentials (`user:password@`), and the provider never follows a redirect from it.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator},
			},
			"max_retries": schema.Int64Attribute{
				Description: fmt.Sprintf("How many times a request is retried after a rate limit (429), a server error (500, 502, 503, 504) "+
					"or a connection failure, with exponential backoff that honours `Retry-After`. A create is only sent again once the provider "+
					"has checked that the failed attempt created nothing. Defaults to %d; 0 disables retries; at most %d.", client.DefaultMaxRetries, maxMaxRetries),
				Optional:   true,
				Validators: maxRetriesValidators(),
			},
			"request_timeout": schema.StringAttribute{
				Description: "Timeout of one HTTP request attempt, as a Go duration such as `30s` or `1m`. Defaults to `30s`.",
				Optional:    true,
				Validators:  []validator.String{requestTimeoutValidator},
			},
			"validate_config": schema.BoolAttribute{
				Description: "Validate every `anyreach_agent_version` config against the AgentConfig JSON Schema served by the API, at plan time. " +
					"Defaults to `true`. The schema is fetched once per provider run; if it cannot be fetched, plan warns and goes on, but a credential the API refuses (`401`, `403`) or a schema over the provider's limits fails the plan.",
				Optional: true,
			},
		},
	}
}

// Configure builds the API client from the provider block and the environment.
func (p *AnyreachProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg AnyreachProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value known only after apply (for example a token output by another
	// resource) cannot configure a client. As the framework documents, each
	// such attribute is an error that says how to resolve it.
	unknown := map[string]bool{
		"token": cfg.Token.IsUnknown(), "organization_id": cfg.OrganizationID.IsUnknown(), "base_url": cfg.BaseURL.IsUnknown(),
		"max_retries": cfg.MaxRetries.IsUnknown(), "request_timeout": cfg.RequestTimeout.IsUnknown(),
		"validate_config": cfg.ValidateConfig.IsUnknown(),
	}
	for _, name := range sortedKeys(unknown) {
		if unknown[name] {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Anyreach provider configuration value",
				"The provider cannot create the Anyreach API client because "+name+" is only known after apply. "+
					"Apply the resource it comes from first (terraform apply -target=...), set the value statically, "+
					"or use the matching ANYREACH_* environment variable.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	settings, diags := resolveSettings(cfg, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	c, err := client.New(client.Config{
		BaseURL:        settings.baseURL,
		Token:          settings.token,
		OrganizationID: settings.org,
		MaxRetries:     settings.maxRetries,
		RequestTimeout: settings.requestTimeout,
		UserAgent:      fmt.Sprintf("terraform-provider-anyreach/%s (+terraform %s)", p.version, req.TerraformVersion),
		Logger:         requestLogger(settings.token, os.Getenv),
	})
	if err != nil {
		addClientConfigError(&resp.Diagnostics, err)
		return
	}
	tflog.Debug(ctx, "configured Anyreach client", map[string]any{"base_url": client.RedactURL(settings.baseURL), "organization_id": settings.org})

	agents := newAgentReads(c.GetAgent)
	data := &providerData{client: newAPIClient(c, agents), validateConfig: settings.validateConfig, schemaKey: settings.baseURL + "|" + settings.org,
		slots: newSlotCoordinator(), agents: agents}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

// providerSettings is the provider block after environment fallbacks. An
// unset max_retries or request_timeout stays zero: the client owns the
// defaults.
type providerSettings struct {
	token, org, baseURL string
	maxRetries          int
	requestTimeout      time.Duration
	validateConfig      bool
}

// resolveSettings applies environment fallbacks and defaults and checks every
// value, reporting each mistake on the attribute that holds it.
func resolveSettings(cfg AnyreachProviderModel, getenv func(string) string) (providerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := providerSettings{
		token:          stringOr(cfg.Token, getenv(envToken)),
		org:            stringOr(cfg.OrganizationID, getenv(envOrg)),
		baseURL:        stringOr(cfg.BaseURL, getenv(envBaseURL)),
		validateConfig: true,
	}
	if s.baseURL == "" {
		s.baseURL = defaultBaseURL
	}

	switch {
	case s.token == "":
		diags.AddAttributeError(path.Root("token"), "Missing Anyreach API token",
			"Set the token argument in the provider block or the "+envToken+" environment variable to an Anyreach API key (ak_...) "+
				"or a personal access token (pat_...).")
	case strings.HasPrefix(s.token, "pat_") && s.org == "":
		diags.AddAttributeError(path.Root("organization_id"), "Missing organization for a personal access token",
			"A personal access token (pat_...) is not bound to an organization. Set organization_id in the provider block or the "+
				envOrg+" environment variable, or use an organization API key (ak_...).")
	}

	// The schema's validators checked what the configuration says; what
	// came from the environment is checked here, with the same rules.
	if cfg.BaseURL.IsNull() || cfg.BaseURL.ValueString() == "" {
		if err := baseURLValidator.check(s.baseURL); err != nil {
			diags.AddAttributeError(path.Root("base_url"), baseURLValidator.summary, err.Error())
		}
	}

	if !cfg.MaxRetries.IsNull() {
		// The client reads 0 as "its default"; zero retries is NoRetries.
		s.maxRetries = int(cfg.MaxRetries.ValueInt64())
		if s.maxRetries == 0 {
			s.maxRetries = client.NoRetries
		}
	}
	if !cfg.RequestTimeout.IsNull() {
		d, err := parseRequestTimeout(cfg.RequestTimeout.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), requestTimeoutValidator.summary, err.Error())
		}
		s.requestTimeout = d
	}
	if !cfg.ValidateConfig.IsNull() {
		s.validateConfig = cfg.ValidateConfig.ValueBool()
	}
	return s, diags
}

// clientConfigAttributes maps the client.Config fields New can refuse to
// the provider arguments that set them.
var clientConfigAttributes = map[string]string{
	"Token":          "token",
	"OrganizationID": "organization_id",
	"BaseURL":        "base_url",
}

// addClientConfigError reports why client.New refused the settings, on the
// argument at fault when there is one (a line break in the token, say).
func addClientConfigError(diags *diag.Diagnostics, err error) {
	var cfgErr *client.ConfigError
	if errors.As(err, &cfgErr) {
		if attr, ok := clientConfigAttributes[cfgErr.Field]; ok {
			diags.AddAttributeError(path.Root(attr), "Invalid Anyreach provider "+attr, err.Error())
			return
		}
	}
	diags.AddError("Cannot configure the Anyreach client", err.Error())
}

func stringOr(v types.String, fallback string) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return fallback
	}
	return v.ValueString()
}

// Resources lists the provider's resources.
func (p *AnyreachProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAgentResource,
		NewAgentVersionResource,
		NewPublishResource,
		NewAgentRoutingResource,
		NewSIPDeploymentResource,
	}
}

// ListResources lists what terraform query (Terraform 1.14 and later) can
// list: each resource type, found as anyreach-export finds it.
func (p *AnyreachProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewAgentListResource,
		NewAgentVersionListResource,
		NewPublishListResource,
		NewSIPDeploymentListResource,
	}
}

// DataSources lists the provider's data sources.
func (p *AnyreachProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAgentConfigSchemaDataSource,
		NewAgentDataSource,
		NewAgentVersionDataSource,
		NewAgentsDataSource,
		NewPhoneNumbersDataSource,
	}
}
