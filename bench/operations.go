package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// Operation kinds, in the order they are run and reported.
const (
	opCreate = iota
	opRead
	opUpdate
	opDelete
	opKinds
)

var opNames = [opKinds]string{"create", "read", "update", "delete"}

// notApplicable marks an operation a resource does not have (SIP has no
// in-place update).
const notApplicable = -1

// opSpec is one resource type measured on its own root module.
type opSpec struct {
	resource string
	variant  string
	module   string
	extra    map[string][]byte
	// prepare creates the prerequisites through the API and returns the
	// variables of the create and of the update.
	prepare func(ctx context.Context, e *emulator) (create, update map[string]string, err error)
	// floors are the fewest requests the API allows per operation;
	// notApplicable for an operation the resource does not have.
	floors [opKinds]int
	// why explains floors that are not simply one request.
	why string
}

// opResult is what one resource type cost.
type opResult struct {
	spec opSpec
	// counts per operation, the schema fetch excluded; nil when not applicable.
	counts [opKinds]requestCounts
	// commands lists every terraform command run with its schema fetches.
	commands []commandSchema
	// problems are unexpected plans (drift after create or update).
	problems []string
}

// commandSchema is how often one terraform command fetched the AgentConfig schema.
type commandSchema struct {
	command string
	fetches int
	procs   int
}

