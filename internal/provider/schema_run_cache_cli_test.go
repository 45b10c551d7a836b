package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// TestCLISchemaFetchedOncePerRun runs the built provider under the real CLI,
// where Terraform starts one provider process per graph walk: an apply that
// creates a version validates its config in the plan walk and again in the
// apply walk, yet fetches the AgentConfig schema once. The next command is a
// new run and fetches it again.
func TestCLISchemaFetchedOncePerRun(t *testing.T) {
	t.Parallel()
	bin := buildProviderBinary(t)
	emu := newTestEmulator(t, emulator.Options{})
	cache := t.TempDir()
	w := newCLIWorkspace(t, bin, "provider \"anyreach\" {}\n",
		[]string{"ANYREACH_TOKEN=" + testToken, "ANYREACH_BASE_URL=" + emu.URL, "XDG_CACHE_HOME=" + cache})
	schemaFetches := func() int { return emu.RequestCounts()["GET /core/agent-config-schema"] }

	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color")
	if got := schemaFetches(); got != 1 {
		t.Errorf("terraform apply creating a version fetched the schema %d times; want 1", got)
	}
	files, err := filepath.Glob(filepath.Join(cache, "terraform-provider-anyreach", "schema-*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("the run left %v in the cache directory (%v); want one schema file", files, err)
	}
	if info, err := os.Stat(files[0]); err != nil || info.Mode().Perm()&0o077 != 0 {
		t.Errorf("the cached schema %s: %v, mode %v; want readable by its owner only", files[0], err, info.Mode())
	}

	w.mustRun(t, "apply", "-auto-approve", "-input=false", "-no-color", "-replace=anyreach_agent_version.test")
	if got := schemaFetches(); got != 2 {
		t.Errorf("after a second apply that creates a version the schema was fetched %d times in all; want 2 (one per run)", got)
	}
	w.mustRun(t, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// TestCLIRequestLogsAlone runs the command the provider docs give for seeing
// the request logs without the provider's other logs.
func TestCLIRequestLogsAlone(t *testing.T) {
	t.Parallel()
	bin := buildProviderBinary(t)
	emu := newTestEmulator(t, emulator.Options{})
	w := newCLIWorkspace(t, bin, "provider \"anyreach\" {}\n", []string{
		"ANYREACH_TOKEN=" + testToken, "ANYREACH_BASE_URL=" + emu.URL,
		"TF_LOG=", "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PROVIDER_ANYREACH=OFF", "TF_LOG_SDK=OFF", "TF_LOG_PROVIDER_ANYREACH_HTTP=DEBUG",
	})
	w.mustRun(t, "plan", "-input=false", "-no-color")
	logs, err := filepath.Glob(filepath.Join(w.logs, "*-plan.log"))
	if err != nil || len(logs) != 1 {
		t.Fatalf("plan log files: %v, %v", logs, err)
	}
	raw, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	// The plan reads the phone numbers data source: one request.
	if !strings.Contains(text, "anyreach: API request") || !strings.Contains(text, "path=/core/phone-numbers") {
		t.Errorf("the request log of GET /core/phone-numbers is missing from the plan's log:\n%s", text)
	}
	if strings.Contains(text, "configured Anyreach client") {
		t.Error("TF_LOG_PROVIDER_ANYREACH=OFF did not silence the provider's other logs")
	}
}
