package client

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// maxIDLength bounds an ID the client puts into a path or accepts from the
// API; Anyreach's IDs are UUIDs and short slugs.
const maxIDLength = 256

// ErrInvalidID is wrapped by the error about an ID that cannot be put into a
// request path as it is: empty, "." or ".." (which a server or proxy would
// resolve as a path step, sending POST /core/agents/../versions elsewhere),
// longer than maxIDLength, or holding a control character, a character
// that changes how text is shown (such as a line break or a right-to-left
// mark) or invalid UTF-8.
var ErrInvalidID = errors.New("invalid ID")

// checkID reports an ID that cannot address an object, naming what it is
// ("agent ID"). The ID itself is only ever shown quoted and shortened, so a
// hostile one cannot write to the terminal.
func checkID(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("anyreach: the %s must not be empty: %w", what, ErrInvalidID)
	case id == "." || id == "..":
		return fmt.Errorf("anyreach: the %s %q is a path step, not an ID: %w", what, id, ErrInvalidID)
	case len(id) > maxIDLength:
		return fmt.Errorf("anyreach: the %s is %d bytes long, more than %d: %w", what, len(id), maxIDLength, ErrInvalidID)
	case !utf8.ValidString(id):
		return fmt.Errorf("anyreach: the %s is not valid UTF-8: %w", what, ErrInvalidID)
	}
	for _, r := range id {
		if !unicode.IsPrint(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("anyreach: the %s %s holds a control or formatting character: %w", what, quoteShort(id), ErrInvalidID)
		}
	}
	return nil
}

// checkAnsweredID refuses an ID the API sent that checkID would refuse.
func checkAnsweredID(object, field, id string) error {
	if err := checkID(field, id); err != nil {
		return fmt.Errorf("%w: the %s object's %s: %w", ErrMalformedResponse, object, field, err)
	}
	return nil
}

// checkSlotIDs checks the version IDs a phone number's slots hold, when set.
func checkSlotIDs(object string, inbound, outbound *string) error {
	for _, id := range []*string{inbound, outbound} {
		if id == nil || *id == "" {
			continue
		}
		if err := checkAnsweredID(object, "slot's version ID", *id); err != nil {
			return err
		}
	}
	return nil
}

// ErrWrongObject is wrapped by the error about an answer that is about
// another object than the one asked for (another agent, another version):
// taking it would write one object's data into another's state.
var ErrWrongObject = errors.New("the answer is about another object than the one asked for")

// checkAbout refuses an answer whose got (agent ID or version number) is
// not want.
func checkAbout(what string, want, got any) error {
	if want == got {
		return nil
	}
	return fmt.Errorf("%w: %w: asked for %s %v, the answer is about %s %v", ErrMalformedResponse, ErrWrongObject, what, quoteAny(want), what, quoteAny(got))
}

func quoteAny(v any) string {
	if s, ok := v.(string); ok {
		return quoteShort(s)
	}
	return fmt.Sprint(v)
}

// quoteShort quotes s with Go escapes (no control character survives) and
// shortens it to 64 characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 64 {
		s = string([]rune(s)[:64]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
