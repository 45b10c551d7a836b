package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// testAccProtoV6ProviderFactories serves the provider in the test process, so
// the real terraform binary talks to the code under test.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"anyreach": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

// testToken is the emulator's default credential, which has every scope.
const testToken = emulator.DefaultToken

// TestMain neutralises environment quirks that break the CLI, so a bare
// `go test` runs the whole suite. The tests need no TF_ACC: they are
// self-contained (the emulator runs in the test process), so they use
// resource.UnitTest, as terraform-plugin-testing intends for such tests.
func TestMain(m *testing.M) {
	code := runTests(m)
	if cliBuildDir != "" {
		os.RemoveAll(cliBuildDir)
	}
	os.Exit(code)
}

func runTests(m *testing.M) int {
	setDefaultEnv("CHECKPOINT_DISABLE", "1")
	// Without this the test reattach also registers the legacy "-" namespace, which OpenTofu rejects.
	setDefaultEnv("TF_ACC_PROVIDER_NAMESPACE", "hashicorp")
	// A TF_CLI_CONFIG_FILE that does not exist makes OpenTofu print a warning
	// where terraform-plugin-testing expects its version.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f == "" || !fileExists(f) {
		dir, err := os.MkdirTemp("", "anyreach-acc-cli")
		if err != nil {
			panic(err)
		}
		empty := filepath.Join(dir, "empty.tfrc")
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			panic(err)
		}
		os.Setenv("TF_CLI_CONFIG_FILE", empty) //nolint:usetesting // TestMain has no *testing.T
		defer os.RemoveAll(dir)
	}
	return m.Run()
}

func setDefaultEnv(key, value string) {
	if os.Getenv(key) == "" {
		os.Setenv(key, value) //nolint:usetesting // TestMain has no *testing.T
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// testEmulator is one in-process Anyreach emulator, private to one test so
// tests run in parallel without seeing each other's agents.
type testEmulator struct {
	*emulator.Emulator
	URL string
}

// newTestEmulator starts an emulator on a free loopback port for the test.
func newTestEmulator(t *testing.T, opts emulator.Options) *testEmulator {
	t.Helper()
	e, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &testEmulator{Emulator: e, URL: srv.URL}
}

// providerConfig is the provider block pointing at this emulator.
func (e *testEmulator) providerConfig() string {
	return fmt.Sprintf(`
provider "anyreach" {
  base_url    = %q
  token       = %q
  max_retries = 2
}
`, e.URL, testToken)
}
