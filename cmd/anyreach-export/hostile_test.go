package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// hostileOrg serves one agent with one version, each answer replaceable
// per path by answers; the token is echoed in every error it serves.
func hostileOrg(t *testing.T, answers map[string]string) string {
	t.Helper()
	agent := `{"agent_id":"a1","name":"n","description":"","active":true,"is_demo":false,"metadata":{},` +
		`"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z",` +
		`"versions":[{"version":1,"version_id":"v1","published":false}],"phone_numbers":[],"sip_endpoint":null}`
	base := map[string]string{
		"/core/agents":               `{"data":[` + agent + `],"pagination":{"next_cursor":null}}`,
		"/core/agents/a1":            agent,
		"/core/agent-config-schema":  `{"type":"object","properties":{"type":{"type":"string"}}}`,
		"/core/agents/a1/versions/1": `{"agent_id":"a1","version":1,"version_id":"v1","published":false,"config":{"type":"static_prompt"},"created_at":"t","updated_at":"t"}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := answers[r.URL.Path]
		if !ok {
			body, ok = base[r.URL.Path]
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprintf(w, `{"detail":"no %s"}`, r.URL.Path)
			return
		}
		if strings.HasPrefix(body, "400 ") {
			w.WriteHeader(http.StatusBadRequest)
			body = strings.ReplaceAll(body[4:], "TOKEN", strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestHostileAPI: the exporter shares the client's and the provider's
// limits. A schema whose defaults never end, a stored number of a million
// digits, a hostile agent ID, an answer about another agent and error text
// full of escape sequences each end with an error naming the cause: for the
// whole export (exit 1, no file written) when the schema or the listing is
// hostile, for the one agent (exit 3, reported as failed, none of its configs
// written) when its own answers are; never with anything on stderr that
// writes to the terminal by itself, nor the credential.
func TestHostileAPI(t *testing.T) {
	t.Parallel()
	evil := `bad\r\n\nApply complete! Resources: 1 added.\u001b[31m\u001b]8;;http://x\u0007 TOKEN \u202e`
	for _, tc := range []struct {
		name    string
		answers map[string]string
		says    string
		code    int // 1: nothing exported; 3: the agent is reported as failed, the export incomplete
	}{
		{"a recursive default in the schema", map[string]string{"/core/agent-config-schema": `{"type":"object","properties":{"node":{"$ref":"#/$defs/Node"}},` +
			`"$defs":{"Node":{"type":"object","properties":{"child":{"$ref":"#/$defs/Node","default":{}}}}}}`}, "holds an object of its own type", 1},
		{"a number of a million digits", map[string]string{"/core/agents/a1/versions/1": `{"agent_id":"a1","version":1,"version_id":"v1","published":false,` +
			`"config":{"type":"static_prompt","n":` + strings.Repeat("9", 1_000_000) + `},"created_at":"t","updated_at":"t"}`}, "a number longer than 4300 characters", 3},
		{"a forged agent ID", map[string]string{"/core/agents": `{"data":[{"agent_id":"a1\n\nApply complete!\u001b[2K","name":"n","active":true,"is_demo":false,` +
			`"created_at":"t","updated_at":"t"}],"pagination":{"next_cursor":null}}`}, "holds a control or formatting character", 1},
		{"an agent ID that is a path step", map[string]string{"/core/agents": `{"data":[{"agent_id":"..","name":"n","active":true,"is_demo":false,` +
			`"created_at":"t","updated_at":"t"}],"pagination":{"next_cursor":null}}`}, "is a path step", 1},
		{"an answer about another agent", map[string]string{"/core/agents/a1": `{"agent_id":"a2","name":"n","active":true,"is_demo":false,` +
			`"created_at":"t","updated_at":"t"}`}, "the answer is about agent \"a2\"", 3},
		{"error text with escape sequences and the token", map[string]string{"/core/agents/a1/versions/1": `400 {"detail":"` + evil + `"}`}, "Apply complete!", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := hostileOrg(t, tc.answers)
			out := filepath.Join(t.TempDir(), "export")
			var stderr bytes.Buffer
			code := run(t.Context(), []string{"--out", out}, env(map[string]string{client.EnvBaseURL: url, client.EnvToken: secretToken}), &stderr)
			text := stderr.String()
			if code != tc.code || !strings.Contains(text, tc.says) {
				t.Fatalf("exit %d, want %d saying %q:\n%s", code, tc.code, tc.says, text)
			}
			for _, line := range strings.Split(text, "\n") {
				if strings.HasPrefix(line, "Apply complete") {
					t.Errorf("stderr has a forged line: %q", line)
				}
				for _, r := range line {
					if r < 0x20 || r == 0x7f || r == '\u202e' {
						t.Errorf("stderr holds %U: %q", r, line)
						break
					}
				}
			}
			for _, secret := range []string{secretToken, "Secret-7f3c9e1b2d4a"} {
				if strings.Contains(text, secret) {
					t.Errorf("stderr holds the credential:\n%s", text)
				}
			}
			if files, _ := os.ReadDir(out); tc.code == 1 && len(files) > 0 {
				t.Errorf("the export wrote %d files", len(files))
			}
			if configs, _ := os.ReadDir(filepath.Join(out, "configs")); len(configs) > 0 {
				t.Errorf("the export wrote %d configs of an agent whose reads failed", len(configs))
			}
		})
	}
}
