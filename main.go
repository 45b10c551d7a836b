// Command terraform-provider-anyreach serves the Anyreach Terraform provider.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	tfaddr "github.com/hashicorp/terraform-registry-address"

	"github.com/anyreach/terraform-provider-anyreach/internal/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		provider.QuietUnshownLogs(os.Getenv, os.Setenv)
	}
	// The registry's default host, the namespace and the type: anyreach/anyreach.
	address := tfaddr.NewProvider(tfaddr.DefaultProviderRegistryHost, "anyreach", "anyreach").String()
	if err := tf6server.Serve(address, provider.NewServer(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}
