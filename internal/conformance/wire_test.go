package conformance_test

import (
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestValidatorRewritesDoNotDefeatRecovery: the service's validators store a
// config differently from what was sent (1 as 1.0, en-us as en-US, a stock
// voice_id added), so recovering a version whose create response was lost
// must still recognise it, not create it a second time.
func TestValidatorRewritesDoNotDefeatRecovery(t *testing.T) {
	for _, variant := range []bool{false, true} {
		e := newEnv(t, emulator.Options{LostResponseRate: 1, VariantWire: variant, NullOptionalFields: variant})
		a, err := e.c.CreateAgent(t.Context(), client.AgentCreate{Name: "rewritten"})
		if err != nil {
			t.Fatal(err)
		}
		cfg := config("x", map[string]any{
			"voice": map[string]any{"speed": 1, "language": "en-us"},
			"stt":   map[string]any{"language": "EN-gb"},
		})
		v, err := e.c.CreateVersion(t.Context(), a.ID, client.VersionCreate{Config: cfg})
		if err != nil {
			t.Fatalf("variant=%v: CreateVersion: %v", variant, err)
		}
		if n := len(e.stored(a.ID).Versions); n != 1 || v.Version != 1 {
			t.Errorf("variant=%v: the emulator holds %d versions after a lost create, want 1 (returned version %d)", variant, n, v.Version)
		}
		if got := at(decode(t, v.Config), "voice", "language"); got != "en-US" {
			t.Errorf("variant=%v: voice.language = %v, want the stored en-US", variant, got)
		}
	}
}

// TestVariantWireTolerated: the client reads every alternative of the
// contract's section 9 the same as the default: the agent's ID as "id", pages
// of 2 without a final next_cursor, versions as a bare array, phone numbers
// in an envelope, fields the contract does not list, nulls for unset
// optional config fields, and a 422 detail as one string.
func TestVariantWireTolerated(t *testing.T) {
	e := newEnv(t, emulator.Options{VariantWire: true, NullOptionalFields: true})
	ctx := t.Context()
	var want []string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		want = append(want, e.agent(name).ID)
	}
	if want[0] == "" {
		t.Fatal("[A] the agent's ID was not read from id")
	}
	agents, err := e.c.ListAgents(ctx, client.AgentListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(agents); len(got) != 5 || got[0] != want[0] || got[4] != want[4] {
		t.Errorf("[A] ListAgents over pages of 2 = %v, want %v", got, want)
	}
	for range 3 {
		e.version(want[0], config("x"))
	}
	versions, err := e.c.ListVersions(ctx, want[0], client.VersionListOptions{})
	if err != nil || len(versions) != 3 || versions[2].Version != 3 {
		t.Errorf("[A] ListVersions from a bare array = %d versions, %v", len(versions), err)
	}
	if v, present := decode(t, versions[0].Config)["starting_message"]; !present || v != nil {
		t.Errorf("[A] an unset optional field is not null: %s", versions[0].Config)
	}
	numbers, err := e.c.ListPhoneNumbers(ctx, client.PhoneNumberListOptions{})
	if err != nil || len(numbers) != 5 || numbers[4].PhoneNumber != num5 {
		t.Errorf("[A] ListPhoneNumbers from pages of 2 = %d numbers, %v", len(numbers), err)
	}
	// The client sends back what it read, nulls included.
	if _, err := e.c.UpdateVersion(ctx, want[0], 1, client.VersionUpdate{Config: versions[0].Config}); err != nil {
		t.Errorf("[A] a config read with nulls is not accepted back: %v", err)
	}
	_, err = e.c.CreateVersion(ctx, want[0], client.VersionCreate{Config: mustJSON(map[string]any{"type": "static_prompt"})})
	if ae := apiError(t, err, 422); ae.Detail == "" {
		t.Errorf("[A] a string 422 detail was not kept: %+v", ae)
	}
}
