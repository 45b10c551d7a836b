package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// stateSizeResult is the state Terraform keeps for a fleet adopted by
// import: stateBytes next to the bytes of the configs themselves.
type stateSizeResult struct {
	agents, versions int
	configBytes      int64
	stateBytes       int64
}

// stateSizeAgents and stateSizeConfigBytes are the adopted fleet: 100 agents
// with two versions of about 40 KB each, made in the dashboard.
const (
	stateSizeAgents      = 100
	stateSizeConfigBytes = 40 << 10
)

// measureStateSize creates the fleet through the API, adopts it with import
// blocks under configuration that reads the configs as they were sent, and
// measures terraform.tfstate. Each version's config is in state once (the
// config attribute); what else a version keeps (its private state) is what
// this row watches.
func measureStateSize(ctx context.Context, s settings) (stateSizeResult, error) {
	r := stateSizeResult{agents: stateSizeAgents, versions: 2 * stateSizeAgents}
	emu, err := startEmulator(ctx, s, "statesize")
	if err != nil {
		return r, err
	}
	defer emu.stop()
	cfg, err := baseConfig(s)
	if err != nil {
		return r, err
	}
	dir := filepath.Join(s.work, "statesize", "module")
	var main, imports strings.Builder
	main.WriteString(providerBlock)
	extra := map[string][]byte{}
	base, _ := cfg["instructions"].(string)
	for i := range stateSizeAgents {
		id, err := createAgent(ctx, emu, fmt.Sprintf("bench-state-%d", i))
		if err != nil {
			return r, err
		}
		fmt.Fprintf(&main, "\nresource \"anyreach_agent\" \"a%d\" {\n  name = \"bench-state-%d\"\n}\n", i, i)
		fmt.Fprintf(&imports, "import {\n  to = anyreach_agent.a%d\n  id = %q\n}\n", i, id)
		for v := 1; v <= 2; v++ {
			text := fmt.Sprintf("%s (Agent %d, version %d.) ", base, i, v)
			cfg["instructions"] = strings.Repeat(text, stateSizeConfigBytes/len(text)+1)[:stateSizeConfigBytes]
			b, err := json.MarshalIndent(cfg, "", "  ")
			if err != nil {
				return r, err
			}
			if err := createVersion(ctx, emu, id, cfg); err != nil {
				return r, err
			}
			name := fmt.Sprintf("a%d-v%d.json", i, v)
			extra[name] = b
			r.configBytes += int64(len(b))
			fmt.Fprintf(&main, "\nresource \"anyreach_agent_version\" \"a%d_v%d\" {\n  agent_id = anyreach_agent.a%d.id\n  config   = file(\"${path.module}/%s\")\n}\n",
				i, v, i, name)
			fmt.Fprintf(&imports, "import {\n  to = anyreach_agent_version.a%d_v%d\n  id = \"%s/%d\"\n}\n", i, v, id, v)
		}
	}
	extra["imports.tf"] = []byte(imports.String())
	if err := writeModule(dir, main.String(), extra); err != nil {
		return r, err
	}
	tf, err := newTerraform(s, emu.url)
	if err != nil {
		return r, err
	}
	logf("state size: adopting %d agents with %d versions of %d KB by import", r.agents, r.versions, stateSizeConfigBytes>>10)
	if _, err := tf.run(ctx, dir, "apply", "-auto-approve"); err != nil {
		return r, err
	}
	if run, err := tf.run(ctx, dir, "plan", "-detailed-exitcode"); err != nil {
		return r, err
	} else if run.changes {
		return r, fmt.Errorf("the plan after the import is not empty (see the log)")
	}
	st, err := os.Stat(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		return r, err
	}
	r.stateBytes = st.Size()
	return r, nil
}

// stateSizeBound is how much larger than the configs' own bytes state may be.
const stateSizeBound = 1.5

func (r *results) writeStateSizeRow(b *strings.Builder) {
	z := r.stateSize
	if z.versions == 0 {
		return
	}
	ratio := float64(z.stateBytes) / float64(z.configBytes)
	mark := ""
	if ratio > stateSizeBound {
		mark = "⚠ "
	}
	fmt.Fprintf(b, "| **State size** (`terraform.tfstate` after adopting by import blocks; bound = %.1f× the configs' own bytes) | | | |\n", stateSizeBound)
	fmt.Fprintf(b, "| %d agents × 2 versions of %d KB, imported under configuration that reads the configs as sent | %.1f MB | %.1f MB of configs | %s%.2f× |\n",
		z.agents, stateSizeConfigBytes>>10, float64(z.stateBytes)/1e6, float64(z.configBytes)/1e6, mark, ratio)
}
