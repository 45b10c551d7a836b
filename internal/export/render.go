package export

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
)

// Files of the module besides one agent_<name>.tf per agent and configs/.
const (
	providersFile = "providers.tf"
	importsFile   = "imports.tf"
	readmeFile    = "README.md"
)

// render returns the module's files: path relative to the module → content.
func render(plans []*agentPlan, opts Options, sum Summary) (map[string]string, error) {
	files := map[string]string{
		providersFile: hclFile("Written by anyreach-export. The provider reads its settings from the environment:\n"+
			"ANYREACH_TOKEN, and ANYREACH_ORG and ANYREACH_BASE_URL where needed.", providersBody()),
	}
	imports := hclwrite.NewEmptyFile()
	for _, p := range plans {
		f := hclwrite.NewEmptyFile()
		renderAgent(f.Body(), imports.Body(), p)
		files["agent_"+p.name+".tf"] = hclFile(fmt.Sprintf("Agent %q (%s).", p.agent.Name, p.agent.ID), f)
		for _, v := range p.versions {
			files[v.configFile(p.name)] = v.config
			if v.inputs != "" {
				files[v.inputsFile(p.name)] = v.inputs
			}
		}
	}
	files[importsFile] = hclFile("Adopts the exported objects on the first apply. Once applied, this file can be deleted.", imports)
	files[readmeFile] = readme(plans, opts, sum)
	for name, content := range files {
		if strings.HasSuffix(name, ".tf") {
			if formatted := string(hclwrite.Format([]byte(content))); formatted != content {
				return nil, fmt.Errorf("internal error: %s is not in canonical format", name)
			}
		}
	}
	return files, nil
}

// hclFile is f's text under a comment header, in canonical format.
func hclFile(comment string, f *hclwrite.File) string {
	var b strings.Builder
	for _, line := range strings.Split(comment, "\n") {
		b.WriteString("# " + line + "\n")
	}
	b.WriteString("\n")
	b.Write(f.Bytes())
	return string(hclwrite.Format([]byte(b.String())))
}

func providersBody() *hclwrite.File {
	f := hclwrite.NewEmptyFile()
	tf := f.Body().AppendNewBlock("terraform", nil).Body()
	// Import blocks need Terraform 1.5.
	tf.SetAttributeValue("required_version", cty.StringVal(">= 1.5.0"))
	tf.AppendNewline()
	providers := tf.AppendNewBlock("required_providers", nil).Body()
	providers.SetAttributeRaw("anyreach", hclwrite.TokensForObject([]hclwrite.ObjectAttrTokens{{
		Name:  hclwrite.TokensForIdentifier("source"),
		Value: hclwrite.TokensForValue(cty.StringVal("anyreach/anyreach")),
	}}))
	return f
}

// renderAgent writes an agent's resources into body and their import blocks
// into imports.
func renderAgent(body, imports *hclwrite.Body, p *agentPlan) {
	a := p.agent
	agent := body.AppendNewBlock("resource", []string{"anyreach_agent", p.name}).Body()
	agent.SetAttributeValue("name", cty.StringVal(a.Name))
	// Attributes at their default are left out, as a user would write them.
	if a.Description != "" {
		agent.SetAttributeValue("description", cty.StringVal(a.Description))
	}
	if !a.Active {
		agent.SetAttributeValue("active", cty.False)
	}
	if a.IsDemo {
		agent.SetAttributeValue("is_demo", cty.True)
	}
	if len(a.Metadata) > 0 {
		agent.SetAttributeValue("metadata", metadataValue(a.Metadata))
	}
	addImport(imports, ref("anyreach_agent", p.name), a.ID)
	agentID := ref("anyreach_agent", p.name, "id")

	for _, v := range p.versions {
		body.AppendNewline()
		version := body.AppendNewBlock("resource", []string{"anyreach_agent_version", v.name}).Body()
		version.SetAttributeRaw("agent_id", agentID)
		version.SetAttributeRaw("config", fileCall(v.configFile(p.name)))
		if v.inputs != "" {
			version.SetAttributeRaw("instruction_builder_inputs", fileCall(v.inputsFile(p.name)))
		}
		addImport(imports, ref("anyreach_agent_version", v.name), fmt.Sprintf("%s/%d", a.ID, v.summary.Version))
	}

	var published []hclwrite.Tokens
	for _, pub := range p.publications {
		body.AppendNewline()
		publish := body.AppendNewBlock("resource", []string{"anyreach_publish", pub.name}).Body()
		publish.SetAttributeRaw("agent_id", agentID)
		publish.SetAttributeRaw("version", ref("anyreach_agent_version", pub.versionName, "version"))
		numbers := make([]cty.Value, len(pub.numbers))
		for i, n := range pub.numbers {
			numbers[i] = cty.StringVal(n)
		}
		publish.SetAttributeValue("phone_numbers", cty.ListVal(numbers))
		publish.SetAttributeValue("direction", cty.StringVal(pub.direction))
		// The direction in the ID keeps the two publications of a version
		// that holds other numbers inbound than outbound apart.
		addImport(imports, ref("anyreach_publish", pub.name), fmt.Sprintf("%s/%d/%s", a.ID, pub.version, pub.direction))
		published = append(published, ref("anyreach_publish", pub.name))
	}

	if p.sip {
		body.AppendNewline()
		sip := body.AppendNewBlock("resource", []string{"anyreach_sip_deployment", p.name}).Body()
		sip.SetAttributeRaw("agent_id", agentID)
		if len(published) > 0 {
			// Deploying needs a published version: on a rebuild, publish first.
			sip.SetAttributeRaw("depends_on", hclwrite.TokensForTuple(published))
		}
		addImport(imports, ref("anyreach_sip_deployment", p.name), a.ID)
	}
}

