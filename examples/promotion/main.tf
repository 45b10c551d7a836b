# Promotion: the idempotent CI/CD pattern of the Anyreach docs, done the
# Terraform way. Apply once, then change the config and apply again:
#
#   terraform apply -var config_file=agent-config.v1.json
#   terraform apply -var config_file=agent-config.v2.json
#
# The second apply creates version 2 (version 1 is published, so immutable),
# moves both numbers to it in one publish call, and keeps version 1 in the
# agent's history. Re-running either apply unchanged plans nothing.
#
# Every environment rolls out the same config file with its own small overlay
# (local.environment_overlays), deep-merged by provider::anyreach::config_merge.

terraform {
  # provider::anyreach::config_merge needs Terraform 1.8 (OpenTofu 1.7).
  required_version = ">= 1.8"

  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

provider "anyreach" {}

variable "config_file" {
  description = "The agent config to roll out, exported from the dashboard's agent builder."
  type        = string
  default     = "agent-config.v1.json"
}

variable "environment" {
  description = "The environment this root module manages; part of the agent's name and metadata."
  type        = string
  default     = "staging"
}

variable "phone_numbers" {
  description = "Numbers the environment's agent answers."
  type        = set(string)
  default     = ["+15550100003", "+15550100004"]
}

resource "anyreach_agent" "scheduler" {
  name        = "Riverside Dental Scheduler (${var.environment})"
  description = "Books appointments for Riverside Dental."
  metadata = {
    environment = var.environment
    managed_by  = "terraform"
  }
}

locals {
  # What differs per environment; everything else comes from the config file.
  # Nested objects merge key by key (llm keeps its model), arrays are replaced,
  # and null removes a key.
  environment_overlays = {
    staging = {
      llm              = { temperature = 0.2 }
      starting_message = "Riverside Dental scheduling, staging line. How can I help you today?"
    }
    production = {}
  }
}

resource "anyreach_agent_version" "scheduler" {
  agent_id = anyreach_agent.scheduler.id
  config = provider::anyreach::config_merge(
    file("${path.module}/${var.config_file}"),
    jsonencode(local.environment_overlays[var.environment]),
  )
}

resource "anyreach_publish" "scheduler" {
  agent_id      = anyreach_agent.scheduler.id
  version       = anyreach_agent_version.scheduler.version
  phone_numbers = var.phone_numbers
}

output "live_version" {
  description = "The version answering the environment's numbers."
  value       = anyreach_publish.scheduler.version
}
