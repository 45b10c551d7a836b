//go:build tools

// Package tools pins the OpenTofu CLI as a build dependency.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
