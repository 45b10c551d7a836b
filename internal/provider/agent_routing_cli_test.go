package provider

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// slotPoller reads the emulator's phone-number slots every 10 ms from the
// test process, the way a caller dialling would find them, and records every
// reading in which a watched number's inbound slot was empty. It only
// observes: a reading it misses can hide a gap, never invent one, so the
// replay of the request log (checkNoBlankSlot) stays beside it.
type slotPoller struct {
	emu     *testEmulator
	numbers []string
	stop    chan struct{}
	done    chan struct{}

	mu     sync.Mutex
	polls  int
	blanks []string
}

func pollSlots(emu *testEmulator, numbers ...string) *slotPoller {
	p := &slotPoller{emu: emu, numbers: numbers, stop: make(chan struct{}), done: make(chan struct{})}
	p.poll() // one reading before the apply starts, whatever the scheduler does
	go func() {
		defer close(p.done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				p.poll()
			}
		}
	}()
	return p
}

func (p *slotPoller) poll() {
	state := p.emu.Snapshot()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.polls++
	for _, want := range p.numbers {
		for _, n := range state.PhoneNumbers {
			if n.PhoneNumber == want && n.InboundAgentVersionID == nil {
				p.blanks = append(p.blanks, fmt.Sprintf("reading %d: %s answers nothing", p.polls, want))
			}
		}
	}
}

// check stops the poller, takes one last reading and fails the test for
// every unanswered number it saw.
func (p *slotPoller) check(t *testing.T, when string) {
	t.Helper()
	close(p.stop)
	<-p.done
	p.poll()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.blanks) > 0 {
		t.Errorf("%s: %d of %d readings found a number answering nothing:\n%s", when, len(p.blanks), p.polls, strings.Join(p.blanks, "\n"))
	}
	t.Logf("%s: %d readings, every number answered", when, p.polls)
}

// routingABConfig is the A/B guide's routing: version 1 (A) and version 2
// (B) of one agent, each on the numbers its variable names, plus others
// anyreach_agent resources whose description changes with var.round, so
// the swap is applied inside a graph that is busy elsewhere.
func routingABConfig(others int) string {
	return fmt.Sprintf(`
variable "a_numbers" {
  type = set(string)
}

variable "b_numbers" {
  type = set(string)
}

variable "round" {
  type    = number
  default = 0
}

resource "anyreach_agent_routing" "ab" {
  agent_id = local.agent_id
  inbound  = merge({ for n in var.a_numbers : n => 1 }, { for n in var.b_numbers : n => 2 })
}

resource "anyreach_agent" "other" {
  count       = %d
  name        = "Other ${count.index}"
  description = "Round ${var.round}."
}
`, others)
}

