package client

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// redacted replaces a secret wherever it might surface.
const redacted = "[REDACTED]"

// noLimit asks redact not to shorten its text.
const noLimit = 0

// minSecretFragment is the shortest start of a secret that redact still
// masks at the end of a shortened text: shorter pieces ("ak_") say nothing
// about the secret, and masking them would mangle ordinary words.
const minSecretFragment = 4

// redact is the one function every error text and log line of the client
// goes through. It masks every secret (the token, and the password of a
// base URL) first, with any piece of a secret's private part long enough
// to matter (a server may split a token across the entries of a field
// error, or break it with a character), then makes the text safe to print
// (printable), masks again what that joined, then, when limit > 0, cuts
// the text to at most limit bytes without splitting a character, and
// finally masks the start of a secret left at the end of the text: a
// server may echo a credential cut short, and a cut may fall inside one.
// Masking before cutting means a secret straddling the cut can never be
// printed minus its last characters.
func redact(text string, limit int, secrets []string) string {
	text = printable(maskSecrets(text, secrets))
	text = maskSecrets(text, secrets)
	if limit > 0 && len(text) > limit {
		n := limit
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = maskTrailingFragment(text[:n], secrets) + "…"
		return text
	}
	return maskTrailingFragment(text, secrets)
}

// minSecretPiece is the shortest piece of a secret's private part that is
// masked wherever it appears: 8 characters of a random secret are as good
// as a fingerprint, and ordinary text does not hold them by chance.
const minSecretPiece = 8

// maskSecrets replaces every secret, and every run of text made of pieces
// of at least minSecretPiece characters of a secret's private part, with
// [REDACTED].
func maskSecrets(text string, secrets []string) string {
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			text = strings.ReplaceAll(text, s, redacted)
		}
	}
	for _, s := range secrets {
		private := privatePart(s)
		if public := len(s) - len(private); public > 0 && len(private) > 0 {
			text = maskStarts(text, s, public+1)
		}
		if len(private) < minSecretPiece || len(text) < minSecretPiece {
			continue
		}
		// Where each piece starts in s.
		pieces := make(map[string]int, len(private)-minSecretPiece+1)
		for i := 0; i+minSecretPiece <= len(private); i++ {
			pieces[private[i:i+minSecretPiece]] = len(s) - len(private) + i
		}
		var b strings.Builder
		covered := 0 // text[:covered] is written or masked
		for i := 0; i+minSecretPiece <= len(text); i++ {
			at, ok := pieces[text[i:i+minSecretPiece]]
			if !ok {
				continue
			}
			if i >= covered {
				// The mask takes in what precedes the piece in s too (the
				// public "ak_<id>." before a secret part).
				start := i
				for start > covered && at > 0 && text[start-1] == s[at-1] {
					start, at = start-1, at-1
				}
				b.WriteString(text[covered:start])
				b.WriteString(redacted)
			}
			covered = i + minSecretPiece
		}
		if covered > 0 {
			b.WriteString(text[covered:])
			text = b.String()
		}
	}
	return text
}

// maskStarts masks every start of s at least n bytes long, wherever it
// appears: the public "ak_<id>." with a character of the secret after it is
// the token, cut short by a server or broken by a character it put inside.
func maskStarts(text, s string, n int) string {
	if len(text) < n || !strings.Contains(text, s[:n]) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, s[:n])
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		k := n
		for k < len(s) && i+k < len(text) && text[i+k] == s[k] {
			k++
		}
		b.WriteString(text[:i])
		b.WriteString(redacted)
		text = text[i+k:]
	}
}

// privatePart is the part of a secret that says something: of a token
// "ak_<id>.<secret>" the part after the dot, of "pat_<secret>" the part
// after the prefix, else all of it.
func privatePart(secret string) string {
	if strings.HasPrefix(secret, "ak_") {
		if _, after, ok := strings.Cut(secret, "."); ok {
			return after
		}
	}
	if after, ok := strings.CutPrefix(secret, "pat_"); ok {
		return after
	}
	return secret
}

// printable returns s safe to show on a terminal or in a diagnostic: line
// breaks and tabs become spaces, and every other control character (an
// escape sequence's ESC, a carriage return), every formatting character
// (such as a right-to-left override) and invalid UTF-8 becomes U+FFFD. Text
// a server chose can then neither start a line of its own (forging
// "Apply complete!") nor rewrite what the terminal shows.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\n', r == '\t', r == '\u2028', r == '\u2029':
			b.WriteByte(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maskTrailingFragment masks the longest start of a secret (at least
// minSecretFragment bytes) that text ends with.
func maskTrailingFragment(text string, secrets []string) string {
	for _, s := range secrets {
		for k := min(len(s)-1, len(text)); k >= minSecretFragment; k-- {
			if strings.HasSuffix(text, s[:k]) {
				return text[:len(text)-k] + redacted
			}
		}
	}
	return text
}

// secretsOf lists the values the client must never show: the token and the
// password (or lone user name) of a base URL written with credentials.
func secretsOf(token, baseURL string) []string {
	var out []string
	if token = strings.TrimSpace(token); token != "" {
		out = append(out, token)
	}
	info := urlUserinfo(baseURL)
	if _, pass, ok := strings.Cut(info, ":"); ok {
		info = pass // the user name is not a secret once the password is masked
	}
	if info != "" {
		out = append(out, info)
		if p, err := url.PathUnescape(info); err == nil && p != info {
			out = append(out, p)
		}
	}
	return out
}

// urlUserinfo returns the "user:password" part of raw, or "" when it has
// none. A URL that does not parse is taken to have credentials up to its
// last "@", since a password may hold any character.
func urlUserinfo(raw string) string {
	raw = strings.TrimSpace(raw)
	if u, err := url.Parse(raw); err == nil {
		if u.User == nil {
			return ""
		}
		if p, ok := u.User.Password(); ok {
			return u.User.Username() + ":" + p
		}
		return u.User.Username()
	}
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	i := strings.LastIndex(rest, "@")
	if i < 0 {
		return ""
	}
	return rest[:i]
}

// RedactURL shows a URL for a message: without its query or fragment, and
// with its password masked by url.URL.Redacted. A URL that does not parse
// loses everything up to its last "@" instead, since a password may hold
// any character.
func RedactURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if u, err := url.Parse(raw); err == nil {
		u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
		return u.Redacted()
	}
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			raw = scheme + "://xxxxx@" + rest[i+1:]
		}
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	return raw
}

// maskedToken shows a credential's kind but none of its value.
func maskedToken(token string) string {
	switch {
	case token == "":
		return `""`
	case strings.HasPrefix(token, "ak_"):
		return "ak_" + redacted
	case strings.HasPrefix(token, "pat_"):
		return "pat_" + redacted
	}
	return redacted
}
