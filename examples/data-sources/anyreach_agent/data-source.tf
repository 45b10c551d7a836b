data "anyreach_agent" "scheduler" {
  name = "Riverside Dental Scheduler"
}

output "scheduler_numbers" {
  value = [for n in data.anyreach_agent.scheduler.phone_numbers : n.phone_number]
}
