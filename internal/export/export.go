// Package export writes the agents of an Anyreach organization as a
// Terraform root module that adopts them: resources, import blocks and config
// files that plan nothing but imports. cmd/anyreach-export is its command.
//
// It finds what to export through internal/discovery (the same walk as the
// provider's list resources), reads each agent's versions through
// internal/client, and writes the AgentConfig of each version the way the
// provider's import reads it (internal/configjson), so the imported versions
// plan no change. It never writes the credential: the module's provider
// block is configured from the environment.
//
// At organization scale: agents are read concurrently (Options.Parallelism
// at a time) and each agent's files are written as soon as its reads finish,
// so memory holds a few answers, not the organization; an agent whose reads
// fail is reported (Summary.Failed) while the others are written, and
// running the export again into the same directory adds what is missing and
// renames nothing (see journal.go and names.go).
package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/anyreach/terraform-provider-anyreach/internal/discovery"
)

// Options says what to export and where.
type Options struct {
	// Out is the directory the module is written to: empty, absent, or an
	// earlier export of the same filter, which is then completed.
	Out string
	// Filter selects the agents.
	Filter discovery.Filter
	// Source says in the README where the agents came from (the base URL and
	// organization); it must not hold a credential.
	Source string
	// Parallelism is the most agents read at once (0: discovery.DefaultParallelism).
	Parallelism int
	// Timeout bounds each phase: listing the agents, reading the AgentConfig
	// schema, and each agent's reads (0: DefaultTimeout).
	Timeout time.Duration
	// Progress receives progress; nil reports nothing. ProgressPrefix starts
	// each line, and Terminal rewrites one status line in place instead of
	// writing plain lines.
	Progress       io.Writer
	ProgressPrefix string
	Terminal       bool
}

// DefaultTimeout bounds each phase of an export.
const DefaultTimeout = time.Minute

// ErrNoAgents is returned when no agent matches the filter: nothing is written.
var ErrNoAgents = errors.New("no agent matches")

// Summary counts what the module holds, and lists the agents it misses.
type Summary struct {
	Agents, Versions, Publications, SIPDeployments int
	// Added is the number of agents this run wrote (the others were in the
	// directory already).
	Added int
	// Failed are the agents whose reads failed: not written, to be added by
	// running the export again.
	Failed []Failure
	// Gone are agents of an earlier run into the directory that are no
	// longer listed: their import blocks are dropped, their files kept for
	// the user to delete.
	Gone []Gone
}

// Gone is an agent of the export that is no longer listed, and its file.
type Gone struct {
	ID, Name, File string
}

// Failure is an agent that could not be exported.
type Failure struct {
	ID, Name string
	Err      error
}

// Complete reports an export that misses no agent.
func (s Summary) Complete() bool { return len(s.Failed) == 0 }

// String says what was exported, for progress and the README.
func (s Summary) String() string {
	return fmt.Sprintf("%s, %s, %s and %s (%d to import)", count(s.Agents, "agent"), count(s.Versions, "version"),
		count(s.Publications, "publication"), count(s.SIPDeployments, "SIP deployment"), s.Imports())
}

// count is "1 agent", "2 agents".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Imports is the number of import blocks written: what the first plan of the
// module imports.
func (s Summary) Imports() int {
	return s.Agents + s.Versions + s.Publications + s.SIPDeployments
}

