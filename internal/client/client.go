package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New to the zero values of Config.
const (
	DefaultBaseURL        = "https://api.anyreach.ai"
	DefaultUserAgent      = "terraform-provider-anyreach-client"
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second

	// NoRetries as Config.MaxRetries sends each request once.
	NoRetries = -1
)

const (
	// maxRetryAfter caps a server's Retry-After so a bogus value cannot park
	// a request for hours; it is deliberately independent of RetryWaitMax
	// because a server asking for 45 s usually means it.
	maxRetryAfter = 60 * time.Second

	// maxResponseBytes bounds one response body. The largest object, a
	// version, carries one config (at most a few hundred KiB in practice);
	// a larger answer is refused rather than read into memory and state.
	maxResponseBytes = 8 << 20

	// orgHeader selects the organization for a personal access token.
	orgHeader = "X-Anyreach-Org"

	// Instruction-generation polling (WaitForInstructions).
	defaultPollMin = 250 * time.Millisecond
	defaultPollMax = 5 * time.Second
)

// Config configures a Client. Only Token is required.
type Config struct {
	// BaseURL is the API's root URL; default DefaultBaseURL. A trailing slash
	// is tolerated and a path prefix is kept.
	BaseURL string
	// Token is the credential: an organization API key "ak_<id>.<secret>" or a
	// personal access token "pat_…". Required.
	Token string
	// OrganizationID is sent as X-Anyreach-Org whenever it is non-empty; it is
	// required with a pat_ token, which is not bound to an organization.
	OrganizationID string
	// MaxRetries is the number of retries after the first attempt: 0 means
	// DefaultMaxRetries, NoRetries (or any negative value) disables retries.
	MaxRetries int
	// RequestTimeout bounds each attempt (not the whole retried request);
	// default DefaultRequestTimeout.
	RequestTimeout time.Duration
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// attempts; defaults DefaultRetryWaitMin and DefaultRetryWaitMax. A
	// Retry-After header is honoured beyond RetryWaitMax, up to one minute.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// UserAgent identifies the caller; default DefaultUserAgent.
	UserAgent string
	// Logger receives request logs; nil disables logging. Headers and bodies
	// are never logged.
	Logger Logger
	// Transport replaces the default pooled transport, mostly for tests.
	Transport http.RoundTripper
}

// String keeps the credential out of anything that prints a Config.
func (c Config) String() string {
	return fmt.Sprintf("client.Config{BaseURL:%q, Token:%s, OrganizationID:%q, MaxRetries:%d, RequestTimeout:%s, RetryWaitMin:%s, RetryWaitMax:%s, UserAgent:%q}",
		RedactURL(c.BaseURL), maskedToken(c.Token), c.OrganizationID, c.MaxRetries, c.RequestTimeout, c.RetryWaitMin, c.RetryWaitMax, c.UserAgent)
}

// GoString keeps the credential out of %#v as well.
func (c Config) GoString() string { return c.String() }

// Logger receives the client's diagnostic logs. Fields never contain headers
// or the credential.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

var (
	// ErrTokenRequired is returned by New when Config.Token is empty.
	ErrTokenRequired = errors.New("anyreach: an API token is required: set token (or the ANYREACH_TOKEN environment variable) to an organization API key (ak_...) or a personal access token (pat_...)")
	// ErrOrganizationRequired is returned by New for a personal access token
	// without an organization, which the API would reject on every request.
	ErrOrganizationRequired = errors.New("anyreach: a personal access token (pat_...) is not bound to an organization: set organization_id (or the ANYREACH_ORG environment variable) to the organization to manage")
)

// Client calls the Anyreach API. Create it with New; it is safe for
// concurrent use.
type Client struct {
	baseURL       string // scheme://host[/prefix], without a trailing slash
	authorization string // "Bearer <token>"; never logged
	org           string
	userAgent     string

	// httpClient is shared by every request so that they share the pooled
	// transport; its Timeout applies to each attempt separately.
	httpClient   *http.Client
	retryMax     int
	retryWaitMin time.Duration
	retryWaitMax time.Duration

	log logSink

	// pollMin and pollMax pace WaitForInstructions; tests shorten them.
	pollMin, pollMax time.Duration

	// clock gives the time and the waits (clock.go).
	clock clock
}

