// Package tfcli runs the real terraform CLI (or OpenTofu) against a build of
// this module's provider, loaded through a dev_overrides CLI config, so no
// `terraform init` and no network are needed.
//
// It is test and benchmark infrastructure, and the one place that knows how
// that is set up: the CLI config, the environment a command runs with, how
// the provider is built, and which CLI binary is used. Two users share it:
//
//   - the provider's CLI tests, through the t-taking wrappers of
//     internal/provider/cli_harness_test.go (cliWorkspace and friends);
//   - the fleet benchmark, bench/ (terraform.go and machine.go), which keeps
//     its own timing, sampling and logging of each run.
//
// It knows nothing of Terraform's plugin protocol and must not import
// internal/provider: it drives the CLI from the outside, as a user would.
package tfcli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	// ProviderSource is the provider's address in configurations and in the
	// dev_overrides block (each CLI completes it with its own registry host).
	ProviderSource = "anyreach/anyreach"
	// ProviderBinary is the provider executable's name; a dev override looks
	// the provider up by it in the directory it names.
	ProviderBinary = "terraform-provider-anyreach"

	modulePath = "github.com/anyreach/terraform-provider-anyreach"
)

// WriteCLIConfig writes to path a CLI config that loads the provider from
// providerDir (which holds ProviderBinary) through dev_overrides, and
// installs any other provider the usual way.
func WriteCLIConfig(path, providerDir string) error {
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", ProviderSource, providerDir)
	return os.WriteFile(path, []byte(cfg), 0o600)
}

// Environ is the environment of a terraform command run with the CLI config
// cliConfig: this process's environment without any TF_*, ANYREACH_* or
// CHECKPOINT_* variable, then TF_CLI_CONFIG_FILE=cliConfig,
// CHECKPOINT_DISABLE=1 and TF_IN_AUTOMATION=1, then extra (a later entry
// wins over an earlier one with the same name, so extra can override).
//
// The caller's own variables are dropped because they would change what a
// command does behind the test's or the benchmark's back: TF_CLI_ARGS* adds
// arguments, TF_LOG* turns tracing on or off, TF_VAR_* sets variables,
// TF_WORKSPACE and TF_DATA_DIR move state, the caller's TF_CLI_CONFIG_FILE
// would replace the dev override, and the TF_ACC_* variables are meant for
// the in-process test framework (terraform-plugin-testing), not for a
// command run from the outside. ANYREACH_* would configure the provider from
// the caller's shell, possibly with a real token; each caller passes its
// own in extra. CHECKPOINT_DISABLE=1 keeps the CLI from calling home.
func Environ(cliConfig string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "ANYREACH_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return append(env, extra...)
}

// TerraformPath is the CLI the acceptance tests use: TF_ACC_TERRAFORM_PATH
// when set (make test-tofu and make test-terraform-oldest/-newest set it to
// OpenTofu or another Terraform release, as terraform-plugin-testing reads
// it too), else terraform on PATH.
func TerraformPath() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("the terraform CLI is needed: %w", err)
	}
	return p, nil
}

// ModuleRoot is the root of this module, found from the working directory
// up, so tests (run in their package's directory) and the benchmark (run
// from anywhere in the repository) find the same source.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module "+modulePath+"\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the " + modulePath + " module")
		}
		dir = parent
	}
}

// GoCommand is the go command the builds use: $GO when set, else go.
func GoCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// Build runs `go build -o out pkg` in moduleRoot, without VCS stamping (the
// working tree is built as it is, also where git cannot be asked).
func Build(ctx context.Context, moduleRoot, out, pkg string) error {
	cmd := exec.CommandContext(ctx, GoCommand(), "build", "-buildvcs=false", "-o", out, pkg) //nolint:gosec // the go command building this module
	cmd.Dir = moduleRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// BuildProvider builds the provider (the main package at moduleRoot) into
// outDir/ProviderBinary, where a dev override naming outDir finds it.
func BuildProvider(ctx context.Context, moduleRoot, outDir string) error {
	return Build(ctx, moduleRoot, filepath.Join(outDir, ProviderBinary), ".")
}
