package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestCLITokenNeverLeaks runs the real terraform CLI against the provider
// binary, built from this module, with TF_LOG=trace and a recognisable
// credential, and checks the credential appears nowhere Terraform writes:
// the trace logs (Terraform's own and the provider's), the CLI output, the
// state file and its backup, and the state and the saved plan as JSON.
//
// The credential is given in ANYREACH_TOKEN, in an ephemeral variable, and as
// a literal in the provider block. The literal is the one place where
// Terraform itself (not the provider) keeps it: the saved plan records the
// configuration, and `terraform show -json` of that plan prints the
// provider block's literal arguments, sensitive or not (a sensitive
// variable's value is printed under "variables" the same way). The test
// pins that single occurrence and finds nothing else; the README tells users
// to prefer ANYREACH_TOKEN or an ephemeral variable. Failing applies (a key
// the API does not know, a pat_ naming an organization it cannot access)
// must not echo the credential either.
func TestCLITokenNeverLeaks(t *testing.T) {
	t.Parallel()
	bin := buildProviderBinary(t)
	apiKey := "ak_leakcheck." + randomHex(t)
	pat := "pat_leakcheck" + randomHex(t)
	unknownKey := "ak_leakcheck." + randomHex(t)
	secrets := []string{apiKey, pat, unknownKey}
	for _, s := range []string{apiKey, unknownKey} {
		secrets = append(secrets, strings.TrimPrefix(s, "ak_leakcheck."))
	}
	secrets = append(secrets, strings.TrimPrefix(pat, "pat_leakcheck"))
	newEmulator := func(t *testing.T) *testEmulator {
		return newTestEmulator(t, emulator.Options{Tokens: map[string][]string{apiKey: nil, pat: nil}})
	}

	cases := []struct {
		name     string
		provider func(url string) string
		env      func(url string) []string
		// literal: the credential is written in the provider block, so the
		// saved plan's configuration holds it (Terraform's doing).
		literal bool
	}{
		{
			name:     "token in ANYREACH_TOKEN",
			provider: func(string) string { return "provider \"anyreach\" {}\n" },
			env:      func(url string) []string { return []string{"ANYREACH_TOKEN=" + apiKey, "ANYREACH_BASE_URL=" + url} },
		},
		{
			name: "token in an ephemeral variable",
			provider: func(url string) string {
				return fmt.Sprintf("variable \"anyreach_token\" {\n  type      = string\n  ephemeral = true\n}\n\n"+
					"provider \"anyreach\" {\n  base_url = %q\n  token    = var.anyreach_token\n}\n", url)
			},
			env: func(string) []string { return []string{"TF_VAR_anyreach_token=" + apiKey} },
		},
		{
			name: "token in the provider block",
			provider: func(url string) string {
				return fmt.Sprintf("provider \"anyreach\" {\n  base_url = %q\n  token    = %q\n}\n", url, apiKey)
			},
			literal: true,
		},
		{
			name: "personal access token in the provider block",
			provider: func(url string) string {
				return fmt.Sprintf("provider \"anyreach\" {\n  base_url        = %q\n  token           = %q\n  organization_id = %q\n}\n",
					url, pat, emulator.DefaultOrgID)
			},
			literal: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newEmulator(t)
			var env []string
			if tc.env != nil {
				env = tc.env(emu.URL)
			}
			w := newCLIWorkspace(t, bin, tc.provider(emu.URL), env)
			planJSON := w.fullCycle(t)
			if tc.literal {
				planJSON = withoutLiteralToken(t, planJSON)
			}
			w.Texts["plan.out as JSON"] = planJSON
			w.assertClean(t, secrets)
			if n := len(emu.Snapshot().Agents); n != 0 {
				t.Errorf("destroy left %d agents", n)
			}
		})
	}

	t.Run("failing applies", func(t *testing.T) {
		t.Parallel()
		emu := newEmulator(t)
		for _, tc := range []struct {
			name, provider, want string
		}{
			{"unknown key", fmt.Sprintf("provider \"anyreach\" {\n  base_url = %q\n  token    = %q\n}\n", emu.URL, unknownKey),
				"401 Unauthorized"},
			{"pat for another organization", fmt.Sprintf("provider \"anyreach\" {\n  base_url        = %q\n  token           = %q\n  organization_id = \"org_other\"\n}\n",
				emu.URL, pat), "403 Forbidden: Token has no access to organization org_other The credential has no access to the organization"},
		} {
			w := newCLIWorkspace(t, bin, tc.provider, nil)
			out, err := w.run(t, "apply", "-auto-approve", "-input=false", "-no-color")
			if err == nil {
				t.Fatalf("%s: apply succeeded:\n%s", tc.name, out)
			}
			if !strings.Contains(strings.Join(strings.Fields(out), " "), tc.want) {
				t.Fatalf("%s: the apply failed without the API's %q:\n%s", tc.name, tc.want, out)
			}
			w.assertClean(t, secrets)
		}
		if n := len(emu.Snapshot().Agents); n != 0 {
			t.Errorf("the failing applies created %d agents", n)
		}
	})
}

