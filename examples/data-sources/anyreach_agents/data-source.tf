data "anyreach_agents" "dental" {
  active = true
  metadata = {
    team = "dental"
  }
}

output "dental_agents" {
  value = { for a in data.anyreach_agents.dental.agents : a.name => a.id }
}
