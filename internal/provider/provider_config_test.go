package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestResolveSettings(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		name      string
		cfg       AnyreachProviderModel
		env       map[string]string
		wantAttr  string // attribute of the expected error, "" for success
		wantInErr string
		check     func(t *testing.T, s providerSettings)
	}{
		{
			name: "environment fallbacks and defaults",
			env:  map[string]string{envToken: "ak_x.y", envOrg: "org_1"},
			check: func(t *testing.T, s providerSettings) {
				if s.token != "ak_x.y" || s.org != "org_1" || s.baseURL != defaultBaseURL || s.maxRetries != 0 ||
					s.requestTimeout != 0 || !s.validateConfig {
					t.Errorf("unexpected settings %+v", s)
				}
			},
		},
		{
			name: "arguments win over the environment",
			cfg: AnyreachProviderModel{Token: types.StringValue("ak_arg.1"), BaseURL: types.StringValue("https://eu.example.test"),
				MaxRetries: types.Int64Value(0), RequestTimeout: types.StringValue("5s"), ValidateConfig: types.BoolValue(false)},
			env: map[string]string{envToken: "ak_env.1", envBaseURL: "https://other.example.test"},
			check: func(t *testing.T, s providerSettings) {
				if s.token != "ak_arg.1" || s.baseURL != "https://eu.example.test" || s.maxRetries != client.NoRetries || s.requestTimeout != 5*time.Second || s.validateConfig {
					t.Errorf("unexpected settings %+v", s)
				}
			},
		},
		{name: "missing token", wantAttr: "token", wantInErr: "ANYREACH_TOKEN"},
		{name: "pat without organization", env: map[string]string{envToken: "pat_abc"}, wantAttr: "organization_id", wantInErr: "ANYREACH_ORG"},
		{name: "pat with organization", env: map[string]string{envToken: "pat_abc", envOrg: "org_1"}},
		{name: "plain http to a remote host", env: map[string]string{envToken: "ak_x.y", envBaseURL: "http://api.example.test"},
			wantAttr: "base_url", wantInErr: "plain http"},
		{name: "plain http to loopback", env: map[string]string{envToken: "ak_x.y", envBaseURL: "http://127.0.0.1:8787"}},
		{name: "plain http to localhost", env: map[string]string{envToken: "ak_x.y", envBaseURL: "http://localhost:8787"}},
		{name: "plain http to IPv6 loopback", env: map[string]string{envToken: "ak_x.y", envBaseURL: "http://[::1]:8787"}},
		{name: "malformed URL", env: map[string]string{envToken: "ak_x.y", envBaseURL: "api.anyreach.ai"}, wantAttr: "base_url", wantInErr: "absolute URL"},
		{name: "bad timeout", cfg: AnyreachProviderModel{RequestTimeout: types.StringValue("soon")}, env: map[string]string{envToken: "ak_x.y"},
			wantAttr: "request_timeout", wantInErr: "Go duration"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := tc.cfg
			for _, v := range []*types.String{&cfg.Token, &cfg.OrganizationID, &cfg.BaseURL, &cfg.RequestTimeout} {
				if v.IsNull() || (!v.IsUnknown() && v.ValueString() == "") {
					*v = types.StringNull()
				}
			}
			if cfg.MaxRetries == (types.Int64{}) {
				cfg.MaxRetries = types.Int64Null()
			}
			if cfg.ValidateConfig == (types.Bool{}) {
				cfg.ValidateConfig = types.BoolNull()
			}
			s, diags := resolveSettings(cfg, env(tc.env))
			if tc.wantAttr == "" {
				if diags.HasError() {
					t.Fatalf("unexpected error: %v", diags)
				}
				if tc.check != nil {
					tc.check(t, s)
				}
				return
			}
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error on %s, got %v", tc.wantAttr, diags)
			}
			d := diags.Errors()[0]
			if !strings.Contains(d.Detail(), tc.wantInErr) {
				t.Errorf("error detail %q does not mention %q", d.Detail(), tc.wantInErr)
			}
			wp, ok := d.(diag.DiagnosticWithPath)
			if !ok || wp.Path().String() != tc.wantAttr {
				t.Errorf("error is not on attribute %s: %v", tc.wantAttr, d)
			}
		})
	}
}

