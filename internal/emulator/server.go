// Package emulator is an in-memory implementation of the Anyreach Agents API
// (/core), used to develop and test the Terraform provider without the real
// service. It follows the contract in CONTRACT.md, next to this file:
// documented rules and the project's assumptions alike, spelled on the wire
// the way the Python service spells it, plus the variant wire a client must
// also understand, fault knobs (latency, rate limits, injected errors, lost
// responses) that a real client has to survive, and an out-of-band control
// surface under /_emulator/ that plays the dashboard user.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Options configure an Emulator. The zero value is a working emulator with the
// default token, organization and phone directory and no faults.
type Options struct {
	// Tokens maps a bearer credential to its scopes. Nil or empty means one
	// token, "ak_dev.emulator", with every scope; a token with no scopes listed
	// also has every scope.
	Tokens map[string][]string
	// OrgID is the organization a pat_ token must name in X-Anyreach-Org.
	// Default "org_emulator".
	OrgID string
	// PhoneNumbers seeds the phone directory (trunk "trunk_default").
	// Default +15550100001 … +15550100005.
	PhoneNumbers []string
	// Latency is added to every /core request (never to /_emulator/).
	Latency time.Duration
	// GenerationDelay is how long instruction generation takes. Zero means the
	// next request already sees it finished.
	GenerationDelay time.Duration
	// RateLimit is the number of /core requests per second allowed per token
	// (token bucket, burst of one second); excess gets 429 with Retry-After.
	// Zero means unlimited.
	RateLimit float64
	// FaultRate is the share of /core requests answered 500 or 503 at random
	// before anything is done.
	FaultRate float64
	// LostResponseRate is the share of successful /core writes (POST, PUT,
	// PATCH, DELETE) that are applied and then answered by dropping the
	// connection without a response.
	LostResponseRate float64
	// Seed seeds the random source behind FaultRate and LostResponseRate, so a
	// run with the same requests in the same order meets the same faults.
	Seed int64
	// StateFile, when set, is loaded at start (if it exists) and rewritten
	// atomically after every change.
	StateFile string
	// SIPHost is the host part of agent SIP URIs. Default "sip.anyreach.ai".
	SIPHost string
	// DisableSIPUndeploy removes DELETE /core/agents/{agent_id}/deploy-as-sip,
	// which then answers 405 like a service that cannot undeploy.
	DisableSIPUndeploy bool
	// NullOptionalFields writes every optional config field the schema
	// declares but a stored config does not hold as null, the way pydantic's
	// model_dump writes a field whose default is None, and accepts such nulls
	// back on write. Off (the default), unset fields are absent, as the
	// served schema (which declares no field nullable) implies.
	NullOptionalFields bool
	// VariantWire answers every point the contract leaves open the other way
	// it allows (see variant.go): "id" for the agent's ID, pages of 2 whose
	// last one has no next_cursor, versions as a bare array, 422 details as a
	// string and every undocumented error message reworded.
	VariantWire bool
	// RefuseInputsWhileGenerating answers 409 to a version update that
	// changes instruction_builder_inputs while the version's instructions are
	// being generated, as a service that will not let a running generation's
	// inputs change under it does. Off (the default), the change is taken and
	// the running generation still finishes from the inputs it started with
	// (the version then reads back dirty).
	RefuseInputsWhileGenerating bool
	// AbandonOnDisconnect drops a request whose client disconnects during
	// Latency without carrying it out. Off (the default), the emulator does
	// what a real server does: it finishes the request and only the answer
	// is lost, which is what leaves duplicates and orphans behind a killed
	// terraform.
	AbandonOnDisconnect bool
	// Logf, when set, receives one line per request.
	Logf func(format string, args ...any)
}

// DefaultToken is the credential an emulator accepts when Options.Tokens is empty.
const DefaultToken = "ak_dev.emulator" //nolint:gosec // the emulator's well-known development credential, not a secret

// DefaultOrgID is the organization pat_ tokens must name when Options.OrgID is empty.
const DefaultOrgID = "org_emulator"

// DefaultSIPHost is the host of agent SIP URIs when Options.SIPHost is empty.
const DefaultSIPHost = "sip.anyreach.ai"

// DefaultPhoneNumbers seeds the phone-number directory when
// Options.PhoneNumbers is empty.
func DefaultPhoneNumbers() []string {
	return []string{"+15550100001", "+15550100002", "+15550100003", "+15550100004", "+15550100005"}
}

