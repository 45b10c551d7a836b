package export

import (
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
)

// This file decides the names of the exported module: resource names and
// file names. A name is a function of the agent, never of the order agents
// are listed in:
//
//   - an agent's resources are named after its name, transliterated to
//     lower-case ASCII ("Tom & Jerry's Café" → tom_jerry_s_cafe, "Служба
//     поддержки" → sluzhba_podderzhki); a name with nothing readable left (a
//     Japanese name, say) becomes agent_<short ID>;
//   - when several agents' names give the same name, the oldest (by
//     creation, then ID) keeps it and every other gets its short ID
//     appended (tom_jerry_s_cafe_9f3a61c2): adding or deleting a newer twin
//     renames nothing;
//   - an export written into the same directory again keeps every name it
//     already gave;
//   - versions are named by role, not number: <agent>_live, <agent>_draft,
//     <agent>_history_<version> (see discovery.Version.Key), and a
//     publication after its version, with its direction when the version
//     has two.

// maxSlugLength keeps resource and file names readable.
const maxSlugLength = 48

// shortIDLength is how much of an agent ID breaks a name collision.
const shortIDLength = 8

// latin spells the Latin letters that do not decompose into a base letter
// and an accent.
var latin = strings.NewReplacer("ø", "o", "Ø", "O", "ß", "ss", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE",
	"ł", "l", "Ł", "L", "đ", "d", "Đ", "D", "ð", "d", "Ð", "D", "þ", "th", "Þ", "TH", "ı", "i")

// transliteration spells Cyrillic and Greek letters in Latin (lower case;
// slug lowers everything), after the common romanisations.
var transliteration = map[rune]string{
	// Cyrillic (Russian, Ukrainian, Belarusian, Serbian, Bulgarian letters).
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'ђ': "dj", 'е': "e", 'ё': "e", 'є': "ye", 'ж': "zh",
	'з': "z", 'и': "i", 'і': "i", 'ї': "yi", 'й': "y", 'ј': "j", 'к': "k", 'л': "l", 'љ': "lj", 'м': "m", 'н': "n",
	'њ': "nj", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'ћ': "c", 'у': "u", 'ў': "u", 'ф': "f", 'х': "kh",
	'ц': "ts", 'ч': "ch", 'џ': "dz", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	// Greek.
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k", 'λ': "l",
	'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'φ': "f",
	'χ': "ch", 'ψ': "ps", 'ω': "o",
}

// slug turns an agent name into the body of a Terraform identifier: accents
// dropped, Cyrillic and Greek transliterated, lower case, every run of other
// characters one underscore. It is "" when nothing readable is left.
func slug(name string) string {
	var b strings.Builder
	gap := false
	letter := func(s string) {
		if gap && b.Len() > 0 {
			b.WriteByte('_')
		}
		gap = false
		b.WriteString(s)
	}
	for _, r := range norm.NFKD.String(transliterate(latin.Replace(norm.NFC.String(name)))) {
		r = unicode.ToLower(r)
		switch t, ok := transliteration[r]; {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a decomposed letter
		case ok:
			if t != "" {
				letter(t)
			}
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			letter(string(r))
		default:
			gap = true
		}
	}
	s := b.String()
	if len(s) > maxSlugLength {
		s = strings.TrimRight(s[:maxSlugLength], "_")
	}
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "agent_" + s
	}
	return s
}

// transliterate spells the letters of the table before decomposition, so
// й is "y", not и with its breve dropped. Letters that only decompose into
// a letter of the table (Greek with accents) are spelled by slug after it.
func transliterate(s string) string {
	var b strings.Builder
	for _, r := range s {
		if t, ok := transliteration[unicode.ToLower(r)]; ok {
			b.WriteString(t)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shortID is the start of an agent ID as identifier characters.
func shortID(id string) string {
	s := idSlug(id)
	if len(s) > shortIDLength {
		s = s[:shortIDLength]
	}
	return s
}

// idSlug is a whole ID as identifier characters.
func idSlug(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// agentNames names the agents of agents that kept (ID → name, from an
// export already in the directory) does not name yet, and returns ID →
// name for those. See the rules at the top of this file.
func agentNames(agents []client.Agent, kept map[string]string) map[string]string {
	taken := map[string]string{} // name → agent ID
	for id, name := range kept {
		taken[name] = id
	}
	groups := map[string][]*client.Agent{}
	for i := range agents {
		a := &agents[i]
		base := slug(a.Name)
		if base == "" {
			base = "agent_" + shortID(a.ID)
		}
		groups[base] = append(groups[base], a)
	}
	names := map[string]string{}
	var suffixed []*client.Agent
	bases := map[string]string{} // agent ID → base
	for base, group := range groups {
		sortByAge(group)
		for i, a := range group {
			bases[a.ID] = base
			if _, ok := kept[a.ID]; ok {
				continue
			}
			if i == 0 && taken[base] == "" {
				names[a.ID], taken[base] = base, a.ID
				continue
			}
			suffixed = append(suffixed, a)
		}
	}
	sort.Slice(suffixed, func(i, j int) bool { return suffixed[i].ID < suffixed[j].ID })
	for _, a := range suffixed {
		name := bases[a.ID] + "_" + shortID(a.ID)
		if taken[name] != "" {
			name = bases[a.ID] + "_" + idSlug(a.ID)
		}
		names[a.ID], taken[name] = name, a.ID
	}
	return names
}

// sortByAge orders agents by creation, then ID.
func sortByAge(agents []*client.Agent) {
	sort.SliceStable(agents, func(i, j int) bool {
		a, b := agents[i], agents[j]
		ta, errA := time.Parse(time.RFC3339Nano, a.CreatedAt)
		tb, errB := time.Parse(time.RFC3339Nano, b.CreatedAt)
		switch {
		case errA == nil && errB == nil && !ta.Equal(tb):
			return ta.Before(tb)
		case (errA != nil || errB != nil) && a.CreatedAt != b.CreatedAt:
			return a.CreatedAt < b.CreatedAt
		}
		return a.ID < b.ID
	})
}

// versionName is the resource name of an agent's version: by role.
func versionName(agent string, v discovery.Version) string { return agent + "_" + v.Key() }

// publicationName is the resource name of a publication of a version; the
// direction tells apart the two publications of a version that holds other
// numbers inbound than outbound.
func publicationName(version string, p discovery.Publication, ofVersion int) string {
	if ofVersion > 1 {
		return version + "_" + p.Direction
	}
	return version
}

// Files of the module besides one agent_<name>.tf per agent and configs/.
const (
	providersFile = "providers.tf"
	importsFile   = "imports.tf"
	readmeFile    = "README.md"
)

func agentFile(agent string) string { return "agent_" + agent + ".tf" }

// configFile is a version's config file, relative to the module.
func configFile(agent string, v discovery.Version) string {
	return "configs/" + agent + "-" + v.Key() + ".json"
}

// inputsFile is a version's instruction_builder_inputs file.
func inputsFile(agent string, v discovery.Version) string {
	return "configs/" + agent + "-" + v.Key() + "-inputs.json"
}
