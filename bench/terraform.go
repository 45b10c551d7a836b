package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/acctest/tfcli"
)

// terraformRunner runs the terraform CLI the way a CI job would: no input,
// no colour, TF_IN_AUTOMATION, against the locally built provider through a
// dev_overrides CLI config (terraform init cannot run offline).
type terraformRunner struct {
	s   settings
	env []string
	// logs is where each command's output goes.
	logs string
}

// commandSeq numbers the logs of every command of the run, in order.
var commandSeq int

// newTerraform writes the dev_overrides CLI config and builds an environment
// pointing the provider at the emulator (tfcli.Environ: TF_* variables from
// the caller's environment are dropped, so TF_CLI_ARGS, TF_LOG and the like
// cannot change what is measured).
func newTerraform(s settings, emulatorURL string) (*terraformRunner, error) {
	return newTerraformFor(s, emulatorURL, s.bin)
}

// newTerraformFor is newTerraform with the provider binary taken from
// providerDir (s.noopBin for the do-nothing provider).
func newTerraformFor(s settings, emulatorURL, providerDir string) (*terraformRunner, error) {
	rc := filepath.Join(s.work, filepath.Base(providerDir)+".tfrc")
	if err := tfcli.WriteCLIConfig(rc, providerDir); err != nil {
		return nil, err
	}
	env := tfcli.Environ(rc, "ANYREACH_BASE_URL="+emulatorURL, "ANYREACH_TOKEN="+emulatorToken)
	logs := filepath.Join(s.work, "logs")
	return &terraformRunner{s: s, env: env, logs: logs}, os.MkdirAll(logs, 0o750)
}

// tfRun is one finished terraform command.
type tfRun struct {
	wall time.Duration
	// cpu is the user+system time of terraform and the provider processes
	// it waited for.
	cpu time.Duration
	// changes is true when `plan -detailed-exitcode` exited 2.
	changes bool
	// mem is what the provider processes it started used.
	mem providerUsage
}

// run executes `terraform -chdir=dir <sub> -input=false -no-color
// -parallelism=P args...`, timing it from start to exit and sampling the
// provider processes it starts.
func (t *terraformRunner) run(ctx context.Context, dir, sub string, args ...string) (tfRun, error) {
	argv := append([]string{"-chdir=" + dir, sub, "-input=false", "-no-color", "-parallelism=" + strconv.Itoa(t.s.parallelism)}, args...)
	commandSeq++
	logPath := filepath.Join(t.logs, fmt.Sprintf("%03d-%s-%s-%s.log", commandSeq, filepath.Base(filepath.Dir(dir)), filepath.Base(dir), sub))
	logFile, err := os.Create(logPath) //nolint:gosec // a path under bench/work
	if err != nil {
		return tfRun{}, err
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "$ terraform %s\n\n", strings.Join(argv, " "))

	cmd := exec.CommandContext(ctx, t.s.terraform, argv...) //nolint:gosec // the terraform CLI with our arguments
	cmd.Env = t.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// On Ctrl-C, let terraform stop its providers and save state.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return tfRun{}, err
	}
	sampler := sampleProviders(cmd.Process.Pid, providerBinary, 50*time.Millisecond)
	err = cmd.Wait()
	r := tfRun{wall: time.Since(start), mem: sampler.stop()}
	if ps := cmd.ProcessState; ps != nil {
		r.cpu = ps.UserTime() + ps.SystemTime()
	}

	var exit *exec.ExitError
	detailed := contains(args, "-detailed-exitcode")
	switch {
	case err == nil:
	case detailed && errors.As(err, &exit) && exit.ExitCode() == 2:
		r.changes = true
	default:
		return r, fmt.Errorf("terraform %s in %s: %w (output in %s)\n%s", sub, filepath.Base(dir), err, logPath, tail(logPath, 30))
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// tail returns the last lines of a log file, for error messages.
func tail(path string, lines int) string {
	b, err := os.ReadFile(path) //nolint:gosec // our own log file
	if err != nil {
		return ""
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
