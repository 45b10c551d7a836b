package client

import (
	"net/url"
	"strings"
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
// base URL) first, then, when limit > 0, cuts the text to at most limit
// bytes without splitting a character, and finally masks the start of a
// secret left at the end of the text: a server may echo a credential cut
// short, and a cut may fall inside one. Masking before cutting means a
// secret straddling the cut can never be printed minus its last characters.
func redact(text string, limit int, secrets []string) string {
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			text = strings.ReplaceAll(text, s, redacted)
		}
	}
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
