resource "anyreach_agent" "scheduler" {
  name = "Riverside Dental Scheduler"
}

resource "anyreach_agent_version" "scheduler" {
  agent_id = anyreach_agent.scheduler.id
  config = jsonencode({
    type         = "static_prompt"
    instructions = "You book dental appointments for Riverside Dental."
    llm          = { model = "gpt-4o" }
  })
}

resource "anyreach_publish" "scheduler" {
  agent_id = anyreach_agent.scheduler.id
  version  = anyreach_agent_version.scheduler.version
}

resource "anyreach_sip_deployment" "scheduler" {
  agent_id = anyreach_agent.scheduler.id

  # deploy-as-sip needs a published version.
  depends_on = [anyreach_publish.scheduler]
}

# Point your SIP trunk at this URI.
output "sip_uri" {
  value = anyreach_sip_deployment.scheduler.sip_uri
}
