# The published versions of one agent.
list "anyreach_agent_version" "front_desk" {
  provider = anyreach

  config {
    agent_id  = "6f1c9a52-8d4e-4b1f-9c3a-2e7d5b8f0a14"
    published = true
  }
}

# Every version of every agent.
list "anyreach_agent" "all" {
  provider = anyreach
}

list "anyreach_agent_version" "all" {
  provider = anyreach
  for_each = { for agent in list.anyreach_agent.all.data : agent.identity.id => agent }

  config {
    agent_id = each.key
  }
}
