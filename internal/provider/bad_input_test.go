package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/anyreach/terraform-provider-anyreach/internal/emulator"
)

// This file is the catalogue of mistakes a user can make and the exact error
// each one gets: every row is a configuration, the error text a user reads
// in the terraform CLI output (the CLI wraps long lines, so the expectations
// match words separated by any whitespace), where the error points (the
// resource, and the attribute when there is one), whether it is raised by
// terraform plan or only by apply, and what the emulator must hold
// afterwards. After every row, destroying what the test applied must leave
// the emulator empty, which proves a failure never leaves an object behind
// that Terraform does not track.

// words matches a phrase as the CLI prints it: the words in order, separated
// by any whitespace (line wrapping included).
func words(s string) string {
	parts := strings.Fields(s)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, `\s+`)
}

// diagAt matches one CLI diagnostic: the summary, where it points, then the
// detail. addr is a resource address, data.TYPE.NAME, or "provider" for the
// provider block. attr is the attribute the diagnostic is attached to, whose
// source line the CLI quotes; "" means the block as a whole.
func diagAt(summary, addr, attr, detail string) *regexp.Regexp {
	var with, in, block string
	switch {
	case addr == "provider":
		with, in, block = `provider\["[^"]+/anyreach"\]`, `provider "anyreach"`, `provider\s+"anyreach"\s+\{`
	case strings.HasPrefix(addr, "data."):
		typ, name, _ := strings.Cut(strings.TrimPrefix(addr, "data."), ".")
		with, in = regexp.QuoteMeta(addr), `data "`+typ+`" "`+name+`"`
		block = `data\s+"` + typ + `"\s+"` + name + `"`
	default:
		typ, name, _ := strings.Cut(addr, ".")
		with, in = regexp.QuoteMeta(addr), `resource "`+typ+`" "`+name+`"`
		block = `resource\s+"` + typ + `"\s+"` + name + `"`
	}
	line := block
	if attr != "" {
		line = regexp.QuoteMeta(attr) + `\s+=`
	}
	return regexp.MustCompile(`(?s)Error: ` + words(summary) +
		`\s+with ` + with + `,\s+on \S+ line \d+, in ` + in + `:\s+\d+:\s+` + line + `.*` + detail)
}

const (
	badAgent = `
resource "anyreach_agent" "test" {
  name = "Bad input"
}
`
	// badVersion is a valid version of badAgent.
	badVersion = badAgent + `
resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode({ type = "static_prompt", instructions = "Book appointments.", llm = { model = "gpt-4o" } })
}
`
)

// versionWith is badAgent plus a version whose config is the HCL object cfg.
func versionWith(cfg string) string {
	return badAgent + `
resource "anyreach_agent_version" "test" {
  agent_id = anyreach_agent.test.id
  config   = jsonencode(` + cfg + `)
}
`
}

// publishWith is badVersion published onto numbers in direction.
func publishWith(numbers, direction string) string {
	return badVersion + `
resource "anyreach_publish" "test" {
  agent_id      = anyreach_agent.test.id
  version       = anyreach_agent_version.test.version
  phone_numbers = [` + numbers + `]
  direction     = "` + direction + `"
}
`
}

// generatedText is what the emulator's instruction builder writes for the
// inputs builderVersion sends.
func generatedText(purpose string) string {
	return "You are a helpful Anyreach agent. Follow this brief:\n- industry: dental\n- purpose: " + purpose + "\n"
}

// builderVersion is badAgent with a version that has instruction builder
// inputs; the provider does not generate, and config's instructions are the
// given text.
func builderVersion(purpose, instructions string) string {
	return badAgent + fmt.Sprintf(`
resource "anyreach_agent_version" "test" {
  agent_id                   = anyreach_agent.test.id
  config                     = jsonencode({ type = "static_prompt", instructions = %q, llm = { model = "gpt-4o" } })
  instruction_builder_inputs = jsonencode({ industry = "dental", purpose = %q })
}
`, instructions, purpose)
}

const publishTest = `
resource "anyreach_publish" "test" {
  agent_id = anyreach_agent.test.id
  version  = anyreach_agent_version.test.version
}
`

