// Command terraform-provider-anyreach serves the Anyreach Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	tfaddr "github.com/hashicorp/terraform-registry-address"

	"github.com/anyreach/terraform-provider-anyreach/internal/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		// The registry's default host, the namespace and the type: anyreach/anyreach.
		Address: tfaddr.NewProvider(tfaddr.DefaultProviderRegistryHost, "anyreach", "anyreach").String(),
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
