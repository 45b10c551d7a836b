package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// providerData is what Configure hands to every resource and data source: one
// client per provider process, so connections and the config schema are shared.
type providerData struct {
	// client sends every request; its writes keep agents fresh.
	client         *apiClient
	validateConfig bool
	// schemaKey identifies the API the config schema cache belongs to.
	schemaKey string
	// slots coordinates the anyreach_publish writes of this graph walk.
	slots *slotCoordinator
	// agents shares the agent reads of this graph walk (agent_reads.go).
	agents *agentReads
}

// providerDataFrom unpacks what Configure handed over. It returns nil without
// an error while the provider is not configured yet (early validation calls).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}