// onlyAgent checks the emulator holds the one agent of the configuration,
// with exactly the given number of versions, none published.
func onlyAgent(versions int) func(*testEmulator) error {
	return func(e *testEmulator) error {
		agents := e.Snapshot().Agents
		if len(agents) != 1 {
			return fmt.Errorf("the emulator holds %d agents, want exactly 1", len(agents))
		}
		if n := len(agents[0].Versions); n != versions {
			return fmt.Errorf("the agent has %d versions, want %d", n, versions)
		}
		for _, v := range agents[0].Versions {
			if v.Published {
				return fmt.Errorf("version %d was published although the publish failed", v.Version)
			}
		}
		return nil
	}
}

// noSlots checks that no phone number holds any version.
func noSlots(e *testEmulator) error {
	for _, n := range e.Snapshot().PhoneNumbers {
		if n.InboundAgentVersionID != nil || n.OutboundAgentVersionID != nil {
			return fmt.Errorf("number %s was assigned although the publish failed", n.PhoneNumber)
		}
	}
	return nil
}

func all(checks ...func(*testEmulator) error) func(*testEmulator) error {
	return func(e *testEmulator) error {
		for _, c := range checks {
			if err := c(e); err != nil {
				return err
			}
		}
		return nil
	}
}

// startGeneration starts instruction generation of the only agent's version 1
// through the API, as a dashboard user would.
func startGeneration(t *testing.T, e *testEmulator) {
	t.Helper()
	agents := e.Snapshot().Agents
	if len(agents) != 1 {
		t.Fatalf("want one agent, the emulator holds %d", len(agents))
	}
	startVersionGeneration(t, e, agents[0].AgentID, 1)
}

// startVersionGeneration starts instruction generation of a version through
// the API with the test's credential, as a dashboard user would.
func startVersionGeneration(t *testing.T, e *testEmulator, agentID string, version int) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
		fmt.Sprintf("%s/core/agents/%s/versions/%d/generate-instructions", e.URL, agentID, version), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("starting generation: %s", resp.Status)
	}
}

type badInputCase struct {
	name string
	opts emulator.Options
	// provider is the provider block; default the emulator's providerConfig.
	provider func(e *testEmulator) string
	// setup is applied before the case (without a provider block); "" for none.
	setup string
	// pre runs right before the case's configuration is planned.
	pre func(t *testing.T, e *testEmulator)
	// config is the case's configuration without a provider block.
	config string
	// want is the error the user sees; nil means the configuration must apply.
	want *regexp.Regexp
	// atPlan says the error comes from terraform plan, before anything is
	// created; otherwise plan succeeds and apply fails.
	atPlan bool
	// after checks what the emulator holds once the case ran.
	after func(e *testEmulator) error
}

