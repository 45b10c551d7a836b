package tfcli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestEnvironDropsTheCallersTerraformVariables(t *testing.T) {
	t.Setenv("TF_CLI_ARGS", "-lock=false")
	t.Setenv("TF_LOG", "trace")
	t.Setenv("ANYREACH_TOKEN", "ak_caller.secret")
	t.Setenv("CHECKPOINT_TIMEOUT", "1")
	t.Setenv("TFCLI_TEST_KEPT", "yes")
	env := Environ("/cfg/dev.tfrc", "ANYREACH_TOKEN=ak_test.token", "TF_LOG=")
	for _, kv := range env {
		for _, dropped := range []string{"TF_CLI_ARGS=", "TF_LOG=trace", "ANYREACH_TOKEN=ak_caller", "CHECKPOINT_TIMEOUT="} {
			if strings.HasPrefix(kv, dropped) {
				t.Errorf("the caller's %s is passed on", kv)
			}
		}
	}
	n := len(env)
	if n < 5 || !slices.Equal(env[n-5:], []string{"TF_CLI_CONFIG_FILE=/cfg/dev.tfrc", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "ANYREACH_TOKEN=ak_test.token", "TF_LOG="}) {
		t.Errorf("the environment does not end with the CLI config, the fixed settings and then extra: %q", env[max(0, n-5):])
	}
	if !slices.Contains(env, "TFCLI_TEST_KEPT=yes") {
		t.Error("a variable of the caller's unrelated to Terraform is dropped")
	}
}

func TestWriteCLIConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.tfrc")
	if err := WriteCLIConfig(path, "/providers/dir"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "provider_installation {\n  dev_overrides {\n    \"anyreach/anyreach\" = \"/providers/dir\"\n  }\n  direct {}\n}\n"
	if string(b) != want {
		t.Errorf("the CLI config is\n%s\nwant\n%s", b, want)
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		t.Errorf("%s is not the provider's module root: %v", root, err)
	}
}

// TestWorkspaceRunsAndRecords runs a stand-in for terraform (a shell script
// named by TF_ACC_TERRAFORM_PATH) that prints its arguments, its log path and
// its CLI config, writes its log and state, and exits with its first
// argument.
func TestWorkspaceRunsAndRecords(t *testing.T) {
	script := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"args=$* log=$(basename \"$TF_LOG_PATH\") cfg=$(basename \"$TF_CLI_CONFIG_FILE\") x=$X\"\n"+
		"echo logged >\"$TF_LOG_PATH\"\necho state >terraform.tfstate\nexit \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", script)
	w, err := NewWorkspace(t.TempDir(), "/providers/dir", "X=1")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("main.tf", "# empty\n"); err != nil {
		t.Fatal(err)
	}
	out, err := w.Run(t.Context(), "0", "plan")
	if err != nil || out != "args=0 plan log=01-0.log cfg=dev.tfrc x=1\n" {
		t.Fatalf("Run = %q, %v", out, err)
	}
	w.Env = append(w.Env, "X=2")
	code, out, err := w.ExitCode(t.Context(), "2", "plan")
	if err != nil || code != 2 || out != "args=2 plan log=02-2.log cfg=dev.tfrc x=2\n" {
		t.Fatalf("ExitCode = %d, %q, %v", code, out, err)
	}
	outputs, err := w.Outputs()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"output of command 1 (terraform 0 plan)": "args=0 plan log=01-0.log cfg=dev.tfrc x=1\n",
		"output of command 2 (terraform 2 plan)": "args=2 plan log=02-2.log cfg=dev.tfrc x=2\n",
		"01-0.log":                               "logged\n",
		"02-2.log":                               "logged\n",
		"terraform.tfstate":                      "state\n",
	}
	if len(outputs) != len(want) {
		t.Errorf("Outputs = %q, want %q", outputs, want)
	}
	for name, text := range want {
		if outputs[name] != text {
			t.Errorf("Outputs[%q] = %q, want %q", name, outputs[name], text)
		}
	}
}
