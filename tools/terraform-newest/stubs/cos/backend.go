// Package cos stands in for Terraform's cos state backend (see go.mod).
package cos

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/inmem"
)

// New returns the in-memory backend.
func New() backend.Backend { return inmem.New() }
