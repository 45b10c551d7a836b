package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestAccCLISensitiveJSONNeverLogged is row 11 under TF_LOG=trace: a config
// and builder inputs from a sensitive variable reach no trace log line (the
// JSON arguments are compared by the provider itself, never by a library
// type that traces values), and invalid JSON from a sensitive variable is
// refused without quoting it.
func TestAccCLISensitiveJSONNeverLogged(t *testing.T) {
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

variable "spacing" {
  type    = string
  default = ""
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
  instruction_builder_inputs = "{${var.spacing}\"purpose\": ${jsonencode(var.prompt)}}"
}
`
	w := newWorkflowWorkspace(t, emu, mainTF, "{}")
	w.Env = append(w.Env, "TF_LOG=trace", "TF_VAR_prompt="+secret)
	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	// The same inputs written with other spacing: compared, never traced.
	w.Env = append(w.Env, "TF_VAR_spacing=  ")
	w.expectExit(t, 0, "the inputs respaced mean the same", "plan", "-input=false", "-no-color", "-detailed-exitcode")
	w.mustRun(t, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")

	// Invalid JSON from a sensitive variable.
	w.writeFile(t, "main.tf", strings.Replace(mainTF, `config = jsonencode({
    type         = "static_prompt"
    instructions = var.prompt
    llm          = { model = "gpt-4o" }
  })`, `config = "{\"instructions\": \"${var.prompt}"`, 1))
	out := w.expectExit(t, 1, "invalid JSON is refused", "plan", "-input=false", "-no-color")
	if !strings.Contains(out, "Invalid JSON") {
		t.Errorf("the plan does not say the JSON is invalid:\n%s", out)
	}

	for name, text := range w.Texts {
		if strings.Contains(text, secret) {
			t.Errorf("the sensitive prompt is printed in the %s", name)
		}
	}
	logs, err := filepath.Glob(filepath.Join(w.Logs, "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no trace logs were written: %v", err)
	}
	for _, name := range logs {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "anyreach: API request") {
			t.Errorf("%s holds no line of the provider's: the check would pass on an empty log", filepath.Base(name))
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, secret) {
				t.Errorf("%s line %d carries the sensitive prompt: %.300s", filepath.Base(name), i+1, line)
			}
		}
	}
}
