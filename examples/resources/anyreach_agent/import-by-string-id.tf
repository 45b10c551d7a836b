# Adopt an agent built in the dashboard; `terraform plan -generate-config-out=agents.tf`
# writes its configuration for you.
import {
  to = anyreach_agent.scheduler
  id = "name=Riverside Dental Scheduler"
}
