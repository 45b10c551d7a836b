package client

import (
	"strings"
	"testing"
)

func TestCheckBaseURL(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://api.anyreach.ai":                "",
		"http://127.0.0.1:8787":                  "",
		"http://localhost:8787/prefix":           "",
		"http://[::1]:8787":                      "",
		"http://api.example.test":                "plain http to a non-loopback host",
		"api.anyreach.ai":                        "absolute URL",
		"ftp://api.anyreach.ai":                  "absolute URL",
		"https://user:hunter2@api.example.test/": "contains credentials",
	} {
		err := CheckBaseURL(raw)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", raw, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: error %v, want one saying %q", raw, err, want)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("%s: the error shows the password: %v", raw, err)
		}
	}
}
