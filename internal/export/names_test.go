package export

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

func TestSlug(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Riverside Dental Scheduler": "riverside_dental_scheduler",
		"Tom & Jerry's Café":         "tom_jerry_s_cafe",
		"tom-jerry-s  CAFE!":         "tom_jerry_s_cafe",
		"  --Ünïcødé--  ":            "unicode",
		"Straße Œuvre":               "strasse_oeuvre",
		"3 Amigos":                   "agent_3_amigos",
		"Служба поддержки":           "sluzhba_podderzhki",
		"Йошкар-Ола подъезд":         "yoshkar_ola_podezd",
		"Καλημέρα Αθήνα":             "kalimera_athina",
		"東京":                         "",
		"東京 Front desk":              "front_desk",
		"":                           "",
		"ﬁle_name":                   "file_name",
		strings.Repeat("long ", 20):  strings.TrimRight(strings.Repeat("long_", 10)[:48], "_"),
	} {
		if got := slug(name); got != want {
			t.Errorf("slug(%q) = %q, want %q", name, got, want)
		}
	}
}

func agent(id, name, created string) client.Agent {
	return client.Agent{ID: id, Name: name, CreatedAt: created, Active: true, Metadata: map[string]any{}}
}

// TestNamesAreStable: a name depends on the agent, not on the listing
// order; the oldest of agents whose names collide keeps the plain name and
// the others get the start of their ID, so adding or removing a newer twin
// or another agent renames nothing; a name with nothing readable gets one
// from the ID; names already given are kept.
func TestNamesAreStable(t *testing.T) {
	t.Parallel()
	agents := []client.Agent{
		agent("a1000000-0000", "Tom & Jerry's Café", "2026-01-01T00:00:00Z"),
		agent("a2000000-0000", "tom-jerry-s cafe", "2026-01-02T00:00:00Z"),
		agent("a3000000-0000", "Tom & Jerry’s Café!", "2026-01-02T00:00:00Z"), // same second as a2: the ID decides
		agent("a4000000-0000", "tom jerry s cafe a2000000", "2026-01-03T00:00:00Z"),
		agent("a5000000-0000", "Front desk", "2026-01-04T00:00:00.000001Z"),
		agent("a6000000-0000", "東京", "2026-01-05T00:00:00Z"),
	}
	want := map[string]string{"a1000000-0000": "tom_jerry_s_cafe", "a2000000-0000": "tom_jerry_s_cafe_a20000000000",
		"a3000000-0000": "tom_jerry_s_cafe_a3000000", "a4000000-0000": "tom_jerry_s_cafe_a2000000",
		"a5000000-0000": "front_desk", "a6000000-0000": "agent_a6000000"}
	for i := range 5 {
		shuffled := append([]client.Agent(nil), agents...)
		rand.New(rand.NewPCG(uint64(i), 7)).Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if got := agentNames(shuffled, nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("listing order %d: names %v, want %v", i, got, want)
		}
	}

	// Without a newer twin and another agent, the rest keep their names.
	fewer := []client.Agent{agents[0], agents[1], agents[3], agents[5]}
	for id, name := range agentNames(fewer, nil) {
		if name != want[id] {
			t.Errorf("with fewer agents, %s is named %s, was %s", id, name, want[id])
		}
	}

	// Names an earlier export gave are kept, and not given again.
	kept := map[string]string{"a1000000-0000": "old_name", "a5000000-0000": "tom_jerry_s_cafe_a3000000"}
	got := agentNames(agents, kept)
	if _, ok := got["a1000000-0000"]; ok {
		t.Errorf("an agent already exported was named again: %v", got)
	}
	if got["a3000000-0000"] != "tom_jerry_s_cafe_a30000000000" {
		t.Errorf("a name already given was given again: %v", got)
	}
}
