package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
	"github.com/anyreach/terraform-provider-anyreach/internal/versionid"
)

// The tests in this file (named TestAcc so make test-tofu runs them under
// OpenTofu too) drive the terraform CLI through the rows of the
// workflow matrix that the testing framework cannot express: exit codes of
// plan -detailed-exitcode and plan -refresh-only -detailed-exitcode, terraform
// state rm followed by terraform import, import blocks with and without
// -generate-config-out, what plan and show print of a sensitive config, and
// how long a plan is. Each runs the provider binary built from this module
// against an in-process emulator.

// workflowConfig is a whole agent: a version from a pretty-printed file
// whose prompt holds &, <, > and non-ASCII text, published on a number, and
// exposed as a SIP endpoint; and a second agent whose version answers a
// number through anyreach_agent_routing.
const workflowConfig = `
terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

resource "anyreach_agent" "scheduler" {
  name     = "Tom & Jerry's Café"
  metadata = { team = "dental" }
}

resource "anyreach_agent_version" "scheduler" {
  agent_id = anyreach_agent.scheduler.id
  config   = file("${path.module}/agent-config.json")
}

resource "anyreach_publish" "scheduler" {
  agent_id      = anyreach_agent.scheduler.id
  version       = anyreach_agent_version.scheduler.version
  phone_numbers = ["+15550100001"]
}

resource "anyreach_sip_deployment" "scheduler" {
  agent_id   = anyreach_agent.scheduler.id
  depends_on = [anyreach_publish.scheduler]
}

resource "anyreach_agent" "frontdesk" {
  name = "Front desk"
}

resource "anyreach_agent_version" "frontdesk" {
  agent_id = anyreach_agent.frontdesk.id
  config   = jsonencode({ type = "static_prompt", instructions = "Greet visitors at the front desk.", llm = { model = "gpt-4o" } })
}

resource "anyreach_agent_routing" "frontdesk" {
  agent_id = anyreach_agent.frontdesk.id
  inbound  = { "+15550100002" = anyreach_agent_version.frontdesk.version }
}
`

// workflowAgentConfig writes only some keys; the server fills the rest.
const workflowAgentConfig = `{
  "type": "static_prompt",
  "instructions": "Book visits for Tom & Jerry's Café <downtown>. Répondez en français si on vous parle français.",
  "starting_message": "Hello, Café Dental — how can I help?",
  "llm": {
    "model": "gpt-4o",
    "temperature": 0.5
  },
  "voice": {
    "provider": "elevenlabs",
    "voice_id": "rachel",
    "speed": 1.0
  }
}
`

// TestAccCLIWorkflowRowsEveryResource runs rows 1, 2, 3 and 7 of the workflow
// matrix for every resource type together: plan after apply, refresh-only
// after an apply in which anyreach_publish published the version (so a
// sibling changed the version's server object) and after a no-op apply, the
// same config reformatted, and re-adoption by terraform import, by import
// blocks under the user's own configuration, and by import blocks with
// -generate-config-out. Every one must plan no change. It runs against the
// emulator's default wire (spelled like the Python service), its variant
// wire (what the contract leaves open, answered the other way) and with
// unset optional config fields written as null (row 8).
func TestAccCLIWorkflowRowsEveryResource(t *testing.T) {
	t.Parallel()
	acrossWires(t, testWorkflowRows)
}

func testWorkflowRows(t *testing.T, opts emulator.Options) {
	emu := newTestEmulator(t, opts)
	w := newWorkflowWorkspace(t, emu, workflowConfig, workflowAgentConfig)
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	refreshOnly := []string{"plan", "-refresh-only", "-input=false", "-no-color", "-detailed-exitcode"}
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}

	w.mustRun(t, apply...)
	w.expectExit(t, 0, "row 1: plan right after apply", plan...)
	w.expectExit(t, 0, "row 2: refresh-only after the apply that published the version", refreshOnly...)
	w.mustRun(t, apply...)
	w.expectExit(t, 0, "row 2: refresh-only after a no-op apply", refreshOnly...)

	// Row 3: the same config minified, keys reordered, 1.0 written 1 and
	// non-ASCII text and & written as escapes, against a published version.
	w.writeFile(t, "agent-config.json", `{"voice":{"speed":1,"voice_id":"rachel","provider":"elevenlabs"},"llm":{"temperature":0.50,"model":"gpt-4o"},`+
		`"starting_message":"Hello, Caf\u00e9 Dental \u2014 how can I help?","type":"static_prompt",`+
		`"instructions":"Book visits for Tom \u0026 Jerry's Caf\u00e9 \u003cdowntown\u003e. R\u00e9pondez en fran\u00e7ais si on vous parle fran\u00e7ais."}`)
	w.expectExit(t, 0, "row 3: the published version's config reformatted", plan...)
	w.writeFile(t, "agent-config.json", workflowAgentConfig)

	agentID := w.stateAttr(t, "anyreach_agent.scheduler", "id")
	frontDesk := w.stateAttr(t, "anyreach_agent.frontdesk", "id")
	ids := map[string]string{
		"anyreach_agent.scheduler":          agentID,
		"anyreach_agent_version.scheduler":  versionid.Format(agentID, 1),
		"anyreach_publish.scheduler":        versionid.Format(agentID, 1),
		"anyreach_sip_deployment.scheduler": agentID,
		"anyreach_agent.frontdesk":          frontDesk,
		"anyreach_agent_version.frontdesk":  versionid.Format(frontDesk, 1),
		"anyreach_agent_routing.frontdesk":  frontDesk,
	}
	addresses := slices.Sorted(maps.Keys(ids))

	// Row 7, terraform import under the user's own configuration.
	for _, addr := range addresses {
		w.mustRun(t, "state", "rm", addr)
		w.mustRun(t, "import", "-input=false", "-no-color", addr, ids[addr])
	}
	w.expectExit(t, 0, "row 7: plan after terraform state rm and terraform import", plan...)

	// Row 7, import blocks under the user's own configuration.
	var imports strings.Builder
	for _, addr := range addresses {
		w.mustRun(t, "state", "rm", addr)
		fmt.Fprintf(&imports, "import {\n  to = %s\n  id = %q\n}\n\n", addr, ids[addr])
	}
	w.writeFile(t, "imports.tf", imports.String())
	out := w.expectExit(t, 2, "row 7: import blocks", append(plan, "-out=import.plan")...)
	expectImportsOnly(t, out, len(addresses))
	w.mustRun(t, "apply", "-input=false", "-no-color", "import.plan")
	w.expectExit(t, 0, "row 7: plan after import blocks", plan...)

	// Row 7, import blocks with -generate-config-out: the configuration
	// Terraform writes from the imported objects plans no change.
	for _, addr := range addresses {
		w.mustRun(t, "state", "rm", addr)
	}
	w.writeFile(t, "main.tf", "terraform {\n  required_providers {\n    anyreach = {\n      source = \"anyreach/anyreach\"\n    }\n  }\n}\n")
	out = w.expectExit(t, 2, "row 7: import blocks generating configuration",
		"plan", "-input=false", "-no-color", "-detailed-exitcode", "-generate-config-out=generated.tf")
	expectImportsOnly(t, out, len(addresses))
	generated, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Tom & Jerry", "Café"} {
		if !strings.Contains(string(generated), want) && !strings.Contains(string(generated), strings.ReplaceAll(want, "&", `\u0026`)) {
			t.Errorf("the generated configuration lost %q:\n%s", want, generated)
		}
	}
	w.mustRun(t, apply...)
	w.expectExit(t, 0, "row 7: plan of the generated configuration after import", plan...)
	w.expectExit(t, 0, "row 2: refresh-only of the generated configuration", refreshOnly...)
	w.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// TestAccCLISensitiveConfigNeverPrinted is row 11 for anyreach_agent_version: a
