package provider

import (
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/clock"
)

// TestSlotCoordinatorWaitQuietOnAFakeClock: waitQuiet returns once the
// agent's publications have been quiet for the settle time, a sibling's
// activity meanwhile extends the wait, and another agent's does not; time is
// moved by the test, so a busy machine changes nothing.
func TestSlotCoordinatorWaitQuietOnAFakeClock(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	co := newSlotCoordinator(time.Second)
	co.clock = fake

	done := make(chan error, 1)
	go func() { done <- co.waitQuiet(t.Context(), "a") }()
	waitFor(t, "waitQuiet to wait", func() bool { return fake.Waiters() == 1 })

	fake.Advance(600 * time.Millisecond)
	co.claim("b", []string{"+15550100002"}, "inbound") // another agent: no effect on a
	co.claim("a", []string{"+15550100001"}, "inbound") // a sibling of a: quiet again from now
	fake.Advance(400 * time.Millisecond)               // a's first settle time is over
	waitFor(t, "waitQuiet to wait again", func() bool { return fake.Waiters() == 1 })
	select {
	case err := <-done:
		t.Fatalf("waitQuiet returned (%v) 400ms after a sibling's claim, want 1s of quiet", err)
	default:
	}
	fake.Advance(600 * time.Millisecond)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
