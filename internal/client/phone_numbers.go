package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// values encodes the filters that are set.
func (o PhoneNumberListOptions) values() url.Values {
	q := url.Values{}
	b := queryBuilder(q)
	b.str("phone_number", o.PhoneNumber)
	b.str("trunk_id", o.TrunkID)
	b.timeRange(o.CreatedAfter, o.CreatedBefore, o.UpdatedAfter, o.UpdatedBefore)
	b.limit(o.Limit)
	return q
}

// UnmarshalJSON decodes a directory entry, refusing one without its
// phone_number as malformed.
func (p *PhoneNumber) UnmarshalJSON(data []byte) error {
	type phoneFields PhoneNumber // no methods: no recursion
	var aux struct {
		phoneFields
		Number *string `json:"phone_number"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	var missing requiredFields
	missing.check("phone_number", aux.Number != nil && *aux.Number != "")
	if err := missing.err("phone number"); err != nil {
		return err
	}
	*p = PhoneNumber(aux.phoneFields)
	p.PhoneNumber = *aux.Number
	return checkSlotIDs("phone number", p.InboundAgentVersionID, p.OutboundAgentVersionID)
}

// ListPhoneNumbers returns every number of the organization's directory
// matching opts, following all pages.
func (c *Client) ListPhoneNumbers(ctx context.Context, opts PhoneNumberListOptions) ([]PhoneNumber, error) {
	return listAll[PhoneNumber](ctx, c, "/core/phone-numbers", opts.values())
}

// GetPhoneNumber returns one directory entry by its E.164 number. The "+" is
// sent as %2B: left bare, the server could read it as a space.
func (c *Client) GetPhoneNumber(ctx context.Context, number string) (*PhoneNumber, error) {
	if err := checkID("phone number", number); err != nil {
		return nil, err
	}
	var pn PhoneNumber
	if err := c.doJSON(ctx, call{method: http.MethodGet, path: "/core/phone-numbers/" + pathEscape(number)}, &pn); err != nil {
		return nil, err
	}
	return &pn, nil
}
