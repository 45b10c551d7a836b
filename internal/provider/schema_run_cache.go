package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// runSchemaCache shares the fetched AgentConfig schema between the provider
// processes of one Terraform command. Terraform starts a provider process for
// each graph walk, and `terraform apply` plans the same changes twice: once
// in the plan walk and once more, in a fresh process, in the apply walk. The
// in-process cache alone therefore fetched the schema twice per apply.
//
// A file belongs to one Terraform process: its name hashes the API (base URL
// and organization) with the parent process's ID and start time, so another
// command, even one run a moment later, fetches the schema afresh. Entries
// older than maxAge are ignored and removed, which bounds both the files left
// behind and how stale a schema can get during a long confirmation prompt.
// The file holds the schema only, never a credential; every failure here
// (no cache directory, a read-only disk, a corrupt file) falls back to
// fetching.
type runSchemaCache struct {
	dir    string
	run    string
	maxAge time.Duration
	now    func() time.Time
}

// runSchemaCacheMaxAge bounds an entry's life; a Terraform command that waits
// longer than this at its approval prompt fetches the schema again.
const runSchemaCacheMaxAge = 15 * time.Minute

// newRunSchemaCache returns the cache for the Terraform process that started
// this one, in the user's cache directory, or nil when there is none.
func newRunSchemaCache() *runSchemaCache {
	base, err := os.UserCacheDir()
	if err != nil {
		return nil
	}
	return &runSchemaCache{
		dir:    filepath.Join(base, "terraform-provider-anyreach"),
		run:    parentProcessIdentity(),
		maxAge: runSchemaCacheMaxAge,
		now:    time.Now,
	}
}

// parentProcessIdentity names the parent process: its PID and, where /proc
// has it, its start time, so a recycled PID is not taken for the same run.
func parentProcessIdentity() string {
	ppid := strconv.Itoa(os.Getppid())
	stat, err := os.ReadFile(filepath.Join("/proc", ppid, "stat"))
	if err != nil {
		return ppid
	}
	// The command name (field 2) is in parentheses and may contain spaces;
	// the start time is field 22, the 20th after the closing parenthesis.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return ppid
	}
	return ppid + "@" + fields[19]
}

// path is the file of one API's schema within this run.
func (c *runSchemaCache) path(apiKey string) string {
	sum := sha256.Sum256([]byte(c.run + "\n" + apiKey))
	return filepath.Join(c.dir, "schema-"+hex.EncodeToString(sum[:12])+".json")
}

// load returns the schema another process of this run stored, if any.
func (c *runSchemaCache) load(apiKey string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	p := c.path(apiKey)
	info, err := os.Stat(p)
	if err != nil || !info.Mode().IsRegular() || c.now().Sub(info.ModTime()) > c.maxAge {
		return nil, false
	}
	raw, err := os.ReadFile(p) //nolint:gosec // a file name this package derived, in the user's own cache directory
	if err != nil || len(raw) == 0 {
		return nil, false
	}
	return raw, true
}

// store writes the schema for the run's later processes. It writes to a
// temporary file and renames it, so a concurrent reader sees all or nothing,
// and removes expired entries of earlier runs on the way.
func (c *runSchemaCache) store(apiKey string, raw []byte) error {
	if c == nil {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	c.removeExpired()
	f, err := os.CreateTemp(c.dir, ".schema-*.tmp")
	if err != nil {
		return err
	}
	_, werr := f.Write(raw)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), c.path(apiKey)); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return nil
}

// removeExpired deletes the files of runs older than maxAge.
func (c *runSchemaCache) removeExpired() {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "schema-") && !strings.HasPrefix(name, ".schema-") {
			continue
		}
		if info, err := e.Info(); err == nil && c.now().Sub(info.ModTime()) > c.maxAge {
			_ = os.Remove(filepath.Join(c.dir, name))
		}
	}
}
