package discovery

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// Filter selects agents. The zero Filter selects every agent.
type Filter struct {
	// Name selects the agents with exactly this name ("" for any).
	Name string `json:"name,omitempty"`
	// Metadata selects the agents whose metadata holds every pair. Values are
	// text as a user types them; see MetadataMatches.
	Metadata map[string]string `json:"metadata,omitempty"`
}

// MetadataMatches reports whether a stored metadata value matches the text
// of a filter: the stored string equal to text, or, when text is JSON, a
// stored value equal to it as JSON (numbers by value, so "3" matches 3 and
// 3.0, "true" the boolean true).
func MetadataMatches(stored any, text string) bool {
	if s, ok := stored.(string); ok && s == text {
		return true
	}
	want, err := configjson.Decode(text)
	if err != nil {
		return false
	}
	return configjson.Equal(normalise(stored), want)
}

// normalise turns the float64 numbers encoding/json decodes into the
// json.Number values configjson compares.
func normalise(v any) any {
	s, err := configjson.Encode(v)
	if err != nil {
		return v
	}
	out, err := configjson.Decode(s)
	if err != nil {
		return v
	}
	return out
}

// Matches reports whether a (as listed or read) passes f.
func (f Filter) Matches(a *client.Agent) bool {
	if f.Name != "" && a.Name != f.Name {
		return false
	}
	for k, text := range f.Metadata {
		v, ok := a.Metadata[k]
		if !ok || !MetadataMatches(v, text) {
			return false
		}
	}
	return true
}

// serverFilter is the part of f the API can apply itself: the name, and
// the metadata pairs whose text is not JSON (so they can only mean a
// string). A pair such as count=3 may match the number or the string, which
// one API filter cannot say; it is applied here, after listing.
func (f Filter) serverFilter() client.AgentListOptions {
	opts := client.AgentListOptions{Name: f.Name, Limit: 100}
	for k, text := range f.Metadata {
		if _, err := configjson.Decode(text); err == nil {
			continue
		}
		if opts.Metadata == nil {
			opts.Metadata = map[string]string{}
		}
		opts.Metadata[k] = text
	}
	return opts
}

// List returns the agents that match f, as the list answers them (short
// forms: read each with Read for its versions and slots), in the API's order.
func List(ctx context.Context, c *client.Client, f Filter) ([]client.Agent, error) {
	listed, err := c.ListAgents(ctx, f.serverFilter())
	if err != nil {
		return nil, err
	}
	out := listed[:0]
	for i := range listed {
		if f.Matches(&listed[i]) {
			out = append(out, listed[i])
		}
	}
	return out, nil
}

// String says what f selects, for messages: `the name "Front Desk" and
// metadata team=blue`, or "every agent".
func (f Filter) String() string {
	var parts []string
	if f.Name != "" {
		parts = append(parts, fmt.Sprintf("the name %q", f.Name))
	}
	for _, k := range sortedKeys(f.Metadata) {
		parts = append(parts, "metadata "+k+"="+f.Metadata[k])
	}
	if len(parts) == 0 {
		return "every agent"
	}
	return strings.Join(parts, " and ")
}

// sortedKeys is m's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
