package client

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// The environment variables that hold the settings of anything built on this
// client: the provider reads them when its block leaves an argument out, and
// anyreach-export reads nothing else.
const (
	EnvToken   = "ANYREACH_TOKEN"
	EnvOrg     = "ANYREACH_ORG"
	EnvBaseURL = "ANYREACH_BASE_URL"
)

// CheckBaseURL refuses anything but an absolute https URL, or http to a
// loopback address (a local emulator), so the bearer credential is never
// sent in clear text over a network. New accepts any http(s) URL; callers
// that take the URL from a user check it here first. The error shows the
// URL redacted: a password written into it is never printed.
func CheckBaseURL(raw string) error {
	shown := RedactURL(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("the base URL must be an absolute URL such as %q, got %q", DefaultBaseURL, shown)
	}
	if u.User != nil {
		return fmt.Errorf("the base URL %q contains credentials; remove them and authenticate with the token (or %s) instead", shown, EnvToken)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("the base URL %q uses plain http to a non-loopback host; use https (plain http is only accepted for localhost and 127.0.0.0/8 or ::1)", shown)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
