package provider

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

func testRunCache(t *testing.T, run string, now *time.Time) *runSchemaCache {
	t.Helper()
	return &runSchemaCache{
		dir:    filepath.Join(t.TempDir(), "cache"),
		run:    run,
		maxAge: time.Minute,
		now:    func() time.Time { return *now },
	}
}

func TestRunSchemaCacheSharesWithinOneRun(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := testRunCache(t, "4242@77", &now)
	api := "https://api.example|org_1"
	if _, ok := c.load(api); ok {
		t.Fatal("an empty cache answered")
	}
	if err := c.store(api, []byte(`{"type":"object"}`)); err != nil {
		t.Fatal(err)
	}
	raw, ok := c.load(api)
	if !ok || string(raw) != `{"type":"object"}` {
		t.Fatalf("load after store = %q, %v", raw, ok)
	}

	// The directory and file are the user's alone.
	for _, p := range []string{c.dir, c.path(api)} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v; want no access for group and others", p, perm)
		}
	}

	// Another API, or another Terraform process, does not see it.
	if _, ok := c.load("https://api.example|org_2"); ok {
		t.Error("another organization got the schema")
	}
	other := *c
	other.run = "4243@77"
	if _, ok := other.load(api); ok {
		t.Error("another run got the schema")
	}
	recycled := *c
	recycled.run = "4242@78"
	if _, ok := recycled.load(api); ok {
		t.Error("a recycled PID with another start time got the schema")
	}
}

func TestRunSchemaCacheExpires(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := testRunCache(t, "1@1", &now)
	if err := c.store("old", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	// Files carry their real modification time; move the clock instead.
	now = now.Add(2 * time.Minute)
	if _, ok := c.load("old"); ok {
		t.Fatal("an entry older than maxAge was used")
	}
	if err := c.store("new", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base(c.path("new")) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("after a store the cache holds %v; want only the new entry", names)
	}
}

func TestRunSchemaCacheFallsBack(t *testing.T) {
	t.Parallel()
	now := time.Now()

	var nilCache *runSchemaCache
	if _, ok := nilCache.load("api"); ok {
		t.Error("a nil cache answered")
	}
	if err := nilCache.store("api", []byte(`{}`)); err != nil {
		t.Errorf("a nil cache failed to store: %v", err)
	}

	c := testRunCache(t, "1@1", &now)
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.path("empty"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.load("empty"); ok {
		t.Error("an empty file was taken for a schema")
	}

	// A cache directory that cannot be created is an error for the caller
	// to log, not a panic.
	blocked := testRunCache(t, "1@1", &now)
	if err := os.WriteFile(filepath.Dir(blocked.dir)+"/cache", []byte("a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := blocked.store("api", []byte(`{}`)); err == nil {
		t.Error("storing under a file succeeded")
	}
}

func TestFetchConfigSchemaUsesTheRunCache(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := testRunCache(t, "1@1", &now)
	emu := newTestEmulator(t, emulator.Options{})
	cl, err := client.New(client.Config{BaseURL: emu.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	pd := &providerData{client: cl, schemaKey: emu.URL + "|", runCache: c}

	first, err := fetchConfigSchema(t.Context(), pd)
	if err != nil {
		t.Fatal(err)
	}
	second, err := fetchConfigSchema(t.Context(), pd)
	if err != nil {
		t.Fatal(err)
	}
	if got := emu.RequestCounts()["GET /core/agent-config-schema"]; got != 1 {
		t.Errorf("two processes of one run fetched the schema %d times; want 1", got)
	}
	if first.sha256 != second.sha256 || len(second.properties) == 0 {
		t.Errorf("the cached schema differs: %s vs %s, %d properties", first.sha256, second.sha256, len(second.properties))
	}

	// A corrupt entry is not trusted: the schema is fetched again.
	if err := os.WriteFile(c.path(pd.schemaKey), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := fetchConfigSchema(t.Context(), pd); err != nil {
		t.Fatal(err)
	}
	if got := emu.RequestCounts()["GET /core/agent-config-schema"]; got != 2 {
		t.Errorf("after a corrupt entry the schema was fetched %d times in all; want 2", got)
	}
}

func TestParentProcessIdentity(t *testing.T) {
	t.Parallel()
	id := parentProcessIdentity()
	pid, start, found := strings.Cut(id, "@")
	if pid != strconv.Itoa(os.Getppid()) {
		t.Errorf("identity %q does not start with the parent PID %d", id, os.Getppid())
	}
	if _, err := os.Stat("/proc/self/stat"); err == nil {
		if _, err := strconv.ParseUint(start, 10, 64); !found || err != nil {
			t.Errorf("identity %q has no start time although /proc has one", id)
		}
	}
	if again := parentProcessIdentity(); again != id {
		t.Errorf("identity changed from %q to %q", id, again)
	}
}

func TestRequestLoggerOnlyWhenTerraformShowsLogs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"TF_LOG_PROVIDER": "OFF"}, false},
		{map[string]string{"TF_LOG_PROVIDER_ANYREACH_HTTP": "DEBUG"}, false},
		{map[string]string{"TF_LOG": "off"}, false},
		{map[string]string{"TF_LOG": "trace"}, true},
		{map[string]string{"TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PROVIDER_ANYREACH": "OFF"}, true},
	} {
		got := requestLogger("tok", func(k string) string { return tc.env[k] }) != nil
		if got != tc.want {
			t.Errorf("env %v: request logger = %v, want %v", tc.env, got, tc.want)
		}
	}
}
