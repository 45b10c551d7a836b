data "anyreach_phone_numbers" "us" {
  phone_number = "+1555"
}

output "unassigned_numbers" {
  value = [for n in data.anyreach_phone_numbers.us.phone_numbers : n.phone_number if n.inbound_agent_version_id == null]
}