// Run exports the agents that match opts through c and writes the module.
// An error means nothing usable was written; an incomplete export returns a
// Summary whose Failed lists what is missing, and no error.
func Run(ctx context.Context, c *client.Client, opts Options) (Summary, error) {
	if opts.Out == "" {
		return Summary{}, errors.New("the output directory is not set")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	progress := newProgress(opts.Progress, opts.ProgressPrefix, opts.Terminal)
	if err := checkOut(opts.Out); err != nil {
		return Summary{}, err
	}

	progress.begin("listing agents", 0)
	listed, err := withDeadline(ctx, opts.Timeout, "listing the agents", func(ctx context.Context) ([]client.Agent, error) {
		return discovery.List(ctx, c, opts.Filter)
	})
	progress.end()
	if err != nil {
		return Summary{}, err
	}
	if len(listed) == 0 && !hasJournal(opts.Out) {
		return Summary{}, fmt.Errorf("%w %s; nothing was written", ErrNoAgents, opts.Filter)
	}

	// The schema is read before anything is written, so a schema the limits
	// refuse ends the export with an empty directory.
	var shape *configjson.Shape
	if len(listed) > 0 {
		if shape, err = configShape(ctx, c, opts.Timeout, progress); err != nil {
			return Summary{}, err
		}
	}
	j, err := openJournal(opts.Out, opts.Filter)
	if err != nil {
		return Summary{}, err
	}
	defer j.close()
	kept := j.names()
	var todo []client.Agent
	listedIDs := map[string]bool{}
	for _, a := range listed {
		listedIDs[a.ID] = true
		if _, ok := kept[a.ID]; !ok {
			todo = append(todo, a)
		}
	}
	var sum Summary
	for _, r := range j.records {
		if !listedIDs[r.ID] {
			sum.Gone = append(sum.Gone, Gone{ID: r.ID, Name: r.Name, File: agentFile(r.Resource)})
		}
	}
	if len(kept) > 0 {
		progress.printf("%s listed, %d already in %s; %d to add", count(len(listed), "agent"),
			len(listed)-len(todo), opts.Out, len(todo))
	} else {
		progress.printf("%s to export", count(len(listed), "agent"))
	}

	names := agentNames(todo, kept)
	var mu sync.Mutex
	var journalErr error
	done := 0
	if len(todo) > 0 {
		progress.begin("reading agents", len(todo))
	}
	discovery.Walk(ctx, c, todo, discovery.WalkOptions{Parallelism: opts.Parallelism, AgentTimeout: opts.Timeout},
		func(ctx context.Context, listed *client.Agent, a discovery.Agent, err error) {
			var rec agentRecord
			if err == nil {
				rec, err = exportAgent(ctx, c, shape, opts.Out, names[listed.ID], a)
			}
			mu.Lock()
			defer mu.Unlock()
			defer progress.step()
			done++
			switch {
			case client.IsNotFound(err):
				progress.agentf("[%d/%d] %q (%s) was deleted since it was listed; skipped", done, len(todo), listed.Name, listed.ID)
			case err != nil:
				sum.Failed = append(sum.Failed, Failure{ID: listed.ID, Name: listed.Name, Err: phaseError(err, opts.Timeout, "reading the agent")})
				progress.agentf("[%d/%d] %q (%s) failed: %v", done, len(todo), listed.Name, listed.ID, err)
			default:
				if err := j.add(rec); err != nil && journalErr == nil {
					journalErr = err
				}
				sum.Added++
				progress.agentf("[%d/%d] %q: %s", done, len(todo), rec.Name, rec.describe())
			}
		})
	progress.end()
	if journalErr != nil {
		return sum, journalErr
	}

	var records []agentRecord
	for _, r := range j.sorted() {
		if !listedIDs[r.ID] {
			continue // gone: no import block, no README line (see Summary.Gone)
		}
		records = append(records, r)
	}
	for _, r := range records {
		sum.Agents++
		sum.Versions += len(r.Versions)
		sum.Publications += len(r.Publications)
		if r.SIP {
			sum.SIPDeployments++
		}
	}
	if err := writeModule(opts, records, sum); err != nil {
		return sum, err
	}
	progress.printf("wrote %s to %s", sum, opts.Out)
	return sum, nil
}

// describe is an agent's progress line: anyreach_agent.x, versions, publications.
func (r agentRecord) describe() string {
	sip := ""
	if r.SIP {
		sip = ", SIP endpoint"
	}
	return fmt.Sprintf("anyreach_agent.%s, %d of %s, %s%s", r.Resource, len(r.Versions),
		count(len(r.Versions)+r.History, "version"), count(len(r.Publications), "publication"), sip)
}

// checkOut refuses an output directory the export would mix with other
// files: one that holds files but no journal of an earlier export.
func checkOut(dir string) error {
	if hasJournal(dir) {
		return nil
	}
	return checkEmptyDir(dir)
}

func hasJournal(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, journalFile))
	return err == nil
}

// withDeadline runs one phase within timeout and words its deadline.
func withDeadline[T any](ctx context.Context, timeout time.Duration, phase string, f func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	v, err := f(ctx)
	if err != nil {
		err = phaseError(err, timeout, phase)
	}
	return v, err
}

// phaseError says "no answer within ..." for a phase that ran out of time.
func phaseError(err error, timeout time.Duration, phase string) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: no complete answer from the API within %s (--timeout); check the base URL and the network: %w", phase, timeout, err)
	}
	return fmt.Errorf("%s: %w", phase, err)
}

