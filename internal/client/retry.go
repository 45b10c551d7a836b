package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// callState follows one call across its attempts. The retry hooks run on the
// goroutine that runs the call, so it needs no locking.
type callState struct {
	call      *call
	attempt   int       // 1-based number of the latest attempt
	checked   int       // the latest attempt CheckRetry has seen
	started   time.Time // when the latest attempt started
	body      []byte    // the final response body, read inside its attempt
	bodyRead  bool
	ambiguous bool // a create's attempt may have been applied and recovery has not run since
	recovered bool // recovery found what a lost create made
}

// errRecovered stops the retry loop once recovery found the lost create's result.
var errRecovered = errors.New("anyreach: recovered the result of a lost create")

// retryClient builds the retry policy for one call. The go-retryablehttp
// client is a cheap value built per call so that its hooks can see the call's
// state (they get the call's context from the request); the *http.Client, and
// with it the connection pool, is shared.
func (c *Client) retryClient(st *callState) *retryablehttp.Client {
	rc := &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.retryMax,
		Backoff:      backoff,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, retry int) {
			st.attempt = retry + 1
			st.started = time.Now()
		},
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			// go-retryablehttp asks again after the response handler has read
			// the body; only a failed read is news worth logging then.
			recheck := st.checked == st.attempt
			st.checked = st.attempt
			quiet := recheck && err == nil
			if ctx.Err() != nil {
				// Too late to retry or recover; a create cut off in flight
				// is still reported as possibly applied.
				if st.call.recover != nil && err != nil && !requestNotSent(err) {
					st.ambiguous = true
				}
				if !quiet {
					c.logAttempt(ctx, st, resp, err, false)
				}
				return false, ctx.Err()
			}
			retry, ambiguous := classify(st.call.recover != nil, resp, err)
			if ambiguous {
				st.ambiguous = true
			}
			if !quiet {
				c.logAttempt(ctx, st, resp, err, retry && st.attempt <= c.retryMax)
			}
			return retry, nil
		},
		PrepareRetry: func(req *http.Request) error {
			if !st.ambiguous {
				return nil
			}
			// The previous attempt may have been applied: look before sending
			// the create again. The backoff wait has given the server time to
			// commit what it was doing.
			if err := c.recoverCreate(req.Context(), st); err != nil {
				return err
			}
			if st.recovered {
				return errRecovered
			}
			return nil
		},
		ErrorHandler: passLastResponse,
		// No Logger: logAttempt logs every attempt with method and path;
		// go-retryablehttp's own lines would repeat them with the query string.
	}
	return rc
}

// passLastResponse replaces go-retryablehttp's generic "giving up" error:
// when retries run out on a status, the last response goes back to do to be
// turned into an *APIError; otherwise the cause itself is returned.
func passLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err == nil && resp != nil {
		return resp, nil
	}
	if resp != nil {
		_, _ = readBody(resp.Body)
	}
	return nil, err
}

// classify decides what one attempt's outcome means: whether to retry, and,
// for a create, whether the server may have applied it (see the package
// documentation).
func classify(create bool, resp *http.Response, err error) (retry, ambiguous bool) {
	if err != nil {
		if errors.Is(err, errResponseTooLarge) {
			// The server answered in full: asking again gets the same answer.
			return false, create
		}
		if permanentTransportError(err) {
			return false, false
		}
		if create && !requestNotSent(err) {
			return true, true
		}
		return true, false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		// Refused before doing any work: safe to send again, even a create.
		return true, false
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		// The server (or the upstream behind a proxy) failed while it may
		// have been acting. Repeating an idempotent request cannot make
		// things worse; a create is only sent again after recovery found
		// nothing (see PrepareRetry).
		return true, create
	}
	return false, false
}

// permanentTransportError reports the transport errors that retrying cannot
// fix (bad scheme, invalid header, untrusted certificate, redirect loop), as
// go-retryablehttp's default policy judges them.
func permanentTransportError(err error) bool {
	retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(context.Background(), nil, err)
	return !retry
}

// requestNotSent reports whether err proves the request never left the
// machine: name resolution or connecting failed.
func requestNotSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Op == "dial" || opErr.Op == "proxyconnect"
	}
	return false
}

// recoverCreate runs the call's recovery hook once for the ambiguous attempts
// seen so far. It sets st.recovered when the hook found the result, and
// returns an error when the hook could not tell.
func (c *Client) recoverCreate(ctx context.Context, st *callState) error {
	st.ambiguous = false
	cl := st.call
	if cl.recover == nil {
		return nil
	}
	fields := map[string]any{"method": cl.method, "path": cl.path, "attempt": st.attempt}
	found, err := cl.recover(ctx)
	if err != nil {
		fields["error"] = err.Error()
		c.log.warn(ctx, "anyreach: could not check whether a create whose response was lost was applied", fields)
		return fmt.Errorf("the response was lost and checking whether the server applied the request failed, so the object may exist on the server: %w", err)
	}
	if found {
		st.recovered = true
		c.log.warn(ctx, "anyreach: a create's response was lost; found the object it created instead of creating another", fields)
		return nil
	}
	c.log.debug(ctx, "anyreach: a create's response was lost and nothing was created; sending it again", fields)
	return nil
}

// backoff is the wait before retry number attempt+1: the server's
// Retry-After when it sent one (capped at maxRetryAfter), otherwise
// exponential backoff from waitMin, capped at waitMax, with full jitter.
func backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
	ceiling := float64(waitMin) * math.Pow(2, float64(attempt))
	if ceiling > float64(waitMax) || math.IsInf(ceiling, 0) || math.IsNaN(ceiling) {
		ceiling = float64(waitMax)
	}
	if ceiling <= 0 {
		return 0
	}
	// Full jitter spreads clients that failed together across the whole window.
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// retryAfter parses a Retry-After header, in seconds or as an HTTP date, into
// a wait capped at maxRetryAfter. ok is false when there is no usable value.
func retryAfter(header string, now time.Time) (d time.Duration, ok bool) {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(header, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	when, err := http.ParseTime(header)
	if err != nil {
		return 0, false
	}
	d = when.Sub(now)
	switch {
	case d < 0:
		return 0, true
	case d > maxRetryAfter:
		return maxRetryAfter, true
	}
	return d, true
}
