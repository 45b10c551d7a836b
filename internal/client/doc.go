// Package client is a typed HTTP client for the Anyreach Agents API
// (https://api.anyreach.ai, every endpoint under /core).
//
// It knows nothing of Terraform: the provider maps plans and state onto the
// methods here, and anything else that needs to talk to Anyreach can use it
// as well. A Client is safe for concurrent use and keeps one pooled
// transport, so concurrent requests share keep-alive connections.
//
// # Requests, retries and errors
//
// Every request carries the bearer credential, X-Anyreach-Org when an
// organization is configured, Accept and User-Agent headers. One loop in
// retry.go (Client.do) is the whole retry policy: send, classify the
// outcome, recover when a create's outcome is unknown, back off, repeat.
// 429, 500, 502, 503 and 504 responses and connection errors are retried with
// exponential backoff and full jitter, honouring a Retry-After header
// (seconds or HTTP date, capped at one minute). Each attempt has its own
// timeout (Config.RequestTimeout); cancelling the caller's context stops a
// request, and any wait between attempts, at once.
//
// Every failure the API reports is an *APIError, including the last one when
// retries run out, so callers can test it with IsNotFound and friends or read
// its StatusCode, Detail and field-level validation errors.
//
// The credential never leaves the Authorization header: errors hold the
// method and the path only, logs never include headers or bodies, and the
// token is masked from anything a server echoes back as a second line of
// defence. Every such text goes through one function, redact, which masks
// the secrets (with any piece of a token's secret part a server split off
// or JSON-escaped) before it shortens anything, and puts the text on one
// line without control characters, so a server cannot write to the user's
// terminal. Redirects are never followed (the
// API does not redirect, and following one could carry the header to another
// origin): a 3xx answer is a *RedirectError.
//
// A 2xx answer that cannot be used (not JSON, the wrong shape, a field the
// API always sends missing or null) is an error wrapping
// ErrMalformedResponse, never an object with zero values; so is an answer
// about another object than the one asked for (ErrWrongObject), one whose
// IDs checkID would refuse, and one holding a number longer than 4,300
// characters. IDs are checked before they are put into a path
// (ErrInvalidID): "." and ".." would be resolved as path steps. Answers are
// bounded: 8 MiB each, and a list 1,000 pages and 64 MiB in all.
//
// # Creates and lost responses
//
// Retrying is only safe when repeating a request cannot change the outcome.
// Reads, updates (PUT), deletes, publishing, SIP deployment and starting
// instruction generation all qualify, so they are retried freely on every
// transient answer, a 500 included: sending an idempotent request again
// cannot leave behind anything the first attempt did not. One consequence
// is for the caller to handle: a DELETE that was applied but whose response
// was lost is answered 404 when it is sent again, so deleting code treats
// IsNotFound as done (and UndeploySIP's callers check whether the endpoint
// is gone before concluding the service cannot undeploy).
//
// The two creates, POST /core/agents and POST /core/agents/{id}/versions,
// do not qualify: if the server applied a create and the response was lost,
// sending it again leaves two agents or two versions behind, and with
// Terraform the first one becomes an untracked orphan.
//
// So each create runs under its own retry policy. A failure that proves the
// server did not act is retried as usual: 429 and 503 (refused before doing
// any work) and errors that happen before the request leaves the machine
// (DNS failure, connection refused, a dial timeout). A failure after the
// request may have reached the server is ambiguous: a connection reset or EOF
// after the request was written, a per-attempt timeout while waiting for the
// response, a response body cut short, or a 500, 502 or 504. After an
// ambiguous failure, and before the next attempt (or before giving up when
// no attempt is left), the client calls a recovery hook that looks for what
// the lost request may have created. When it finds it, that object is the
// result of the create and nothing is sent again; when it does not, the
// request is retried.
//
//   - CreateAgent adds a marker to the agent's metadata under
//     RequestTokenMetadataKey, a random 128-bit value chosen once per call and
//     reused by its retries. Recovery lists the agents with that exact name
//     whose metadata contains the marker, and checks both again on the
//     client side. The marker is removed from the metadata of every Agent the
//     client decodes, so callers never see it; the next update that sets
//     metadata removes it from the server as well.
//   - CreateVersion adds nothing to the request, so the happy path costs no
//     extra call. Recovery lists the agent's versions created since two
//     minutes before the call started (allowing for clock skew) and takes the
//     newest one whose config contains everything that was sent (see
//     ConfigContains: the server fills defaults in, so the stored config is
//     a superset). For a create from base_version, whose config the client
//     does not know, it takes the newest draft created in that window.
//
// If recovery itself fails, the create fails with an error saying that the
// object may exist, rather than risk a duplicate.
//
// A create answered with success but without a usable object (an empty,
// non-JSON or ID-less body) goes through the same recovery: the server made
// something, so the hook looks for it, and when it finds nothing the error
// says so. Nothing is sent again after a success answer.
//
// # Error conditions
//
// Message wording is not part of the API contract, so the client never reads
// an error's words (the one exception is the documented 401 text
// "Token is missing organization claim."). What a failure means is decided
// from the status code and the operation, and where one code covers two
// conditions, from the object's documented fields read back right after the
// failure: a 409 on publish re-reads the version's instructions_status,
// instructions_dirty and instructions_manually_edited; a 400 on a version
// change re-reads published and instruction_builder_inputs; a 409 on
// deploy-as-sip re-reads the agent's versions; a 403 to a request naming an
// organization is followed by a read in that organization. The result is the
// APIError's Condition, tested with IsGenerationInProgress,
// IsInstructionsStale, IsVersionPublished, IsMissingBuilderInputs,
// IsSIPNeedsPublishedVersion, IsMissingOrganization, IsOrganizationDenied and
// IsMissingScope. When the read-back fails, the condition stays unknown.
package client
