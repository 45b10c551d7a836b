package tfcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Workspace is one configuration directory run by the terraform CLI
// against a dev override of the provider. It records what every command it
// ran printed; it is not safe for concurrent use.
type Workspace struct {
	// Dir is the configuration directory every command runs in.
	Dir string
	// Logs holds one TF_LOG_PATH file per command, numbered in order.
	Logs string
	// Env is the environment of every command (see Environ); callers may
	// append to it between commands.
	Env []string
	// Terraform is the CLI binary (see TerraformPath).
	Terraform string
	// Texts is what the commands run by Run printed, by a name that says
	// which command.
	Texts map[string]string
	// N counts the commands prepared so far.
	N int
}

// NewWorkspace prepares a workspace under root (an empty directory): the
// configuration directory root/config, the log directory root/logs, and the
// CLI config root/dev.tfrc loading the provider from providerDir; env is
// added to the commands' environment (see Environ).
func NewWorkspace(root, providerDir string, env ...string) (*Workspace, error) {
	terraform, err := TerraformPath()
	if err != nil {
		return nil, err
	}
	w := &Workspace{
		Dir:       filepath.Join(root, "config"),
		Logs:      filepath.Join(root, "logs"),
		Terraform: terraform,
		Texts:     map[string]string{},
	}
	for _, d := range []string{w.Dir, w.Logs} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, err
		}
	}
	cliConfig := filepath.Join(root, "dev.tfrc")
	if err := WriteCLIConfig(cliConfig, providerDir); err != nil {
		return nil, err
	}
	w.Env = Environ(cliConfig, env...)
	return w, nil
}

// WriteFile writes a file of the configuration directory.
func (w *Workspace) WriteFile(name, content string) error {
	return os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600)
}

// Command prepares one terraform command in Dir, with its own trace log
// file in Logs (it is written when the environment sets TF_LOG).
func (w *Workspace) Command(ctx context.Context, args ...string) *exec.Cmd {
	w.N++
	cmd := exec.CommandContext(ctx, w.Terraform, args...) //nolint:gosec // the CLI under test with the caller's arguments
	cmd.Dir = w.Dir
	name := "terraform"
	if len(args) > 0 {
		name = args[0]
	}
	cmd.Env = append(append([]string{}, w.Env...), "TF_LOG_PATH="+filepath.Join(w.Logs, fmt.Sprintf("%02d-%s.log", w.N, name)))
	return cmd
}

// Run runs one terraform command and returns its output (stdout and stderr
// interleaved), which it also records in Texts.
func (w *Workspace) Run(ctx context.Context, args ...string) (string, error) {
	cmd := w.Command(ctx, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	w.Texts[fmt.Sprintf("output of command %d (terraform %s)", w.N, strings.Join(args, " "))] = out.String()
	return out.String(), err
}

// ExitCode runs one terraform command like Run and returns its exit code
// and output. The error is nil whenever terraform ran, whatever its exit
// code; it is not when terraform could not be run at all.
func (w *Workspace) ExitCode(ctx context.Context, args ...string) (int, string, error) {
	out, err := w.Run(ctx, args...)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out, nil
	}
	return 0, out, err
}

// Outputs is everything the commands printed or wrote so far, by name: the
// recorded Texts, every trace log in Logs (by file name, ending in .log),
// and the state file and its backup when they exist.
func (w *Workspace) Outputs() (map[string]string, error) {
	texts := maps.Clone(w.Texts)
	logs, err := filepath.Glob(filepath.Join(w.Logs, "*.log"))
	if err != nil {
		return nil, err
	}
	for _, f := range append(logs, filepath.Join(w.Dir, "terraform.tfstate"), filepath.Join(w.Dir, "terraform.tfstate.backup")) {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) && !strings.HasSuffix(f, ".log") {
			continue
		}
		if err != nil {
			return nil, err
		}
		texts[filepath.Base(f)] = string(b)
	}
	return texts, nil
}
