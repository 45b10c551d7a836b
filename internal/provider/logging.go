package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
)

// How the provider logs: whether it formats log lines at all, and the
// client's request logs in their own tflog subsystem with the token masked.

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
// when its level is unset, and formatting those lines for nothing took about
// a fifth of a 600-resource plan when the benchmark first measured it
// (commit 30e8f8c; bench/results.md no longer reports it). When Terraform keeps the
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
