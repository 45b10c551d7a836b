package clock

import (
	"testing"
	"time"
)

func TestFakeFiresWhenAdvancedPastTheWait(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	f := NewFake(t0)
	ch := f.After(time.Second)
	if f.Waiters() != 1 {
		t.Fatalf("%d waiters, want 1", f.Waiters())
	}
	f.Advance(999 * time.Millisecond)
	select {
	case <-ch:
		t.Fatal("fired before its time")
	default:
	}
	f.Advance(time.Millisecond)
	if got := <-ch; !got.Equal(t0.Add(time.Second)) {
		t.Fatalf("fired with %v", got)
	}
	if f.Waiters() != 0 || !f.Now().Equal(t0.Add(time.Second)) {
		t.Fatalf("waiters %d, now %v", f.Waiters(), f.Now())
	}
	select {
	case <-f.After(0):
	default:
		t.Fatal("After(0) did not fire at once")
	}
}
