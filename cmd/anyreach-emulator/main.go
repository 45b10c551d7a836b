// Command anyreach-emulator serves the in-memory Anyreach Agents API emulator
// on a local address, so users can plan and apply their configurations
// without an account (see the "Test your configuration offline" guide), and
// for demos and client development. Install it with
//
//	go install github.com/anyreach/terraform-provider-anyreach/cmd/anyreach-emulator@VERSION
//
// and run it with --help for every flag.
//
// The first line on stdout is "anyreach-emulator listening on http://HOST:PORT"
// with the address actually bound, so scripts can start it on port 0 and read
// the URL back.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "anyreach-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("anyreach-emulator", flag.ContinueOnError)
	var (
		tokens, numbers stringList
		opts            emulator.Options
		addr            = fs.String("addr", "127.0.0.1:8787", "`HOST:PORT` to listen on; port 0 picks a free port (printed on the first line)")
		logRequests     = fs.Bool("log", false, "log every request (method, path, status) to stderr")
	)
	fs.Var(&tokens, "token", "accepted credential, repeatable: `TOKEN` with every scope, or TOKEN=scope1,scope2 with only those\n(agents:read, agents:manage, phone_numbers:read); replaces the default "+emulator.DefaultToken)
	fs.Var(&numbers, "phone-number", "`E.164` number in the organization's phone-number directory, repeatable; replaces the defaults\n"+strings.Join(emulator.DefaultPhoneNumbers(), ", "))
	fs.StringVar(&opts.OrgID, "org", emulator.DefaultOrgID, "the `ID` of the organization a pat_ token must name (ANYREACH_ORG / X-Anyreach-Org)")
	fs.DurationVar(&opts.Latency, "latency", 0, "`DURATION` added to every /core request, e.g. 25ms")
	fs.DurationVar(&opts.GenerationDelay, "generation-delay", 0, "how long instruction generation takes (`DURATION`, e.g. 2s)")
	fs.Float64Var(&opts.RateLimit, "rate-limit", 0, "`N` requests per second per token on /core; the excess gets 429 with Retry-After (0 = unlimited)")
	fs.Float64Var(&opts.FaultRate, "fault-rate", 0, "`SHARE` (0-1) of /core requests answered 500 or 503 at random, before doing anything")
	fs.Float64Var(&opts.LostResponseRate, "lost-response-rate", 0, "`SHARE` (0-1) of successful /core writes that are applied, then answered by dropping the connection")
	fs.Int64Var(&opts.Seed, "seed", 0, "`N`, the seed of the fault randomness, to repeat a run exactly")
	fs.StringVar(&opts.StateFile, "state-file", "", "JSON `FILE` holding the emulator's state: loaded at start if it exists, rewritten after every change,\nso agents and versions survive a restart")
	fs.StringVar(&opts.SIPHost, "sip-host", emulator.DefaultSIPHost, "`HOST` part of the agents' SIP URIs (sip:AGENT_ID@HOST)")
	fs.BoolVar(&opts.DisableSIPUndeploy, "disable-sip-undeploy", false, "answer 405 to DELETE /core/agents/{id}/deploy-as-sip, as the real service may")
	fs.BoolVar(&opts.NullOptionalFields, "null-optional-fields", false, "write optional config fields that are not set as null instead of leaving them out")
	fs.BoolVar(&opts.VariantWire, "variant-wire", false, "answer what the contract leaves open the other way: \"id\" for agent_id, pages of 2,\nversions as a bare array, string 422 details, reworded error messages (status codes unchanged)")
	fs.BoolVar(&opts.AbandonOnDisconnect, "abandon-on-disconnect", false, "drop a request whose client disconnects during --latency instead of finishing it as a real server does")
	// Parse errors are returned (main prints them); --help goes to stdout.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(os.Stdout, fs)
			return nil
		}
		return fmt.Errorf("%w (see --help)", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if len(tokens) > 0 {
		opts.Tokens = map[string][]string{}
		for _, t := range tokens {
			tok, scopes, hasScopes := strings.Cut(t, "=")
			if tok == "" {
				return fmt.Errorf("--token %q: empty token", t)
			}
			var list []string
			if hasScopes {
				for _, s := range strings.Split(scopes, ",") {
					if s = strings.TrimSpace(s); s != "" {
						list = append(list, s)
					}
				}
			}
			opts.Tokens[tok] = list
		}
	}
	opts.PhoneNumbers = numbers
	logger := log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	if *logRequests {
		opts.Logf = logger.Printf
	}

	emu, err := emulator.New(opts)
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", *addr)
	if err != nil {
		return err
	}
	// os.Stdout is unbuffered, so this line is out before the first request.
	fmt.Printf("anyreach-emulator listening on http://%s\n", ln.Addr())
	if len(tokens) == 0 {
		fmt.Printf("token: %s (all scopes)\n", emulator.DefaultToken)
	} else {
		names := make([]string, 0, len(opts.Tokens))
		for t := range opts.Tokens {
			names = append(names, t)
		}
		sort.Strings(names)
		for _, t := range names {
			scopes := strings.Join(opts.Tokens[t], ",")
			if scopes == "" {
				scopes = "all scopes"
			}
			fmt.Printf("token: %s (%s)\n", t, scopes)
		}
	}

	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	logger.Print("anyreach-emulator stopped")
	return nil
}
