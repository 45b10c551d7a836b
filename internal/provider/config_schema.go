package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// agentConfigSchemaURL is the name the fetched schema is compiled under.
const agentConfigSchemaURL = "anyreach:///core/agent-config-schema.json"

// agentConfigSchema is the AgentConfig JSON Schema served by the API, fetched
// and compiled once per provider process and shared by every resource.
type agentConfigSchema struct {
	raw        json.RawMessage
	sha256     string
	properties []string
	compiled   *jsonschema.Schema
	shape      *configjson.Shape // defaults and declared keys, for the drift rule (config_drift.go)
}

// schemaCacheEntry holds one API's schema; the mutex makes concurrent
// resources wait for a single fetch instead of each fetching.
type schemaCacheEntry struct {
	mu     sync.Mutex
	done   bool
	schema *agentConfigSchema
	err    error
}

// schemaCache is keyed by base URL and organization, so acceptance tests that
// run several emulators in one process never share a schema by accident.
var schemaCache sync.Map

// configSchema returns the AgentConfig schema, fetching it on first use. A
// failed fetch is remembered too: plan then warns once per resource instead of
// hammering an API that is not answering.
func (pd *providerData) configSchema(ctx context.Context) (*agentConfigSchema, error) {
	v, _ := schemaCache.LoadOrStore(pd.schemaKey, &schemaCacheEntry{})
	e := v.(*schemaCacheEntry) //nolint:forcetypeassert // only *schemaCacheEntry is stored
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.done {
		e.schema, e.err = fetchConfigSchema(ctx, pd)
		// A cancelled context says nothing about the API; let the next caller try.
		e.done = ctx.Err() == nil
	}
	return e.schema, e.err
}

// fetchConfigSchema fetches and compiles the schema.
func fetchConfigSchema(ctx context.Context, pd *providerData) (*agentConfigSchema, error) {
	raw, err := pd.client.AgentConfigSchema(ctx)
	if err != nil {
		return nil, err
	}
	return parseConfigSchema(raw)
}

