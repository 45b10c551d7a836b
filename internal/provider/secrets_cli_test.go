package provider

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"context"
	"sync"

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
			w.texts["plan.out as JSON"] = planJSON
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

// cliWorkspace is one configuration directory run by the terraform CLI
// against a dev override of the provider binary.
type cliWorkspace struct {
	dir, logs string
	env       []string
	texts     map[string]string // what Terraform printed or wrote, by name
	n         int
}

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

func newCLIWorkspace(t *testing.T, providerDir, providerBlock string, env []string) *cliWorkspace {
	t.Helper()
	return newCLIWorkspaceWith(t, providerDir, providerBlock+leakCheckResources, append([]string{"TF_LOG=trace"}, env...))
}

// newCLIWorkspaceWith prepares a configuration directory holding main.tf,
// run by the terraform CLI through a dev override of the provider in
// providerDir, with env added to the environment.
func newCLIWorkspaceWith(t *testing.T, providerDir, mainTF string, env []string) *cliWorkspace {
	t.Helper()
	dir := t.TempDir()
	w := &cliWorkspace{dir: filepath.Join(dir, "config"), logs: filepath.Join(dir, "logs"), texts: map[string]string{}}
	for _, d := range []string{w.dir, w.logs} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	cliConfig := filepath.Join(dir, "dev.tfrc")
	tfrc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"anyreach/anyreach\" = %q\n  }\n  direct {}\n}\n", providerDir)
	if err := os.WriteFile(cliConfig, []byte(tfrc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(mainTF), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "ANYREACH_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		w.env = append(w.env, kv)
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	w.env = append(w.env, env...)
	return w
}

// command prepares one terraform command with its own trace log file.
func (w *cliWorkspace) command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	w.n++
	cmd := exec.CommandContext(t.Context(), terraformBinary(t), args...) //nolint:gosec // the test's own terraform binary and arguments
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, w.env...), fmt.Sprintf("TF_LOG_PATH=%s/%02d-%s.log", w.logs, w.n, args[0]))
	return cmd
}

// run runs one terraform command and records its output.
func (w *cliWorkspace) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := w.command(t, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	w.texts[fmt.Sprintf("output of command %d (terraform %s)", w.n, strings.Join(args, " "))] = out.String()
	return out.String(), err
}

func (w *cliWorkspace) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := w.run(t, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

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

// assertClean checks that no secret appears in anything collected so far,
// in any trace log, or in the state file and its backup, and that the logs
// hold the provider's own HTTP lines, so the check cannot pass on empty logs.
func (w *cliWorkspace) assertClean(t *testing.T, secrets []string) {
	t.Helper()
	const providerLogLine = "anyreach: API request"
	logs, err := filepath.Glob(filepath.Join(w.logs, "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no trace logs were written (%v)", err)
	}
	texts := maps.Clone(w.texts)
	sawProvider := false
	for _, f := range append(logs, filepath.Join(w.dir, "terraform.tfstate"), filepath.Join(w.dir, "terraform.tfstate.backup")) {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) && !strings.HasSuffix(f, ".log") {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(f)] = string(b)
		if strings.Contains(string(b), providerLogLine) {
			sawProvider = true
		}
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

// cliBuildDir holds the provider binary the CLI tests share; TestMain
// removes it.
var cliBuildDir string

// providerBuild builds the provider from this module once per test process,
// into a directory named as a dev override expects.
var providerBuild = sync.OnceValues(func() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is needed to build the provider: %w", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	if cliBuildDir, err = os.MkdirTemp("", "anyreach-provider-bin"); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(context.Background(), goBin, "build", "-o", filepath.Join(cliBuildDir, "terraform-provider-anyreach"), ".") //nolint:gosec // the go command on PATH
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return cliBuildDir, nil
})

// buildProviderBinary returns the directory of the provider binary built
// from this module.
func buildProviderBinary(t *testing.T) string {
	t.Helper()
	dir, err := providerBuild()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// terraformBinary is the CLI the acceptance tests use.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("the terraform CLI is needed: %v", err)
	}
	return p
}

func randomHex(t *testing.T) string {
	t.Helper()
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}
