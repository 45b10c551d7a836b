// Package pg stands in for Terraform's pg state backend (see go.mod).
package pg

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/inmem"
)

// New returns the in-memory backend.
func New() backend.Backend { return inmem.New() }
