// Package configjson holds the JSON rules an AgentConfig is handled by, for
// the provider and for anyreach-export alike: exact decoding (numbers kept as
// written), canonical encoding without HTML escaping, comparison by value,
// and what the served AgentConfig JSON Schema says about a config (its
// defaults and declared keys, see Shape).
//
// It knows nothing of Terraform or HTTP. The rule that decides what a
// difference between a configuration and the stored config means is the
// provider's (internal/provider/config_drift.go); this package supplies the
// pieces that rule and the exporter share, so an exported config is written
// exactly as the provider's import reads it.
package configjson
