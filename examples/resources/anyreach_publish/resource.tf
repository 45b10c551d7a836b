resource "anyreach_agent" "scheduler" {
  name = "Riverside Dental Scheduler"
}

resource "anyreach_agent_version" "scheduler" {
  agent_id = anyreach_agent.scheduler.id
  config   = file("${path.module}/agent-config.json")
}

# Editing agent-config.json after this is published creates a new version, and
# this resource moves both numbers to it in place: no call goes unanswered.
resource "anyreach_publish" "scheduler" {
  agent_id      = anyreach_agent.scheduler.id
  version       = anyreach_agent_version.scheduler.version
  phone_numbers = ["+15551234567", "+15551234568"]
  direction     = "inbound"
}
