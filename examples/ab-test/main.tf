# A/B test of two prompt variants: one agent, two versions, each answering its
# own phone number. Run the test, trade the numbers halfway (so neither variant
# keeps the busier line), then end it with the winner on both numbers:
#
#   terraform apply                              # A on number_a, B on number_b
#   terraform apply -var stage=swapped           # A on number_b, B on number_a
#   terraform apply -var stage=done              # A on both; B leaves the configuration
#
# No number ever answers nothing in between, at any -parallelism: one
# anyreach_agent_routing owns the agent's numbers, and each apply hands every
# number over to its new version before it clears any (see its docs).

terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

provider "anyreach" {}

variable "stage" {
  description = "test: each variant on its own number; swapped: the numbers traded; done: variant A on both numbers."
  type        = string
  default     = "test"

  validation {
    condition     = contains(["test", "swapped", "done"], var.stage)
    error_message = "stage must be test, swapped or done."
  }
}

variable "number_a" {
  description = "The number variant A starts on (E.164, from your phone-number directory)."
  type        = string
  default     = "+15550100001"
}

variable "number_b" {
  description = "The number variant B starts on."
  type        = string
  default     = "+15550100002"
}

locals {
  numbers = {
    test    = { a = [var.number_a], b = [var.number_b] }
    swapped = { a = [var.number_b], b = [var.number_a] }
    done    = { a = [var.number_a, var.number_b], b = [] }
  }[var.stage]
}

resource "anyreach_agent" "support" {
  name        = "Riverside Dental Scheduler (A/B)"
  description = "Two prompt variants under test."
}

resource "anyreach_agent_version" "a" {
  agent_id = anyreach_agent.support.id
  config   = file("${path.module}/variant-a.json")
}

resource "anyreach_agent_version" "b" {
  agent_id = anyreach_agent.support.id
  config   = file("${path.module}/variant-b.json")

  # Created after A, so A is version 1 and B version 2 on a new agent.
  depends_on = [anyreach_agent_version.a]
}

# The whole routing of the agent, number -> version: trading the numbers or
# ending the test is one update of this one resource.
resource "anyreach_agent_routing" "ab" {
  agent_id = anyreach_agent.support.id
  inbound = merge(
    { for n in local.numbers.b : n => anyreach_agent_version.b.version },
    { for n in local.numbers.a : n => anyreach_agent_version.a.version },
  )
}

output "answering" {
  description = "Which variant's version answers each number."
  value = merge(
    { for n in local.numbers.a : n => "A (version ${anyreach_agent_version.a.version})" },
    { for n in local.numbers.b : n => "B (version ${anyreach_agent_version.b.version})" },
  )
}
