package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// results is everything one run measured.
type results struct {
	settings  settings
	machine   machine
	buildTime time.Duration
	total     time.Duration
	ops       []opResult
	overhead  pluginOverhead
	fleets    []*fleetResult
	stateSize stateSizeResult
	export    *exportResult
}

// slowRatio is where a time next to its bound counts as slow: every fleet
// phase is to stay within 1.2× of the do-nothing provider plus the network floor.
const slowRatio = 1.2

// markdown renders bench/results.md: one summary table (figure | measured |
// floor or peer | ratio), then the details behind it.
func (r *results) markdown() string {
	var b strings.Builder
	s := r.settings
	fmt.Fprintf(&b, "# Fleet benchmark\n\n")
	fmt.Fprintf(&b, "`make bench` (`go run ./bench`): provider and emulator built from the working tree; one emulator per phase on loopback "+
		"with `--latency %s`; terraform with `-parallelism=%d -input=false -no-color` and `TF_IN_AUTOMATION=1`. One run, no repetitions.\n\n",
		s.latency, s.parallelism)
	r.writeMachine(&b)
	b.WriteString("\n## Results\n\n")
	b.WriteString("| figure | measured | floor or peer | ratio |\n|---|---|---|---|\n")
	r.writeOperationRows(&b)
	r.writeOverheadRow(&b)
	for _, f := range r.fleets {
		r.writeFleetRows(&b, f)
	}
	r.writeExportRows(&b)
	r.writeGrowthRows(&b)
	r.writeScriptRows(&b)
	r.writeProviderRows(&b)
	r.writeStateSizeRow(&b)
	r.writeProblems(&b)
	r.writeDetails(&b)
	r.writeMethod(&b)
	return b.String()
}

func (r *results) writeMachine(b *strings.Builder) {
	m := r.machine
	b.WriteString("## Machine\n\n")
	fmt.Fprintf(b, "- CPU: %d × %s (`nproc` = %d)\n", m.cpus, m.cpuModel, m.cpus)
	fmt.Fprintf(b, "- %s; %s\n", m.terraform, m.goVersion)
	fmt.Fprintf(b, "- Date: %s; load average (1/5/15 min) at start %s, at end %s\n", m.date, m.loadStart, m.loadEnd)
	fmt.Fprintf(b, "- Benchmark wall time %s, of which building the provider and the emulator %s\n",
		r.total.Round(time.Second), r.buildTime.Round(100*time.Millisecond))
	if m.memory != "" {
		fmt.Fprintf(b, "\n```\n$ free -h\n%s\n```\n", m.memory)
	}
}

func (r *results) writeOperationRows(b *strings.Builder) {
	b.WriteString("| **Requests per operation** (`/core` requests; floor = fewest the API allows) | | | |\n")
	for _, o := range r.ops {
		name := "`" + o.spec.resource + "`"
		if o.spec.variant != "" {
			name += " (" + o.spec.variant + ")"
		}
		for k := range opKinds {
			floor := o.spec.floors[k]
			if floor == notApplicable {
				fmt.Fprintf(b, "| %s %s | n/a | n/a | n/a |\n", name, opNames[k])
				continue
			}
			got := o.counts[k].total() // the schema fetch is already taken out
			fmt.Fprintf(b, "| %s %s | %d | %d | %s |\n", name, opNames[k], got, floor, countRatio(got, floor))
		}
	}
	fetches, commands := 0, 0
	for _, o := range r.ops {
		for _, c := range o.commands {
			fetches = max(fetches, c.fetches)
			commands++
		}
	}
	fmt.Fprintf(b, "| AgentConfig schema fetches (`%s`), most in any one of the %d terraform commands run for these operations | %d | 1 | %s |\n",
		schemaRoute, commands, fetches, countRatio(fetches, 1))
}

func (r *results) writeFleetRows(b *strings.Builder, f *fleetResult) {
	s := r.settings
	fmt.Fprintf(b, "| **Fleet, N = %d** (%d resources: agent, version, publish without phone numbers, SIP deployment); "+
		"bound = the same module through the do-nothing plugin provider (`bench/noopprovider`: same framework, no requests) "+
		"+ network floor (fewest requests the API allows × %s ÷ %d) | | | |\n", f.n, 4*f.n, s.latency, s.parallelism)
	for i := range phaseCount {
		p := f.phases[i]
		fmt.Fprintf(b, "| N=%d %s | %s (%d requests; floor %d) | %s = %s do-nothing provider + %s network | %s |\n",
			f.n, phaseNames[i], secs(p.provider.wall), p.counts.total(), p.floor, secs(p.bound(s)), secs(p.noop.wall),
			secs(p.networkFloor(s)), timeRatio(p.provider.wall, p.bound(s)))
	}
	fmt.Fprintf(b, "| *For reference*: Terraform's own time for the same graph (`terraform_data`, no plugin) + the same network floor; "+
		"no plugin provider reaches it (see the fixed cost above) | | | |\n")
	for i := range phaseCount {
		p := f.phases[i]
		net := p.networkFloor(s)
		fmt.Fprintf(b, "| N=%d %s | %s | %s = %s terraform_data + %s network | %.2f× |\n",
			f.n, phaseNames[i], secs(p.provider.wall), secs(p.baseline.wall+net), secs(p.baseline.wall), secs(net),
			ratio(p.provider.wall, p.baseline.wall+net))
	}
}

