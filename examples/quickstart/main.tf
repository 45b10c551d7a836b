# Quickstart: the Riverside Dental Scheduler from the Anyreach docs, end to end:
# agent -> version (from agent-config.json) -> published on two numbers -> SIP.
#
# Point the provider at Anyreach with ANYREACH_TOKEN (and ANYREACH_ORG for a
# personal access token); `make demo` points it at the local emulator instead.

terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

provider "anyreach" {}

variable "phone_numbers" {
  description = "Numbers from your organization's phone-number directory that the scheduler answers."
  type        = set(string)
  default     = ["+15550100001", "+15550100002"]
}

resource "anyreach_agent" "scheduler" {
  name        = "Riverside Dental Scheduler"
  description = "Books appointments for Riverside Dental."

  metadata = {
    team        = "dental"
    environment = "demo"
  }
}

# A draft version holding the agent's configuration. Editing agent-config.json
# updates the draft in place until it is published; after that, a change
# creates a new version.
resource "anyreach_agent_version" "scheduler" {
  agent_id = anyreach_agent.scheduler.id
  config   = file("${path.module}/agent-config.json")
}

# Publish the version and let it answer the numbers' inbound calls.
resource "anyreach_publish" "scheduler" {
  agent_id      = anyreach_agent.scheduler.id
  version       = anyreach_agent_version.scheduler.version
  phone_numbers = var.phone_numbers
  direction     = "inbound"
}

# Expose the agent to your own SIP trunk (needs a published version first).
resource "anyreach_sip_deployment" "scheduler" {
  agent_id   = anyreach_agent.scheduler.id
  depends_on = [anyreach_publish.scheduler]
}

output "agent_id" {
  description = "ID of the scheduler agent."
  value       = anyreach_agent.scheduler.id
}

output "version" {
  description = "The version number answering the phone numbers."
  value       = anyreach_agent_version.scheduler.version
}

output "sip_uri" {
  description = "Point your SIP trunk at this URI."
  value       = anyreach_sip_deployment.scheduler.sip_uri
}