// TestAccCLIRoutingABSwap is the A/B guide's promise: an anyreach_agent_routing
// trades two numbers between two versions and ends the test with the winner
// on both, and a poller reading the slots every 10 ms and the replay of every
// publish call find no number answering nothing, at -parallelism=1, at the
// default parallelism inside a graph of 60 other changing agents, and on the
// variant wire.
func TestAccCLIRoutingABSwap(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		opts        emulator.Options
		parallelism string
		others      int
	}{
		{"parallelism=1", emulator.Options{Latency: 5 * time.Millisecond}, "-parallelism=1", 0},
		{"default parallelism, 60 other agents", emulator.Options{Latency: 20 * time.Millisecond}, "-parallelism=10", 60},
		{"variant wire, parallelism=1", emulator.Options{Latency: 5 * time.Millisecond, VariantWire: true, NullOptionalFields: true}, "-parallelism=1", 0},
		{"variant wire, 60 other agents", emulator.Options{Latency: 20 * time.Millisecond, VariantWire: true, NullOptionalFields: true}, "-parallelism=10", 60},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newPublishFixture(t, c.opts)
			w := f.workspace(t, routingABConfig(c.others))
			const n1, n2 = "+15550100001", "+15550100002"
			stages := []struct {
				name string
				a, b []string
				want map[string]int
			}{
				{"start", []string{n1}, []string{n2}, map[string]int{n1: 1, n2: 2}},
				{"swap", []string{n2}, []string{n1}, map[string]int{n1: 2, n2: 1}},
				{"swap back", []string{n1}, []string{n2}, map[string]int{n1: 1, n2: 2}},
				{"swap again", []string{n2}, []string{n1}, map[string]int{n1: 2, n2: 1}},
				{"done: A on both", []string{n1, n2}, []string{}, map[string]int{n1: 1, n2: 1}},
			}
			for i, s := range stages {
				vars := []string{numbersVar("a_numbers", s.a...), numbersVar("b_numbers", s.b...), fmt.Sprintf("-var=round=%d", i)}
				before := f.inbound()
				f.emu.ResetRequests()
				var p *slotPoller
				if i > 0 { // the first apply starts from empty slots
					p = pollSlots(f.emu, n1, n2)
				}
				w.mustRun(t, append([]string{"apply", "-auto-approve", "-input=false", "-no-color", c.parallelism}, vars...)...)
				f.expectInbound(t, s.name, s.want)
				if p != nil {
					p.check(t, s.name)
					f.checkNoBlankSlot(t, s.name, before, []string{n1, n2})
				}
				args := append([]string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, vars...)
				if out, err := w.run(t, args...); err != nil {
					t.Fatalf("%s: plan after apply: %v (exit 2 means changes)\n%s", s.name, err, out)
				}
				if t.Failed() {
					t.FailNow()
				}
			}
		})
	}
}

// TestAccCLIRoutingImportAndReplace: the refresh-only plan right after apply is
// empty (workflow row 2); an agent's routing imports by agent ID and plans no
// change (row 7); -replace with create_before_destroy leaves every number
// answering throughout (Terraform creates the replacement first; its claim
// keeps the destroy off the numbers); deleting the outbound argument clears
// those slots (row 6); destroy clears the rest.
func TestAccCLIRoutingImportAndReplace(t *testing.T) {
	t.Parallel()
	f := newPublishFixture(t, emulator.Options{Latency: 5 * time.Millisecond})
	w := f.workspace(t, `
resource "anyreach_agent_routing" "live" {
  agent_id = local.agent_id
  inbound  = { "+15550100001" = 1, "+15550100002" = 2 }
  outbound = { "+15550100001" = 1 }

  lifecycle {
    create_before_destroy = true
  }
}
`)
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	if out, err := w.run(t, "plan", "-refresh-only", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("refresh-only plan after apply: %v (exit 2 means changes)\n%s", err, out)
	}
	w.mustRun(t, "state", "rm", "anyreach_agent_routing.live")
	w.mustRun(t, "import", "-input=false", "-no-color", "anyreach_agent_routing.live", f.agentID)
	if out, err := w.run(t, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after import: %v\n%s", err, out)
	}
	want := map[string]int{"+15550100001": 1, "+15550100002": 2}
	before := f.inbound()
	f.emu.ResetRequests()
	p := pollSlots(f.emu, "+15550100001", "+15550100002")
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1", "-replace=anyreach_agent_routing.live")
	p.check(t, "-replace with create_before_destroy")
	f.checkNoBlankSlot(t, "-replace with create_before_destroy", before, []string{"+15550100001", "+15550100002"})
	f.expectInbound(t, "after -replace", want)
	if out, err := w.run(t, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after -replace: %v\n%s", err, out)
	}
	// Row 6: deleting the outbound argument clears the outbound slot and nothing else.
	f.write(t, w, `
resource "anyreach_agent_routing" "live" {
  agent_id = local.agent_id
  inbound  = { "+15550100001" = 1, "+15550100002" = 2 }
}
`)
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	for _, n := range f.emu.Snapshot().PhoneNumbers {
		if n.PhoneNumber == "+15550100001" && n.OutboundAgentVersionID != nil {
			t.Errorf("the outbound slot of +15550100001 still holds %s after outbound left the configuration", *n.OutboundAgentVersionID)
		}
	}
	f.expectInbound(t, "after outbound left", want)
	w.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
	f.expectInbound(t, "after destroy", map[string]int{"+15550100001": 0, "+15550100002": 0})
}
