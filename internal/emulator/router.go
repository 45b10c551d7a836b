package emulator

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// route is one method and path pattern of an API or control endpoint. The
// pattern doubles as the key of request counts and FailRoute.
type route struct {
	method  string
	pattern string
	segs    []string
	scopes  []string // any of these grants access; the first is named when none is held
	handler func(*call) reply
}

// call is what a handler gets: the request, its path parameters and its body
// (already read, so it can also be logged).
type call struct {
	r      *http.Request
	params map[string]string
	body   []byte
	query  url.Values
}

// router matches decoded path segments against patterns with {param}
// segments. The standard ServeMux would do, but its 404/405 answers are plain
// text and the API always answers JSON.
type router struct {
	routes []*route
}

func (rt *router) handle(method, pattern string, scopes []string, h func(*call) reply) {
	rt.routes = append(rt.routes, &route{
		method: method, pattern: pattern, segs: strings.Split(strings.Trim(pattern, "/"), "/"),
		scopes: scopes, handler: h,
	})
}

// match is the result of routing: the route for the method, or, when only the
// path matched, one route with that path (for the 405 and the request key)
// and the methods it allows.
type match struct {
	route     *route
	params    map[string]string
	pathRoute *route
	allow     []string
}

// match picks the most specific pattern (a literal segment beats a parameter,
// leftmost first) among those registered for the method.
func (rt *router) match(method string, segs []string) match {
	var best, bestAny *route
	var allow []string
	for _, r := range rt.routes {
		if !r.matches(segs) {
			continue
		}
		if bestAny == nil || moreSpecific(r, bestAny) {
			bestAny = r
		}
		allow = append(allow, r.method)
		if r.method == method && (best == nil || moreSpecific(r, best)) {
			best = r
		}
	}
	if best == nil {
		sort.Strings(allow)
		return match{pathRoute: bestAny, allow: dedupe(allow)}
	}
	params := map[string]string{}
	for i, s := range best.segs {
		if isParam(s) {
			params[s[1:len(s)-1]] = segs[i]
		}
	}
	return match{route: best, params: params}
}

func (r *route) matches(segs []string) bool {
	if len(segs) != len(r.segs) {
		return false
	}
	for i, s := range r.segs {
		if !isParam(s) && s != segs[i] {
			return false
		}
	}
	return true
}

func moreSpecific(a, b *route) bool {
	for i := range a.segs {
		pa, pb := isParam(a.segs[i]), isParam(b.segs[i])
		if pa != pb {
			return !pa
		}
	}
	return false
}

func isParam(s string) bool { return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") }

// splitPath splits an escaped path and decodes each segment, so an encoded
// "%2B15550100001" and a literal "+15550100001" name the same number.
func splitPath(escaped string) []string {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	for i, p := range parts {
		if d, err := url.PathUnescape(p); err == nil {
			parts[i] = d
		}
	}
	return parts
}

func dedupe(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