func TestAccBadInput(t *testing.T) {
	t.Parallel()
	const readOnlyToken = "ak_readonly.agents-read"
	cases := []badInputCase{
		// The version's config.
		{
			name:   "config is not JSON",
			config: badAgent + "resource \"anyreach_agent_version\" \"test\" {\n  agent_id = anyreach_agent.test.id\n  config   = \"{not json\"\n}\n",
			want: diagAt("Invalid JSON", "anyreach_agent_version.test", "config",
				words("must be one JSON document")),
			atPlan: true,
		},
		{
			name:   "config value of the wrong type",
			config: versionWith(`{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" }, max_tool_steps = "ten" }`),
			want: diagAt("Invalid agent config", "anyreach_agent_version.test", "config",
				words("config.max_tool_steps: must be of type integer, got string")),
			atPlan: true,
		},
		{
			name:   "config value out of range",
			config: versionWith(`{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" }, voice = { speed = 7 } }`),
			want: diagAt("Invalid agent config", "anyreach_agent_version.test", "config",
				words("config.voice.speed: must be at most 2, got 7")),
			atPlan: true,
		},
		{
			name:   "config enum value unknown",
			config: versionWith(`{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" }, voice = { provider = "nope" } }`),
			want: diagAt("Invalid agent config", "anyreach_agent_version.test", "config",
				words(`config.voice.provider: value must be one of 'elevenlabs', 'cartesia', 'playht', 'azure', 'openai'`)),
			atPlan: true,
		},
		{
			name:   "config required field missing",
			config: versionWith(`{ type = "static_prompt", instructions = "x" }`),
			want: diagAt("Invalid agent config", "anyreach_agent_version.test", "config",
				words(`config: missing required key "llm"`)),
			atPlan: true,
		},
		{
			name: "config with workflow_id and definition together",
			config: versionWith(`{ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" },
    post_conversation_workflow = { workflow_id = "wf", workflow_version = 1, definition = {} } }`),
			want: diagAt("Invalid agent config", "anyreach_agent_version.test", "config",
				words(`config.post_conversation_workflow`)),
			atPlan: true,
		},
		{
			name: "both config and base_version",
			config: badVersion + `
resource "anyreach_agent_version" "copy" {
  agent_id     = anyreach_agent.test.id
  config       = jsonencode({ type = "static_prompt", instructions = "x", llm = { model = "gpt-4o" } })
  base_version = 1
}
`,
			want: diagAt("Both config and base_version are set", "anyreach_agent_version.copy", "base_version",
				words("Remove base_version to create the version from config, or remove config to copy base_version.")),
			atPlan: true,
		},
		{
			name:   "neither config nor base_version",
			config: badAgent + "resource \"anyreach_agent_version\" \"test\" {\n  agent_id = anyreach_agent.test.id\n}\n",
			want: diagAt("Neither config nor base_version is set", "anyreach_agent_version.test", "",
				words("Set config to the AgentConfig as JSON")),
			atPlan: true,
		},

		// Publishing.
		{
			name:   "phone number not in E.164 form",
			config: publishWith(`"555-0100"`, "inbound"),
			want: diagAt("Invalid Attribute Value Match", "anyreach_publish.test", "phone_numbers",
				words(`must be a phone number in E.164 form: a + followed by the country code and number, digits only, for example +15551234567, got: 555-0100`)),
			atPlan: true,
		},
		{
			name:   "unknown direction",
			config: publishWith(`"+15550100001"`, "sideways"),
			want: diagAt("Invalid Attribute Value Match", "anyreach_publish.test", "direction",
				words(`Attribute direction value must be one of: ["inbound" "outbound" "both"], got: "sideways"`)),
			atPlan: true,
		},
		{
			name:   "phone number not in the organization",
			config: publishWith(`"+15559990000"`, "inbound"),
			want: diagAt("Phone number not found", "anyreach_publish.test", "phone_numbers",
				words("404 Not Found: Phone number +15559990000 not found")+`.*`+
					words("Every number in phone_numbers must be in E.164 form and registered in the organization's phone-number directory")),
			after: all(onlyAgent(1), noSlots),
		},
		{
			name: "publishing a version that does not exist",
			config: badVersion + `
resource "anyreach_publish" "test" {
  agent_id      = anyreach_agent.test.id
  version       = anyreach_agent_version.test.version + 98
  phone_numbers = ["+15550100001"]
}
`,
			want: diagAt("Version not found", "anyreach_publish.test", "version",
				words("404 Not Found")+`.*`+words("has no version 99.")),
			after: all(onlyAgent(1), noSlots),
		},
		{
			// Instructions were generated (in the dashboard, say) from inputs
			// that have changed since: the API refuses to publish them.
			name:   "publish while instructions are stale",
			setup:  builderVersion("Book cleanings", generatedText("Book cleanings")),
			pre:    startGeneration,
			config: builderVersion("Book whitening", generatedText("Book cleanings")) + publishTest,
			want: diagAt("Instructions are stale", "anyreach_publish.test", "",
				words("409 Conflict: Instructions are stale")+`.*`+
					words("Set generate_instructions = true on the anyreach_agent_version (or regenerate in the dashboard), then apply again.")),
			after: onlyAgent(1),
		},
		{
			// Not an error: the provider waits for generation to finish, then publishes.
			name:   "publish while instructions are generating",
			opts:   emulator.Options{GenerationDelay: 2 * time.Second},
			setup:  builderVersion("Book cleanings", generatedText("Book cleanings")),
			pre:    startGeneration,
			config: builderVersion("Book cleanings", generatedText("Book cleanings")) + publishTest,
			after: func(e *testEmulator) error {
				v := e.Snapshot().Agents[0].Versions[0]
				if !v.Published || v.InstructionsStatus != "completed" {
					return fmt.Errorf("version 1: published %v, instructions %s; want published after generation completed", v.Published, v.InstructionsStatus)
				}
				for _, r := range e.RequestLog() {
					if strings.HasSuffix(r.Route, "/publish") && r.Status == http.StatusConflict {
						return nil // the first attempt met the running generation, and the provider waited
					}
				}
				return fmt.Errorf("publish never met the running generation, so the wait was not exercised")
			},
		},
		{
			name: "SIP deployment before anything is published",
			config: badAgent + `
resource "anyreach_sip_deployment" "test" {
  agent_id = anyreach_agent.test.id
}
`,
			want: diagAt("Cannot deploy Anyreach agent as SIP", "anyreach_sip_deployment.test", "agent_id",
				words("409 Conflict: Agent has no published version")+`.*`+
					words("Publish one first: give this resource depends_on = [anyreach_publish.<name>]")),
			after: func(e *testEmulator) error {
				for _, a := range e.Snapshot().Agents {
					if a.SIPEndpoint != nil {
						return fmt.Errorf("agent %s got a SIP endpoint", a.AgentID)
					}
				}
				return onlyAgent(0)(e)
			},
		},

		// Credentials and the provider block.
		{
			name:     "pat_ token without organization",
			provider: func(e *testEmulator) string { return providerBlock(e.URL, "pat_personal") },
			config:   badAgent,
			want: diagAt("Missing organization for a personal access token", "provider", "",
				words("Set organization_id in the provider block or the ANYREACH_ORG environment variable")),
			atPlan: true,
		},
		{
			name:     "plain http to a remote host",
			provider: func(*testEmulator) string { return providerBlock("http://api.example.test", "ak_x.y") },
			config:   badAgent,
			want: diagAt("Invalid Anyreach base URL", "provider", "base_url",
				words(`the base URL "http://api.example.test" uses plain http to a non-loopback host; use https`)),
			atPlan: true,
		},
		{
			name:     "credential the API rejects",
			provider: func(e *testEmulator) string { return providerBlock(e.URL, "ak_wrong.token") },
			config:   "data \"anyreach_phone_numbers\" \"all\" {}\n",
			want: diagAt("Cannot list Anyreach phone numbers", "data.anyreach_phone_numbers.all", "",
				words("401 Unauthorized: Invalid or missing credentials")+`.*`+
					words("The API rejected the credential. Check the provider's token (or ANYREACH_TOKEN)")),
			atPlan: true,
		},
		{
			name:     "token without agents:manage",
			opts:     emulator.Options{Tokens: map[string][]string{readOnlyToken: {"agents:read", "phone_numbers:read"}}},
			provider: func(e *testEmulator) string { return providerBlock(e.URL, readOnlyToken) },
			config:   badVersion,
			want: diagAt("Cannot create Anyreach agent", "anyreach_agent.test", "",
				words("403 Forbidden: Missing required scope: agents:manage")+`.*`+
					words("Use a key with agents:manage.")),
			after: func(e *testEmulator) error {
				if n := len(e.Snapshot().Agents); n != 0 {
					return fmt.Errorf("the emulator holds %d agents", n)
				}
				return nil
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runBadInputCase(t, tc)
		})
	}
}

