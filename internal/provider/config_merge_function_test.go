package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Provider functions need Terraform 1.8 (OpenTofu 1.7). These tests run the
// real CLI (make test-tofu runs them under OpenTofu too, hence TestAcc) but no
// API: functions are called without configuring the provider.

// functionTest runs the steps with the provider served in the test process,
// skipped below Terraform 1.8.
func functionTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// documentedMerges are the results the comments of the function's example
// (examples/functions/config_merge/function.tf, shown on its docs page) claim
// for its locals.
var documentedMerges = map[string]string{
	"staging":          `{"llm":{"model":"gpt-4o","temperature":0.2},"tools":[],"voice":{"provider":"elevenlabs","voice_id":"rachel"}}`,
	"without_voice_id": `{"llm":{"model":"gpt-4o","temperature":0.7},"tools":[{"name":"transfer_to_front_desk"}],"voice":{"provider":"elevenlabs"}}`,
	"production":       `{"llm":{"model":"gpt-4.1","temperature":0.7},"tools":[{"name":"transfer_to_front_desk"}],"voice":{"provider":"elevenlabs","voice_id":"rachel"}}`,
}

// functionExample returns the documented example and checks its comments
// show the results of documentedMerges.
func functionExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "functions", "config_merge", "function.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range documentedMerges {
		if !strings.Contains(string(b), "# "+want+"\n") {
			t.Errorf("the example's comments do not show local.%s as %s", name, want)
		}
	}
	return string(b)
}

// The documented example evaluates to what its comments say.
func TestAccFunctionConfigMerge_documented(t *testing.T) {
	t.Parallel()
	cfg := functionExample(t)
	var checks []statecheck.StateCheck
	for name, want := range documentedMerges {
		cfg += fmt.Sprintf("\noutput %q {\n  value = local.%s\n}\n", name, name)
		checks = append(checks, statecheck.ExpectKnownOutputValue(name, knownvalue.StringExact(want)))
	}
	functionTest(t, resource.TestStep{Config: cfg, ConfigStateChecks: checks})
}

// JSON text keeps its numbers as written (jsonencode of an HCL number cannot:
// it writes 1.0 as 1), and <, > and & are not escaped.
func TestAccFunctionConfigMerge_exact(t *testing.T) {
	t.Parallel()
	functionTest(t, resource.TestStep{
		Config: `
output "merged" {
  value = provider::anyreach::config_merge(
    "{\"voice\": {\"speed\": 1.0}, \"big\": 12345678901234567890123, \"text\": \"<&>\"}",
    "{\"voice\": {\"pitch\": 1e2}}",
  )
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("merged", knownvalue.StringExact(
				`{"big":12345678901234567890123,"text":"<&>","voice":{"pitch":1e2,"speed":1.0}}`)),
		},
	})
}

// terraform console (and tofu console) evaluates the documented example as
// documented, with the provider loaded through a dev override like a user's.
// OpenTofu evaluates provider functions in the console only where the
// configuration calls them, so the console is asked for the locals, as the
// function's docs page says.
func TestAccFunctionConfigMerge_console(t *testing.T) {
	t.Parallel()
	product, major, minor := cliVersion(t)
	if need := map[string]int{"Terraform": 8, "OpenTofu": 7}[product]; major == 1 && minor < need {
		t.Skipf("provider functions need %s 1.%d; this is %d.%d", product, need, major, minor)
	}
	example := functionExample(t)
	w := newCLIWorkspace(t, buildProviderBinary(t), "", nil)
	if err := os.WriteFile(filepath.Join(w.Dir, "main.tf"), []byte(providerRequirement+"\n"+example), 0o600); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	for name, want := range documentedMerges {
		inputs["local."+name] = want
	}
	if product == "Terraform" {
		// Terraform also evaluates a call typed at the prompt (the docs' second example).
		inputs[`provider::anyreach::config_merge("{\"a\":{\"b\":1}}", "{\"a\":{\"c\":2}}")`] = `{"a":{"b":1,"c":2}}`
	}
	for input, want := range inputs {
		cmd := w.command(t, "console", "-no-color")
		cmd.Stdin = strings.NewReader(input + "\n")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("console %s: %v\n%s", input, err, out)
		}
		// The console prints a string as a quoted HCL string.
		if got := strings.TrimSpace(string(out)); got != strconv.Quote(want) {
			t.Errorf("console %s printed\n%s\nwant\n%s", input, got, strconv.Quote(want))
		}
	}
}

// An overlay known only after apply makes the result unknown in the plan, and
// the result is the merge once it is known.
func TestAccFunctionConfigMerge_unknownOverlay(t *testing.T) {
	t.Parallel()
	functionTest(t, resource.TestStep{
		Config: `
resource "terraform_data" "overlay" {
  input = jsonencode({ b = 2 })
}

output "merged" {
  value = provider::anyreach::config_merge("{\"a\":1}", terraform_data.overlay.output)
}
`,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownOutputValue("merged")},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("merged", knownvalue.StringExact(`{"a":1,"b":2}`)),
		},
	})
}

// Each bad argument fails the plan with an error naming it.
func TestAccFunctionConfigMerge_errors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, call string
		want       *regexp.Regexp
	}{
		{"base not an object", `provider::anyreach::config_merge("[1, 2]", "{}")`,
			wordsRegexp(`Invalid value for "base" parameter: the base document (argument 1) is a JSON array, not a JSON object.`)},
		{"the only overlay not an object", `provider::anyreach::config_merge("{}", "\"text\"")`,
			wordsRegexp(`Invalid value for "overlays" parameter: the overlay (argument 2) is a JSON string, not a JSON object.`)},
		{"one of several overlays not JSON", `provider::anyreach::config_merge("{}", "{}", "{\"a\":}")`,
			wordsRegexp(`Invalid value for "overlays" parameter: overlay 2 of 2 (argument 3) is not valid JSON: invalid character '}' looking for beginning of value.`)},
		{"empty base", `provider::anyreach::config_merge("")`,
			wordsRegexp(`Invalid value for "base" parameter: the base document (argument 1) is an empty string, not a JSON object.`)},
		{"null overlay", `provider::anyreach::config_merge("{}", null)`,
			wordsRegexp(`Invalid value for "overlays" parameter: argument must not be null.`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			functionTest(t, resource.TestStep{
				Config:      "output \"merged\" {\n  value = " + tc.call + "\n}\n",
				ExpectError: tc.want,
			})
		})
	}
}

// wordsRegexp matches text word for word, across the line breaks the CLI
// wraps long messages at.
func wordsRegexp(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// providerRequirement is the terraform block of a root module using this provider.
const providerRequirement = `terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}
`

// cliVersion is the product ("Terraform" or "OpenTofu") and version of the
// CLI the tests run (terraformBinary).
func cliVersion(t *testing.T) (product string, major, minor int) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), terraformBinary(t), "version").Output() //nolint:gosec // the test's own terraform binary
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	m := regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\d+)\.(\d+)\.`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("terraform version printed no version:\n%s", out)
	}
	major, _ = strconv.Atoi(m[2])
	minor, _ = strconv.Atoi(m[3])
	return m[1], major, minor
}
