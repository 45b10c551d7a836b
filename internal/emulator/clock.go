package emulator

import (
	"context"
	"time"
)

// clock is where the emulator reads the time and waits out Latency. Tests in
// this package replace it (fakeClock in helpers_test.go), so rate limits and
// latency are decided by the time the test sets, not by how busy the machine
// is.
type clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends, and reports whether d passed.
	Sleep(ctx context.Context, d time.Duration) bool
}

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
