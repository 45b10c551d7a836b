package client

import (
	"context"
	"time"
)

// clock is where the client takes time from: when a call and each attempt
// start, the reference for a Retry-After date, and the waits between retries
// and between polls of an instruction generation. Client.clock is the real
// one; tests put their own in its place to see the waits the client asks
// for and to end them, without measuring elapsed time.
type clock interface {
	now() time.Time
	// sleep waits d, or returns the context's error if it ends first.
	sleep(ctx context.Context, d time.Duration) error
}

// realClock is the system clock.
type realClock struct{}

func (realClock) now() time.Time { return time.Now() }

func (realClock) sleep(ctx context.Context, d time.Duration) error {
	// The wait is a child context that ends after d or with ctx; only
	// ctx's own end is an error.
	wait, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	<-wait.Done()
	return ctx.Err()
}
