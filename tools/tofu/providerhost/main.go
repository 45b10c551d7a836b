// Command providerhost prints the registry host OpenTofu resolves unqualified
// provider sources to, read from OpenTofu's own address package, so that the
// acceptance harness registers the provider under the address OpenTofu looks
// for (TF_ACC_PROVIDER_HOST) without the project hard-coding it.
package main

import (
	"fmt"

	tfaddr "github.com/opentofu/registry-address/v2"
)

func main() {
	fmt.Println(tfaddr.DefaultProviderRegistryHost.String())
}
