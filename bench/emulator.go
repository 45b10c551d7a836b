package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// emulatorToken is the emulator's default credential (all scopes).
const emulatorToken = "ak_dev.emulator" //nolint:gosec // the emulator's well-known development credential

// schemaRoute is the AgentConfig schema fetch, counted apart from the
// resources' own requests.
const schemaRoute = "GET /core/agent-config-schema"

// emulator is one anyreach-emulator process on a free loopback port. Every
// phase gets a fresh one, so no measurement sees another phase's agents.
type emulator struct {
	cmd  *exec.Cmd
	url  string
	http *http.Client
}

// startEmulator starts the emulator with the benchmark latency and waits for
// the line that gives its address. The process dies with the benchmark even
// if the benchmark is killed (Pdeathsig).
func startEmulator(ctx context.Context, s settings, name string) (*emulator, error) {
	logPath := filepath.Join(s.work, "logs", name+".emulator.log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o750); err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor

	// Not CommandContext: the emulator is stopped by stop(), after the
	// terraform runs that use it have been stopped.
	cmd := exec.Command(filepath.Join(s.bin, emulatorBinary), //nolint:gosec,noctx // our own binary, stopped by stop()
		"--addr", "127.0.0.1:0", "--latency", s.latency.String())
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	e := &emulator{cmd: cmd, http: &http.Client{Timeout: 30 * time.Second}}

	lines := bufio.NewReader(stdout)
	first := make(chan string, 1)
	go func() {
		line, _ := lines.ReadString('\n')
		first <- line
		// Keep draining so the emulator never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, lines)
	}()
	select {
	case line := <-first:
		url, ok := strings.CutPrefix(strings.TrimSpace(line), "anyreach-emulator listening on ")
		if !ok {
			e.stop()
			return nil, fmt.Errorf("the emulator did not start (see %s); it said %q", logPath, line)
		}
		e.url = url
	case <-time.After(30 * time.Second):
		e.stop()
		return nil, fmt.Errorf("the emulator did not start within 30s (see %s)", logPath)
	case <-ctx.Done():
		e.stop()
		return nil, ctx.Err()
	}
	return e, nil
}

// stop ends the emulator: SIGTERM, then SIGKILL if it lingers.
func (e *emulator) stop() {
	if e == nil || e.cmd.Process == nil {
		return
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = e.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = e.cmd.Process.Kill()
		<-done
	}
}

// requestCounts is the emulator's counter of /core requests since the last
// reset, keyed "METHOD /route/pattern".
type requestCounts map[string]int

// total counts every /core request.
func (c requestCounts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// schema counts the AgentConfig schema fetches.
func (c requestCounts) schema() int { return c[schemaRoute] }

// String lists the routes, most requested first, e.g.
// "GET /core/agents/{agent_id} ×2, PUT /core/agents/{agent_id} ×1".
func (c requestCounts) String() string {
	if len(c) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if c[keys[i]] != c[keys[j]] {
			return c[keys[i]] > c[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("`%s` ×%d", k, c[k])
	}
	return strings.Join(parts, ", ")
}

// withoutSchema returns the counts without the schema fetch.
func (c requestCounts) withoutSchema() requestCounts {
	out := requestCounts{}
	for k, v := range c {
		if k != schemaRoute {
			out[k] = v
		}
	}
	return out
}

// reset clears the request counters (state is kept).
func (e *emulator) reset(ctx context.Context) error {
	return e.call(ctx, http.MethodPost, "/_emulator/reset", nil, nil, false)
}

// counts reads the request counters.
func (e *emulator) counts(ctx context.Context) (requestCounts, error) {
	var out struct {
		Counts requestCounts `json:"counts"`
	}
	if err := e.call(ctx, http.MethodGet, "/_emulator/requests", nil, &out, false); err != nil {
		return nil, err
	}
	if out.Counts == nil {
		out.Counts = requestCounts{}
	}
	return out.Counts, nil
}

// post sends one /core POST with the emulator's credential; the benchmark
// uses it to create the prerequisites of a resource outside Terraform.
func (e *emulator) post(ctx context.Context, path string, body, out any) error {
	return e.call(ctx, "POST", path, body, out, true)
}

func (e *emulator) call(ctx context.Context, method, path string, body, out any, auth bool) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+emulatorToken)
	}
	res, err := e.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, bytes.TrimSpace(b))
	}
	if out != nil && len(bytes.TrimSpace(b)) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}
