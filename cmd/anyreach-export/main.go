// Command anyreach-export writes the agents of an Anyreach organization as a
// Terraform root module that adopts them: one anyreach_agent per agent, the
// versions that matter with their configs in configs/, their publications
// and SIP deployments, each with an import block, so that terraform plan in
// the written directory shows only imports.
//
//	ANYREACH_TOKEN=ak_... anyreach-export --out ./anyreach [--name NAME] [--metadata key=value ...]
//
// It reads the provider's settings from the environment (ANYREACH_TOKEN,
// ANYREACH_ORG, ANYREACH_BASE_URL), prints progress on stderr and never
// writes the credential anywhere. The exit codes are in usage below.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
	"github.com/anyreach/terraform-provider-anyreach/internal/export"
)

// version is set at release time with -ldflags "-X main.version=..."; a
// go install of a tagged module reports the module's version instead.
var version = "dev"

func userAgent() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	return "anyreach-export/" + v
}

// Exit codes.
const (
	exitOK         = 0 // the module is written and complete
	exitFailed     = 1 // nothing usable was written (unreachable API, refused credential, ...)
	exitUsage      = 2 // a flag or setting is wrong
	exitIncomplete = 3 // the module is written without the agents listed on stderr; run again to add them
	exitNoAgents   = 4 // no agent matches the filters; nothing was written
)