func runBadInputCase(t *testing.T, tc badInputCase) {
	emu := newTestEmulator(t, tc.opts)
	providerCfg := emu.providerConfig()
	if tc.provider != nil {
		providerCfg = tc.provider(emu)
	}
	var steps []resource.TestStep
	if tc.setup != "" {
		steps = append(steps, resource.TestStep{Config: emu.providerConfig() + tc.setup})
	}
	pre := func() {
		emu.ResetRequests()
		if tc.pre != nil {
			tc.pre(t, emu)
		}
	}
	config := providerCfg + tc.config
	step := resource.TestStep{PreConfig: pre, Config: config, ExpectError: tc.want, PlanOnly: tc.atPlan}
	// A last plan of the same configuration checks the aftermath first, then
	// that the error (or its absence) is a property of the plan.
	final := resource.TestStep{
		PreConfig: func() {
			if tc.atPlan {
				for _, r := range emu.RequestLog() {
					if r.Method != http.MethodGet {
						t.Errorf("the failed plan sent %s %s", r.Method, r.Path)
					}
				}
			}
			if tc.after != nil {
				if err := tc.after(emu); err != nil {
					t.Error(err)
				}
			}
		},
		Config:   config,
		PlanOnly: true,
	}
	switch {
	case tc.want == nil:
		// Applied: the plan is empty.
	case tc.atPlan:
		final.ExpectError = tc.want
	default:
		// Plan passes; only apply meets the error.
		final.ExpectNonEmptyPlan = true
	}
	steps = append(steps, step, final)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	// Destroying what the test applied leaves nothing: a failure never
	// leaves an object Terraform does not know about.
	if n := len(emu.Snapshot().Agents); n != 0 {
		t.Errorf("after destroy the emulator still holds %d agents", n)
	}
}

