package client

import (
	"fmt"
	"net/http"
	"net/url"
)

// The Anyreach API never answers with a redirect, so the client never
// follows one. Go's default policy would: it keeps the Authorization header
// when only the port or the scheme changes (a 307 from https://api:8443 to
// http://api:8009 delivers the bearer credential in clear text), and it
// turns a 302 answering a POST into a GET, whose answer would be taken for
// the created object. Refusing the redirect means the credential can never
// leave for another origin.

// refuseRedirect is the http.Client's CheckRedirect: it hands the 3xx
// response back instead of sending a second request anywhere.
func refuseRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

// isRedirect reports a status Go's client would follow (or could, with a
// Location header).
func isRedirect(status int) bool {
	return status >= 300 && status <= 399
}

// RedirectError is a 3xx answer, which the client never follows.
type RedirectError struct {
	StatusCode int
	Method     string
	// Path is the request path only: never the full URL, never the query.
	Path string
	// Target is where the server pointed: scheme, host and path, without
	// user information, query or fragment; "" when there was no Location.
	Target string
}

func (e *RedirectError) Error() string {
	to := "without a Location"
	if e.Target != "" {
		to = "to " + e.Target
	}
	return fmt.Sprintf("%s %s: %d %s: the server redirected %s; redirects are never followed "+
		"(the Anyreach API does not redirect, and following one could send the credential to another origin): "+
		"check that the base URL is the API's own address", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), to)
}

// newRedirectError describes a redirect answering cl. The target is
// resolved against the request URL so a relative Location still names its
// host; it goes through redact like every other text the server chose.
func newRedirectError(cl *call, resp *http.Response, secrets []string) *RedirectError {
	e := &RedirectError{StatusCode: resp.StatusCode, Method: cl.method, Path: cl.path}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return e
	}
	u, err := url.Parse(loc)
	if err != nil {
		e.Target = redact(RedactURL(loc), maxPlainDetail, secrets)
		return e
	}
	if resp.Request != nil && resp.Request.URL != nil {
		u = resp.Request.URL.ResolveReference(u)
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	e.Target = redact(u.String(), maxPlainDetail, secrets)
	return e
}
