package export

import (
	"strings"
	"testing"
	"time"
)

// TestProgressOnATerminal: one status line rewritten in place with the
// count and the rate; lines that stay are written above it, and nothing of
// it is left when the phase ends.
func TestProgressOnATerminal(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := newProgress(&b, "x: ", true)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	p.now = func() time.Time { return now }
	p.begin("reading agents", 4)
	p.mu.Lock() // the ticker reads the clock under the lock
	now = start.Add(2 * time.Second)
	p.mu.Unlock()
	p.step()
	p.step()
	p.printf("warning: %s", "something")
	p.end()
	out := b.String()
	for _, want := range []string{"\r\033[K", "x: reading agents: 2/4 (1/s)", "x: warning: something\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress does not show %q:\n%q", want, out)
		}
	}
	if !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("the status line is left behind:\n%q", out)
	}
}