const usageText = `Usage: anyreach-export --out DIR [--name NAME] [--metadata key=value ...] [--parallelism N] [--timeout D] [--quiet]

Writes the agents of an Anyreach organization as a Terraform module that adopts them with import blocks.
Settings come from the environment: %s (required), %s (for a pat_ token), %s (default %s).

Running it again with the same --out and filters completes an earlier export: agents missing from it are
added, nothing already written is changed or renamed.

Exit codes:
  0  the module is written and complete
  1  the export failed; nothing usable was written
  2  a flag or setting is wrong
  3  the module is written but incomplete: the agents that could not be read are listed at the end;
     run the same command again to add them
  4  no agent matches the filters; nothing was written

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	os.Exit(code)
}

// metadataFlags collects repeated --metadata key=value filters.
type metadataFlags map[string]string

func (m metadataFlags) String() string { return fmt.Sprint(map[string]string(m)) }

func (m metadataFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", s)
	}
	m[k] = v
	return nil
}

// run is the command; it returns one of the exit codes above.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("anyreach-export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to write the Terraform module to (empty, absent, or an earlier export to complete)")
	name := fs.String("name", "", "export only the agents with exactly this name")
	metadata := metadataFlags{}
	fs.Var(metadata, "metadata", "export only the agents whose metadata holds key=value (repeatable; all must match). "+
		"The value matches by JSON value: count=3 matches the number 3 and the string \"3\"")
	parallelism := fs.Int("parallelism", discovery.DefaultParallelism, "how many agents are read at once")
	timeout := fs.Duration("timeout", export.DefaultTimeout, "bound on each phase: listing the agents, reading the schema, reading each agent")
	quiet := fs.Bool("quiet", false, "print nothing but errors and the agents that could not be exported")
	fs.Usage = func() {
		fmt.Fprintf(stderr, usageText, client.EnvToken, client.EnvOrg, client.EnvBaseURL, client.DefaultBaseURL)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageError := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "anyreach-export: "+format+"\n", args...)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fs.Usage()
		return usageError("unexpected argument %q", fs.Arg(0))
	case *out == "":
		fs.Usage()
		return usageError("--out DIR is required")
	case *parallelism < 1:
		return usageError("--parallelism must be at least 1, got %d", *parallelism)
	case *timeout <= 0:
		return usageError("--timeout must be positive, got %s", *timeout)
	}

	baseURL := strings.TrimSpace(getenv(client.EnvBaseURL))
	if baseURL == "" {
		baseURL = client.DefaultBaseURL
	}
	if err := checkBaseURL(baseURL); err != nil {
		return usageError("%s: %v", client.EnvBaseURL, err)
	}
	org := strings.TrimSpace(getenv(client.EnvOrg))
	c, err := client.New(client.Config{
		BaseURL:        baseURL,
		Token:          getenv(client.EnvToken),
		OrganizationID: org,
		UserAgent:      userAgent(),
		RequestTimeout: min(client.DefaultRequestTimeout, *timeout),
	})
	if err != nil {
		return usageError("%s", settingError(err))
	}

	source := "`" + client.RedactURL(baseURL) + "`"
	if org != "" {
		source += ", organization `" + org + "`"
	}
	opts := export.Options{
		Out:            *out,
		Filter:         discovery.Filter{Name: *name, Metadata: metadata},
		Source:         source,
		Parallelism:    *parallelism,
		Timeout:        *timeout,
		ProgressPrefix: "anyreach-export: ",
		Terminal:       isTerminal(stderr),
	}
	if !*quiet {
		opts.Progress = stderr
	}
	sum, err := export.Run(ctx, c, opts)
	switch {
	case errors.Is(err, export.ErrNoAgents):
		fmt.Fprintf(stderr, "anyreach-export: %v\n", err)
		return exitNoAgents
	case err != nil:
		fmt.Fprintf(stderr, "anyreach-export: %s\n", apiError(err, client.RedactURL(baseURL)))
		return exitFailed
	}
	for _, g := range sum.Gone {
		fmt.Fprintf(stderr, "anyreach-export: warning: %q (%s) is in %s but no longer listed, so it is no longer imported; "+
			"delete its file %s, which would now create it anew\n", g.Name, g.ID, *out, g.File)
	}
	if !sum.Complete() {
		var interrupted int
		fmt.Fprintf(stderr, "anyreach-export: the export in %s is incomplete: %d of the agents could not be read:\n", *out, len(sum.Failed))
		for _, f := range sum.Failed {
			if errors.Is(f.Err, context.Canceled) {
				interrupted++ // interrupted: listed as a count, not one line each
				continue
			}
			fmt.Fprintf(stderr, "  %q (%s): %s\n", f.Name, f.ID, apiError(f.Err, client.RedactURL(baseURL)))
		}
		if interrupted > 0 {
			fmt.Fprintf(stderr, "  %d not read: the export was interrupted\n", interrupted)
		}
		fmt.Fprintln(stderr, "anyreach-export: run the same command again to add them; nothing already written is renamed")
		return exitIncomplete
	}
	return exitOK
}

// checkBaseURL is client.CheckBaseURL, plus the one mistake the client
// cannot see: the API's root URL given with its /core path, which the
// exporter adds itself.
func checkBaseURL(raw string) error {
	if err := client.CheckBaseURL(raw); err != nil {
		return err
	}
	if u, err := url.Parse(raw); err == nil && strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/core") {
		return fmt.Errorf("%s ends in /core: set it to the API's root URL (for example %s); the exporter adds /core/... itself",
			client.RedactURL(raw), client.DefaultBaseURL)
	}
	return nil
}

// settingError words a setting client.New refuses in the exporter's terms:
// its environment variables, not the provider's arguments.
func settingError(err error) string {
	switch {
	case errors.Is(err, client.ErrTokenRequired):
		return client.EnvToken + " is not set: set it to an organization API key (ak_...) or a personal access token (pat_...)"
	case errors.Is(err, client.ErrOrganizationRequired):
		return "a personal access token (pat_...) is not bound to an organization: set " + client.EnvOrg + " to the organization to export"
	}
	var ce *client.ConfigError
	if errors.As(err, &ce) {
		switch ce.Field {
		case "Token":
			return client.EnvToken + ": " + strings.TrimPrefix(ce.Error(), "anyreach: ")
		case "OrganizationID":
			return client.EnvOrg + ": " + strings.TrimPrefix(ce.Error(), "anyreach: ")
		case "BaseURL":
			return client.EnvBaseURL + ": " + strings.TrimPrefix(ce.Error(), "anyreach: ")
		}
	}
	return err.Error()
}

// apiError adds what to do to the API's refusals of the whole export.
func apiError(err error, baseURL string) string {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	switch apiErr.StatusCode {
	case 401:
		return fmt.Sprintf("%v\nthe API refused the credential in %s (401): check that it is a current key of the organization "+
			"(and, for a pat_ token, that %s names it)", err, client.EnvToken, client.EnvOrg)
	case 403:
		return fmt.Sprintf("%v\nthe credential in %s lacks a scope the export needs (403): it needs agents:read", err, client.EnvToken)
	case 404:
		if strings.Contains(apiErr.Path, "/core/agents") && !strings.Contains(strings.TrimPrefix(apiErr.Path, "/core/agents"), "/") {
			return fmt.Sprintf("%v\n%s has no Anyreach API at /core/agents (404): check that %s is the API's root URL", err, baseURL, client.EnvBaseURL)
		}
	}
	return err.Error()
}

// isTerminal reports whether w is a terminal, where progress rewrites one
// status line; anywhere else it writes plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
