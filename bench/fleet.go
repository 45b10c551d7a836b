package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// Fleet phases, in the order they run.
const (
	phaseApply   = iota // create the 4N resources
	phasePlan           // terraform plan on the unchanged fleet (refresh included)
	phaseReapply        // terraform apply on the unchanged fleet
	phaseDestroy
	phaseCount
)

var phaseNames = [phaseCount]string{"apply (create)", "plan (no change)", "apply (no change)", "destroy"}

// phaseResult is one phase of the fleet, with the provider, the
// terraform_data baseline of the same graph, and the same module through the
// do-nothing provider (bench/noopprovider).
type phaseResult struct {
	provider tfRun
	baseline tfRun
	noop     tfRun
	// counts are the /core requests the provider run made.
	counts requestCounts
	// floor is the fewest requests the API allows for the phase (fleetFloor).
	floor int
}

// bound is what the phase is measured against: the same module through the
// do-nothing provider (a plugin's process starts and gRPC, which no provider
// avoids) plus the network floor.
func (p phaseResult) bound(s settings) time.Duration {
	return p.noop.wall + p.networkFloor(s)
}

// networkFloor is the latency of the fewest requests the phase allows,
// spread over -parallelism workers: a request more than the floor counts
// against the provider.
func (p phaseResult) networkFloor(s settings) time.Duration {
	return time.Duration(p.floor) * s.latency / time.Duration(s.parallelism)
}

// fleetResult is everything measured for one fleet size.
type fleetResult struct {
	n        int
	phases   [phaseCount]phaseResult
	problems []string
	script   *scriptResult
}

// measureFleet applies, plans, re-applies and destroys N agents (agent +
// version + publish + SIP deployment each) with the provider against a fresh emulator, each
// phase right after the same phase of the terraform_data baseline so both
// meet the same background load.
func measureFleet(ctx context.Context, s settings, n int) (*fleetResult, error) {
	logf("fleet of %d agents (%d resources)", n, 4*n)
	base := filepath.Join(s.work, "fleet-"+strconv.Itoa(n))
	configs := filepath.Join(base, "configs")
	if err := writeFleetConfigs(s, configs, n); err != nil {
		return nil, err
	}
	providerDir, baselineDir, noopDir := filepath.Join(base, "provider"), filepath.Join(base, "baseline"), filepath.Join(base, "noop")
	for _, m := range []struct{ dir, text string }{{providerDir, fleetModule}, {baselineDir, baselineModule}, {noopDir, fleetModule}} {
		if err := writeModule(m.dir, m.text, nil); err != nil {
			return nil, err
		}
	}

	emu, err := startEmulator(ctx, s, "fleet-"+strconv.Itoa(n))
	if err != nil {
		return nil, err
	}
	defer emu.stop()
	tf, err := newTerraform(s, emu.url)
	if err != nil {
		return nil, err
	}
	noopTF, err := newTerraformFor(s, emu.url, s.noopBin)
	if err != nil {
		return nil, err
	}

	vars := []string{"-var=n=" + strconv.Itoa(n), "-var=configs=" + configs}
	commands := [phaseCount][]string{
		{"apply", "-auto-approve"},
		{"plan", "-detailed-exitcode"},
		{"apply", "-auto-approve"},
		{"destroy", "-auto-approve"},
	}
	f := &fleetResult{n: n}
	for i, c := range commands {
		args := append(append([]string{}, c[1:]...), vars...)
		b, err := tf.run(ctx, baselineDir, c[0], args...)
		if err != nil {
			return nil, fmt.Errorf("baseline %s: %w", phaseNames[i], err)
		}
		if err := emu.reset(ctx); err != nil {
			return nil, err
		}
		p, err := tf.run(ctx, providerDir, c[0], args...)
		if err != nil {
			return nil, fmt.Errorf("provider %s: %w", phaseNames[i], err)
		}
		counts, err := emu.counts(ctx)
		if err != nil {
			return nil, err
		}
		o, err := noopTF.run(ctx, noopDir, c[0], args...)
		if err != nil {
			return nil, fmt.Errorf("do-nothing provider %s: %w", phaseNames[i], err)
		}
		f.phases[i] = phaseResult{provider: p, baseline: b, noop: o, counts: counts, floor: fleetFloor(i, n)}
		logf("  %-18s provider %6.2fs (%d requests)   terraform_data %6.2fs   do-nothing provider %6.2fs",
			phaseNames[i], p.wall.Seconds(), counts.total(), b.wall.Seconds(), o.wall.Seconds())
		if b.changes {
			f.problems = append(f.problems, fmt.Sprintf("N=%d: the baseline plan was not empty", n))
		}
		if p.changes {
			f.problems = append(f.problems, fmt.Sprintf("N=%d: the no-change plan planned changes: the provider reports drift", n))
		}
		if o.changes {
			f.problems = append(f.problems, fmt.Sprintf("N=%d: the do-nothing provider's plan was not empty", n))
		}
	}
	if got := f.phases[phaseApply].counts["POST /core/agents"]; got != n {
		f.problems = append(f.problems, fmt.Sprintf("N=%d: apply created %d agents", n, got))
	}
	return f, nil
}