// parseConfigSchema compiles the schema and lists its top-level properties,
// including those of every variant of a top-level oneOf/anyOf union.
func parseConfigSchema(raw json.RawMessage) (*agentConfigSchema, error) {
	tree, err := configjson.Decode(string(raw))
	if err != nil {
		return nil, fmt.Errorf("the AgentConfig schema is not valid JSON: %w", err)
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, errors.New("the AgentConfig schema served by the API is not a JSON object")
	}
	// The limits come first: the compiler's time grows with the square of
	// the schema's size.
	shape, err := configjson.NewShape(root)
	if err != nil {
		return nil, fmt.Errorf("the AgentConfig schema served by the API was refused: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("the AgentConfig schema is not valid JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	refused := &refuseExternalRefs{}
	c.UseLoader(refused)
	if err := c.AddResource(agentConfigSchemaURL, doc); err != nil {
		return nil, fmt.Errorf("loading the AgentConfig schema: %w", err)
	}
	compiled, err := c.Compile(agentConfigSchemaURL)
	if err != nil {
		if refused.url != "" {
			// The library's error wraps ours without Unwrap; say it plainly.
			return nil, &externalRefError{url: refused.url}
		}
		return nil, fmt.Errorf("compiling the AgentConfig schema: %w", err)
	}
	sum := sha256.Sum256(raw)
	return &agentConfigSchema{
		shape:      shape,
		raw:        raw,
		sha256:     hex.EncodeToString(sum[:]),
		properties: shape.TopLevelKeys(),
		compiled:   compiled,
	}, nil
}

// configSchemaUnavailable is the plan's diagnostic when the AgentConfig
// schema cannot be had. A credential the API refuses (401, 403) or a schema
// over the provider's limits fails the plan: apply would meet the same
// refusal, or the same schema, after creating what came before. Anything
// else (the API down, say) only warns, and the API validates on apply.
func configSchemaUnavailable(err error) diag.Diagnostic {
	switch {
	case client.IsUnauthorized(err), client.IsForbidden(err):
		return diag.NewErrorDiagnostic("Anyreach API refused the credentials",
			"Fetching the AgentConfig JSON Schema (GET /core/agent-config-schema) to validate config was refused, so "+
				"applying this plan would fail too. Check that the token is valid and not revoked, that it belongs to the "+
				"organization you mean (a pat_ token needs organization_id), and that it has the read scope. Cause: "+err.Error())
	case errors.Is(err, configjson.ErrSchemaLimit):
		return diag.NewAttributeErrorDiagnostic(path.Root("config"), "AgentConfig schema refused",
			"The AgentConfig JSON Schema served by the Anyreach API exceeds a limit of the provider, so config cannot be "+
				"validated or compared with its defaults, and nothing was created. Report this to Anyreach, or set "+
				"validate_config = false in the provider block to leave validation to the API. Cause: "+err.Error())
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("config"), "AgentConfig not validated",
		"The AgentConfig JSON Schema could not be fetched from GET /core/agent-config-schema, so config was not validated "+
			"at plan time; the API still validates it on apply. Cause: "+err.Error())
}

// refuseExternalRefs is the schema compiler's only loader. The schema is
// data from the network, and its references must point inside the served
// document ("#/$defs/..."); the library's default loader would read a
// "file://" reference from the local disk, and its text would end up in a
// validation error. The JSON Schema meta-schemas are built into the library
// and never reach a loader.
// It remembers the first reference it refused.
type refuseExternalRefs struct{ url string }

func (l *refuseExternalRefs) Load(url string) (any, error) {
	if l.url == "" {
		l.url = url
	}
	return nil, &externalRefError{url: url}
}

// externalRefError is a $ref that leaves the served document.
type externalRefError struct{ url string }

func (e *externalRefError) Error() string {
	return fmt.Sprintf("the AgentConfig schema served by the API refers to %q, outside the served document; "+
		"only references inside the document (such as \"#/$defs/...\") are resolved, so the schema was not used", e.url)
}

// validate checks a decoded config against the schema and returns one
// "config.<path>: <rule broken>" message per problem.
func (s *agentConfigSchema) validate(doc any) []string {
	err := s.compiled.Validate(doc)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []string{"config: " + err.Error()}
	}
	return sortedUnique(problems(verr))
}

var englishPrinter = message.NewPrinter(language.English)

// problems renders a validation error as messages about the user's config,
// not about the schema's structure. Under a oneOf (a union such as the config
// "type" or an email/sms channel) the branches that fail on their
// discriminator are dropped, so an error inside a static_prompt config is
// reported against the static_prompt rules only; a union that no branch
// matches at all is reported as one message listing what each form needs.
func problems(e *jsonschema.ValidationError) []string {
	at := jsonPointerToPath("config", e.InstanceLocation)
	if len(e.Causes) == 0 {
		return []string{at + ": " + describeKind(e.ErrorKind)}
	}
	if _, isOneOf := e.ErrorKind.(*kind.OneOf); !isOneOf {
		var out []string
		for _, c := range e.Causes {
			out = append(out, problems(c)...)
		}
		return out
	}

	var candidates []*jsonschema.ValidationError
	var wanted []string
	discriminator := ""
	for _, branch := range e.Causes {
		if leaf := discriminatorFailure(branch, len(e.InstanceLocation)); leaf != nil {
			discriminator = jsonPointerToPath("config", leaf.InstanceLocation)
			if c, ok := leaf.ErrorKind.(*kind.Const); ok {
				wanted = append(wanted, fmt.Sprintf("%q", fmt.Sprint(c.Want)))
			}
			continue
		}
		candidates = append(candidates, branch)
	}
	switch {
	case len(candidates) == 1:
		return problems(candidates[0])
	case len(candidates) == 0 && discriminator != "":
		return []string{discriminator + ": must be one of " + strings.Join(wanted, ", ")}
	}
	forms := make([]string, 0, len(candidates))
	for i, branch := range candidates {
		forms = append(forms, fmt.Sprintf("form %d: %s", i+1, strings.Join(sortedUnique(problems(branch)), "; ")))
	}
	return []string{at + ": must match exactly one of the allowed forms, and matches none (" + strings.Join(forms, " | ") + ")"}
}

// describeKind words the rule a value breaks for a Terraform user: what the
// value must be, then what it is where that is a type or a number. A string
// value is never quoted, since config may come from a sensitive variable.
// Rules without a clearer wording keep the validator's own.
func describeKind(k jsonschema.ErrorKind) string {
	num := func(r interface{ Float64() (float64, bool) }) string {
		f, _ := r.Float64()
		return fmt.Sprint(f)
	}
	quoted := func(keys []string) string {
		q := make([]string, len(keys))
		for i, k := range keys {
			q[i] = fmt.Sprintf("%q", k)
		}
		return strings.Join(q, ", ")
	}
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("must be of type %s, got %s", strings.Join(k.Want, " or "), k.Got)
	case *kind.Maximum:
		return fmt.Sprintf("must be at most %s, got %s", num(k.Want), num(k.Got))
	case *kind.Minimum:
		return fmt.Sprintf("must be at least %s, got %s", num(k.Want), num(k.Got))
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("must be less than %s, got %s", num(k.Want), num(k.Got))
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("must be greater than %s, got %s", num(k.Want), num(k.Got))
	case *kind.Required:
		if len(k.Missing) == 1 {
			return fmt.Sprintf("missing required key %s", quoted(k.Missing))
		}
		return fmt.Sprintf("missing required keys %s", quoted(k.Missing))
	case *kind.Pattern:
		// Never the value itself: config may come from a sensitive variable.
		return fmt.Sprintf("must match the pattern %q", k.Want)
	case *kind.Format:
		return fmt.Sprintf("must be a valid %s", k.Want)
	case *kind.AdditionalProperties:
		if len(k.Properties) == 1 {
			return fmt.Sprintf("key %s is not allowed here", quoted(k.Properties))
		}
		return fmt.Sprintf("keys %s are not allowed here", quoted(k.Properties))
	}
	return k.LocalizedString(englishPrinter)
}

// discriminatorFailure returns the error of a oneOf branch rejected because a
// direct child property of the union's instance did not match a const.
func discriminatorFailure(e *jsonschema.ValidationError, depth int) *jsonschema.ValidationError {
	if _, isConst := e.ErrorKind.(*kind.Const); isConst && len(e.InstanceLocation) == depth+1 {
		return e
	}
	for _, c := range e.Causes {
		if leaf := discriminatorFailure(c, depth); leaf != nil {
			return leaf
		}
	}
	return nil
}

// jsonPointerToPath renders instance location tokens as config.a.b[0].c.
func jsonPointerToPath(root string, tokens []string) string {
	var b strings.Builder
	b.WriteString(root)
	for _, t := range tokens {
		if _, err := strconv.Atoi(t); err == nil {
			b.WriteString("[" + t + "]")
			continue
		}
		b.WriteString("." + t)
	}
	return b.String()
}

// sortedUnique sorts and de-duplicates strings.
func sortedUnique(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}