// String keeps the credential out of anything that prints a Client.
func (c *Client) String() string {
	return fmt.Sprintf("client.Client{BaseURL:%q, Token:%s}", c.baseURL, maskedToken(strings.TrimPrefix(c.authorization, "Bearer ")))
}

// GoString keeps the credential out of %#v as well.
func (c *Client) GoString() string { return c.String() }

// New validates cfg and builds a Client. It makes no request, so a credential
// the API rejects only shows up on the first call.
//
// Every error it returns for a bad value is a *ConfigError naming the field.
func New(cfg Config) (*Client, error) {
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		return nil, &ConfigError{Field: "Token", Err: ErrTokenRequired}
	}
	if err := CheckToken(token); err != nil {
		return nil, &ConfigError{Field: "Token", Err: err}
	}
	org := strings.TrimSpace(cfg.OrganizationID)
	if strings.HasPrefix(token, "pat_") && org == "" {
		return nil, &ConfigError{Field: "OrganizationID", Err: ErrOrganizationRequired}
	}
	if !validHeaderValue(org) {
		return nil, &ConfigError{Field: "OrganizationID", Err: errors.New("anyreach: the organization ID contains characters that cannot be sent in an HTTP header")}
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, &ConfigError{Field: "BaseURL", Err: errors.New(redact(err.Error(), noLimit, secretsOf(token, cfg.BaseURL)))}
	}

	retryMax := cfg.MaxRetries
	switch {
	case retryMax == 0:
		retryMax = DefaultMaxRetries
	case retryMax < 0:
		retryMax = 0
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin <= 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = DefaultRetryWaitMax
	}
	if waitMax < waitMin {
		waitMax = waitMin
	}
	ua := strings.TrimSpace(cfg.UserAgent)
	if ua == "" {
		ua = DefaultUserAgent
	}
	if !validHeaderValue(ua) {
		return nil, &ConfigError{Field: "UserAgent", Err: errors.New("anyreach: the user agent contains characters that cannot be sent in an HTTP header")}
	}
	transport := cfg.Transport
	if transport == nil {
		transport = newTransport()
	}

	return &Client{
		baseURL:       base,
		authorization: "Bearer " + token,
		org:           org,
		userAgent:     ua,
		httpClient:    &http.Client{Transport: transport, Timeout: timeout, CheckRedirect: refuseRedirect},
		retryMax:      retryMax,
		retryWaitMin:  waitMin,
		retryWaitMax:  waitMax,
		log:           logSink{logger: cfg.Logger, secrets: secretsOf(token, cfg.BaseURL)},
		pollMin:       defaultPollMin,
		clock:         realClock{},
		pollMax:       defaultPollMax,
	}, nil
}

// CheckToken reports a credential that cannot be sent as it is, without
// showing it. Surrounding white space is allowed (New trims it); a line
// break or another control character inside is not.
func CheckToken(token string) error {
	if !validHeaderValue(strings.TrimSpace(token)) {
		return errors.New("anyreach: the token contains characters that cannot be sent in an HTTP header " +
			"(a line break or another control character inside it); check how it was copied")
	}
	return nil
}

