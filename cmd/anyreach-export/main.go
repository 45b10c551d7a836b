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
// writes the credential anywhere.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
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

// run is the command: 0 on success, 1 when the export failed, 2 for a usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("anyreach-export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to write the Terraform module to (must be empty or not exist)")
	name := fs.String("name", "", "export only the agents with exactly this name")
	metadata := metadataFlags{}
	fs.Var(metadata, "metadata", "export only the agents whose metadata holds key=value (repeatable; all must match)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: anyreach-export --out DIR [--name NAME] [--metadata key=value ...]\n\n"+
			"Writes the agents of an Anyreach organization as a Terraform module that adopts them with import blocks.\n"+
			"Settings come from the environment: %s (required), %s (for a pat_ token), %s (default %s).\n\n",
			client.EnvToken, client.EnvOrg, client.EnvBaseURL, client.DefaultBaseURL)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "anyreach-export: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "anyreach-export: --out DIR is required")
		fs.Usage()
		return 2
	}

	baseURL := strings.TrimSpace(getenv(client.EnvBaseURL))
	if baseURL == "" {
		baseURL = client.DefaultBaseURL
	}
	if err := client.CheckBaseURL(baseURL); err != nil {
		fmt.Fprintf(stderr, "anyreach-export: %s: %v\n", client.EnvBaseURL, err)
		return 2
	}
	org := strings.TrimSpace(getenv(client.EnvOrg))
	c, err := client.New(client.Config{
		BaseURL:        baseURL,
		Token:          getenv(client.EnvToken),
		OrganizationID: org,
		UserAgent:      userAgent(),
	})
	if err != nil {
		fmt.Fprintf(stderr, "anyreach-export: %v\n", err)
		return 2
	}

	source := "`" + client.RedactURL(baseURL) + "`"
	if org != "" {
		source += ", organization `" + org + "`"
	}
	_, err = export.Run(ctx, c, export.Options{
		Out:      *out,
		Name:     *name,
		Metadata: metadata,
		Source:   source,
		Progress: prefixWriter{stderr},
	})
	if err != nil {
		fmt.Fprintf(stderr, "anyreach-export: %v\n", err)
		return 1
	}
	return 0
}

// prefixWriter marks each progress line as the command's.
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, "anyreach-export: "+string(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}
