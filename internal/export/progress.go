package export

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress reports on stderr as command-line tools do: on a terminal one
// status line rewritten in place (count and rate) with the phase's elapsed
// time while it waits; elsewhere (a CI log) plain lines, one per agent and a
// count and rate every few seconds. A nil writer reports nothing.
type progress struct {
	w        io.Writer
	prefix   string // starts every line: the command's name
	terminal bool
	now      func() time.Time

	mu         sync.Mutex
	status     string // the status line on the terminal, "" when none is shown
	phase      string
	phaseStart time.Time
	total      int
	done       int
	readStart  time.Time
	stop       chan struct{}
	stopped    chan struct{}
}

// statusEvery is how often the status line (terminal) or the count line
// (plain) is written while a phase runs.
const (
	statusEvery = 200 * time.Millisecond
	plainEvery  = 5 * time.Second
)

func newProgress(w io.Writer, prefix string, terminal bool) *progress {
	return &progress{w: w, prefix: prefix, terminal: terminal, now: time.Now}
}

// printf writes one line that stays (above the status line on a terminal).
func (p *progress) printf(format string, args ...any) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	fmt.Fprint(p.w, p.prefix)
	fmt.Fprintf(p.w, format+"\n", args...)
	p.drawLocked()
}

// agentf writes a line about one agent: kept in plain mode, left out on a
// terminal, where the status line counts the agents instead.
func (p *progress) agentf(format string, args ...any) {
	if !p.terminal {
		p.printf(format, args...)
	}
}

// begin starts a phase ("listing agents", "reading agents"); total > 0 makes
// it a counted phase. The status is refreshed until end.
func (p *progress) begin(phase string, total int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	p.phase, p.phaseStart, p.total, p.done = phase, p.now(), total, 0
	p.readStart = p.phaseStart
	p.stop, p.stopped = make(chan struct{}), make(chan struct{})
	if p.terminal {
		p.drawLocked()
	} else {
		fmt.Fprintf(p.w, "%s%s...\n", p.prefix, phase)
	}
	stop, stopped := p.stop, p.stopped
	p.mu.Unlock()
	every := plainEvery
	if p.terminal {
		every = statusEvery
	}
	go func() {
		defer close(stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.tick()
			}
		}
	}()
}

// step counts one item of the counted phase done.
func (p *progress) step() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	p.done++
	p.drawLocked()
	p.mu.Unlock()
}

func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.terminal {
		p.drawLocked()
		return
	}
	if p.total > 0 {
		fmt.Fprintln(p.w, p.prefix+p.countLocked())
	} else {
		fmt.Fprintf(p.w, "%s%s... (%s)\n", p.prefix, p.phase, p.now().Sub(p.phaseStart).Round(time.Second))
	}
}

// end stops the phase's status.
func (p *progress) end() {
	if p.w == nil || p.stop == nil {
		return
	}
	close(p.stop)
	<-p.stopped
	p.mu.Lock()
	p.clearLocked()
	p.stop = nil
	p.mu.Unlock()
}

// countLocked is "reading agents: 120/300 (48/s)".
func (p *progress) countLocked() string {
	elapsed := p.now().Sub(p.readStart).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.done) / elapsed
	}
	return fmt.Sprintf("%s: %d/%d (%.0f/s)", p.phase, p.done, p.total, rate)
}

// drawLocked rewrites the terminal's status line.
func (p *progress) drawLocked() {
	if !p.terminal || p.stop == nil {
		return
	}
	var s string
	if p.total > 0 {
		s = p.countLocked()
	} else {
		s = fmt.Sprintf("%s... (%s)", p.phase, p.now().Sub(p.phaseStart).Round(time.Second))
	}
	p.clearLocked()
	fmt.Fprint(p.w, p.prefix+s)
	p.status = s
}

// clearLocked erases the terminal's status line.
func (p *progress) clearLocked() {
	if p.status == "" {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
	p.status = ""
}
