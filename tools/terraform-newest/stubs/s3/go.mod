// Stands in for Terraform's nested s3 state backend module, which the
// published module zip leaves out. The backend is the in-memory one: the
// acceptance suite never stores state remotely.
module github.com/hashicorp/terraform/internal/backend/remote-state/s3

go 1.25
