# Every agent of the organization.
list "anyreach_agent" "all" {
  provider = anyreach
}

# The agents of one team, with their arguments (for -generate-config-out).
list "anyreach_agent" "dental" {
  provider         = anyreach
  include_resource = true

  config {
    metadata = { team = "dental" }
  }
}