// writeOverheadRow shows the fixed cost every terraform command pays for
// running a plugin at all, which the terraform_data baseline does not pay.
func (r *results) writeOverheadRow(b *strings.Builder) {
	o := r.overhead
	if o.provider == 0 {
		return
	}
	b.WriteString("| **Fixed cost of a plugin provider** | | | |\n")
	fmt.Fprintf(b, "| `terraform plan` with N = 0: the provider is started (once per graph walk), configured and asked for its schema; median of 3. "+
		"Not a floor: any plugin provider pays it, the built-in terraform_data does not | %s | %s (terraform_data, N = 0) | %.2f× |\n",
		secs(o.provider), secs(o.baseline), ratio(o.provider, o.baseline))
}

func (r *results) writeGrowthRows(b *strings.Builder) {
	if len(r.fleets) < 2 {
		return
	}
	small, large := r.fleets[0], r.fleets[len(r.fleets)-1]
	size := float64(large.n) / float64(small.n)
	fmt.Fprintf(b, "| **Growth N=%d → N=%d** (sizes ×%.0f; ratio = time growth ÷ size growth, 1.00× is linear) | | | |\n", small.n, large.n, size)
	for i := range phaseCount {
		ps, pl := small.phases[i], large.phases[i]
		growth := ratio(pl.provider.wall, ps.provider.wall)
		baseGrowth := ratio(pl.baseline.wall, ps.baseline.wall)
		own := ratio(pl.provider.wall-pl.baseline.wall, ps.provider.wall-ps.baseline.wall)
		fmt.Fprintf(b, "| %s time | ×%.1f (provider's time above terraform_data: ×%.1f) | ×%.0f sizes (terraform_data alone: ×%.1f) | %.2f× |\n",
			phaseNames[i], growth, own, size, baseGrowth, growth/size)
	}
}

func (r *results) writeScriptRows(b *strings.Builder) {
	for _, f := range r.fleets {
		sc := f.script
		if sc == nil {
			continue
		}
		if f == r.fleets[0] {
			fmt.Fprintf(b, "| **Provider vs. `bench/curl-provision.sh`** (the docs' idempotent curl pattern, agents one after the other, JSON with %s) | | | |\n", sc.jsonTool)
		}
		create, rerun := f.phases[phaseApply], f.phases[phaseReapply]
		fmt.Fprintf(b, "| N=%d create the fleet: `terraform apply` ÷ script | %s (%d requests) | %s (%d requests) | %s |\n",
			f.n, secs(create.provider.wall), create.counts.total(), secs(sc.first), sc.firstCounts.total(), timeRatio(create.provider.wall, sc.first))
		fmt.Fprintf(b, "| N=%d re-run on the unchanged fleet: `terraform apply` (refresh + plan, no changes) ÷ script run again | %s (%d requests, %d writes) | %s (%d requests, %d writes) | %s |\n",
			f.n, secs(rerun.provider.wall), rerun.counts.total(), writes(rerun.counts), secs(sc.second), sc.secondCounts.total(), writes(sc.secondCounts),
			timeRatio(rerun.provider.wall, sc.second))
	}
}

func (r *results) writeProviderRows(b *strings.Builder) {
	if len(r.fleets) == 0 {
		return
	}
	b.WriteString("| **Provider process** | | | |\n")
	for _, f := range r.fleets {
		// The peak over every phase of the fleet, ours and the do-nothing
		// provider's on the same graph: what the provider itself retains.
		var ours, noop int64
		for i := range phaseCount {
			ours = max(ours, f.phases[i].provider.mem.peakKB)
			noop = max(noop, f.phases[i].noop.mem.peakKB)
		}
		fmt.Fprintf(b, "| N=%d: peak RSS (VmHWM) of the provider, any phase ÷ the do-nothing provider's | %s | %s | %s |\n",
			f.n, mib(ours), mib(noop), memRatio(ours, noop))
	}
	for _, f := range r.fleets {
		p := f.phases[phasePlan].provider.mem
		fmt.Fprintf(b, "| N=%d plan (no change): peak RSS (VmHWM) of the provider | %s (the largest; provider processes seen: %d, their CPU %s) | — | — |\n",
			f.n, mib(p.peakKB), p.processes, secs(p.cpu))
	}
	for _, f := range r.fleets {
		for i := range phaseCount {
			got := f.phases[i].counts.schema()
			fmt.Fprintf(b, "| N=%d %s: schema fetches (`%s`) | %d | %d | %s |\n", f.n, phaseNames[i], schemaRoute, got, schemaFloor(i), countRatio(got, schemaFloor(i)))
		}
	}
}

