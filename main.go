// Command terraform-provider-anyreach serves the Anyreach Terraform provider.
package main

import (
	"flag"
	"log"
	"os"
	runtimedebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
	if !debug {
		quietUnshownLogs(os.Getenv, os.Setenv)
	}
	tuneGC(os.Getenv, runtimedebug.SetGCPercent, runtimedebug.SetMemoryLimit)

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	server := provider.NewProtocol6Server(provider.New(version, provider.WithRunSchemaCache())())
	// The registry's default host, the namespace and the type: anyreach/anyreach.
	address := tfaddr.NewProvider(tfaddr.DefaultProviderRegistryHost, "anyreach", "anyreach").String()
	err := tf6server.Serve(address, func() tfprotov6.ProviderServer {
		s, err := server()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}, opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}

// The provider's garbage collector settings unless the environment sets
// GOGC or GOMEMLIMIT. Terraform starts a provider process per graph walk and
// refreshes up to -parallelism resources at once, and on a small CI runner
// their CPU bursts queue for the same cores; collecting a quarter as often cut
// the provider's CPU by about a tenth and a 150-resource plan by about 4%
// (bench/results.md), for twice the peak memory (80 to 150 MiB at 600
// resources). The soft limit brings the default's pace back before a very
// large fleet's process passes gcMemoryLimit.
const (
	gcPercent     = 400
	gcMemoryLimit = 1 << 30
)

// tuneGC applies gcPercent and gcMemoryLimit unless GOGC or GOMEMLIMIT is set.
func tuneGC(getenv func(string) string, setGCPercent func(int) int, setMemoryLimit func(int64) int64) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	setGCPercent(gcPercent)
	setMemoryLimit(gcMemoryLimit)
}

// logLevelVars are the log levels terraform-plugin-go, the framework and tflog read.
var logLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// quietUnshownLogs switches the provider's logging off when Terraform will not
// keep it (provider.TerraformKeepsProviderLogs): the SDK logs each RPC at TRACE
// when its level is unset, and formatting those lines for nothing took a fifth
// of a 600-resource plan (bench/results.md). When Terraform keeps the logs,
// every level the environment sets applies.
func quietUnshownLogs(getenv func(string) string, setenv func(string, string) error) {
	if provider.TerraformKeepsProviderLogs(getenv) {
		return
	}
	for _, name := range logLevelVars {
		_ = setenv(name, "OFF")
	}
}
