package client

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMalformedResponse is wrapped by every error about a 2xx answer the
// client cannot use: not JSON, the wrong shape, or an object that lacks a
// field the API always sends. Reading such an answer as zero values would
// store "active = false" or an empty created_at as if the API had said so.
var ErrMalformedResponse = errors.New("the API's answer is malformed")

// requiredFields collects the names of required fields an object lacks.
type requiredFields []string

// check records name when present is false.
func (r *requiredFields) check(name string, present bool) {
	if !present {
		*r = append(*r, name)
	}
}

// err reports the missing fields of a what ("agent", "version"), or nil.
func (r requiredFields) err(what string) error {
	if len(r) == 0 {
		return nil
	}
	return fmt.Errorf("%w: the %s object has no %s (absent or null)", ErrMalformedResponse, what, quoteJoin(r))
}

func quoteJoin(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
