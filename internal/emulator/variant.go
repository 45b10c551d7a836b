package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// The variant wire (Options.VariantWire) answers every point the contract
// leaves open the other way it allows, so tests can prove a client relies on
// nothing the contract does not promise (CONTRACT.md, "What a client must
// tolerate"):
//
//   - the agent object names its ID "id" instead of "agent_id" and carries a
//     field the contract does not list (organization_id), as does pagination
//     (total);
//   - GET /core/agents and GET /core/phone-numbers answer pages of at most 2
//     items, whatever limit asked, and the last page has no next_cursor key;
//   - GET /core/agents/{id}/versions answers a bare JSON array of every match;
//   - a 422 detail is one string instead of a list of {loc, msg, type};
//   - every error message is reworded, except the documented
//     "Token is missing organization claim.", with the status code unchanged.

// variantPageSize is the page size of the variant wire's paged lists.
const variantPageSize = 2

// missingOrgClaim is the one error text the public documentation states.
const missingOrgClaim = "Token is missing organization claim."

// pageLimit is the number of items a page holds for a requested limit.
func (e *Emulator) pageLimit(limit int) int {
	if e.opts.VariantWire && limit > variantPageSize {
		return variantPageSize
	}
	return limit
}

// envelope is pageEnvelope as the wire in use spells it: the variant leaves
// next_cursor out of the last page instead of writing null.
func (e *Emulator) envelope(data any, limit int, next *string) map[string]any {
	env := pageEnvelope(data, limit, next)
	if e.opts.VariantWire {
		pg := env["pagination"].(map[string]any) //nolint:forcetypeassert // built by pageEnvelope just above
		pg["total"] = nil                        // unknown to the contract; a client ignores it
		if next == nil {
			delete(pg, "next_cursor")
		}
	}
	return env
}

// rewordedDetails are the variant wire's messages, by status: none shares a
// word a client could key on with the default wording.
var rewordedDetails = map[int]string{
	http.StatusBadRequest:            "The request cannot be applied to this object as it is.",
	http.StatusUnauthorized:          "Authentication failed.",
	http.StatusForbidden:             "Access denied.",
	http.StatusNotFound:              "No such item.",
	http.StatusMethodNotAllowed:      "Unsupported method.",
	http.StatusConflict:              "Refused in the current state of the resource.",
	http.StatusRequestEntityTooLarge: "Payload exceeds the size limit.",
	http.StatusTooManyRequests:       "Slow down and retry later.",
	http.StatusInternalServerError:   "Unexpected server condition.",
	http.StatusServiceUnavailable:    "Temporarily unable to serve.",
}

// varyReply rewrites an error reply for the variant wire: a string detail is
// reworded (the documented 401 text stays), a 422 list becomes one string.
func varyReply(rep reply) reply {
	body, ok := rep.body.(map[string]any)
	if !ok || rep.status < 400 {
		return rep
	}
	switch d := body["detail"].(type) {
	case string:
		if rep.status == http.StatusUnauthorized && d == missingOrgClaim {
			return rep
		}
		msg, known := rewordedDetails[rep.status]
		if !known {
			msg = fmt.Sprintf("Request refused (%d).", rep.status)
		}
		rep.body = map[string]any{"detail": msg}
	case []fieldError:
		parts := make([]string, 0, len(d))
		for _, fe := range d {
			loc := make([]string, 0, len(fe.Loc))
			for _, l := range fe.Loc {
				loc = append(loc, fmt.Sprint(l))
			}
			parts = append(parts, strings.Join(loc, ".")+" ("+fe.Type+")")
		}
		rep.body = map[string]any{"detail": "Invalid input: " + strings.Join(parts, "; ")}
	}
	return rep
}
