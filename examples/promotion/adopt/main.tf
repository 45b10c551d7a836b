# Adopting an agent that already exists (built in the dashboard, or by the curl
# pattern of the Anyreach docs): import it by name, let Terraform write its
# configuration, and manage it from here on.
#
#   terraform plan -generate-config-out=generated.tf
#   terraform apply

terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

provider "anyreach" {}

variable "agent_name" {
  description = "Exact name of the existing agent."
  type        = string
  default     = "Riverside Dental Scheduler"
}

import {
  to = anyreach_agent.existing
  id = "name=${var.agent_name}"
}
