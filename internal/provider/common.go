package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// httpSubsystem is the tflog subsystem of the client's request logs
// (TF_LOG_PROVIDER_ANYREACH_HTTP selects its level).
const httpSubsystem = "http"

// terraformKeepsProviderLogs reports whether Terraform passes a provider's
// logs on: only when TF_LOG or TF_LOG_PROVIDER names a level other than off.
// Otherwise every line the provider formats is thrown away.
func terraformKeepsProviderLogs(getenv func(string) string) bool {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if v := strings.TrimSpace(getenv(name)); v != "" && !strings.EqualFold(v, "off") {
			return true
		}
	}
	return false
}

// logLevelVars are the log levels terraform-plugin-go, the framework and tflog read.
var logLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// QuietUnshownLogs switches the provider's logging off when Terraform will
// not keep it (terraformKeepsProviderLogs). The SDK logs each RPC at TRACE
// when its level is unset, and formatting those lines for nothing took a
// fifth of a 600-resource plan (bench/results.md). When Terraform keeps the
// logs, every level the environment sets applies. main calls it before
// serving, unless the provider runs under a debugger.
func QuietUnshownLogs(getenv func(string) string, setenv func(string, string) error) {
	if terraformKeepsProviderLogs(getenv) {
		return
	}
	for _, name := range logLevelVars {
		_ = setenv(name, "OFF")
	}
}

// requestLogger returns the client's request logger, or nil when Terraform
// would discard what it logs: building a subsystem logger and masking the
// fields of every request costs CPU on every refresh of a fleet.
func requestLogger(token string, getenv func(string) string) client.Logger {
	if !terraformKeepsProviderLogs(getenv) {
		return nil
	}
	return newHTTPLogger(token)
}

// httpLogger forwards the client's request logs to tflog, masking the
// credential in every message and field as a second line of defence: the
// client itself never logs headers.
type httpLogger struct {
	token string
}

func newHTTPLogger(token string) *httpLogger { return &httpLogger{token: token} }

func (l *httpLogger) ctx(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, httpSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER", "ANYREACH", "HTTP"))
	if l.token != "" {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, httpSubsystem, l.token)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, httpSubsystem, l.token)
	}
	return ctx
}

// Debug implements client.Logger.
func (l *httpLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemDebug(l.ctx(ctx), httpSubsystem, msg, fields)
}

// Warn implements client.Logger.
func (l *httpLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.SubsystemWarn(l.ctx(ctx), httpSubsystem, msg, fields)
}

// providerDataFrom unpacks what Configure handed over. It returns nil without
// an error while the provider is not configured yet (early validation calls).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}

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
