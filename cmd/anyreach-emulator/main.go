// Command anyreach-emulator serves the in-memory Anyreach Agents API emulator
// on a local address, for demos, manual testing and client development.
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
		addr            = fs.String("addr", "127.0.0.1:8787", "listen address; port 0 picks a free port")
		logRequests     = fs.Bool("log", false, "log every request to stderr")
	)
	fs.Var(&tokens, "token", "accepted credential, repeatable: TOKEN (all scopes) or TOKEN=scope1,scope2 (default "+emulator.DefaultToken+")")
	fs.Var(&numbers, "phone-number", "E.164 number of the phone directory, repeatable (default "+strings.Join(emulator.DefaultPhoneNumbers(), ", ")+")")
	fs.StringVar(&opts.OrgID, "org", emulator.DefaultOrgID, "organization a pat_ token must name in X-Anyreach-Org")
	fs.DurationVar(&opts.Latency, "latency", 0, "latency added to every /core request, e.g. 25ms")
	fs.DurationVar(&opts.GenerationDelay, "generation-delay", 0, "how long instruction generation takes, e.g. 2s")
	fs.Float64Var(&opts.RateLimit, "rate-limit", 0, "requests per second per token on /core (0 = unlimited)")
	fs.Float64Var(&opts.FaultRate, "fault-rate", 0, "share of /core requests answered 500/503 at random (0-1)")
	fs.Float64Var(&opts.LostResponseRate, "lost-response-rate", 0, "share of successful /core writes applied but answered by dropping the connection (0-1)")
	fs.Int64Var(&opts.Seed, "seed", 0, "seed of the fault randomness")
	fs.StringVar(&opts.StateFile, "state-file", "", "JSON file to load at start and save after every change")
	fs.StringVar(&opts.SIPHost, "sip-host", emulator.DefaultSIPHost, "host part of agent SIP URIs")
	fs.BoolVar(&opts.DisableSIPUndeploy, "disable-sip-undeploy", false, "answer 405 to DELETE /core/agents/{id}/deploy-as-sip, like the real service")
	fs.BoolVar(&opts.NullOptionalFields, "null-optional-fields", false, "write optional config fields that are not set as null instead of leaving them out")
	fs.BoolVar(&opts.VariantWire, "variant-wire", false, "answer what the contract leaves open the other way: \"id\" for agent_id, pages of 2, versions as a bare array, string 422 details, reworded error messages")
	fs.BoolVar(&opts.AbandonOnDisconnect, "abandon-on-disconnect", false, "drop a request whose client disconnects during --latency instead of finishing it as a real server does")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
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
