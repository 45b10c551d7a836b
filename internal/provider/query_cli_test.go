package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// adoptQuery lists a whole organization: every agent, and for each the
// versions and publications, and the SIP endpoints. It is the query of the
// adoption guide (templates/guides/adopt-organization.md.tmpl).
const adoptQuery = `
list "anyreach_agent" "all" {
  provider = anyreach
}

list "anyreach_agent_version" "all" {
  provider = anyreach
  for_each = { for agent in list.anyreach_agent.all.data : agent.identity.id => agent }

  config {
    agent_id = each.key
  }
}

list "anyreach_publish" "all" {
  provider = anyreach
  for_each = { for agent in list.anyreach_agent.all.data : agent.identity.id => agent }

  config {
    agent_id = each.key
  }
}

list "anyreach_sip_deployment" "all" {
  provider = anyreach
}
`

// exportSeedQueryResults is how many objects adoptQuery finds in exportSeed:
// every agent and every version, one publication per version and direction
// that holds numbers, one for an agent's live (newest published) version when
// it holds no number (published on the web only), and each SIP endpoint.
func exportSeedQueryResults() int {
	n := 0
	for _, a := range exportSeed {
		n++ // the agent
		live := -1
		for i, v := range a.versions {
			if v.published || len(v.publish) > 0 {
				live = i
			}
		}
		for i, v := range a.versions {
			n++ // the version
			directions := map[string]bool{}
			for _, p := range v.publish {
				directions[p.direction] = true
			}
			n += len(directions)
			if i == live && len(v.publish) == 0 {
				n++ // live on the web only
			}
		}
		if a.sip {
			n++
		}
	}
	return n
}

// TestAccCLIQueryGeneratesAdoptingConfig adopts an organization holding
// agents in every shape with terraform query (Terraform 1.14 and later): the
// query names what it finds, -generate-config-out writes configuration whose
// plan imports every object and changes nothing (published versions are not
// replaced), apply imports them, and the next plan is empty. It runs against
// the emulator's default wire, its variant wire and with unset optional
// config fields written as null.
func TestAccCLIQueryGeneratesAdoptingConfig(t *testing.T) {
	t.Parallel()
	if product, major, minor := cliVersion(t); product != "Terraform" || major == 1 && minor < 14 {
		t.Skipf("terraform query needs Terraform 1.14 or later; the tests run %s %d.%d", product, major, minor)
	}
	acrossWires(t, testQueryGeneratesAdoptingConfig)
}

func testQueryGeneratesAdoptingConfig(t *testing.T, opts emulator.Options) {
	emu := newTestEmulator(t, opts)
	seedExportOrganization(t, emu)
	w := newCLIWorkspaceWith(t, buildProviderBinary(t), "terraform {\n  required_providers {\n    anyreach = {\n      source = \"anyreach/anyreach\"\n    }\n  }\n}\n",
		[]string{"ANYREACH_BASE_URL=" + emu.URL, "ANYREACH_TOKEN=" + testToken})
	w.writeFile(t, "adopt.tfquery.hcl", adoptQuery)

	out := w.mustRun(t, "query", "-no-color")
	for _, want := range []string{"Front Desk", "Multi Version version 3 (published, live)", "Multi Version version 3, published on the web only",
		"Call Center version 1, both on +15550100003", "Call Center at sip:"} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform query does not name %q:\n%s", want, out)
		}
	}

	w.mustRun(t, "query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	want := exportSeedQueryResults()
	if n := strings.Count(string(generated), "import {"); n != want {
		t.Fatalf("the generated configuration imports %d objects, want %d:\n%s", n, want, generated)
	}
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	out = w.expectExit(t, 2, "the plan of the generated configuration", plan...)
	expectImportsOnly(t, out, want)
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	w.expectExit(t, 0, "the plan after importing the generated configuration", plan...)
}
