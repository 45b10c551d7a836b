package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The Terraform root modules the benchmark applies. Each is written into its
// own directory under bench/work; provider settings come from the
// environment (ANYREACH_BASE_URL, ANYREACH_TOKEN), as in scripts/demo.sh.

const providerBlock = `terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

provider "anyreach" {}
`

// Per-operation modules: one resource each, its prerequisites made through
// the API beforehand and passed in as variables, so every request counted
// during an operation is that resource's.

const opsAgentModule = providerBlock + `
variable "description" {
  type = string
}

resource "anyreach_agent" "this" {
  name        = "bench-ops-agent"
  description = var.description
}
`

const opsVersionModule = providerBlock + `
variable "agent_id" {
  type = string
}

variable "instructions" {
  type = string
}

resource "anyreach_agent_version" "this" {
  agent_id = var.agent_id
  config   = jsonencode(merge(jsondecode(file("${path.module}/agent-config.json")), { instructions = var.instructions }))
}
`

const opsPublishModule = providerBlock + `
variable "agent_id" {
  type = string
}

variable "version_number" {
  type = number
}

variable "phone_numbers" {
  type = set(string)
}

resource "anyreach_publish" "this" {
  agent_id      = var.agent_id
  version       = var.version_number
  phone_numbers = length(var.phone_numbers) > 0 ? var.phone_numbers : null
}
`

const opsRoutingModule = providerBlock + `
variable "agent_id" {
  type = string
}

variable "version_number" {
  type = number
}

variable "phone_numbers" {
  type = set(string)
}

resource "anyreach_agent_routing" "this" {
  agent_id = var.agent_id
  inbound  = { for n in var.phone_numbers : n => var.version_number }
}
`

const opsSIPModule = providerBlock + `
variable "agent_id" {
  type = string
}

resource "anyreach_sip_deployment" "this" {
  agent_id = var.agent_id
}
`

// fleetModule is N agents, each with a version from its own config file, a
// publish without phone numbers (so no directory is needed) and a SIP
// deployment: the four resource types, three of which refresh from the
// agent's GET.
const fleetModule = providerBlock + `
variable "n" {
  type = number
}

variable "configs" {
  type = string
}

resource "anyreach_agent" "fleet" {
  count       = var.n
  name        = "fleet-${count.index}"
  description = "Fleet benchmark agent ${count.index}."
}

resource "anyreach_agent_version" "fleet" {
  count    = var.n
  agent_id = anyreach_agent.fleet[count.index].id
  config   = file("${var.configs}/fleet-${count.index}.json")
}

resource "anyreach_publish" "fleet" {
  count    = var.n
  agent_id = anyreach_agent.fleet[count.index].id
  version  = anyreach_agent_version.fleet[count.index].version
}

resource "anyreach_sip_deployment" "fleet" {
  count      = var.n
  agent_id   = anyreach_agent.fleet[count.index].id
  depends_on = [anyreach_publish.fleet]
}
`

// baselineModule is the same graph with no provider work: terraform_data
// resources wired agent -> version -> publish -> SIP deployment, the version
// carrying the same config text so state sizes match.
const baselineModule = `
variable "n" {
  type = number
}

variable "configs" {
  type = string
}

resource "terraform_data" "agent" {
  count = var.n
  input = "fleet-${count.index}"
}

resource "terraform_data" "version" {
  count = var.n
  input = {
    agent_id = terraform_data.agent[count.index].output
    config   = file("${var.configs}/fleet-${count.index}.json")
  }
}

resource "terraform_data" "publish" {
  count            = var.n
  input            = terraform_data.version[count.index].output.agent_id
  triggers_replace = terraform_data.version[count.index].output
}

resource "terraform_data" "sip" {
  count = var.n
  input = terraform_data.publish[count.index].output
}
`

// writeModule creates (or empties) dir and writes main.tf and extra files.
func writeModule(dir, main string, extra map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(strings.TrimLeft(main, "\n")), 0o600); err != nil {
		return err
	}
	for name, b := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// baseConfig is the quickstart's AgentConfig: a realistic config (voice, llm,
// stt, a tool with two actions) that the schema validation has to walk.
func baseConfig(s settings) (map[string]any, error) {
	b, err := os.ReadFile(filepath.Join(s.root, "examples", "quickstart", "agent-config.json"))
	if err != nil {
		return nil, err
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("examples/quickstart/agent-config.json: %w", err)
	}
	return cfg, nil
}

// writeFleetConfigs writes fleet-0.json … fleet-(n-1).json, the quickstart
// config with the agent's number in its instructions. The Terraform fleet,
// the baseline and the curl script all read these same files.
func writeFleetConfigs(s settings, dir string, n int) error {
	cfg, err := baseConfig(s)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	base, _ := cfg["instructions"].(string)
	for i := range n {
		cfg["instructions"] = fmt.Sprintf("%s (Fleet agent %d.)", base, i)
		b, err := json.MarshalIndent(cfg, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("fleet-%d.json", i)), append(b, '\n'), 0o600); err != nil {
			return err
		}
	}
	return nil
}