// withoutLiteralToken removes the one place Terraform itself prints a
// credential written as a literal in the provider block, the provider
// configuration's token expression in a saved plan's JSON, after checking it
// is there (if Terraform stops printing it, this test should learn so).
func withoutLiteralToken(t *testing.T, planJSON string) string {
	t.Helper()
	var plan map[string]any
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	cfg, _ := plan["configuration"].(map[string]any)
	providers, _ := cfg["provider_config"].(map[string]any)
	anyreach, _ := providers["anyreach"].(map[string]any)
	exprs, _ := anyreach["expressions"].(map[string]any)
	if _, ok := exprs["token"]; !ok {
		t.Fatalf("the plan JSON has no configuration.provider_config.anyreach.expressions.token; Terraform changed what it prints")
	}
	delete(exprs, "token")
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leakCheckResources is the token leak check's configuration, which other
// CLI tests reuse through newCLIWorkspace: an agent, a version, a publish, a
// SIP deployment and a data source, under the provider block the caller
// gives.
const leakCheckResources = `
terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

resource "anyreach_agent" "test" {
  name     = "Leak check"
  metadata = { team = "security" }
}

resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode({ type = "static_prompt", instructions = "Never repeat a credential.", llm = { model = "gpt-4o" } })
}

resource "anyreach_publish" "test" {
  agent_id      = anyreach_agent.test.id
  version       = anyreach_agent_version.test.version
  phone_numbers = ["+15550100001"]
}

resource "anyreach_sip_deployment" "test" {
  agent_id   = anyreach_agent.test.id
  depends_on = [anyreach_publish.test]
}

data "anyreach_phone_numbers" "all" {}

output "numbers" {
  value = length(data.anyreach_phone_numbers.all.phone_numbers)
}
`

// fullCycle plans to a file, applies it, shows the state as JSON, checks
// nothing drifts, and destroys. It returns the saved plan as JSON, which the
// caller checks (see withoutLiteralToken).
func (w *cliWorkspace) fullCycle(t *testing.T) string {
	t.Helper()
	w.mustRun(t, "plan", "-input=false", "-no-color", "-out=plan.out")
	planJSON, err := w.command(t, "show", "-json", "plan.out").Output()
	if err != nil {
		t.Fatalf("terraform show -json plan.out: %v", err)
	}
	w.mustRun(t, "apply", "-input=false", "-no-color", "plan.out")
	state := w.mustRun(t, "show", "-json")
	if !strings.Contains(state, `"anyreach_sip_deployment"`) {
		t.Fatalf("the state does not hold what was applied:\n%s", state)
	}
	w.mustRun(t, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	w.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
	return string(planJSON)
}

// assertClean checks that no secret appears in anything the workspace's
// commands printed or wrote so far (their output, every trace log, the state
// file and its backup), and that the logs hold the provider's own HTTP
// lines, so the check cannot pass on empty logs.
func (w *cliWorkspace) assertClean(t *testing.T, secrets []string) {
	t.Helper()
	const providerLogLine = "anyreach: API request"
	texts := w.outputs(t)
	if !hasTraceLog(texts) {
		t.Fatal("no trace logs were written")
	}
	sawProvider := false
	for name, text := range texts {
		sawProvider = sawProvider || strings.HasSuffix(name, ".log") && strings.Contains(text, providerLogLine)
	}
	if !sawProvider {
		t.Errorf("no trace log holds %q: the provider's logs were not captured", providerLogLine)
	}
	for name, text := range texts {
		for _, s := range secrets {
			if i := strings.Index(text, s); i >= 0 {
				t.Errorf("the credential %q appears in %s: …%s…", s[:4]+"…", name, text[max(0, i-120):i])
			}
		}
	}
}