// ConfigError is a Config value New refuses. Field is the name of the
// Config field at fault, so a caller can point at its own setting; the text
// never contains a secret.
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// parseBaseURL checks that raw is an absolute http(s) URL and returns it
// without a trailing slash. Parse errors do not echo the URL, which could
// hold credentials.
func parseBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return "", fmt.Errorf("anyreach: the base URL is not a valid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("anyreach: the base URL must be an absolute http:// or https:// URL, got %q", u.Redacted())
	}
	if u.Host == "" {
		return "", fmt.Errorf("anyreach: the base URL %q has no host", u.Redacted())
	}
	if u.User != nil {
		return "", errors.New("anyreach: the base URL must not contain credentials; use the token instead")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("anyreach: the base URL %q must not have a query or fragment", u.Redacted())
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// newTransport returns the pooled transport a Client uses by default: keep-alive
// connections, generous per-host idle pool for Terraform's parallelism, no
// per-host connection cap.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		MaxConnsPerHost:       0,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// validHeaderValue reports whether s can be sent as a header value without
// being rejected, or worse, splitting the header.
func validHeaderValue(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

// call describes one API request.
type call struct {
	method string
	path   string // escaped path below the base URL, e.g. /core/agents/abc
	query  url.Values
	body   any    // JSON-encoded when non-nil
	accept string // default application/json

	// recover marks the call as a non-idempotent create: it switches on the
	// create retry policy and is the hook that looks for what an ambiguous
	// attempt may have created (see the package documentation).
	recover recoverFunc
}

// recoverFunc looks for the object a create whose response was lost may have
// created; found reports whether it did (and then stored it for the caller).
type recoverFunc func(ctx context.Context) (found bool, err error)

// response is a finished request: a 2xx answer with its body read, or the
// news that recovery found what a lost create made.
type response struct {
	body      []byte
	recovered bool
}

// doJSON sends a request whose answer is one object and decodes it into
// out. An empty answer is malformed: reading it would leave zero values.
func (c *Client) doJSON(ctx context.Context, cl call, out any) error {
	res, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	return decodeObject(cl, res.body, out)
}

// decodeObject decodes an answer that must be one object, such as a
// create's or a read's; an empty body is malformed too.
func decodeObject(cl call, body []byte, out any) error {
	if isEmptyBody(body) {
		return fmt.Errorf("%s %s: %w: the response has no body", cl.method, cl.path, ErrMalformedResponse)
	}
	return decodeBody(cl, body, out)
}

// decodeBody decodes a JSON response body, naming the request on failure.
// Every failure wraps ErrMalformedResponse.
func decodeBody(cl call, body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		if !errors.Is(err, ErrMalformedResponse) {
			err = fmt.Errorf("%w: %w", ErrMalformedResponse, err)
		}
		return fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
	}
	return nil
}

// isEmptyBody reports a body with nothing to decode.
func isEmptyBody(body []byte) bool {
	body = bytes.TrimSpace(body)
	return len(body) == 0 || bytes.Equal(body, []byte("null"))
}

// readBody reads and closes a response body, bounded by maxResponseBytes.
func readBody(body io.ReadCloser) ([]byte, error) {
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, maxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxResponseBytes {
		return nil, fmt.Errorf("%w: it exceeds %d MiB, far more than any Anyreach object needs", errResponseTooLarge, maxResponseBytes>>20)
	}
	return b, nil
}

// errResponseTooLarge is a response body over maxResponseBytes, or one
// holding a number longer than maxNumberLength. Asking again would get the
// same answer, so it is not retried.
var errResponseTooLarge = errors.New("the response body is too large")

// maxNumberLength bounds the characters of one number in an answer. The
// service cannot write a longer integer (Python refuses to print one of
// more than 4,300 digits), a float needs 17 significant digits, and every
// comparison of configs by value parses the numbers it meets: a stored
// number of millions of digits would make each refresh take minutes.
const maxNumberLength = 4300

// checkNumberLengths refuses a JSON answer holding a number (a run of
// characters outside strings that a number is written with) longer than
// maxNumberLength. One pass over the bytes, before anything decodes them.
func checkNumberLengths(body []byte) error {
	inString, escaped, run := false, false, 0
	for _, b := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString, run = true, 0
		case b >= '0' && b <= '9', b == '-', b == '+', b == '.', b == 'e', b == 'E':
			if run++; run > maxNumberLength {
				return fmt.Errorf("%w: %w: it holds a number longer than %d characters, more than the service can write",
					ErrMalformedResponse, errResponseTooLarge, maxNumberLength)
			}
		default:
			run = 0
		}
	}
	return nil
}

// requestError wraps a failure that produced no API answer (transport error,
// context end, failed recovery) with the method and path, never the URL.
func (c *Client) requestError(st *callState, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		// The *url.Error repeats the full URL; the method and path say enough.
		err = urlErr.Err
	}
	cl := st.call
	msg := fmt.Sprintf("%s %s", cl.method, cl.path)
	if st.attempt > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", st.attempt)
	}
	if st.ambiguous && cl.recover != nil {
		msg += " (the server may have applied the request before its response was lost)"
	}
	return &requestError{text: c.log.mask(msg + ": " + err.Error()), err: err}
}

// requestError is a failure to get an answer from the API. Its text is fixed
// at creation with the credential masked out, just in case.
type requestError struct {
	text string
	err  error
}

func (e *requestError) Error() string { return e.text }
func (e *requestError) Unwrap() error { return e.err }

// pathEscape escapes one path segment, including "+", which url.PathEscape
// leaves alone but some servers decode as a space.
func pathEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}
