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
		{name: "negative retries", cfg: AnyreachProviderModel{MaxRetries: types.Int64Value(-1)}, env: map[string]string{envToken: "ak_x.y"},
			wantAttr: "max_retries", wantInErr: "between 0 and 20"},
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