// measureOperations runs create, read (no-change plan), update and delete for
// every resource type against one fresh emulator, counting the requests of
// each operation alone: the counters are reset right before the terraform
// command that performs it. Create counts its plan and its apply (planning a
// create reads nothing); update and delete count the apply of a saved plan,
// because the plan before it refreshes, and refreshing is the read operation.
func measureOperations(ctx context.Context, s settings) ([]opResult, error) {
	logf("requests per operation")
	emu, err := startEmulator(ctx, s, "operations")
	if err != nil {
		return nil, err
	}
	defer emu.stop()
	tf, err := newTerraform(s, emu.url)
	if err != nil {
		return nil, err
	}
	cfg, err := baseConfig(s)
	if err != nil {
		return nil, err
	}
	specs := operationSpecs(cfg)
	out := make([]opResult, 0, len(specs))
	for _, spec := range specs {
		r, err := measureOperation(ctx, s, tf, emu, spec)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", spec.resource, spec.variant, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func measureOperation(ctx context.Context, s settings, tf *terraformRunner, emu *emulator, spec opSpec) (opResult, error) {
	r := opResult{spec: spec}
	dir := filepath.Join(s.work, "operations", strings.TrimPrefix(spec.resource, "anyreach_")+variantSuffix(spec.variant))
	if err := writeModule(dir, spec.module, spec.extra); err != nil {
		return r, err
	}
	createVars, updateVars, err := spec.prepare(ctx, emu)
	if err != nil {
		return r, fmt.Errorf("creating prerequisites: %w", err)
	}

	// step runs one terraform command between a counter reset and a read.
	step := func(label, sub string, args ...string) (tfRun, requestCounts, error) {
		if err := emu.reset(ctx); err != nil {
			return tfRun{}, nil, err
		}
		run, err := tf.run(ctx, dir, sub, args...)
		if err != nil {
			return run, nil, err
		}
		c, err := emu.counts(ctx)
		if err != nil {
			return run, nil, err
		}
		r.commands = append(r.commands, commandSchema{command: label, fetches: c.schema(), procs: run.mem.processes})
		return run, c, nil
	}
	noChanges := func(label string, vars map[string]string) (requestCounts, error) {
		run, c, err := step(label, "plan", append(varArgs(vars), "-detailed-exitcode")...)
		if err == nil && run.changes {
			r.problems = append(r.problems, label+" planned changes: the provider reports drift")
		}
		return c, err
	}

	_, planned, err := step("plan (create)", "plan", append(varArgs(createVars), "-out=create.tfplan")...)
	if err != nil {
		return r, err
	}
	_, applied, err := step("apply saved plan (create)", "apply", "create.tfplan")
	if err != nil {
		return r, err
	}
	r.counts[opCreate] = sum(planned, applied).withoutSchema()

	read, err := noChanges("plan (no change)", createVars)
	if err != nil {
		return r, err
	}
	r.counts[opRead] = read.withoutSchema()

	current := createVars
	if spec.floors[opUpdate] != notApplicable {
		if _, _, err := step("plan (update)", "plan", append(varArgs(updateVars), "-out=update.tfplan")...); err != nil {
			return r, err
		}
		_, updated, err := step("apply saved plan (update)", "apply", "update.tfplan")
		if err != nil {
			return r, err
		}
		r.counts[opUpdate] = updated.withoutSchema()
		current = updateVars
		if _, err := noChanges("plan after update (no change)", current); err != nil {
			return r, err
		}
	}

	if _, _, err := step("plan -destroy", "plan", append(varArgs(current), "-destroy", "-out=destroy.tfplan")...); err != nil {
		return r, err
	}
	_, deleted, err := step("apply saved plan (destroy)", "apply", "destroy.tfplan")
	if err != nil {
		return r, err
	}
	r.counts[opDelete] = deleted.withoutSchema()
	return r, nil
}

func variantSuffix(v string) string {
	if v == "" {
		return ""
	}
	return "-" + strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(v)
}

// varArgs turns variables into -var flags (one argv element each, no shell).
func varArgs(vars map[string]string) []string {
	out := make([]string, 0, len(vars))
	for _, k := range sortedKeys(vars) {
		out = append(out, "-var="+k+"="+vars[k])
	}
	return out
}

func sum(cs ...requestCounts) requestCounts {
	out := requestCounts{}
	for _, c := range cs {
		for k, v := range c {
			out[k] += v
		}
	}
	return out
}

// operationSpecs lists the resource types and what each operation changes:
// agent description; a draft version's config; the published version (and,
// with a number, the number); SIP has no in-place update.
func operationSpecs(cfg map[string]any) []opSpec {
	configJSON, _ := json.MarshalIndent(cfg, "", "  ")
	instructions, _ := cfg["instructions"].(string)
	return []opSpec{
		{
			resource: "anyreach_agent",
			module:   opsAgentModule,
			prepare: func(context.Context, *emulator) (map[string]string, map[string]string, error) {
				return map[string]string{"description": "Created by the benchmark."},
					map[string]string{"description": "Updated by the benchmark."}, nil
			},
			floors: [opKinds]int{1, 1, 1, 1},
		},
		{
			resource: "anyreach_agent_version",
			module:   opsVersionModule,
			extra:    map[string][]byte{"agent-config.json": configJSON},
			prepare: func(ctx context.Context, e *emulator) (map[string]string, map[string]string, error) {
				id, err := createAgent(ctx, e, "bench-ops-version")
				if err != nil {
					return nil, nil, err
				}
				return map[string]string{"agent_id": id, "instructions": instructions + " (v1)"},
					map[string]string{"agent_id": id, "instructions": instructions + " (v2)"}, nil
			},
			floors: [opKinds]int{1, 1, 1, 0},
			why: "update: the write, and 1 read while planning to learn whether the version is published (a draft is updated in place, " +
				"a published version replaced): kept in no state, private state included, because plan -refresh-only would then report " +
				"a sibling anyreach_publish's publish as a change made outside Terraform; " +
				"delete: the API cannot delete versions, so destroy only forgets it",
		},
		publishSpec("no phone numbers", nil, nil, cfg, [opKinds]int{2, 1, 2, 0},
			"create/update: publish + 1 read, because a publish that assigns no number answers an empty list that names no version ID; "+
				"delete: nothing to clear and a version cannot be unpublished"),
		publishSpec("1 phone number", []string{"+15550100001"}, []string{"+15550100002"}, cfg, [opKinds]int{1, 1, 2, 2},
			"update moves version 1 → 2 and +15550100001 → +15550100002: one publish call writes the new slot and clears the old one, "+
				"after one read of the agent, because the API's unassign clears any version of the agent and a number that moved to "+
				"another version since the refresh must be left alone; delete: the same read + one unassign call. Above the floor: "+
				"one GET /core/phone-numbers in the plan and one in the apply's re-plan whenever phone_numbers change, which buy the "+
				"plan-time warning that a number answers for another agent (plus one agent read when a wanted number holds a version)"),
		routingSpec(cfg),
		{
			resource: "anyreach_sip_deployment",
			module:   opsSIPModule,
			prepare: func(ctx context.Context, e *emulator) (map[string]string, map[string]string, error) {
				id, err := createAgent(ctx, e, "bench-ops-sip")
				if err != nil {
					return nil, nil, err
				}
				if err := createVersion(ctx, e, id, cfg); err != nil {
					return nil, nil, err
				}
				if err := e.post(ctx, "/core/agents/"+id+"/versions/1/publish", map[string]any{}, nil); err != nil {
					return nil, nil, err
				}
				return map[string]string{"agent_id": id}, nil, nil
			},
			floors: [opKinds]int{1, 1, notApplicable, 1},
			why:    "no in-place update: every argument forces replacement",
		},
	}
}

// publishSpec measures anyreach_publish on an agent with two draft
// versions: create publishes version 1 on the first numbers, update moves to
// version 2 on the second.
func publishSpec(variant string, first, second []string, cfg map[string]any, floors [opKinds]int, why string) opSpec {
	return opSpec{
		resource: "anyreach_publish",
		variant:  variant,
		module:   opsPublishModule,
		prepare:  twoVersions("bench-ops-publish"+variantSuffix(variant), first, second, cfg),
		floors:   floors,
		why:      why,
	}
}

// routingSpec measures anyreach_agent_routing the same way: create routes
// +15550100001 to version 1, update routes +15550100002 to version 2 and
// drops +15550100001.
func routingSpec(cfg map[string]any) opSpec {
	return opSpec{
		resource: "anyreach_agent_routing",
		variant:  "1 phone number",
		module:   opsRoutingModule,
		prepare:  twoVersions("bench-ops-routing", []string{"+15550100001"}, []string{"+15550100002"}, cfg),
		floors:   [opKinds]int{1, 1, 1, 1},
		why: "create: one publish call per version and direction that gains numbers, plus one read of the agent above the floor, which " +
			"buys a first apply that leaves exactly the configured routing on an agent that already answers numbers (the numbers it " +
			"does not name are cleared, those already right are not written again); update: one publish call that writes the new " +
			"slot and clears the dropped one (the routing owns every slot of the agent, so no read decides the clear); delete: one unassign call",
	}
}

// twoVersions prepares an agent with two draft versions; the create puts
// version 1 on first, the update version 2 on second.
func twoVersions(name string, first, second []string, cfg map[string]any) func(context.Context, *emulator) (map[string]string, map[string]string, error) {
	return func(ctx context.Context, e *emulator) (map[string]string, map[string]string, error) {
		id, err := createAgent(ctx, e, name)
		if err != nil {
			return nil, nil, err
		}
		for range 2 {
			if err := createVersion(ctx, e, id, cfg); err != nil {
				return nil, nil, err
			}
		}
		return map[string]string{"agent_id": id, "version_number": "1", "phone_numbers": hclList(first)},
			map[string]string{"agent_id": id, "version_number": "2", "phone_numbers": hclList(second)}, nil
	}
}

func hclList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ",") + "]"
}

func createAgent(ctx context.Context, e *emulator, name string) (string, error) {
	var a struct {
		AgentID string `json:"agent_id"`
	}
	if err := e.post(ctx, "/core/agents", map[string]any{"name": name}, &a); err != nil {
		return "", err
	}
	return a.AgentID, nil
}

func createVersion(ctx context.Context, e *emulator, agentID string, cfg map[string]any) error {
	return e.post(ctx, "/core/agents/"+agentID+"/versions", map[string]any{"config": cfg}, nil)
}
