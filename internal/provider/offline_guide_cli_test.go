package provider

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/acctest/tfcli"
)

// TestAccOfflineTestingGuide runs examples/offline-testing/offline-test.sh,
// the script of the "Test your configuration offline" guide, the way the
// guide's CI job (offline-test.yml, beside it) runs it: with the emulator
// flags the job sets, against the example root module that calls a local
// module, with the CLI the tests use (Terraform, or OpenTofu under make
// test-tofu). The provider and the emulator are built from this module into
// one GOBIN directory, where the job's go install puts them and where the
// script looks by default.
func TestAccOfflineTestingGuide(t *testing.T) {
	t.Parallel()
	src := filepath.Join("..", "..", "examples", "offline-testing")
	gobin := t.TempDir()
	buildEmulatorBinary(t, gobin)
	provider := filepath.Join(buildProviderBinary(t), "terraform-provider-anyreach")
	if err := os.Symlink(provider, filepath.Join(gobin, "terraform-provider-anyreach")); err != nil {
		t.Fatal(err)
	}
	flags := guideEmulatorFlags(t, filepath.Join(src, "offline-test.yml"))

	run := func(t *testing.T, dir string) (string, error) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), "bash", filepath.Join(dir, "offline-test.sh"), dir) //nolint:gosec // the guide's script
		cmd.Env = append(cliEnv(),
			"TF="+terraformBinary(t),
			"GOBIN="+gobin,
			"ANYREACH_EMULATOR_FLAGS="+flags,
		)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	t.Run("the example passes", func(t *testing.T) {
		t.Parallel()
		dir := copyExample(t, src)
		out, err := run(t, dir)
		if err != nil {
			t.Fatalf("offline-test.sh: %v\n%s", err, out)
		}
		for _, want := range []string{"Apply complete! Resources: 6 added", "No changes.", "Destroy complete! Resources: 6 destroyed"} {
			if !strings.Contains(out, want) {
				t.Errorf("the script's output lacks %q:\n%s", want, out)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, ".terraform", "modules", "modules.json")); err != nil {
			t.Errorf("the local modules were not installed by get: %v", err)
		}
	})

	t.Run("a second plan that is not empty fails the job", func(t *testing.T) {
		t.Parallel()
		dir := copyExample(t, src)
		drift := "resource \"terraform_data\" \"changes_every_run\" {\n  input = timestamp()\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "drift.tf"), []byte(drift), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := run(t, dir)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Fatalf("want the script to fail with plan's exit code 2, got %v:\n%s", err, out)
		}
		if !strings.Contains(out, "Apply complete!") || !strings.Contains(out, "terraform_data.changes_every_run") {
			t.Errorf("the script did not fail at the second plan:\n%s", out)
		}
	})
}

// guideEmulatorFlags reads ANYREACH_EMULATOR_FLAGS from the guide's CI job.
func guideEmulatorFlags(t *testing.T, workflow string) string {
	t.Helper()
	b, err := os.ReadFile(workflow)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+ANYREACH_EMULATOR_FLAGS: (.+)$`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("%s sets no ANYREACH_EMULATOR_FLAGS", workflow)
	}
	return strings.TrimSpace(m[1])
}

// copyExample copies an example folder with its subfolders (local modules).
func copyExample(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "root")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// cliEnv is the test process's environment without what would steer the
// CLI or the provider elsewhere.
func cliEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "ANYREACH_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// buildEmulatorBinary builds cmd/anyreach-emulator into dir.
func buildEmulatorBinary(t *testing.T, dir string) {
	t.Helper()
	root, err := tfcli.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if err := tfcli.Build(t.Context(), root, filepath.Join(dir, "anyreach-emulator"), "./cmd/anyreach-emulator"); err != nil {
		t.Fatalf("building the emulator: %v", err)
	}
}
