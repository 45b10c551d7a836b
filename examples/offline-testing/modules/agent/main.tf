# One agent, its configuration and the numbers it answers.

terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

variable "name" {
  description = "The agent's name."
  type        = string
}

variable "config" {
  description = "The AgentConfig as JSON."
  type        = string
}

variable "phone_numbers" {
  description = "Numbers the agent answers."
  type        = set(string)
}

resource "anyreach_agent" "this" {
  name = var.name
}

resource "anyreach_agent_version" "this" {
  agent_id = anyreach_agent.this.id
  config   = var.config
}

resource "anyreach_publish" "this" {
  agent_id      = anyreach_agent.this.id
  version       = anyreach_agent_version.this.version
  phone_numbers = var.phone_numbers
}

output "live_version" {
  description = "The version answering the numbers."
  value       = anyreach_publish.this.version
}
