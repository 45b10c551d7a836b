data "anyreach_agent_config_schema" "current" {}

# Fail the pipeline early when Anyreach changes the AgentConfig model.
output "agent_config_schema_sha256" {
  value = data.anyreach_agent_config_schema.current.sha256
}

output "agent_config_properties" {
  value = data.anyreach_agent_config_schema.current.properties
}
