# A root module as a team keeps it, tested offline by offline-test.sh: the
# provider block is empty (ANYREACH_BASE_URL and ANYREACH_TOKEN come from the
# environment) and each agent is an instance of a local module.

terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

provider "anyreach" {}

module "scheduler" {
  source        = "./modules/agent"
  name          = "Riverside Dental Scheduler"
  config        = file("${path.module}/agent-config.json")
  phone_numbers = ["+15551230001"]
}

module "after_hours" {
  source        = "./modules/agent"
  name          = "Riverside Dental After Hours"
  config        = file("${path.module}/agent-config.json")
  phone_numbers = ["+15551230002"]
}

output "live_versions" {
  description = "The version answering each agent's numbers."
  value = {
    scheduler   = module.scheduler.live_version
    after_hours = module.after_hours.live_version
  }
}
