package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// usageIntro is the top of --help: what the emulator is for and how to point
// Terraform at it.
var usageIntro = `Usage: anyreach-emulator [flags]

Serves an in-memory Anyreach Agents API on a local address, so a Terraform or
OpenTofu configuration using the anyreach provider can be planned and applied
without an Anyreach account or network, in CI or on a laptop.

The first line on stdout is "anyreach-emulator listening on http://HOST:PORT"
(the address actually bound, also with --addr 127.0.0.1:0). Point the provider
at it through the environment:

  export ANYREACH_BASE_URL=http://HOST:PORT
  export ANYREACH_TOKEN=` + emulator.DefaultToken + `

Everything lives in memory and is gone when the emulator stops, unless
--state-file names a file to keep it in. Stop it with Ctrl-C or SIGTERM.

Flags:
`

// usageOutro follows the flags: the out-of-band control endpoints.
const usageOutro = `
Out-of-band control (no credential; never delayed, rate-limited or faulted):
  GET  /_emulator/state           everything the emulator holds, as JSON
  GET  /_emulator/requests        request counts per route and a request log
  POST /_emulator/reset           clear the request counters
  PUT  /_emulator/generation-hold keep instruction generation running until
                                  DELETE /_emulator/generation-hold, or until requests
                                  to the routes in {"until": ["METHOD /pattern", ...]}
                                  were answered in that order (tests, instead of
                                  racing --generation-delay)
  and the edits a dashboard user could make, for drift tests: PATCH or DELETE
  /_emulator/agents/{id}, PATCH /_emulator/agents/{id}/versions/{v}/config, ...
  (see the README of the terraform-provider-anyreach repository).
`

// printUsage writes --help: the introduction, every flag with what it does
// and its default, and the control endpoints.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageIntro)
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if arg != "" {
			line += " " + arg
		}
		fmt.Fprintln(w, line)
		if !isZeroDefault(f.DefValue) {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintln(w, "        "+strings.ReplaceAll(usage, "\n", "\n        "))
	})
	fmt.Fprint(w, usageOutro)
}

func isZeroDefault(v string) bool {
	switch v {
	case "", "0", "0s", "false":
		return true
	}
	return false
}
