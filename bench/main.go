// Command bench is the fleet benchmark of the Anyreach provider (make bench).
//
// It builds the provider and the emulator, then measures, against emulators
// on loopback with a fixed latency per request:
//
//   - requests per operation of every resource type, from the emulator's
//     request counters, next to the floor the API allows;
//   - fleet apply, no-change plan and destroy wall times for N agents (each
//     with a version, a publish and a SIP deployment), next to a bound made of
//     the same module's time through a do-nothing plugin provider plus the
//     network time of the fewest requests the API allows, and next to
//     Terraform's own time for the same graph of terraform_data resources;
//   - the idempotent curl script a user would write instead
//     (bench/curl-provision.sh), run over the same fleet;
//   - the provider's peak memory and its AgentConfig schema fetches per run.
//
// It writes bench/results.md and prints it. Everything it creates lives
// under bench/work/, which is ignored by git. It is a benchmark, not a test:
// it reports figures and fails only when a step cannot run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/acctest/tfcli"
)

// settings are the knobs of one benchmark run.
type settings struct {
	root        string        // repository root
	work        string        // bench/work: every file the run creates
	bin         string        // where the provider and emulator are built
	noopBin     string        // where the do-nothing provider is built (bench/noopprovider)
	out         string        // the markdown report
	terraform   string        // terraform binary
	goBin       string        // go binary, for the builds (tfcli.GoCommand: $GO, else go)
	sizes       []int         // fleet sizes
	latency     time.Duration // emulator latency per /core request
	parallelism int           // terraform -parallelism
	skipScript  bool
	exportSize  int  // agents the exporter exports (0: not measured)
	exportOnly  bool // measure the exporter only
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	s, err := parseSettings(os.Args[1:])
	if err != nil {
		return err
	}
	// Ctrl-C stops terraform gracefully and still removes the emulators.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	started := time.Now()
	if err := cleanWork(s); err != nil {
		return err
	}
	logf("building the provider and the emulator into %s", rel(s.root, s.bin))
	buildTime, err := build(ctx, s)
	if err != nil {
		return err
	}
	machine := describeMachine(ctx, s)

	r := &results{settings: s, machine: machine, buildTime: buildTime}
	if s.exportSize > 0 {
		if r.export, err = measureExport(ctx, s, s.exportSize); err != nil {
			return fmt.Errorf("exporter: %w", err)
		}
	}
	if !s.exportOnly {
		if err := measureProvider(ctx, s, r); err != nil {
			return err
		}
	}
	r.machine.loadEnd = loadAverage()
	r.total = time.Since(started)

	report := r.markdown()
	if err := os.WriteFile(s.out, []byte(report), 0o644); err != nil { //nolint:gosec // a report meant to be read
		return err
	}
	fmt.Println()
	fmt.Print(report)
	logf("wrote %s in %s", rel(s.root, s.out), r.total.Round(time.Second))
	return nil
}

// measureProvider takes the provider's figures: requests per operation,
// the plugin overhead, and the fleets with the curl script beside them.
func measureProvider(ctx context.Context, s settings, r *results) error {
	var err error
	if r.ops, err = measureOperations(ctx, s); err != nil {
		return fmt.Errorf("requests per operation: %w", err)
	}
	if r.overhead, err = measurePluginOverhead(ctx, s); err != nil {
		return fmt.Errorf("plugin overhead: %w", err)
	}
	if r.stateSize, err = measureStateSize(ctx, s); err != nil {
		return fmt.Errorf("state size: %w", err)
	}
	for _, n := range s.sizes {
		f, err := measureFleet(ctx, s, n)
		if err != nil {
			return fmt.Errorf("fleet of %d: %w", n, err)
		}
		if !s.skipScript {
			if f.script, err = measureScript(ctx, s, n); err != nil {
				return fmt.Errorf("curl script, fleet of %d: %w", n, err)
			}
		}
		r.fleets = append(r.fleets, f)
	}
	return nil
}

func parseSettings(args []string) (settings, error) {
	root, err := repoRoot()
	if err != nil {
		return settings{}, err
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fs.String("sizes", "50,200", "comma-separated fleet sizes (agents; each has a version, a publish and a SIP deployment)")
	latency := fs.Duration("latency", 25*time.Millisecond, "latency the emulator adds to every /core request")
	parallelism := fs.Int("parallelism", 10, "terraform -parallelism (10 is Terraform's default)")
	out := fs.String("out", filepath.Join(root, "bench", "results.md"), "where to write the report")
	skipScript := fs.Bool("skip-script", false, "do not run the curl script comparison")
	exportSize := fs.Int("export", 300, "agents anyreach-export exports (0 skips the exporter)")
	exportOnly := fs.Bool("export-only", false, "measure only the exporter")
	if err := fs.Parse(args); err != nil {
		return settings{}, err
	}
	s := settings{
		root:        root,
		work:        filepath.Join(root, "bench", "work"),
		out:         *out,
		terraform:   envOr("TERRAFORM", "terraform"),
		goBin:       tfcli.GoCommand(),
		latency:     *latency,
		parallelism: *parallelism,
		skipScript:  *skipScript,
		exportSize:  *exportSize,
		exportOnly:  *exportOnly,
	}
	s.bin = filepath.Join(s.work, "bin")
	s.noopBin = filepath.Join(s.work, "noop-bin")
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return settings{}, fmt.Errorf("-sizes: %q is not a positive number", f)
		}
		s.sizes = append(s.sizes, n)
	}
	if s.parallelism < 1 {
		return settings{}, errors.New("-parallelism must be at least 1")
	}
	return s, nil
}

// cleanWork empties bench/work of the previous run's modules, state and
// logs (the binaries are rebuilt anyway).
func cleanWork(s settings) error {
	if err := os.MkdirAll(s.work, 0o750); err != nil {
		return err
	}
	entries, err := os.ReadDir(s.work)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == "bin" || e.Name() == "noop-bin" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.work, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// repoRoot finds the module root from the working directory, so the
// benchmark runs the same from `make bench` and from `go run ./bench`.
func repoRoot() (string, error) {
	root, err := tfcli.ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("run the benchmark inside the terraform-provider-anyreach repository: %w", err)
	}
	return root, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// logf prints progress on stderr, so stdout carries only the report.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// rel shortens a path under the repository for messages.
func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}
