package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// The JSON arguments of anyreach_agent_version (config and
// instruction_builder_inputs) are plain strings checked by jsonText. They
// often come from sensitive variables, so no type of a library is used for
// them: the framework traces a custom type's value around its semantic
// equality, and the jsontypes validation quotes the whole value in its
// error. What "the same JSON" means is decided by the provider itself
// (config_drift.go for config, sameJSON for the builder inputs).

// jsonText refuses a value that is not one JSON document, naming the byte
// offset of the problem and never any of the value's text.
type jsonText struct{}

var _ validator.String = jsonText{}

func (jsonText) Description(context.Context) string { return "a JSON document" }

func (v jsonText) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (jsonText) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	_, err := configjson.Decode(req.ConfigValue.ValueString())
	if err == nil {
		return
	}
	where := "at its end"
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		where = fmt.Sprintf("at byte %d", syntax.Offset)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON",
		fmt.Sprintf("%s must be one JSON document (for example jsonencode({...}) or file(\"agent.json\")); it is not valid JSON %s. "+
			"The value itself is not shown, since it may be sensitive.", req.Path, where))
}

// newConfigValue is JSON text as the model holds it.
func newConfigValue(s string) types.String { return types.StringValue(s) }

// sameJSON reports whether two JSON texts hold the same value (numbers by
// value, key order and whitespace ignored).
func sameJSON(a, b string) bool {
	av, errA := configjson.Decode(a)
	bv, errB := configjson.Decode(b)
	return errA == nil && errB == nil && configjson.Equal(av, bv)
}
