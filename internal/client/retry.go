package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// callState follows one call across its attempts, for the logs, the error
// text and create recovery.
type callState struct {
	call      *call
	attempt   int       // 1-based number of the latest attempt
	started   time.Time // when the latest attempt started
	ambiguous bool      // a create's attempt may have been applied and recovery has not run since
	recovered bool      // recovery found what a lost create made
}

// do sends cl and returns its 2xx answer, or an error: an *APIError for any
// other status, a *RedirectError for a 3xx, a wrapped transport or context
// error otherwise. It is the whole retry policy, top to bottom: send one
// attempt, classify its outcome, and either finish or wait (honouring
// Retry-After) and go again; before a create is sent again after an attempt
// the server may have applied, recovery looks for what that attempt made.
func (c *Client) do(ctx context.Context, cl call) (*response, error) {
	var payload []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request body: %w", cl.method, cl.path, err)
		}
		payload = b
	}
	st := &callState{call: &cl}
	for {
		st.attempt++
		st.started = c.clock.now()
		resp, body, err := c.send(ctx, &cl, payload) //nolint:bodyclose // send has read and closed it (readBody)

		if ctx.Err() != nil {
			// Too late to retry or recover; a create cut off in flight is
			// still reported as possibly applied.
			if cl.recover != nil && err != nil && !requestNotSent(err) {
				st.ambiguous = true
			}
			c.logAttempt(ctx, st, resp, err, false)
			return nil, c.requestError(st, ctx.Err())
		}
		retry, ambiguous := classify(cl.recover != nil, resp, err)
		st.ambiguous = st.ambiguous || ambiguous
		retry = retry && st.attempt <= c.retryMax
		c.logAttempt(ctx, st, resp, err, retry)

		if !retry {
			return c.finish(ctx, st, resp, body, err)
		}
		if err := c.clock.sleep(ctx, backoff(c.retryWaitMin, c.retryWaitMax, st.attempt-1, resp, c.clock.now())); err != nil {
			return nil, c.requestError(st, err)
		}
		if st.ambiguous {
			// The previous attempt may have been applied: look before sending
			// the create again. The wait gave the server time to commit.
			if err := c.recoverCreate(ctx, st); err != nil {
				return nil, c.requestError(st, err)
			}
			if st.recovered {
				return &response{recovered: true}, nil
			}
		}
	}
}

// send makes one attempt: a fresh request with the call's headers, and the
// answer's body read within the attempt, so the per-attempt timeout covers
// it and a body cut short counts as a failed attempt.
func (c *Client) send(ctx context.Context, cl *call, payload []byte) (*http.Response, []byte, error) {
	target := c.baseURL + cl.path
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, target, body)
	if err != nil {
		return nil, nil, fmt.Errorf("building the request: %w", err)
	}
	req.Header.Set("Authorization", c.authorization)
	if c.org != "" {
		req.Header.Set(orgHeader, c.org)
	}
	accept := cl.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	b, err := readBody(resp.Body)
	if err != nil {
		return resp, nil, fmt.Errorf("reading the response body: %w", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if err := checkNumberLengths(b); err != nil {
			return resp, nil, err
		}
	}
	return resp, b, nil
}

// finish turns the last attempt's outcome into do's result. A create whose
// last attempt may have been applied is looked for before a failure is
// reported.
func (c *Client) finish(ctx context.Context, st *callState, resp *http.Response, body []byte, err error) (*response, error) {
	cl := st.call
	if err != nil {
		if st.ambiguous {
			switch rerr := c.recoverCreate(ctx, st); {
			case st.recovered:
				return &response{recovered: true}, nil
			case rerr != nil:
				err = rerr
			}
		}
		return nil, c.requestError(st, err)
	}
	if isRedirect(resp.StatusCode) {
		return nil, newRedirectError(cl, resp, c.log.secrets)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(cl.method, cl.path, resp.StatusCode, body, c.log.secrets...)
		if st.ambiguous {
			if rerr := c.recoverCreate(ctx, st); st.recovered {
				return &response{recovered: true}, nil
			} else if rerr != nil {
				return nil, errors.Join(apiErr, c.requestError(st, rerr))
			}
		}
		return nil, c.explainForbidden(ctx, *cl, apiErr)
	}
	return &response{body: body}, nil
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
		// nothing (see recoverCreate).
		return true, create
	}
	return false, false
}

// permanentTransportError reports the transport errors that retrying cannot
// fix: an unsupported scheme, a header Go refuses to send, a certificate
// that is not trusted.
func permanentTransportError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var verification *tls.CertificateVerificationError
	if errors.As(err, &unknownAuthority) || errors.As(err, &verification) {
		return true
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		msg := urlErr.Err.Error()
		return strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "invalid header")
	}
	return false
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
// exponential backoff from waitMin, capped at waitMax, with full jitter. now
// is the time a Retry-After date is counted from.
func backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response, now time.Time) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), now); ok {
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
