# A/B test of two prompt variants: one agent, two versions, each answering its
# own phone number. Run the test, trade the numbers halfway (so neither variant
# keeps the busier line), then end it with the winner on both numbers:
#
#   terraform apply                              # A on number_a, B on number_b
#   terraform apply -var stage=swapped           # A on number_b, B on number_a
#   terraform apply -var stage=done              # A on both; B leaves the configuration
#
# No number ever answers nothing in between: publications of one agent applied
# together are serialised in the provider, and none clears a number another
# one of the same apply takes over (see the anyreach_publish docs).

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

resource "anyreach_publish" "a" {
  agent_id      = anyreach_agent.support.id
  version       = anyreach_agent_version.a.version
  phone_numbers = local.numbers.a
}

# Variant B leaves the configuration when the test ends; destroying its
# publication clears only the slots no other publication takes over.
resource "anyreach_publish" "b" {
  count = var.stage == "done" ? 0 : 1

  agent_id      = anyreach_agent.support.id
  version       = anyreach_agent_version.b.version
  phone_numbers = local.numbers.b
}

output "answering" {
  description = "Which variant's version answers each number."
  value = merge(
    { for n in local.numbers.a : n => "A (version ${anyreach_agent_version.a.version})" },
    { for n in local.numbers.b : n => "B (version ${anyreach_agent_version.b.version})" },
  )
}