// TestAccProvider_maxRetriesZeroSendsOneRequest: max_retries = 0 disables
// retries, as documented: a route that keeps failing with 503 receives
// exactly one request. (It used to receive five: the client read 0 as "use
// the default".)
func TestAccProvider_maxRetriesZeroSendsOneRequest(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	const route = "GET /core/agents"
	emu.FailRoute(route, http.StatusServiceUnavailable, 0)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "anyreach" {
  base_url    = %q
  token       = %q
  max_retries = 0
}

data "anyreach_agents" "all" {}
`, emu.URL, testToken),
			ExpectError: regexp.MustCompile(`503`),
		}},
	})
	if n := emu.RequestCounts()[route]; n != 1 {
		t.Errorf("max_retries = 0 sent %d requests to a failing route, want exactly 1", n)
	}
}

// TestAccCLIValidateChecksProviderArguments runs the real `terraform validate`
// (no credential, nothing listening at base_url): a value written in the
// provider block that the provider would refuse fails validation with an
// error on that argument, and good values pass.
func TestAccCLIValidateChecksProviderArguments(t *testing.T) {
	t.Parallel()
	bin := buildProviderBinary(t)
	validate := func(t *testing.T, args string) (string, error) {
		t.Helper()
		w := newCLIWorkspaceWith(t, bin, "terraform {\n  required_providers {\n    anyreach = { source = \"anyreach/anyreach\" }\n  }\n}\n\nprovider \"anyreach\" {\n"+args+"\n}\n\ndata \"anyreach_agents\" \"all\" {}\n", nil)
		return w.run(t, "validate", "-no-color")
	}
	bad := []struct {
		args, attr, summary, detail string
	}{
		{`max_retries = 50`, "max_retries", "Invalid Attribute Value", words("max_retries value must be between 0 and 20, got: 50")},
		{`max_retries = -1`, "max_retries", "Invalid Attribute Value", words("max_retries value must be between 0 and 20, got: -1")},
		{`request_timeout = "soon"`, "request_timeout", "Invalid request_timeout",
			words(`request_timeout must be a positive Go duration such as "30s" or "2m", got "soon"`)},
		{`request_timeout = "-5s"`, "request_timeout", "Invalid request_timeout", words(`got "-5s"`)},
		{`request_timeout = "0s"`, "request_timeout", "Invalid request_timeout", words(`got "0s"`)},
		{`base_url = "http://api.example.test"`, "base_url", "Invalid Anyreach base URL", words("uses plain http to a non-loopback host")},
		{`base_url = "api.anyreach.ai"`, "base_url", "Invalid Anyreach base URL", words("must be an absolute URL")},
		{`token = "ak_x.\ny"`, "token", "Invalid Anyreach provider token", words("cannot be sent in an HTTP header")},
	}
	for _, tc := range bad {
		t.Run(tc.args, func(t *testing.T) {
			t.Parallel()
			out, err := validate(t, "  "+tc.args)
			if err == nil {
				t.Fatalf("terraform validate accepted %s:\n%s", tc.args, out)
			}
			if want := diagAt(tc.summary, "provider", tc.attr, tc.detail); !want.MatchString(out) {
				t.Errorf("terraform validate did not report %s on %s; want match for %s, got:\n%s", tc.args, tc.attr, want, out)
			}
		})
	}
	t.Run("good values", func(t *testing.T) {
		t.Parallel()
		out, err := validate(t, `  token           = "ak_x.y"
  base_url        = "http://127.0.0.1:1"
  max_retries     = 0
  request_timeout = "1m30s"
  validate_config = false`)
		if err != nil {
			t.Fatalf("terraform validate refused good provider arguments: %v\n%s", err, out)
		}
		out, err = validate(t, `  max_retries     = 20
  request_timeout = "1ns"`)
		if err != nil {
			t.Fatalf("terraform validate refused the bounds: %v\n%s", err, out)
		}
	})
}
