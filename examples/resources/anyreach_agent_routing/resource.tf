resource "anyreach_agent" "support" {
  name = "Riverside Dental Scheduler"
}

# Two versions of one agent: the current prompt and a candidate.
resource "anyreach_agent_version" "current" {
  agent_id = anyreach_agent.support.id
  config   = file("${path.module}/agent-config.json")
}

resource "anyreach_agent_version" "candidate" {
  agent_id = anyreach_agent.support.id
  config = jsonencode(merge(jsondecode(file("${path.module}/agent-config.json")), {
    instructions = "You book, move and cancel cleanings for Riverside Dental. Offer the earliest slot first."
  }))

  depends_on = [anyreach_agent_version.current]
}

# Which version answers, and which calls from, each number. Trading numbers
# between the versions is one edit here, and one update hands every number
# over before anything is cleared: no call goes unanswered.
resource "anyreach_agent_routing" "support" {
  agent_id = anyreach_agent.support.id

  inbound = {
    "+15551234567" = anyreach_agent_version.current.version
    "+15551234568" = anyreach_agent_version.candidate.version
  }
  outbound = {
    "+15551234567" = anyreach_agent_version.current.version
  }
}