// DefaultTrunkID is the trunk of the seeded phone numbers.
const DefaultTrunkID = "trunk_default"

// maxBodyBytes bounds request bodies; configs are large but not that large.
const maxBodyBytes = 4 << 20

// maxLogEntries bounds the request log so a long-running emulator does not
// grow without limit; counts are never truncated.
const maxLogEntries = 10000

var e164 = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)

// ErrNotFound is wrapped by the control methods when the agent, version or
// phone number they name does not exist.
var ErrNotFound = errors.New("not found")

// Emulator is the in-memory Anyreach API. It is an http.Handler and safe for
// concurrent use; one mutex serialises all state changes.
type Emulator struct {
	opts    Options
	tokens  map[string]map[string]bool
	schema  *configSchema
	core    *router
	control *router

	mu         sync.Mutex
	agents     []*Agent // creation order
	numbers    []*PhoneNumber
	lastTime   time.Time
	changed    bool
	rng        *rand.Rand
	buckets    map[string]*bucket
	faults     map[string]*injectedFault
	losses     map[string]int // LoseResponses: route key -> responses still to lose
	genFailure string
	clock      clock
	// genHeld keeps every running generation running (HoldGeneration);
	// genHeldUntil, when set, are the routes whose answers, in this order,
	// end the hold.
	genHeld      bool
	genHeldUntil []string
	// generating is how many versions may still be generating, so that
	// settleLocked, which runs on every request, scans only when one is.
	generating int
	counts     map[string]int
	log        []LoggedRequest
}

// New builds an emulator, loading Options.StateFile when it exists.
func New(opts Options) (*Emulator, error) {
	if opts.OrgID == "" {
		opts.OrgID = DefaultOrgID
	}
	if opts.SIPHost == "" {
		opts.SIPHost = DefaultSIPHost
	}
	if len(opts.PhoneNumbers) == 0 {
		opts.PhoneNumbers = DefaultPhoneNumbers()
	}
	for name, rate := range map[string]float64{"FaultRate": opts.FaultRate, "LostResponseRate": opts.LostResponseRate} {
		if rate < 0 || rate > 1 {
			return nil, fmt.Errorf("emulator: %s must be between 0 and 1, got %v", name, rate)
		}
	}
	if opts.RateLimit < 0 {
		return nil, fmt.Errorf("emulator: RateLimit must not be negative, got %v", opts.RateLimit)
	}
	for _, n := range opts.PhoneNumbers {
		if !e164.MatchString(n) {
			return nil, fmt.Errorf("emulator: phone number %q is not in E.164 form", n)
		}
	}
	schema, err := loadConfigSchema()
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		opts:    opts,
		tokens:  parseTokens(opts.Tokens),
		schema:  schema,
		rng:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x616e7972656163)), //nolint:gosec // fault injection, not security
		buckets: map[string]*bucket{},
		clock:   wallClock{},
		faults:  map[string]*injectedFault{},
		counts:  map[string]int{},
	}
	e.core = e.coreRoutes()
	e.control = e.controlRoutes()
	if opts.StateFile != "" {
		if err := e.loadState(opts.StateFile); err != nil {
			return nil, err
		}
	}
	// Seeded numbers missing from a loaded state are added, so a state file
	// from an older run still has the directory the options ask for.
	now := e.now()
	for _, n := range opts.PhoneNumbers {
		if e.findNumber(n) == nil {
			e.numbers = append(e.numbers, &PhoneNumber{PhoneNumber: n, TrunkID: DefaultTrunkID, CreatedAt: now, UpdatedAt: now})
		}
	}
	return e, nil
}

// ServeHTTP dispatches /core to the API, /_emulator/ to the control surface,
// and answers everything else 404.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/core" || strings.HasPrefix(p, "/core/"):
		e.serveCore(w, r)
	case strings.HasPrefix(p, "/_emulator/"):
		e.serveControl(w, r)
	default:
		writeReply(w, detailReply(http.StatusNotFound, "Not Found"))
	}
}