// prompt from a sensitive variable is printed by no plan, apply, show,
// refresh-only or drift report, and neither is a value of the stored config
// derived from it.
func TestAccCLISensitiveConfigNeverPrinted(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	secret := "Secret-prompt-" + randomHex(t)
	mainTF := `
terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

variable "prompt" {
  type      = string
  sensitive = true
}

resource "anyreach_agent" "a" {
  name = "Sensitive prompt"
}

resource "anyreach_agent_version" "v" {
  agent_id = anyreach_agent.a.id
  config = jsonencode({
    type         = "static_prompt"
    instructions = var.prompt
    llm          = { model = "gpt-4o" }
  })
}
`
	w := newWorkflowWorkspace(t, emu, mainTF, "{}")
	w.Env = append(w.Env, "TF_VAR_prompt="+secret)
	w.mustRun(t, "plan", "-input=false", "-no-color")
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	w.mustRun(t, "show", "-no-color")
	agentID := w.stateAttr(t, "anyreach_agent.a", "id")

	// A dashboard edit elsewhere in the config: the drift report and the plan
	// that restores it render the config, and must still hide the prompt.
	if err := emu.EditVersionConfig(agentID, 1, map[string]any{"starting_message": "Edited in the dashboard"}); err != nil {
		t.Fatal(err)
	}
	w.expectExit(t, 2, "the dashboard edit is drift", "plan", "-refresh-only", "-input=false", "-no-color", "-detailed-exitcode")
	w.expectExit(t, 2, "the dashboard edit is planned back", "plan", "-input=false", "-no-color", "-detailed-exitcode")
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	w.mustRun(t, "show", "-no-color")
	for name, text := range w.Texts {
		if strings.Contains(text, secret) {
			t.Errorf("the sensitive prompt is printed in the %s", name)
		}
	}
}

// TestAccCLIPublishedChangeIsShortAndSaysWhy is rows 12 and 13 for
// anyreach_agent_version: a one-key change to a published version whose
// prompt is 150 lines long plans a replacement in under 80 lines, and the
// plan says in the provider's words why a new version is created.
func TestAccCLIPublishedChangeIsShortAndSaysWhy(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	lines := make([]string, 150)
	for i := range lines {
		lines[i] = fmt.Sprintf("Rule %d: be kind, be brief, and confirm the appointment.", i+1)
	}
	prompt, err := json.Marshal(strings.Join(lines, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	agentConfig := func(model string) string {
		return fmt.Sprintf(`{"type": "static_prompt", "instructions": %s, "llm": {"model": %q}}`, prompt, model)
	}
	w := newWorkflowWorkspace(t, emu, workflowConfig, agentConfig("gpt-4o"))
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")

	w.writeFile(t, "agent-config.json", agentConfig("gpt-4o-mini"))
	out := w.expectExit(t, 2, "a change to the published version", "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if n := strings.Count(out, "\n"); n >= 80 {
		t.Errorf("a one-key change printed %d lines:\n%s", n, out)
	}
	for _, want := range []string{
		`~ model = "gpt-4o" -> "gpt-4o-mini"`,
		"anyreach_agent_version.scheduler must be replaced",
		"Version 1 is published, so this change creates a new version",
		"published versions are immutable",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Rule 75:") {
		t.Errorf("the plan prints the unchanged prompt:\n%s", out)
	}
}
