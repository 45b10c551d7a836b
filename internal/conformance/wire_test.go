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
