package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// The wording shared by the resources' errors: what failed, what the API
// said, and what the user can do about it.

// apiErrorDetail explains an API failure to a Terraform user: what the service
// said, and for the failures with a known cause, what to do about it.
func apiErrorDetail(action string, err error) string {
	var b strings.Builder
	b.WriteString(action)
	b.WriteString(" failed: ")
	b.WriteString(err.Error())
	switch {
	case client.IsUnauthorized(err):
		b.WriteString("\n\nThe API rejected the credential. Check the provider's token (or ANYREACH_TOKEN); " +
			"a personal access token (pat_...) also needs organization_id (or ANYREACH_ORG).")
	case client.IsOrganizationDenied(err):
		b.WriteString("\n\nThe credential has no access to the organization the request named. Check organization_id " +
			"(or ANYREACH_ORG): a personal access token (pat_...) can only act on organizations its user belongs to.")
	case client.IsForbidden(err):
		b.WriteString("\n\nThe credential lacks a scope this action needs: reading needs agents:read, " +
			"creating, changing, publishing and deploying need agents:manage. Use a key with agents:manage.")
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) && errors.Is(err, context.DeadlineExceeded) {
		b.WriteString("\n\nThe operation ran out of time; raise the resource's timeouts or the provider's request_timeout.")
	}
	return b.String()
}

// generationWaitDetail explains a wait for instruction generation that ended
// before generation did: what was awaited, for how long, and what to do.
// op is the timeouts block entry ("create" or "update") that bounded it.
func generationWaitDetail(what, op string, timeout time.Duration, err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("Gave up waiting for %s after %s, the %s timeout; generation is still running in Anyreach (%s).\n\n"+
			"Raise it with a timeouts block on the resource, for example timeouts { %s = \"15m\" }, then apply again.",
			what, timeout, op, err, op)
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("Stopped waiting for %s because the operation was cancelled (%s). Generation may still be running in Anyreach.", what, err)
	}
	return apiErrorDetail("Waiting for "+what, err)
}