func (r *results) writeProblems(b *strings.Builder) {
	var problems []string
	for _, o := range r.ops {
		for _, p := range o.problems {
			problems = append(problems, o.spec.resource+" "+o.spec.variant+": "+p)
		}
	}
	for _, f := range r.fleets {
		problems = append(problems, f.problems...)
	}
	if len(problems) == 0 {
		return
	}
	b.WriteString("\n**Problems seen during the run:**\n\n")
	for _, p := range problems {
		fmt.Fprintf(b, "- %s\n", p)
	}
}

func (r *results) writeDetails(b *strings.Builder) {
	b.WriteString("\n## Details\n\n### Requests per operation, by route\n\n")
	b.WriteString("| resource | operation | requests | why the floor |\n|---|---|---|---|\n")
	for _, o := range r.ops {
		name := "`" + o.spec.resource + "`"
		if o.spec.variant != "" {
			name += " (" + o.spec.variant + ")"
		}
		for k := range opKinds {
			if o.spec.floors[k] == notApplicable {
				fmt.Fprintf(b, "| %s | %s | n/a | %s |\n", name, opNames[k], o.spec.why)
				continue
			}
			why := ""
			if k == opCreate {
				why = o.spec.why
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", name, opNames[k], o.counts[k], why)
		}
	}

	b.WriteString("\n### AgentConfig schema fetches and provider processes per terraform command\n\n")
	b.WriteString("| module | command | schema fetches | provider processes seen |\n|---|---|---|---|\n")
	for _, o := range r.ops {
		for _, c := range o.commands {
			fmt.Fprintf(b, "| `%s` %s | %s | %d | %d |\n", o.spec.resource, o.spec.variant, c.command, c.fetches, c.procs)
		}
	}
	for _, f := range r.fleets {
		for i := range phaseCount {
			fmt.Fprintf(b, "| fleet N=%d | %s | %d | %d |\n", f.n, phaseNames[i], f.phases[i].counts.schema(), f.phases[i].provider.mem.processes)
		}
	}

	b.WriteString("\n### Fleet phases: time and CPU\n\n")
	b.WriteString("| fleet | phase | provider wall | terraform_data wall | do-nothing provider wall | CPU of terraform + provider | of which provider | " +
		"CPU of terraform + do-nothing provider | provider peak RSS | provider processes seen |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range r.fleets {
		for i := range phaseCount {
			p := f.phases[i]
			fmt.Fprintf(b, "| N=%d | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n", f.n, phaseNames[i], secs(p.provider.wall), secs(p.baseline.wall),
				secs(p.noop.wall), secs(p.provider.cpu), secs(p.provider.mem.cpu), secs(p.noop.cpu), mib(p.provider.mem.peakKB), p.provider.mem.processes)
		}
	}

	b.WriteString("\n### Fleet requests, by route\n\n")
	b.WriteString("| fleet | phase | requests | floor | by route |\n|---|---|---|---|---|\n")
	for _, f := range r.fleets {
		for i := range phaseCount {
			c := f.phases[i].counts
			floor := fleetFloor(i, f.n)
			fmt.Fprintf(b, "| N=%d | %s | %d | %d (%s) | %s |\n", f.n, phaseNames[i], c.total(), floor, countRatio(c.total(), floor), c)
		}
		if sc := f.script; sc != nil {
			fmt.Fprintf(b, "| N=%d | curl script, first run | %d | — | %s |\n", f.n, sc.firstCounts.total(), sc.firstCounts)
			fmt.Fprintf(b, "| N=%d | curl script, second run | %d | — | %s |\n", f.n, sc.secondCounts.total(), sc.secondCounts)
		}
	}
}

// fleetFloor is the fewest /core requests a phase allows. Refreshing an
// agent's four resources takes two reads: the agent's GET answers for the
// agent, its publication and its SIP endpoint, the version's GET for the
// version. Apply creates 4 resources per agent, plus the read a publish
// without numbers needs (its answer names no version ID) and the schema
// fetches; a plan or no-change apply refreshes; destroy refreshes, undeploys
// and deletes the agent (versions cannot be deleted, a publish without
// numbers has nothing to clear).
func fleetFloor(phase, n int) int {
	switch phase {
	case phaseApply:
		return 5*n + schemaFloor(phase)
	case phaseDestroy:
		return 4 * n // 2N reads, N undeploys, N agent deletes
	default:
		return 2 * n
	}
}

// schemaFloor is the AgentConfig schema fetches a fleet phase needs: one per
// provider process that plans a changed config, that is the plan walk's and
// the apply walk's of the creating apply (the provider keeps no schema
// between processes), and none when no config changes.
func schemaFloor(phase int) int {
	if phase == phaseApply {
		return 2
	}
	return 0
}

func (r *results) writeMethod(b *strings.Builder) {
	b.WriteString("\n### Method\n\n")
	b.WriteString("- Requests per operation: one root module per resource type holding only that resource; its prerequisites (agent, " +
		"versions, a published version) are made through the API first and passed in as variables. The emulator's counters are reset " +
		"before each terraform command and read after it. Create = `plan -out` + `apply` of the saved plan; read = `plan -detailed-exitcode` " +
		"on the unchanged config (refresh); update and delete = `apply` of a saved plan (its `plan` refreshes, which is the read). " +
		"The schema fetch is counted apart.\n")
	b.WriteString("- Fleet: `count = N` agents named `fleet-<i>`, each with an `anyreach_agent_version` whose config is " +
		"`examples/quickstart/agent-config.json` with the agent's number in its instructions (`bench/work/fleet-N/configs/`), an " +
		"`anyreach_publish` of that version without phone numbers, and an `anyreach_sip_deployment` that depends on the publication. " +
		"Phases: `apply -auto-approve` from empty, `plan -detailed-exitcode`, " +
		"`apply -auto-approve` again (no changes), `destroy -auto-approve`; each provider phase runs right after the same phase of the " +
		"terraform_data baseline (4N resources wired agent → version → publish → SIP deployment through `input`/`triggers_replace`, the " +
		"version's input holding the same config text) and before the same phase through the do-nothing provider.\n")
	b.WriteString("- Bound of a phase = the same phase of the same module through `bench/noopprovider`, a provider on the same " +
		"framework that serves the four resource types with only the attributes the module uses and makes no request (run right after " +
		"the provider's phase, against its own state), + the network floor: the fewest requests the API allows for the phase × latency ÷ " +
		"parallelism. A plugin's process start-up is a cost no provider can avoid: what separates the do-nothing provider from the " +
		"terraform_data time is what any plugin provider costs Terraform for that graph, a process per graph walk with its mTLS " +
		"handshake and every resource's state crossing gRPC several times. The terraform_data time + the same network floor is shown " +
		"for reference.\n")
	b.WriteString("- Curl script: `bench/curl-provision.sh` over the same config files, against a fresh emulator with the same latency, " +
		"run twice; the second run meets every agent already there.\n")
	b.WriteString("- Memory and provider CPU: /proc is polled every 50 ms for `terraform-provider-anyreach` processes below the terraform " +
		"process (terraform starts one per graph walk); the report gives the largest VmHWM seen and the summed utime+stime at the last " +
		"sample, so processes that live less than 50 ms are missed. CPU of terraform + provider is the terraform process's rusage, " +
		"which includes the provider processes it waited for.\n")
	b.WriteString("- Timings come from one run on a shared machine; see the load average above. Logs of every command are in `bench/work/logs/`.\n")
}

// writes counts the requests that change something.
func writes(c requestCounts) int {
	n := 0
	for k, v := range c {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func countRatio(got, floor int) string {
	switch {
	case floor == 0 && got == 0:
		return "1.00× (none needed)"
	case floor == 0:
		return fmt.Sprintf("⚠ +%d over none", got)
	case got > floor:
		return fmt.Sprintf("⚠ %.2f× (+%d)", float64(got)/float64(floor), got-floor)
	}
	return fmt.Sprintf("%.2f×", float64(got)/float64(floor))
}

func timeRatio(got, bound time.Duration) string {
	r := ratio(got, bound)
	if r > slowRatio {
		return fmt.Sprintf("⚠ %.2f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mib(kb int64) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }

// memRatio is ours ÷ the do-nothing provider's peak RSS, flagged above the
// 1.25x the provider aims for.
func memRatio(ours, noop int64) string {
	if noop <= 0 {
		return "—"
	}
	r := float64(ours) / float64(noop)
	if r > 1.25 {
		return fmt.Sprintf("%.2f× ⚠", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
