package client

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRealClockSleepEndsWithTheContext: the real clock's wait ends when the
// context does; an hour-long wait that ignored it would hold the test until
// go test's own timeout.
func TestRealClockSleepEndsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := (realClock{}).sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep = %v, want context.Canceled", err)
	}
	if err := (realClock{}).sleep(t.Context(), 0); err != nil {
		t.Errorf("a wait of nothing = %v, want nil", err)
	}
	if err := (realClock{}).sleep(t.Context(), time.Nanosecond); err != nil {
		t.Errorf("a finished wait = %v, want nil", err)
	}
}
