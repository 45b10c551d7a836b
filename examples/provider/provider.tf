terraform {
  required_providers {
    anyreach = {
      source = "anyreach/anyreach"
    }
  }
}

# With an organization API key in ANYREACH_TOKEN, no argument is needed.
provider "anyreach" {}

# A personal access token also needs the organization it acts on.
provider "anyreach" {
  alias           = "personal"
  token           = var.anyreach_pat # or ANYREACH_TOKEN
  organization_id = "org_7d2c41"     # or ANYREACH_ORG
  request_timeout = "1m"
}

variable "anyreach_pat" {
  type      = string
  sensitive = true
}
