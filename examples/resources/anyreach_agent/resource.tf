resource "anyreach_agent" "scheduler" {
  name        = "Riverside Dental Scheduler"
  description = "Books appointments for Riverside Dental."
  active      = true

  metadata = {
    team        = "dental"
    environment = "production"
  }
}