// pluginOverhead is the fixed cost of a plugin provider in one terraform
// command: the fleet module with N = 0 (the provider is still started,
// configured and asked for its schema) against the baseline with N = 0.
type pluginOverhead struct {
	provider, baseline time.Duration
}

// measurePluginOverhead takes the median of three runs of each, since one
// run of a fifth of a second is mostly noise.
func measurePluginOverhead(ctx context.Context, s settings) (pluginOverhead, error) {
	logf("fixed cost of a plugin provider (N = 0)")
	base := filepath.Join(s.work, "fleet-0")
	providerDir, baselineDir := filepath.Join(base, "provider"), filepath.Join(base, "baseline")
	if err := writeModule(providerDir, fleetModule, nil); err != nil {
		return pluginOverhead{}, err
	}
	if err := writeModule(baselineDir, baselineModule, nil); err != nil {
		return pluginOverhead{}, err
	}
	emu, err := startEmulator(ctx, s, "fleet-0")
	if err != nil {
		return pluginOverhead{}, err
	}
	defer emu.stop()
	tf, err := newTerraform(s, emu.url)
	if err != nil {
		return pluginOverhead{}, err
	}
	var p, b []time.Duration
	for range 3 {
		for _, m := range []struct {
			dir string
			out *[]time.Duration
		}{{providerDir, &p}, {baselineDir, &b}} {
			r, err := tf.run(ctx, m.dir, "plan", "-var=n=0", "-var=configs="+base)
			if err != nil {
				return pluginOverhead{}, err
			}
			*m.out = append(*m.out, r.wall)
		}
	}
	return pluginOverhead{provider: median(p), baseline: median(b)}, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration{}, ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// scriptResult is the curl script over the same fleet: a first run that
// creates it and a second run on the unchanged fleet.
type scriptResult struct {
	jsonTool     string
	first        time.Duration
	second       time.Duration
	firstCounts  requestCounts
	secondCounts requestCounts
}

// measureScript runs bench/curl-provision.sh twice over the fleet's config
// files against a fresh emulator with the same latency.
func measureScript(ctx context.Context, s settings, n int) (*scriptResult, error) {
	logf("curl script over %d agents", n)
	emu, err := startEmulator(ctx, s, "script-"+strconv.Itoa(n))
	if err != nil {
		return nil, err
	}
	defer emu.stop()
	configs := filepath.Join(s.work, "fleet-"+strconv.Itoa(n), "configs")
	r := &scriptResult{jsonTool: "python3"}
	if _, err := exec.LookPath("jq"); err == nil {
		r.jsonTool = "jq"
	}
	for i, out := range []struct {
		wall   *time.Duration
		counts *requestCounts
	}{{&r.first, &r.firstCounts}, {&r.second, &r.secondCounts}} {
		if err := emu.reset(ctx); err != nil {
			return nil, err
		}
		wall, err := runScript(ctx, s, emu.url, configs, fmt.Sprintf("script-%d-run%d", n, i+1))
		if err != nil {
			return nil, err
		}
		c, err := emu.counts(ctx)
		if err != nil {
			return nil, err
		}
		*out.wall, *out.counts = wall, c
		logf("  run %d: %6.2fs (%d requests)", i+1, wall.Seconds(), c.total())
	}
	return r, nil
}

func runScript(ctx context.Context, s settings, url, configs, logName string) (time.Duration, error) {
	logPath := filepath.Join(s.work, "logs", logName+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return 0, err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(s.root, "bench", "curl-provision.sh"), configs) //nolint:gosec // our own script
	cmd.Env = append(os.Environ(), "ANYREACH_BASE_URL="+url, "ANYREACH_TOKEN="+emulatorToken)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("curl-provision.sh: %w (output in %s)\n%s", err, logPath, tail(logPath, 20))
	}
	return time.Since(start), nil
}
