package main

import (
	"archive/zip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// modulePath is the path users go install the emulator and the provider from.
const modulePath = "github.com/anyreach/terraform-provider-anyreach"

// TestGoInstall installs the emulator and the provider the way the offline
// testing guide tells users to, `go install MODULE/cmd/anyreach-emulator@VERSION`
// and `go install MODULE@VERSION`, from a module proxy serving this checkout
// as a release. go install refuses a module with replace or exclude
// directives, so this fails if go.mod gains one. Dependencies come from the
// local module cache only (no network), so their builds are cached; the
// release, under a version unique to this run, is removed from it afterwards.
func TestGoInstall(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds both commands from a module zip")
	}
	version := fmt.Sprintf("v0.0.0-%s-installtest", time.Now().UTC().Format("20060102150405.000000000"))
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	goEnv := func(name string) string {
		out, err := exec.CommandContext(t.Context(), "go", "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	modcache := goEnv("GOMODCACHE")
	localModules := filepath.Join(modcache, "cache", "download")
	t.Cleanup(func() {
		for _, p := range []string{
			filepath.Join(modcache, modulePath+"@"+version),
			filepath.Join(localModules, modulePath, "@v", version+".info"),
			filepath.Join(localModules, modulePath, "@v", version+".mod"),
			filepath.Join(localModules, modulePath, "@v", version+".zip"),
			filepath.Join(localModules, modulePath, "@v", version+".ziphash"),
			filepath.Join(localModules, modulePath, "@v", version+".lock"),
		} {
			_ = os.RemoveAll(p)
		}
	})

	proxy := t.TempDir()
	dir := filepath.Join(proxy, modulePath, "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "list"), version+"\n")
	writeFile(t, filepath.Join(dir, version+".info"), `{"Version":"`+version+`","Time":"2026-01-01T00:00:00Z"}`)
	writeFile(t, filepath.Join(dir, version+".mod"), string(gomod))
	writeModuleZip(t, root, filepath.Join(dir, version+".zip"), modulePath+"@"+version)

	gobin := t.TempDir()
	for _, pkg := range []string{modulePath + "/cmd/anyreach-emulator", modulePath} {
		cmd := exec.CommandContext(t.Context(), "go", "install", pkg+"@"+version)
		cmd.Dir = t.TempDir() // outside this module, as a user runs it
		cmd.Env = append(os.Environ(),
			"GOBIN="+gobin,
			"GOFLAGS=-modcacherw",
			"GOPROXY=file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(localModules),
			"GOSUMDB=off",
			"GOTOOLCHAIN=local",
		)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go install %s@%s: %v\n%s", pkg, version, err, out)
		}
	}
	out, err := exec.CommandContext(t.Context(), filepath.Join(gobin, "anyreach-emulator"), "--help").Output()
	if err != nil || !strings.Contains(string(out), "Usage: anyreach-emulator") {
		t.Errorf("the installed emulator's --help: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(gobin, "terraform-provider-anyreach")); err != nil {
		t.Errorf("the provider was not installed: %v", err)
	}
}

// writeModuleZip packs the files git tracks (or would track) in the module
// at root, without nested modules, as a module proxy serves a release.
func writeModuleZip(t *testing.T, root, dst, prefix string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", "ls-files", "--cached", "--others", "--exclude-standard", "-z")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	var nested []string
	files := strings.Split(strings.TrimRight(string(list), "\x00"), "\x00")
	for _, f := range files {
		if filepath.Base(f) == "go.mod" && f != "go.mod" {
			nested = append(nested, filepath.Dir(f)+"/")
		}
	}
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
files:
	for _, f := range files {
		for _, n := range nested {
			if strings.HasPrefix(f, n) {
				continue files
			}
		}
		b, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue // deleted but not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(prefix + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
