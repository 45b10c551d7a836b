package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// exporterBinary is cmd/anyreach-export, built beside the provider.
const exporterBinary = "anyreach-export"

// exportTarget is the exporter's bound at organization scale: 300 agents at
// 25 ms latency in under 5 s on the 2-core machine.
const exportTarget = 5 * time.Second

// exportResult is one run of anyreach-export over a seeded organization.
type exportResult struct {
	n      int
	wall   time.Duration
	counts requestCounts
	floor  int // fewest requests: list pages + schema + per agent its GET and its version's GET
}

// pages is the number of list pages (100 agents each).
func (e *exportResult) pages() int { return (e.n + 99) / 100 }

// networkFloor is the export's network time at the floor: the list pages
// and the schema one after another, then every agent's two reads,
// parallelism at a time.
func (e *exportResult) networkFloor(s settings) time.Duration {
	sequential := time.Duration(e.pages()+1) * s.latency
	return sequential + time.Duration(2*e.n)*s.latency/time.Duration(s.parallelism)
}

// measureExport seeds n agents (each with a version published without
// numbers, as in the fleet) into a fresh emulator and times anyreach-export
// over them with its default parallelism, which is Terraform's.
func measureExport(ctx context.Context, s settings, n int) (*exportResult, error) {
	logf("exporter over %d agents", n)
	emu, err := startEmulator(ctx, s, "export-"+strconv.Itoa(n))
	if err != nil {
		return nil, err
	}
	defer emu.stop()
	if err := seedExport(ctx, s, emu, n); err != nil {
		return nil, err
	}
	if err := emu.reset(ctx); err != nil {
		return nil, err
	}
	out := filepath.Join(s.work, "export-"+strconv.Itoa(n))
	logPath := filepath.Join(s.work, "logs", "export-"+strconv.Itoa(n)+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, exporterBinary), "--out", out) //nolint:gosec // our own binary
	cmd.Env = append(os.Environ(), "ANYREACH_BASE_URL="+emu.url, "ANYREACH_TOKEN="+emulatorToken)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("anyreach-export: %w (output in %s)\n%s", err, logPath, tail(logPath, 20))
	}
	r := &exportResult{n: n, wall: time.Since(start)}
	r.floor = r.pages() + 1 + 2*n
	if r.counts, err = emu.counts(ctx); err != nil {
		return nil, err
	}
	logf("  %6.2fs (%d requests; floor %d)", r.wall.Seconds(), r.counts.total(), r.floor)
	return r, nil
}

// seedExport creates n agents with one published version each, ten at a time.
func seedExport(ctx context.Context, s settings, emu *emulator, n int) error {
	config := map[string]any{"type": "static_prompt", "instructions": "Answer the phone.", "llm": map[string]any{"model": "gpt-4o"}}
	work := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range s.parallelism {
		wg.Go(func() {
			for i := range work {
				var agent struct {
					ID string `json:"agent_id"`
				}
				err := emu.post(ctx, "/core/agents", map[string]any{"name": fmt.Sprintf("Export agent %03d", i)}, &agent)
				if err == nil {
					err = emu.post(ctx, "/core/agents/"+agent.ID+"/versions", map[string]any{"config": config}, nil)
				}
				if err == nil {
					err = emu.post(ctx, "/core/agents/"+agent.ID+"/versions/1/publish", map[string]any{}, nil)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs // nil when none failed
}

// writeExportRows reports the exporter beside the provider's fleet figures.
func (r *results) writeExportRows(b *strings.Builder) {
	e := r.export
	if e == nil {
		return
	}
	s := r.settings
	fmt.Fprintf(b, "| **Exporter, N = %d** (`anyreach-export`, default `--parallelism %d`; each agent with a version published on the web): "+
		"bound = network floor: the list pages and the schema one after another, then 2 reads per agent, %d at a time, %s each; "+
		"target under %s | | | |\n", e.n, s.parallelism, s.parallelism, s.latency, secs(exportTarget))
	mark := ""
	if e.wall >= exportTarget {
		mark = "⚠ "
	}
	fmt.Fprintf(b, "| export of %d agents | %s%s (%d requests; floor %d) | %s network floor | %s |\n",
		e.n, mark, secs(e.wall), e.counts.total(), e.floor, secs(e.networkFloor(s)), timeRatio(e.wall, e.networkFloor(s)))
	fmt.Fprintf(b, "| export requests | %d | %d (%d list pages + 1 schema + %d × agent and version) | %s |\n",
		e.counts.total(), e.floor, e.pages(), e.n, countRatio(e.counts.total(), e.floor))
}
