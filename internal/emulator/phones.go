package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// phoneNumberView is the PhoneNumber object of the contract (section 5).
type phoneNumberView struct {
	PhoneNumber            string  `json:"phone_number"`
	TrunkID                string  `json:"trunk_id"`
	InboundAgentVersionID  *string `json:"inbound_agent_version_id"`
	OutboundAgentVersionID *string `json:"outbound_agent_version_id"`
	OutboundShareable      bool    `json:"outbound_shareable"`
	CreatedAt              string  `json:"created_at"`
	UpdatedAt              string  `json:"updated_at"`
}

func viewPhoneNumber(n *PhoneNumber) phoneNumberView {
	return phoneNumberView{
		PhoneNumber: n.PhoneNumber, TrunkID: n.TrunkID,
		InboundAgentVersionID: n.InboundAgentVersionID, OutboundAgentVersionID: n.OutboundAgentVersionID,
		OutboundShareable: n.OutboundShareable, CreatedAt: ts(n.CreatedAt), UpdatedAt: ts(n.UpdatedAt),
	}
}

func (e *Emulator) findNumber(number string) *PhoneNumber {
	for _, n := range e.numbers {
		if n.PhoneNumber == number {
			return n
		}
	}
	return nil
}

func phoneNotFound(number string) reply {
	return detailReply(http.StatusNotFound, fmt.Sprintf("Phone number %s not found", number))
}

// listPhoneNumbers is GET /core/phone-numbers. It deliberately answers a bare
// JSON array of every match (the contract says one Anyreach list endpoint
// does), so clients are exercised against both list shapes; limit is
// validated but, with no envelope to carry a cursor, not applied. The variant
// wire answers the envelope instead, in pages of 2.
func (e *Emulator) listPhoneNumbers(c *call) reply {
	q := &query{v: c.query}
	limit := q.limit()
	after, hasCursor := q.cursor("phone-numbers")
	sub, _ := q.str("phone_number")
	trunk, hasTrunk := q.str("trunk_id")
	window := q.window()
	if rep := q.failed(); rep != nil {
		return *rep
	}
	out := []phoneNumberView{}
	for _, n := range e.numbers {
		if hasCursor {
			hasCursor = n.PhoneNumber != after // resume after the cursor's number
			continue
		}
		if !strings.Contains(n.PhoneNumber, sub) || (hasTrunk && n.TrunkID != trunk) || !window.admits(n.CreatedAt, n.UpdatedAt) {
			continue
		}
		out = append(out, viewPhoneNumber(n))
	}
	if !e.opts.VariantWire {
		return jsonReply(http.StatusOK, out)
	}
	page, more := cut(out, e.pageLimit(limit))
	var next *string
	if more {
		next = ptr(encodeCursor("phone-numbers", page[len(page)-1].PhoneNumber))
	}
	return jsonReply(http.StatusOK, e.envelope(page, limit, next))
}

func (e *Emulator) getPhoneNumber(c *call) reply {
	n := e.findNumber(c.params["phone_number"])
	if n == nil {
		return phoneNotFound(c.params["phone_number"])
	}
	return jsonReply(http.StatusOK, viewPhoneNumber(n))
}

// registerPhoneNumber is POST /core/phone-numbers: add a number on a trunk.
func (e *Emulator) registerPhoneNumber(c *call) reply {
	obj, errs, _ := decodeObject(c.body)
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	number, ok := f.nonEmptyStr("phone_number")
	if ok && !e164.MatchString(number) {
		f.fail(f.at("phone_number"), fmt.Sprintf("Value error, %q is not a valid E.164 phone number", number), "value_error")
	}
	trunk, _ := f.nonEmptyStr("trunk_id")
	shareable, _ := f.boolean("outbound_shareable")
	if rep := f.failed(); rep != nil {
		return *rep
	}
	if e.findNumber(number) != nil {
		return detailReply(http.StatusConflict, fmt.Sprintf("Phone number %s already exists", number))
	}
	now := e.now()
	n := &PhoneNumber{PhoneNumber: number, TrunkID: trunk, OutboundShareable: shareable, CreatedAt: now, UpdatedAt: now}
	e.numbers = append(e.numbers, n)
	e.touch()
	return jsonReply(http.StatusCreated, viewPhoneNumber(n))
}

// patchPhoneNumber is PATCH /core/phone-numbers/{number}: only
// outbound_shareable may change; slots change through publish.
func (e *Emulator) patchPhoneNumber(c *call) reply {
	obj, errs, err := decodeObject(c.body)
	if errors.Is(err, errBodyMissing) {
		obj, errs = map[string]any{}, nil
	}
	if errs != nil {
		return validationReply(errs)
	}
	f := newForm(obj, "body")
	for k := range obj {
		if k != "outbound_shareable" {
			f.fail(f.at(k), "Extra inputs are not permitted", "extra_forbidden")
		}
	}
	f.require("outbound_shareable")
	shareable, _ := f.boolean("outbound_shareable")
	if rep := f.failed(); rep != nil {
		return *rep
	}
	n := e.findNumber(c.params["phone_number"])
	if n == nil {
		return phoneNotFound(c.params["phone_number"])
	}
	n.OutboundShareable = shareable
	n.UpdatedAt = e.now()
	e.touch()
	return jsonReply(http.StatusOK, viewPhoneNumber(n))
}
