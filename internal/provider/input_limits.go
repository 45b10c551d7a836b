package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Limits on the JSON documents a configuration hands the provider (an
// agent version's config and instruction builder inputs), checked at
// validate time so an absurd document fails before anything else reads it.
// A document 10,000 levels deep used to pass validation and then hold
// `terraform plan` for minutes at gigabytes of memory.
//
// Both are far above any real AgentConfig: the deepest part of one is a
// tool's parameter schema (config.tools[].properties), a handful of levels,
// and the largest part its instructions, tens of KiB.
const (
	maxJSONDocumentDepth = 64
	maxJSONDocumentBytes = 1 << 20 // 1 MiB
)

// jsonDocumentLimits refuses a JSON document over maxJSONDocumentBytes or
// nested deeper than maxJSONDocumentDepth.
type jsonDocumentLimits struct{}

var _ validator.String = jsonDocumentLimits{}

func (jsonDocumentLimits) Description(context.Context) string {
	return fmt.Sprintf("at most %d KiB of JSON, nested at most %d levels deep", maxJSONDocumentBytes>>10, maxJSONDocumentDepth)
}

func (v jsonDocumentLimits) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonDocumentLimits) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if title, problem := jsonDocumentProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, title, fmt.Sprintf("%s %s", req.Path, problem))
	}
}

// jsonDocumentProblem returns a title and a sentence (to follow the
// document's name) when doc is over the limits, else "", "". The
// validator above and provider::anyreach::config_merge share it.
func jsonDocumentProblem(doc string) (title, problem string) {
	if n := len(doc); n > maxJSONDocumentBytes {
		return "JSON document too large", fmt.Sprintf("is %d KiB; the provider accepts at most %d KiB (1 MiB), far more than any "+
			"real agent configuration needs. Check that the right file is referenced.", n>>10, maxJSONDocumentBytes>>10)
	}
	if d := jsonDepth(doc); d > maxJSONDocumentDepth {
		return "JSON document nested too deeply", fmt.Sprintf("nests objects and arrays %d levels deep; the provider accepts at most %d "+
			"levels, far more than any real agent configuration needs.", d, maxJSONDocumentDepth)
	}
	return "", ""
}

// jsonDepth returns how deeply objects and arrays nest in a JSON text, in
// one pass without decoding it: brackets inside strings do not count.
// Malformed JSON is left to jsonText.
func jsonDepth(s string) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}

// notBlank refuses a string made only of white space, which the API would
// refuse on apply (or, worse, store as a name nobody can see). The empty
// string is left to stringvalidator.LengthAtLeast, so it is reported once.
type notBlank struct{}

var _ validator.String = notBlank{}

func (notBlank) Description(context.Context) string {
	return "must contain a character other than white space"
}

func (v notBlank) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notBlank) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if strings.IndexFunc(req.ConfigValue.ValueString(), func(r rune) bool { return !unicode.IsSpace(r) }) < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Blank "+req.Path.String(),
			fmt.Sprintf("%s must contain a character other than white space, got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}