// serveCore runs one API request through the fault knobs, routing, auth and
// the handler, in the order a real gateway would: latency, rate limit,
// injected faults, then the application.
func (e *Emulator) serveCore(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		// The client went away mid-body; there is nobody to answer.
		return
	}
	if e.opts.Latency > 0 {
		until := e.clock.Now().Add(e.opts.Latency)
		if !e.clock.Sleep(r.Context(), e.opts.Latency) {
			if e.opts.AbandonOnDisconnect {
				return
			}
			// A real server does not notice; it finishes the request.
			e.clock.Sleep(context.WithoutCancel(r.Context()), until.Sub(e.clock.Now()))
		}
	}

	segs := splitPath(r.URL.EscapedPath())
	m := e.core.match(r.Method, segs)
	pattern := r.URL.Path
	if m.route != nil {
		pattern = m.route.pattern
	} else if m.pathRoute != nil {
		pattern = m.pathRoute.pattern
	}
	key := r.Method + " " + pattern
	c := &call{r: r, params: m.params, body: body, query: r.URL.Query()}

	e.mu.Lock()
	now := e.clock.Now()
	e.settleLocked(now)
	rep := e.preflightLocked(bearerToken(r), key)
	switch {
	case rep != nil:
	case m.route == nil && m.pathRoute != nil:
		rep = methodNotAllowed(m.allow)
	case m.route == nil:
		rep = ptr(detailReply(http.StatusNotFound, "Not Found"))
	case len(body) > maxBodyBytes:
		rep = ptr(detailReply(http.StatusRequestEntityTooLarge, "Request body too large"))
	default:
		if denied := e.authorize(r, m.route.scopes); denied != nil {
			rep = denied
		} else {
			res := m.route.handler(c)
			rep = &res
		}
	}
	if e.opts.VariantWire {
		rep = ptr(varyReply(*rep))
	}
	lost := rep.status < 300 && (e.takeLossLocked(key) ||
		isWrite(r.Method) && e.opts.LostResponseRate > 0 && e.rng.Float64() < e.opts.LostResponseRate)
	e.recordLocked(LoggedRequest{
		Method: r.Method, Route: pattern, Path: r.URL.Path, Query: r.URL.RawQuery,
		Status: rep.status, Body: string(body), Dropped: lost, ClientGone: r.Context().Err() != nil, At: now,
	})
	if e.genHeld && len(e.genHeldUntil) > 0 && e.genHeldUntil[0] == key {
		if e.genHeldUntil = e.genHeldUntil[1:]; len(e.genHeldUntil) == 0 {
			e.releaseGenerationLocked()
		}
	}
	e.commitLocked()
	e.mu.Unlock()

	if lost {
		e.logf("%s %s -> %d dropped (%s)", r.Method, r.URL.Path, rep.status, time.Since(start).Round(time.Microsecond))
		dropConnection(w)
		return
	}
	writeReply(w, *rep)
	e.logf("%s %s -> %d (%s)", r.Method, r.URL.RequestURI(), rep.status, time.Since(start).Round(time.Microsecond))
}

// serveControl runs one /_emulator/ request. Control handlers lock on their
// own (they are the exported Go methods), so no lock is held here.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return
	}
	m := e.control.match(r.Method, splitPath(r.URL.EscapedPath()))
	var rep reply
	switch {
	case len(body) > maxBodyBytes:
		rep = detailReply(http.StatusRequestEntityTooLarge, "Request body too large")
	case m.route != nil:
		rep = m.route.handler(&call{r: r, params: m.params, body: body, query: r.URL.Query()})
	case m.pathRoute != nil:
		rep = *methodNotAllowed(m.allow)
	default:
		rep = detailReply(http.StatusNotFound, "Not Found")
	}
	writeReply(w, rep)
	e.logf("control %s %s -> %d", r.Method, r.URL.Path, rep.status)
}

// isWrite reports whether a method changes state, for LostResponseRate.
func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func (e *Emulator) logf(format string, args ...any) {
	if e.opts.Logf != nil {
		e.opts.Logf(format, args...)
	}
}

// now is the emulator clock: UTC, microsecond precision (Python's datetime),
// and strictly increasing, so every write moves updated_at and creation order
// is the order of created_at.
func (e *Emulator) now() time.Time {
	t := e.clock.Now().UTC().Truncate(time.Microsecond)
	if !t.After(e.lastTime) {
		t = e.lastTime.Add(time.Microsecond)
	}
	e.lastTime = t
	return t
}

// touch marks the state as changed so commitLocked saves it.
func (e *Emulator) touch() { e.changed = true }

func ptr[T any](v T) *T { return &v }
