package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// buildEmulator builds this command, as `go install` would, into a temporary directory.
func buildEmulator(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "anyreach-emulator")
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// --help explains every flag, on stdout, and the README's flag table lists
// every flag too.
func TestHelpExplainsEveryFlag(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), buildEmulator(t), "--help")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("--help: %v\n%s", err, stderr.String())
	}
	help := string(out)
	for _, want := range []string{"Usage: anyreach-emulator", "ANYREACH_BASE_URL", "ANYREACH_TOKEN=" + emulator.DefaultToken, "/_emulator/"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(help, "\n")
	flagLine := regexp.MustCompile(`^  --([a-z-]+)( \S+)?$`)
	var flags []string
	for i, line := range lines {
		m := flagLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		flags = append(flags, m[1])
		if i+1 == len(lines) || !strings.HasPrefix(lines[i+1], "        ") || len(strings.TrimSpace(lines[i+1])) < 10 {
			t.Errorf("--%s has no explanation in --help", m[1])
		}
		if !strings.Contains(string(readme), "| `--"+m[1]) {
			t.Errorf("--%s is missing from the README's table of emulator flags", m[1])
		}
	}
	for _, f := range []string{"addr", "token", "state-file"} {
		if !strings.Contains(" "+strings.Join(flags, " ")+" ", " "+f+" ") {
			t.Errorf("--help lists the flags %v, without --%s", flags, f)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("--help wrote to stderr: %s", stderr.String())
	}
}

// A bad flag fails with a message pointing at --help.
func TestUnknownFlagFails(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), buildEmulator(t), "--no-such-flag").CombinedOutput()
	if err == nil {
		t.Fatalf("an unknown flag was accepted:\n%s", out)
	}
	if !strings.Contains(string(out), "no-such-flag") || !strings.Contains(string(out), "--help") {
		t.Errorf("the error does not name the flag and --help:\n%s", out)
	}
}

// With --state-file, what was created survives a restart of the command.
func TestStateFileSurvivesRestart(t *testing.T) {
	t.Parallel()
	bin := buildEmulator(t)
	state := filepath.Join(t.TempDir(), "emulator-state.json")

	url, stop := startEmulator(t, bin, "--state-file", state)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/core/agents", strings.NewReader(`{"name":"kept across restarts"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	req.Header.Set("Content-Type", "application/json")
	if body := do(t, req, http.StatusCreated); !strings.Contains(body, "kept across restarts") {
		t.Fatalf("create answered %s", body)
	}
	stop()

	url, stop = startEmulator(t, bin, "--state-file", state)
	defer stop()
	req, err = http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/core/agents", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	if body := do(t, req, http.StatusOK); !strings.Contains(body, "kept across restarts") {
		t.Errorf("after a restart the agent is gone: %s", body)
	}
}

// startEmulator runs the command on a free port and returns its URL, read
// from the first line, and a function that stops it with SIGTERM.
func startEmulator(t *testing.T, bin string, args ...string) (string, func()) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...) //nolint:gosec // the binary this test built
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(stdout)
	first, err := lines.ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("no first line: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, lines) }()
	url, ok := strings.CutPrefix(strings.TrimSpace(first), "anyreach-emulator listening on ")
	if !ok {
		_ = cmd.Process.Kill()
		t.Fatalf("unexpected first line %q", first)
	}
	stopped := false
	return url, func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("the emulator did not stop cleanly on SIGTERM: %v", err)
			}
		case <-t.Context().Done(): // only go test's -timeout ends the wait
			_ = cmd.Process.Kill()
			t.Error("the emulator did not stop on SIGTERM")
		}
	}
}

func do(t *testing.T, req *http.Request, want int) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
	return string(body)
}
