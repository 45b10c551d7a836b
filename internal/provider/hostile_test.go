package provider

// Provider-level parts of the hostile-server suite (the client's are in
// internal/client/hostile_test.go, the CLI's in hostile_cli_test.go): the
// AgentConfig schema is data from the network, and the JSON documents a
// configuration hands over are bounded.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// TestHostileSchemaExternalRef: a served schema whose $ref points at a
// local file or another URL is refused with an error that says so; the
// file is never read (its content never reaches an error) and the URL is
// never fetched.
func TestHostileSchemaExternalRef(t *testing.T) {
	t.Parallel()
	secretFile := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(secretFile, []byte(`{"type": "object", "description": "TOP-SECRET-FILE-CONTENT"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"type": "object", "description": "TOP-SECRET-FILE-CONTENT"}`))
	}))
	t.Cleanup(other.Close)

	for name, ref := range map[string]string{
		"file":          "file://" + secretFile,
		"http":          other.URL + "/schema.json",
		"relative path": "secret.json",
		"file in $defs": "file://" + secretFile + "#/properties",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			schema := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
				"properties": {"llm": {"$ref": "#/$defs/LLM"}, "voice": {"$ref": "` + ref + `"}},
				"$defs": {"LLM": {"type": "object"}}}`
			_, err := parseConfigSchema([]byte(schema))
			if err == nil {
				t.Fatal("a schema with an external $ref compiled")
			}
			mustContainText(t, err.Error(), "outside the served document")
			if strings.Contains(err.Error(), "TOP-SECRET") {
				t.Errorf("the referenced content reached the error: %v", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the $ref URL was fetched %d times", n)
	}

	// References inside the document, including through a $id, still work.
	inside := `{"$id": "https://schemas.example/agent.json", "type": "object",
		"properties": {"llm": {"$ref": "https://schemas.example/agent.json#/$defs/LLM"}, "stt": {"$ref": "#/$defs/LLM"}},
		"$defs": {"LLM": {"type": "object", "required": ["model"]}}}`
	s, err := parseConfigSchema([]byte(inside))
	if err != nil {
		t.Fatalf("a schema with references inside the document: %v", err)
	}
	doc, _ := configjson.Decode(`{"llm": {}}`)
	if got := s.validate(doc); len(got) != 1 || !strings.Contains(got[0], `config.llm: missing required key "model"`) {
		t.Errorf("validate = %q", got)
	}
}

func mustContainText(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("%q does not contain %q", s, want)
	}
}

// TestJSONDocumentLimits: the config and instruction builder inputs are
// bounded in depth and size at validate time, and every example config
// the project ships passes with a wide margin.
func TestJSONDocumentLimits(t *testing.T) {
	t.Parallel()
	validate := func(doc string) []string {
		var resp validator.StringResponse
		jsonDocumentLimits{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("config"), ConfigValue: types.StringValue(doc),
		}, &resp)
		var out []string
		for _, d := range resp.Diagnostics {
			out = append(out, d.Summary()+": "+d.Detail())
		}
		return out
	}
	nested := func(depth int) string {
		return `{"tools":[{"properties":` + strings.Repeat(`{"a":`, depth) + `1` + strings.Repeat(`}`, depth) + `}]}`
	}
	if got := validate(nested(10000)); len(got) != 1 || !strings.Contains(got[0], "10003 levels deep") {
		t.Errorf("10,000 levels: %q", got)
	}
	if got := validate(nested(maxJSONDocumentDepth - 3)); got != nil {
		t.Errorf("%d levels: %q", maxJSONDocumentDepth, got)
	}
	if got := validate(nested(maxJSONDocumentDepth - 2)); len(got) != 1 {
		t.Errorf("%d levels: %q", maxJSONDocumentDepth+1, got)
	}
	big := `{"instructions":"` + strings.Repeat("x", maxJSONDocumentBytes) + `"}`
	if got := validate(big); len(got) != 1 || !strings.Contains(got[0], "at most 1024 KiB") {
		t.Errorf("over 1 MiB: %q", got)
	}
	if got := validate(`{"s":"[[[[{{{{\"]]]"}`); got != nil {
		t.Errorf("brackets inside a string counted: %q", got)
	}

	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*.json"))
	examples = append(examples, more...)
	if len(examples) == 0 {
		t.Fatal("no example configs found")
	}
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := jsonDepth(string(b)); d > maxJSONDocumentDepth/4 || len(b) > maxJSONDocumentBytes/16 {
			t.Errorf("%s: depth %d, %d bytes: too close to the limits", f, d, len(b))
		}
	}
}

// recursiveDefaultSchema is a legal JSON Schema in which a property's
// default is an object of its own recursive type: filling in defaults never
// ends, and once overflowed the provider's stack during apply.
const recursiveDefaultSchema = `{"type":"object","properties":{"type":{"type":"string"},"node":{"$ref":"#/$defs/Node"}},` +
	`"$defs":{"Node":{"type":"object","properties":{"child":{"$ref":"#/$defs/Node","default":{}}}}}}`

// TestHostileSchemaOverTheLimits: a served schema over the limits is
// refused when it is parsed, before anything compiles, and the plan's
// diagnostic is an error naming the limit, as is one for a credential the
// API refuses; any other failure to fetch the schema only warns.
func TestHostileSchemaOverTheLimits(t *testing.T) {
	t.Parallel()
	_, err := parseConfigSchema([]byte(recursiveDefaultSchema))
	if !errors.Is(err, configjson.ErrSchemaLimit) {
		t.Fatalf("parseConfigSchema = %v, want ErrSchemaLimit", err)
	}
	mustContainText(t, err.Error(), "holds an object of its own type")
	mustContainText(t, err.Error(), "at most 32 levels")

	for _, tc := range []struct {
		err      error
		severity diag.Severity
		summary  string
	}{
		{err, diag.SeverityError, "AgentConfig schema refused"},
		{&client.APIError{StatusCode: 401, Method: "GET", Path: "/core/agent-config-schema"}, diag.SeverityError, "Anyreach API refused the credentials"},
		{&client.APIError{StatusCode: 403, Method: "GET", Path: "/core/agent-config-schema"}, diag.SeverityError, "Anyreach API refused the credentials"},
		{&client.APIError{StatusCode: 503, Method: "GET", Path: "/core/agent-config-schema"}, diag.SeverityWarning, "AgentConfig not validated"},
		{errors.New("connection refused"), diag.SeverityWarning, "AgentConfig not validated"},
	} {
		d := configSchemaUnavailable(tc.err)
		if d.Severity() != tc.severity || d.Summary() != tc.summary {
			t.Errorf("%v: %v %q, want %v %q", tc.err, d.Severity(), d.Summary(), tc.severity, tc.summary)
		}
	}
}
