package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/acctest/tfcli"
)

// The CLI tests' harness: thin wrappers over internal/acctest/tfcli (which
// the benchmark uses too) that take a *testing.T and fail the test where
// tfcli returns an error. The tests named TestCLI* and TestAccCLI* run the
// real terraform CLI (or OpenTofu under make test-tofu) against the provider
// binary built from this module, through a dev_overrides CLI config.

// cliWorkspace is one configuration directory run by the terraform CLI
// against a dev override of the provider binary; its fields (Dir, Logs, Env,
// Texts) are tfcli.Workspace's.
type cliWorkspace struct {
	*tfcli.Workspace
}

// newCLIWorkspace is a workspace of providerBlock and the token leak
// check's resources (leakCheckResources, secrets_cli_test.go), traced
// (TF_LOG=trace, which env can override).
func newCLIWorkspace(t *testing.T, providerDir, providerBlock string, env []string) *cliWorkspace {
	t.Helper()
	return newCLIWorkspaceWith(t, providerDir, providerBlock+leakCheckResources, append([]string{"TF_LOG=trace"}, env...))
}

// newCLIWorkspaceWith prepares a configuration directory holding main.tf,
// run by the terraform CLI through a dev override of the provider in
// providerDir, with env added to the environment.
func newCLIWorkspaceWith(t *testing.T, providerDir, mainTF string, env []string) *cliWorkspace {
	t.Helper()
	ws, err := tfcli.NewWorkspace(t.TempDir(), providerDir, env...)
	if err != nil {
		t.Fatal(err)
	}
	w := &cliWorkspace{ws}
	w.writeFile(t, "main.tf", mainTF)
	return w
}

// newWorkflowWorkspace is a CLI workspace for mainTF, with the emulator's
// address and credential in the environment and agent-config.json beside it.
func newWorkflowWorkspace(t *testing.T, emu *testEmulator, mainTF, agentConfig string) *cliWorkspace {
	t.Helper()
	w := newCLIWorkspaceWith(t, buildProviderBinary(t), mainTF, []string{"ANYREACH_BASE_URL=" + emu.URL, "ANYREACH_TOKEN=" + testToken})
	w.writeFile(t, "agent-config.json", agentConfig)
	return w
}

func (w *cliWorkspace) writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := w.WriteFile(name, content); err != nil {
		t.Fatal(err)
	}
}

// command prepares one terraform command with its own trace log file.
func (w *cliWorkspace) command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	return w.Command(t.Context(), args...)
}

// run runs one terraform command and records its output.
func (w *cliWorkspace) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return w.Run(t.Context(), args...)
}

func (w *cliWorkspace) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := w.run(t, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// exitCode runs terraform and returns its exit code and output; it fails
// the test when terraform could not be run at all.
func (w *cliWorkspace) exitCode(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, out, err := w.ExitCode(t.Context(), args...)
	if err != nil {
		t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return code, out
}

// expectExit runs terraform and fails the test unless it exits with want.
func (w *cliWorkspace) expectExit(t *testing.T, want int, why string, args ...string) string {
	t.Helper()
	code, out := w.exitCode(t, args...)
	if code != want {
		t.Fatalf("%s: terraform %s exited %d, want %d:\n%s", why, strings.Join(args, " "), code, want, out)
	}
	return out
}

// outputs is everything the workspace's commands printed or wrote so far,
// by name (tfcli.Workspace.Outputs).
func (w *cliWorkspace) outputs(t *testing.T) map[string]string {
	t.Helper()
	texts, err := w.Outputs()
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

// hasTraceLog reports whether outputs holds a trace log.
func hasTraceLog(outputs map[string]string) bool {
	for name := range outputs {
		if strings.HasSuffix(name, ".log") {
			return true
		}
	}
	return false
}

// stateAttr reads an attribute of a resource from terraform show -json.
func (w *cliWorkspace) stateAttr(t *testing.T, address, attribute string) string {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	// Not recorded in w.Texts: the JSON form of state holds sensitive values
	// in clear by design (marked under sensitive_values).
	out, err := w.command(t, "show", "-json").Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	if err := json.Unmarshal(out, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return fmt.Sprint(r.Values[attribute])
		}
	}
	t.Fatalf("%s is not in state", address)
	return ""
}

// cliBuildDir holds the provider binary the CLI tests share; TestMain
// removes it.
var cliBuildDir string

// providerBuild builds the provider from this module once per test process,
// into a directory named as a dev override expects.
var providerBuild = sync.OnceValues(func() (string, error) {
	root, err := tfcli.ModuleRoot()
	if err != nil {
		return "", err
	}
	if cliBuildDir, err = os.MkdirTemp("", "anyreach-provider-bin"); err != nil {
		return "", err
	}
	if err := tfcli.BuildProvider(context.Background(), root, cliBuildDir); err != nil {
		return "", fmt.Errorf("building the provider: %w", err)
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

// terraformBinary is the CLI the acceptance tests use (tfcli.TerraformPath).
func terraformBinary(t *testing.T) string {
	t.Helper()
	p, err := tfcli.TerraformPath()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
