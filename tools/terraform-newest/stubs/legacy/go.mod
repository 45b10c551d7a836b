// Stands in for Terraform's nested internal/legacy module, which the published
// module zip leaves out; nothing the CLI build links needs it.
module github.com/hashicorp/terraform/internal/legacy

go 1.25
