package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var (
	_ provider.ProviderWithFunctions = &AnyreachProvider{}
	_ function.Function              = &ConfigMergeFunction{}
)

// Functions lists the provider functions, called as provider::anyreach::NAME.
func (p *AnyreachProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewConfigMergeFunction,
	}
}

// ConfigMergeFunction is provider::anyreach::config_merge: one base
// AgentConfig with per-environment overlays, merged deeply (config_merge.go).
type ConfigMergeFunction struct{}

// NewConfigMergeFunction returns the config_merge function.
func NewConfigMergeFunction() function.Function { return &ConfigMergeFunction{} }

func (f *ConfigMergeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "config_merge"
}

func (f *ConfigMergeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Deep-merge JSON documents, such as a base AgentConfig and per-environment overlays",
		MarkdownDescription: "Merges JSON objects from left to right and returns the result as canonical JSON (keys sorted, " +
			"no insignificant whitespace, numbers written as they were given), ready for `config` of " +
			"`anyreach_agent_version`.\n\n" +
			"- Objects merge key by key; for a key present in both, the later document wins, recursively when both values are objects.\n" +
			"- Arrays, strings, numbers and booleans are replaced whole: an overlay's array replaces the base's array.\n" +
			"- `null` in an overlay deletes the key. A `null` in `base`, or inside an array, is kept.\n\n" +
			"Terraform's built-in `merge()` is shallow: it replaces a nested object such as `voice` instead of merging it. " +
			"This is JSON Merge Patch (RFC 7386) applied once per overlay. Every argument must be a JSON object; " +
			"anything else fails with an error naming the argument.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "base",
				MarkdownDescription: "The base document, a JSON object (for example `file(\"agent-config.json\")`).",
			},
		},
		VariadicParameter: function.StringParameter{
			Name: "overlays",
			MarkdownDescription: "Zero or more JSON objects merged onto `base` in order (for example " +
				"`jsonencode({ llm = { temperature = 0.2 } })`); later overlays win.",
		},
		Return: function.StringReturn{},
	}
}

func (f *ConfigMergeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var base string
	var overlays []string
	resp.Error = req.Arguments.Get(ctx, &base, &overlays)
	if resp.Error != nil {
		return
	}
	merged, bad, err := mergeJSONDocuments(append([]string{base}, overlays...))
	if err != nil && bad < 0 {
		resp.Error = function.NewFuncError("merging the documents failed: " + err.Error())
		return
	}
	if err != nil {
		resp.Error = function.NewArgumentFuncError(int64(bad), configMergeArgumentName(bad, len(overlays))+" "+err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, merged)
}

// configMergeArgumentName names the argument at index i (0 is base) the way a
// user counts them in the call.
func configMergeArgumentName(i, overlays int) string {
	if i == 0 {
		return "the base document (argument 1)"
	}
	if overlays == 1 {
		return "the overlay (argument 2)"
	}
	return fmt.Sprintf("overlay %d of %d (argument %d)", i, overlays, i+1)
}
