package emulator

import (
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// bucket is one token's rate-limit state: a token bucket refilled at
// Options.RateLimit per second, holding at most one second's worth.
type bucket struct {
	tokens float64
	last   time.Time
}

// injectedFault is a FailRoute rule; remaining < 0 means until ClearFaults.
type injectedFault struct {
	status    int
	remaining int
}

// preflightLocked applies the request-level fault knobs in order (rate limit,
// injected route faults, random faults) and returns the reply that replaces
// the real handling, or nil to go on.
func (e *Emulator) preflightLocked(token, routeKey string) *reply {
	if e.opts.RateLimit > 0 {
		if wait, ok := e.takeTokenLocked(token, e.clock.Now()); !ok {
			rep := detailReply(http.StatusTooManyRequests, "Rate limit exceeded; retry after "+strconv.Itoa(wait)+" seconds.")
			rep.header = http.Header{"Retry-After": {strconv.Itoa(wait)}}
			return &rep
		}
	}
	if f := e.faults[routeKey]; f != nil {
		if f.remaining > 0 {
			f.remaining--
			if f.remaining == 0 {
				delete(e.faults, routeKey)
			}
		}
		rep := detailReply(f.status, "Injected fault")
		if f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable {
			rep.header = http.Header{"Retry-After": {"1"}}
		}
		return &rep
	}
	if e.opts.FaultRate > 0 && e.rng.Float64() < e.opts.FaultRate {
		if e.rng.IntN(2) == 0 {
			return ptr(detailReply(http.StatusInternalServerError, "Internal Server Error (injected by the emulator)"))
		}
		return ptr(detailReply(http.StatusServiceUnavailable, "Service Unavailable (injected by the emulator)"))
	}
	return nil
}

// takeTokenLocked spends one token from the caller's bucket, or reports how
// many whole seconds (at least 1) until one is available.
func (e *Emulator) takeTokenLocked(token string, now time.Time) (int, bool) {
	rate := e.opts.RateLimit
	capacity := math.Max(1, rate)
	b := e.buckets[token]
	if b == nil {
		b = &bucket{tokens: capacity, last: now}
		e.buckets[token] = b
	}
	b.tokens = math.Min(capacity, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return max(1, int(math.Ceil((1-b.tokens)/rate))), false
}

// FailRoute makes the next times requests to route (a "METHOD /pattern" key
// as in RequestCounts, e.g. "POST /core/agents/{agent_id}/versions/{version}/publish")
// answer status with {"detail": "Injected fault"} before anything is done.
// times <= 0 keeps failing until ClearFaults. A later call for the same route
// replaces the earlier rule.
func (e *Emulator) FailRoute(route string, status int, times int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if times <= 0 {
		times = -1
	}
	e.faults[normalizeRouteKey(route)] = &injectedFault{status: status, remaining: times}
}

// LoseResponses makes the next times successful requests to route (a
// "METHOD /pattern" key as in RequestCounts) be applied and then answered by
// dropping the connection: a response lost on the way back, deterministically,
// where LostResponseRate is random. A later call for the same route adds to
// the count.
func (e *Emulator) LoseResponses(route string, times int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.losses == nil {
		e.losses = map[string]int{}
	}
	e.losses[normalizeRouteKey(route)] += max(times, 0)
}

// PendingLosses lists the LoseResponses routes that still have responses to
// lose, sorted, so a test can tell every loss it asked for happened.
func (e *Emulator) PendingLosses() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for route, n := range e.losses {
		if n > 0 {
			out = append(out, route)
		}
	}
	sort.Strings(out)
	return out
}

// takeLossLocked reports whether this successful request's response is to be
// lost by a LoseResponses rule, and counts it.
func (e *Emulator) takeLossLocked(routeKey string) bool {
	if e.losses[routeKey] <= 0 {
		return false
	}
	e.losses[routeKey]--
	return true
}

// ClearFaults removes every FailRoute rule.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = map[string]*injectedFault{}
}

// normalizeRouteKey upper-cases the method and collapses blanks, so
// "post  /core/agents" still names the route.
func normalizeRouteKey(route string) string {
	fields := strings.Fields(route)
	if len(fields) != 2 {
		return strings.TrimSpace(route)
	}
	return strings.ToUpper(fields[0]) + " " + fields[1]
}

// dropConnection ends the exchange without a response, the way a proxy
// timeout or a crashed backend looks to a client. HTTP/1 connections are
// hijacked and closed; anything else is aborted with http.ErrAbortHandler.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
