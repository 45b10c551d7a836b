package provider

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// This file is the private-state record of anyreach_agent's metadata types.
// anyreach_agent shows metadata as a map of strings, a value of any other
// JSON type as its JSON text (3, true, {"a":1}). The record lists the keys
// whose value Anyreach holds as something other than a string, so an update
// that leaves such a value as it is writes it back as the same JSON value,
// not as its text.

// metadataTypesKey holds a JSON array of those keys.
const metadataTypesKey = "metadata_non_string_keys"

// getMetadataTypes returns the keys recorded as holding non-string values.
func getMetadataTypes(ctx context.Context, private privateReader) map[string]bool {
	out := map[string]bool{}
	if private == nil {
		return out
	}
	raw, diags := private.GetKey(ctx, metadataTypesKey)
	if diags.HasError() || len(raw) == 0 {
		return out
	}
	var keys []string
	if json.Unmarshal(raw, &keys) != nil {
		return out
	}
	for _, k := range keys {
		out[k] = true
	}
	return out
}

// setMetadataTypes records which keys of the API's metadata hold a value
// other than a string. It writes only when that changes: plan -refresh-only
// reports any change of private state.
func setMetadataTypes(ctx context.Context, private privateState, metadata map[string]any) diag.Diagnostics {
	if private == nil {
		return nil
	}
	var keys []string
	for k, v := range metadata {
		if _, isString := v.(string); !isString {
			keys = append(keys, k)
		}
	}
	recorded := getMetadataTypes(ctx, private)
	if len(recorded) == len(keys) {
		same := true
		for _, k := range keys {
			same = same && recorded[k]
		}
		if same {
			return nil
		}
	}
	if len(keys) == 0 {
		return private.SetKey(ctx, metadataTypesKey, nil)
	}
	sort.Strings(keys)
	raw, err := json.Marshal(keys)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the metadata's types", err.Error())
		return diags
	}
	return private.SetKey(ctx, metadataTypesKey, raw)
}