// exportAgent reads an agent's versions and writes its files: each config
// as soon as it is read, the agent's .tf file last. On an error the files
// written for it are removed, so a rerun finds the agent missing and writes
// it whole.
func exportAgent(ctx context.Context, c *client.Client, shape *configjson.Shape, out, name string, a discovery.Agent) (rec agentRecord, err error) {
	rec = agentRecord{ID: a.ID, Name: a.Name, Resource: name, SIP: a.SIP(), History: a.History}
	var written []string
	defer func() {
		if err != nil {
			for _, f := range written {
				_ = os.Remove(filepath.Join(out, filepath.FromSlash(f)))
			}
		}
	}()
	write := func(rel, content string) error {
		written = append(written, rel)
		return writeFile(out, rel, content)
	}
	byNumber := map[int]string{}
	for _, v := range a.Versions {
		vr := versionRecord{Resource: versionName(name, v), Version: v.Version, Role: v.Key(), Reasons: v.Reasons, Config: configFile(name, v)}
		config, inputs, err := readConfig(ctx, c, shape, a.ID, v.Version)
		if err != nil {
			return rec, err
		}
		if err := write(vr.Config, config); err != nil {
			return rec, err
		}
		if inputs != "" {
			vr.Inputs = inputsFile(name, v)
			if err := write(vr.Inputs, inputs); err != nil {
				return rec, err
			}
		}
		byNumber[v.Version] = vr.Resource
		rec.Versions = append(rec.Versions, vr)
	}
	perVersion := map[int]int{}
	for _, p := range a.Publications {
		perVersion[p.Version]++
	}
	for _, p := range a.Publications {
		version := byNumber[p.Version]
		rec.Publications = append(rec.Publications, publicationRecord{
			Resource: publicationName(version, p, perVersion[p.Version]), Version: p.Version, VersionResource: version,
			Direction: p.Direction, Numbers: p.PhoneNumbers,
		})
	}
	if err := write(agentFile(name), renderAgentFile(a.Agent, rec)); err != nil {
		return rec, err
	}
	return rec, nil
}

// configShape fetches the AgentConfig schema, whose defaults a config file
// leaves out. Without it the stored configs are written whole (less null
// fields), which the provider also accepts when it cannot fetch the schema.
func configShape(ctx context.Context, c *client.Client, timeout time.Duration, progress *progress) (*configjson.Shape, error) {
	raw, err := withDeadline(ctx, timeout, "reading the AgentConfig schema", c.AgentConfigSchema)
	if err == nil {
		var doc any
		if doc, err = configjson.Decode(string(raw)); err == nil {
			if root, ok := doc.(map[string]any); ok {
				shape, err := configjson.NewShape(root)
				if err != nil {
					return nil, fmt.Errorf("the AgentConfig schema served by the API was refused: %w", err)
				}
				return shape, nil
			}
			err = errors.New("it is not a JSON object")
		}
	}
	progress.printf("warning: the AgentConfig schema is not available (%v); configs are written with every stored value, defaults included", err)
	return nil, nil
}

// readConfig reads one version and renders its config (and builder inputs)
// as the provider's import reads them: without the service's own keys,
// null fields and values equal to their schema default.
func readConfig(ctx context.Context, c *client.Client, shape *configjson.Shape, agentID string, number int) (config, inputs string, err error) {
	got, err := c.GetVersion(ctx, agentID, number)
	if err != nil {
		return "", "", fmt.Errorf("reading version %d: %w", number, err)
	}
	cfg, err := configjson.Decode(string(got.Config))
	if err != nil {
		return "", "", fmt.Errorf("version %d has a config that is not JSON: %w", number, err)
	}
	if config, err = prettyJSON(shape.Minimal(cfg)); err != nil {
		return "", "", err
	}
	if len(got.InstructionBuilderInputs) > 0 && string(got.InstructionBuilderInputs) != "null" {
		in, err := configjson.Decode(string(got.InstructionBuilderInputs))
		if err != nil {
			return "", "", fmt.Errorf("version %d has instruction_builder_inputs that are not JSON: %w", number, err)
		}
		if inputs, err = prettyJSON(in); err != nil {
			return "", "", err
		}
	}
	return config, inputs, nil
}

// prettyJSON indents v by two spaces, keys sorted, numbers as the API wrote
// them and text unescaped (& and é stay as they are).
func prettyJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// checkEmptyDir refuses a directory that holds anything, so an export never
// mixes with files it did not write.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("reading the output directory: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("the output directory %s is not empty and holds no earlier export; choose a new one, so the export does not mix with other files", dir)
	}
	return nil
}

// writeFile writes one file of the module (path relative to dir).
func writeFile(dir, name, content string) error {
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o600)
}