// metadataValue is the agent's metadata as anyreach_agent holds it: strings
// as they are, anything else as its JSON text.
func metadataValue(m map[string]any) cty.Value {
	vals := make(map[string]cty.Value, len(m))
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			var err error
			if s, err = configjson.Encode(v); err != nil {
				s = fmt.Sprint(v)
			}
		}
		vals[k] = cty.StringVal(s)
	}
	return cty.MapVal(vals)
}

func addImport(imports *hclwrite.Body, to hclwrite.Tokens, id string) {
	if len(imports.Blocks()) > 0 {
		imports.AppendNewline()
	}
	b := imports.AppendNewBlock("import", nil).Body()
	b.SetAttributeRaw("to", to)
	b.SetAttributeValue("id", cty.StringVal(id))
}

// ref is a reference such as anyreach_agent.front_desk.id.
func ref(root string, attrs ...string) hclwrite.Tokens {
	t := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		t = append(t, hcl.TraverseAttr{Name: a})
	}
	return hclwrite.TokensForTraversal(t)
}

// fileCall is file("${path.module}/<rel>"); rel holds only characters that
// need no escaping (slug characters, '-', '.' and '/').
func fileCall(rel string) hclwrite.Tokens {
	template := hclwrite.Tokens{
		{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)},
		{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")},
		{Type: hclsyntax.TokenIdent, Bytes: []byte("path")},
		{Type: hclsyntax.TokenDot, Bytes: []byte(".")},
		{Type: hclsyntax.TokenIdent, Bytes: []byte("module")},
		{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")},
		{Type: hclsyntax.TokenQuotedLit, Bytes: []byte("/" + rel)},
		{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)},
	}
	return hclwrite.TokensForFunctionCall("file", template)
}

// readme says what was exported, from where, and what to do next.
func readme(plans []*agentPlan, opts Options, sum Summary) string {
	var b strings.Builder
	b.WriteString("# Anyreach organization export\n\n")
	fmt.Fprintf(&b, "Written by `anyreach-export` from %s", opts.Source)
	var filters []string
	if opts.Name != "" {
		filters = append(filters, fmt.Sprintf("the name %s", mdCode(opts.Name)))
	}
	keys := make([]string, 0, len(opts.Metadata))
	for k := range opts.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		filters = append(filters, "metadata "+mdCode(k+"="+opts.Metadata[k]))
	}
	if len(filters) > 0 {
		fmt.Fprintf(&b, ", agents matching %s", strings.Join(filters, " and "))
	}
	fmt.Fprintf(&b, ": %s.\n\n", sum)

	b.WriteString("## Next steps\n\n")
	b.WriteString("1. Set `ANYREACH_TOKEN` (and `ANYREACH_ORG` for a personal access token, `ANYREACH_BASE_URL` for another API) " +
		"in the environment; no credential is written to these files.\n")
	b.WriteString("2. `terraform init`, then `terraform plan`: it shows only imports, " +
		fmt.Sprintf("`Plan: %d to import, 0 to add, 0 to change, 0 to destroy.`\n", sum.Imports()))
	b.WriteString("3. `terraform apply` adopts them. `imports.tf` can be deleted afterwards.\n\n")

	b.WriteString("## What is in it\n\n")
	b.WriteString("- `providers.tf`: the provider requirement; `imports.tf`: one `import` block per object.\n")
	b.WriteString("- `agent_<name>.tf`: per agent, its `anyreach_agent`; the versions that matter as `anyreach_agent_version` " +
		"(every version that holds a phone-number slot, the newest published one, and the newest draft when it is newer); " +
		"one `anyreach_publish` per version and direction that holds numbers (`both` when a version holds both slots of " +
		"the same numbers); and `anyreach_sip_deployment` where the agent has a SIP endpoint.\n")
	b.WriteString("- `configs/<name>-v<N>.json`: each version's config, without values equal to the AgentConfig schema's " +
		"defaults (they are implied) and without keys the schema does not declare, as `terraform import` reads it. " +
		"Edit it like any config; a change to a published version creates a new version.\n\n")
	b.WriteString("Other versions stay in each agent's history, untouched. The phone-number directory (numbers, trunks) " +
		"is not managed by the provider and is not exported.\n\n")

	if len(plans) == 0 {
		b.WriteString("No agent matched.\n")
		return b.String()
	}
	b.WriteString("## Agents\n\n")
	b.WriteString("| Agent | Resource name | Versions exported | Publications | SIP |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, p := range plans {
		var versions []string
		for _, v := range p.versions {
			versions = append(versions, fmt.Sprintf("v%d (%s)", v.summary.Version, strings.Join(v.reasons, ", ")))
		}
		if len(versions) == 0 {
			versions = append(versions, "none (the agent has no version)")
		}
		if p.skipped > 0 {
			versions = append(versions, fmt.Sprintf("%d left in history", p.skipped))
		}
		var pubs []string
		for _, pub := range p.publications {
			pubs = append(pubs, fmt.Sprintf("v%d %s %s", pub.version, pub.direction, strings.Join(pub.numbers, " ")))
		}
		sip := ""
		if p.sip {
			sip = "yes"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", mdText(p.agent.Name), p.name, strings.Join(versions, "; "), strings.Join(pubs, "; "), sip)
	}
	return b.String()
}

// mdText escapes a name for a Markdown table cell.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]<>|", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode is s as inline code, fenced so a backtick inside cannot end it.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + " " + strings.ReplaceAll(s, "\n", " ") + " " + fence
}
