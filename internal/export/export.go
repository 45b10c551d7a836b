// Package export writes the agents of an Anyreach organization as a
// Terraform root module that adopts them: resources, import blocks and config
// files that plan nothing but imports. cmd/anyreach-export is its command.
//
// It reads through internal/client only, and writes the AgentConfig of each
// version the way the provider's import reads it (internal/configjson), so
// the imported versions plan no change. It never writes the credential: the
// module's provider block is configured from the environment.
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

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// Options says what to export and where.
type Options struct {
	// Out is the directory the module is written to; it must be empty or not exist.
	Out string
	// Name exports only the agents with exactly this name ("" for all).
	Name string
	// Metadata exports only the agents whose metadata holds all these pairs.
	Metadata map[string]string
	// Source says in the README where the agents came from (the base URL and
	// organization); it must not hold a credential.
	Source string
	// Progress receives one line per step; nil discards them.
	Progress io.Writer
}

// Summary counts what was exported.
type Summary struct {
	Agents, Versions, Publications, SIPDeployments int
}

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
func Run(ctx context.Context, c *client.Client, opts Options) (Summary, error) {
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	if opts.Out == "" {
		return Summary{}, errors.New("the output directory is not set")
	}
	if err := checkEmptyDir(opts.Out); err != nil {
		return Summary{}, err
	}

	list, err := c.ListAgents(ctx, client.AgentListOptions{Name: opts.Name, Metadata: opts.Metadata, Limit: 100})
	if err != nil {
		return Summary{}, fmt.Errorf("listing agents: %w", err)
	}
	fmt.Fprintf(progress, "%s to export\n", count(len(list), "agent"))

	shape, err := configShape(ctx, c, progress)
	if err != nil {
		return Summary{}, err
	}

	// The list may carry short forms; the agent's own GET has its versions,
	// phone-number slots and SIP endpoint.
	agents := make([]*client.Agent, 0, len(list))
	for i, a := range list {
		full, err := c.GetAgent(ctx, a.ID)
		if client.IsNotFound(err) {
			fmt.Fprintf(progress, "[%d/%d] %q (%s) was deleted meanwhile; skipped\n", i+1, len(list), a.Name, a.ID)
			continue
		}
		if err != nil {
			return Summary{}, fmt.Errorf("reading agent %s: %w", a.ID, err)
		}
		agents = append(agents, full)
	}

	plans := planAgents(agents)
	var sum Summary
	for i, p := range plans {
		for j := range p.versions {
			v := &p.versions[j]
			if err := fetchConfig(ctx, c, shape, p.agent.ID, v); err != nil {
				return Summary{}, err
			}
		}
		sum.Agents++
		sum.Versions += len(p.versions)
		sum.Publications += len(p.publications)
		if p.sip {
			sum.SIPDeployments++
		}
		sip := ""
		if p.sip {
			sip = ", SIP endpoint"
		}
		fmt.Fprintf(progress, "[%d/%d] %q: anyreach_agent.%s, %d of %s, %s%s\n", i+1, len(plans), p.agent.Name, p.name,
			len(p.versions), count(len(p.agent.Versions), "version"), count(len(p.publications), "publication"), sip)
	}

	files, err := render(plans, opts, sum)
	if err != nil {
		return Summary{}, err
	}
	if err := writeFiles(opts.Out, files); err != nil {
		return Summary{}, err
	}
	fmt.Fprintf(progress, "wrote %s to %s\n", sum, opts.Out)
	return sum, nil
}

// configShape fetches the AgentConfig schema, whose defaults a config file
// leaves out. Without it the stored configs are written whole (less null
// fields), which the provider also accepts when it cannot fetch the schema.
// A schema over the limits the provider applies is an error, as in a plan.
func configShape(ctx context.Context, c *client.Client, progress io.Writer) (*configjson.Shape, error) {
	raw, err := c.AgentConfigSchema(ctx)
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
	fmt.Fprintf(progress, "warning: the AgentConfig schema is not available (%v); configs are written with every stored value, defaults included\n", err)
	return nil, nil
}

// fetchConfig reads one version and renders its config (and builder inputs)
// as the provider's import reads them: without the service's own keys,
// null fields and values equal to their schema default.
func fetchConfig(ctx context.Context, c *client.Client, shape *configjson.Shape, agentID string, v *versionPlan) error {
	got, err := c.GetVersion(ctx, agentID, v.summary.Version)
	if err != nil {
		return fmt.Errorf("reading version %d of agent %s: %w", v.summary.Version, agentID, err)
	}
	cfg, err := configjson.Decode(string(got.Config))
	if err != nil {
		return fmt.Errorf("version %d of agent %s has a config that is not JSON: %w", v.summary.Version, agentID, err)
	}
	if v.config, err = prettyJSON(shape.Minimal(cfg)); err != nil {
		return err
	}
	if len(got.InstructionBuilderInputs) > 0 && string(got.InstructionBuilderInputs) != "null" {
		inputs, err := configjson.Decode(string(got.InstructionBuilderInputs))
		if err != nil {
			return fmt.Errorf("version %d of agent %s has instruction_builder_inputs that are not JSON: %w", v.summary.Version, agentID, err)
		}
		if v.inputs, err = prettyJSON(inputs); err != nil {
			return err
		}
	}
	return nil
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
		return fmt.Errorf("the output directory %s is not empty; choose a new one, so the export does not mix with other files", dir)
	}
	return nil
}

// writeFiles writes files (path relative to dir → content).
func writeFiles(dir string, files map[string]string) error {
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}
