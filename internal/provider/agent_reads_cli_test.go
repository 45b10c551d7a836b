package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// The tests in this file check agent_reads.go through the terraform CLI: a
// plan reads each agent once however many resources refresh from it, and
// what one walk reads never hides a write of the same walk or an
// out-of-band edit made before the next plan.

// readsFleetConfig is n agents, each with a version, a publication on its
// own phone number and a SIP endpoint: four resources, three of which
// refresh from the agent's GET.
const readsFleetConfig = `
terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

variable "n" {
  type = number
}

resource "anyreach_agent" "fleet" {
  count = var.n
  name  = "fleet-${count.index}"
}

resource "anyreach_agent_version" "fleet" {
  count    = var.n
  agent_id = anyreach_agent.fleet[count.index].id
  config   = jsonencode({ type = "static_prompt", instructions = "Agent ${count.index}.", llm = { model = "gpt-4o" } })
}

resource "anyreach_publish" "fleet" {
  count         = var.n
  agent_id      = anyreach_agent.fleet[count.index].id
  version       = anyreach_agent_version.fleet[count.index].version
  phone_numbers = [format("+155501000%02d", count.index + 1)]
}

resource "anyreach_sip_deployment" "fleet" {
  count      = var.n
  agent_id   = anyreach_agent.fleet[count.index].id
  depends_on = [anyreach_publish.fleet]
}
`

// TestAccCLIPlanReadsEachAgentOnce: a no-change plan of N agents with four
// resources each sends one agent GET and one version GET per agent and
// nothing else, and the next plan still shows edits made in the dashboard.
func TestAccCLIPlanReadsEachAgentOnce(t *testing.T) {
	t.Parallel()
	const n = 5 // the emulator's directory holds five numbers
	emu := newTestEmulator(t, emulator.Options{})
	w := newWorkflowWorkspace(t, emu, readsFleetConfig, "{}")
	vars := fmt.Sprintf("-var=n=%d", n)
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", vars}
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color", vars)

	expectPlanRequests := func(why string) {
		t.Helper()
		counts, total := emu.RequestCounts(), 0
		for _, c := range counts {
			total += c
		}
		agentGets, versionGets := counts["GET /core/agents/{agent_id}"], counts["GET /core/agents/{agent_id}/versions/{version}"]
		if agentGets != n || versionGets != n || total != agentGets+versionGets || total > 2*n {
			t.Errorf("%s: %d requests (%v), want %d agent GETs and %d version GETs, at most 2N = %d in all", why, total, counts, n, n, 2*n)
		}
	}

	emu.ResetRequests()
	w.expectExit(t, 0, "plan of the unchanged fleet", plan...)
	expectPlanRequests("no-change plan")

	// Dashboard edits between two plans: each plan is a new provider
	// process, so the next one reads them.
	agent0 := w.stateAttr(t, "anyreach_agent.fleet[0]", "id")
	agent3 := w.stateAttr(t, "anyreach_agent.fleet[3]", "id")
	if err := emu.EditAgent(agent0, map[string]any{"name": "renamed in the dashboard"}); err != nil {
		t.Fatal(err)
	}
	if err := emu.RemoveSIPEndpoint(agent3); err != nil {
		t.Fatal(err)
	}
	emu.ResetRequests()
	out := w.expectExit(t, 2, "plan after dashboard edits", plan...)
	expectPlanRequests("plan after dashboard edits")
	for _, want := range []string{
		`~ name       = "renamed in the dashboard" -> "fleet-0"`,
		"anyreach_sip_deployment.fleet[3] will be created",
		"Plan: 1 to add, 1 to change, 0 to destroy.",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("the plan does not show %q:\n%s", want, out)
		}
	}
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color", vars)
	w.expectExit(t, 0, "plan after restoring the edits", plan...)
}

// TestAccCLIReadAfterWriteInOneApply: within one apply, the publication's
// plan reads the agent (to check whether its number answers for another
// agent) before the version is published and the SIP endpoint deployed; a
// data source read later in the same apply must see both writes.
func TestAccCLIReadAfterWriteInOneApply(t *testing.T) {
	t.Parallel()
	emu := newTestEmulator(t, emulator.Options{})
	mainTF := workflowConfig + `
data "anyreach_agent" "after" {
  id         = anyreach_agent.scheduler.id
  depends_on = [anyreach_sip_deployment.scheduler]
}
`
	w := newWorkflowWorkspace(t, emu, mainTF, workflowAgentConfig)
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	if got := w.stateAttr(t, "data.anyreach_agent.after", "sip_uri"); !strings.HasPrefix(got, "sip:") {
		t.Errorf("the data source read after the SIP deployment shows sip_uri %q", got)
	}
	if got := w.stateAttr(t, "data.anyreach_agent.after", "versions"); !strings.Contains(got, "published:true") {
		t.Errorf("the data source read after the publication shows the version unpublished: %s", got)
	}
	if got := w.stateAttr(t, "data.anyreach_agent.after", "phone_numbers"); !strings.Contains(got, "+15550100001") {
		t.Errorf("the data source read after the publication shows no phone number: %s", got)
	}
	w.expectExit(t, 0, "plan after apply", "plan", "-input=false", "-no-color", "-detailed-exitcode")
}
