package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/acctest/tfcli"
)

// Names of the binaries the benchmark builds. The provider keeps its real
// name: the dev_overrides CLI config looks it up by that name, and the memory
// sampler finds its processes by it.
const (
	providerBinary = tfcli.ProviderBinary
	emulatorBinary = "anyreach-emulator"
)

// build compiles the provider and the emulator from the working tree into
// bench/work/bin, and the do-nothing provider into bench/work/noop-bin, so the figures always describe the current source (and a
// stale bin/ from another branch cannot sneak in).
func build(ctx context.Context, s settings) (time.Duration, error) {
	start := time.Now()
	if err := tfcli.BuildProvider(ctx, s.root, s.bin); err != nil {
		return 0, err
	}
	for _, b := range []struct{ out, pkg string }{
		{filepath.Join(s.bin, emulatorBinary), "./cmd/anyreach-emulator"},
		{filepath.Join(s.bin, exporterBinary), "./cmd/anyreach-export"},
		{filepath.Join(s.noopBin, providerBinary), "./bench/noopprovider"},
	} {
		if err := tfcli.Build(ctx, s.root, b.out, b.pkg); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// machine describes where the figures were taken: timings on a shared
// 2-core machine mean little without the load next to them.
type machine struct {
	cpus      int
	cpuModel  string
	memory    string // `free -h`
	terraform string
	goVersion string
	date      string
	loadStart string
	loadEnd   string
}

func describeMachine(ctx context.Context, s settings) machine {
	m := machine{
		cpus:      runtime.NumCPU(),
		cpuModel:  cpuModel(),
		memory:    strings.TrimRight(commandOutput(ctx, "free", "-h"), "\n"),
		terraform: firstLine(commandOutput(ctx, s.terraform, "version")),
		goVersion: firstLine(commandOutput(ctx, s.goBin, "version")),
		date:      time.Now().UTC().Format(time.RFC3339),
		loadStart: loadAverage(),
	}
	if out := commandOutput(ctx, "nproc"); out != "" {
		m.cpus = atoiOr(strings.TrimSpace(out), m.cpus)
	}
	return m
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage is the 1/5/15-minute load from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func commandOutput(ctx context.Context, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...) //nolint:gosec // fixed tool names: free, nproc, terraform, go
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/dev/null")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return string(out)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func atoiOr(s string, fallback int) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		return fallback
	}
	return n
}
