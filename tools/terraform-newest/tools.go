//go:build tools

// Package tools pins the Terraform CLI this module builds.
package tools

import _ "github.com/hashicorp/terraform"