// TestAccBadInput_importIDs runs terraform import with IDs in the wrong form,
// or naming nothing, for every resource that can be imported.
func TestAccBadInput_importIDs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		setup  string // applied first; "" for none
		config string // holds the resource block to import into
		addr   string
		id     string
		want   *regexp.Regexp
	}{
		{"agent: empty name", "", badAgent, "anyreach_agent.test", "name=", regexp.MustCompile(`(?s)Error: Invalid import ID.*` +
			words(`unexpected format of ID ("name="), expected AGENT_ID or name=AGENT_NAME: the name after name= is empty`))},
		{"agent: a version's import ID", "", badAgent, "anyreach_agent.test", "6f1c/3", regexp.MustCompile(`(?s)Error: Invalid import ID.*` +
			words(`unexpected format of ID ("6f1c/3"), expected AGENT_ID or name=AGENT_NAME: AGENT_ID/VERSION is the import ID of anyreach_agent_version and anyreach_publish, not of this resource`))},
		{"agent: ID with a space", "", badAgent, "anyreach_agent.test", "6f1c 3", regexp.MustCompile(`(?s)Error: Invalid import ID.*` +
			words(`unexpected format of ID ("6f1c 3"), expected AGENT_ID or name=AGENT_NAME: an agent ID has no spaces`))},
		{"agent: no agent with the name", "", badAgent, "anyreach_agent.test", "name=Nobody", regexp.MustCompile(`(?s)Error: No Anyreach agent with that name.*` +
			words(`No agent is named "Nobody" in this organization. Names are matched exactly, including case and spaces.`))},
		{"agent: ambiguous name", "resource \"anyreach_agent\" \"a\" { name = \"Twin\" }\nresource \"anyreach_agent\" \"b\" { name = \"Twin\" }\n",
			"resource \"anyreach_agent\" \"a\" { name = \"Twin\" }\n", "anyreach_agent.a", "name=Twin", regexp.MustCompile(`(?s)Error: Several Anyreach agents have that name.*` +
				words(`2 agents are named "Twin", so the name does not say which one is meant. Use the ID of one of them instead:`))},
		{"agent version: no version", "", badVersion, "anyreach_agent_version.test", "6f1c", regexp.MustCompile(`(?s)Error: Invalid import ID.*` +
			words(`unexpected format of ID ("6f1c"), expected AGENT_ID/VERSION, for example 6f1c2a.../3`))},
		{"agent version: latest", "", badVersion, "anyreach_agent_version.test", "6f1c/latest", regexp.MustCompile(`(?s)Error: Invalid import ID.*` +
			words(`unexpected format of ID ("6f1c/latest"), expected AGENT_ID/VERSION`))},
		{"publish: version 0", "", publishWith("", "inbound"), "anyreach_publish.test", "6f1c/0", regexp.MustCompile(`(?s)Error: Invalid import ID.*` +
			words(`unexpected format of ID ("6f1c/0"), expected AGENT_ID/VERSION`))},
		{"SIP deployment: a version's import ID", "", badAgent + "resource \"anyreach_sip_deployment\" \"test\" { agent_id = anyreach_agent.test.id }\n",
			"anyreach_sip_deployment.test", "6f1c/1", regexp.MustCompile(`(?s)Error: Invalid import ID.*` +
				words(`unexpected format of ID ("6f1c/1"), expected AGENT_ID: AGENT_ID/VERSION is the import ID of anyreach_agent_version and anyreach_publish, not of this resource`))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newTestEmulator(t, emulator.Options{})
			var steps []resource.TestStep
			if tc.setup != "" {
				steps = append(steps, resource.TestStep{Config: emu.providerConfig() + tc.setup})
			}
			steps = append(steps, resource.TestStep{
				PreConfig:     emu.ResetRequests,
				Config:        emu.providerConfig() + tc.config,
				ResourceName:  tc.addr,
				ImportState:   true,
				ImportStateId: tc.id,
				ExpectError:   tc.want,
			})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
			for _, r := range emu.RequestLog() {
				if r.Method != http.MethodGet && r.Method != http.MethodDelete {
					t.Errorf("the failed import sent %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

func providerBlock(baseURL, token string) string {
	return fmt.Sprintf("provider \"anyreach\" {\n  base_url = %q\n  token    = %q\n}\n", baseURL, token)
}
