package export

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/anyreach/terraform-provider-anyreach/internal/client"
	"github.com/anyreach/terraform-provider-anyreach/internal/configjson"
	"github.com/anyreach/terraform-provider-anyreach/internal/versionid"
)

// renderAgentFile is an agent's file: its resources, under a comment
// naming it. The import blocks go to imports.tf (renderImports).
func renderAgentFile(a *client.Agent, rec agentRecord) string {
	f := hclwrite.NewEmptyFile()
	renderAgent(f.Body(), a, rec)
	return hclFile(fmt.Sprintf("Agent %q (%s).", a.Name, a.ID), f)
}

// writeModule writes the files that cover the whole export: providers.tf,
// imports.tf and the README, from every agent's record.
func writeModule(opts Options, records []agentRecord, sum Summary) error {
	files := map[string]string{
		providersFile: hclFile("Written by anyreach-export. The provider reads its settings from the environment:\n"+
			"ANYREACH_TOKEN, and ANYREACH_ORG and ANYREACH_BASE_URL where needed.", providersBody()),
		importsFile: hclFile("Adopts the exported objects on the first apply. Once applied, this file can be deleted.", renderImports(records)),
		readmeFile:  readme(records, opts, sum),
	}
	for _, name := range []string{providersFile, importsFile, readmeFile} {
		if err := writeFile(opts.Out, name, files[name]); err != nil {
			return err
		}
	}
	return nil
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

// renderAgent writes an agent's resources into body.
func renderAgent(body *hclwrite.Body, a *client.Agent, rec agentRecord) {
	agent := body.AppendNewBlock("resource", []string{"anyreach_agent", rec.Resource}).Body()
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
	agentID := ref("anyreach_agent", rec.Resource, "id")

	for _, v := range rec.Versions {
		body.AppendNewline()
		version := body.AppendNewBlock("resource", []string{"anyreach_agent_version", v.Resource}).Body()
		version.SetAttributeRaw("agent_id", agentID)
		version.SetAttributeRaw("config", fileCall(v.Config))
		if v.Inputs != "" {
			version.SetAttributeRaw("instruction_builder_inputs", fileCall(v.Inputs))
		}
	}

	var published []hclwrite.Tokens
	for _, pub := range rec.Publications {
		body.AppendNewline()
		renderPublication(body, agentID, pub)
		published = append(published, ref("anyreach_publish", pub.Resource))
	}

	if rec.SIP {
		body.AppendNewline()
		sip := body.AppendNewBlock("resource", []string{"anyreach_sip_deployment", rec.Resource}).Body()
		sip.SetAttributeRaw("agent_id", agentID)
		if len(published) > 0 {
			// Deploying needs a published version: on a rebuild, publish first.
			sip.SetAttributeRaw("depends_on", hclwrite.TokensForTuple(published))
		}
	}
}

// renderPublication writes one anyreach_publish. A web-only publication
// (a published version that holds no number) has neither numbers nor
// direction: publishing it is what keeps the version live on the web when
// the agent is rebuilt.
func renderPublication(body *hclwrite.Body, agentID hclwrite.Tokens, pub publicationRecord) {
	publish := body.AppendNewBlock("resource", []string{"anyreach_publish", pub.Resource}).Body()
	publish.SetAttributeRaw("agent_id", agentID)
	publish.SetAttributeRaw("version", ref("anyreach_agent_version", pub.VersionResource, "version"))
	if pub.webOnly() {
		return
	}
	numbers := make([]cty.Value, len(pub.Numbers))
	for i, n := range pub.Numbers {
		numbers[i] = cty.StringVal(n)
	}
	publish.SetAttributeValue("phone_numbers", cty.ListVal(numbers))
	publish.SetAttributeValue("direction", cty.StringVal(pub.Direction))
}

// renderImports is imports.tf: every object of every agent, in the order of
// the records.
func renderImports(records []agentRecord) *hclwrite.File {
	f := hclwrite.NewEmptyFile()
	imports := f.Body()
	for _, r := range records {
		addImport(imports, ref("anyreach_agent", r.Resource), r.ID)
		for _, v := range r.Versions {
			addImport(imports, ref("anyreach_agent_version", v.Resource), versionid.Format(r.ID, v.Version))
		}
		for _, p := range r.Publications {
			direction := ""
			if !p.webOnly() {
				// The direction in the ID keeps the two publications of a
				// version that holds other numbers inbound than outbound apart.
				direction = p.Direction
			}
			addImport(imports, ref("anyreach_publish", p.Resource), versionid.FormatPublication(r.ID, p.Version, direction))
		}
		if r.SIP {
			addImport(imports, ref("anyreach_sip_deployment", r.Resource), r.ID)
		}
	}
	return f
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

// readme says what was exported, from where, what is missing, and what to
// do next.
func readme(records []agentRecord, opts Options, sum Summary) string {
	var b strings.Builder
	b.WriteString("# Anyreach organization export\n\n")
	fmt.Fprintf(&b, "Written by `anyreach-export` from %s", opts.Source)
	var filters []string
	if opts.Filter.Name != "" {
		filters = append(filters, fmt.Sprintf("the name %s", mdCode(opts.Filter.Name)))
	}
	keys := make([]string, 0, len(opts.Filter.Metadata))
	for k := range opts.Filter.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		filters = append(filters, "metadata "+mdCode(k+"="+opts.Filter.Metadata[k]))
	}
	if len(filters) > 0 {
		fmt.Fprintf(&b, ", agents matching %s", strings.Join(filters, " and "))
	}
	fmt.Fprintf(&b, ": %s.\n\n", sum)

	if !sum.Complete() {
		verb, them := "are", "them"
		if len(sum.Failed) == 1 {
			verb, them = "is", "it"
		}
		fmt.Fprintf(&b, "**Incomplete:** %s could not be read and %s not in this module. Run the same command again "+
			"with the same `--out` to add %s; nothing already written is renamed.\n\n", count(len(sum.Failed), "agent"), verb, them)
		for _, f := range sum.Failed {
			fmt.Fprintf(&b, "- %s (`%s`)\n", mdText(f.Name), f.ID)
		}
		b.WriteString("\n")
	}

	b.WriteString("## Next steps\n\n")
	b.WriteString("1. Set `ANYREACH_TOKEN` (and `ANYREACH_ORG` for a personal access token, `ANYREACH_BASE_URL` for another API) " +
		"in the environment; no credential is written to these files.\n")
	b.WriteString("2. `terraform init`, then `terraform plan`: it shows only imports, " +
		fmt.Sprintf("`Plan: %d to import, 0 to add, 0 to change, 0 to destroy.`\n", sum.Imports()))
	b.WriteString("3. `terraform apply` adopts them. `imports.tf` can be deleted afterwards.\n\n")

	b.WriteString("## What is in it\n\n")
	b.WriteString("- `providers.tf`: the provider requirement; `imports.tf`: one `import` block per object.\n")
	b.WriteString("- `agent_<name>.tf`: per agent, its `anyreach_agent`; the versions that matter as `anyreach_agent_version`, " +
		"named by role: `<name>_live` (the newest published version), `<name>_draft` (the newest draft, when it is newer) and " +
		"`<name>_history_<N>` (an older version N that still holds phone-number slots); " +
		"one `anyreach_publish` per version and direction that holds numbers (`both` when a version holds both slots of " +
		"the same numbers), and one without numbers for a live version published on the web only; " +
		"and `anyreach_sip_deployment` where the agent has a SIP endpoint.\n")
	b.WriteString("- `configs/<name>-<role>.json`: each version's config, without values equal to the AgentConfig schema's " +
		"defaults (they are implied) and without keys the schema does not declare, as `terraform import` reads it. " +
		"Edit it like any config; a change to a published version creates a new version.\n")
	b.WriteString("- `" + journalFile + "`: what this export wrote, so that running it again into this directory adds agents " +
		"missing from it and keeps every name.\n\n")
	b.WriteString("Resource names come from agent names: two agents whose names give the same name are told apart by the " +
		"start of the newer one's ID. Other versions stay in each agent's history, untouched. The phone-number directory " +
		"(numbers, trunks) is not managed by the provider and is not exported.\n\n")

	if len(records) == 0 {
		b.WriteString("No agent matched.\n")
		return b.String()
	}
	b.WriteString("## Agents\n\n")
	b.WriteString("| Agent | Resource name | Versions exported | Publications | SIP |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, r := range records {
		var versions []string
		for _, v := range r.Versions {
			versions = append(versions, fmt.Sprintf("%s: v%d (%s)", v.Role, v.Version, strings.Join(v.Reasons, ", ")))
		}
		if len(versions) == 0 {
			versions = append(versions, "none (the agent has no version)")
		}
		if r.History > 0 {
			versions = append(versions, fmt.Sprintf("%d left in history", r.History))
		}
		var pubs []string
		for _, pub := range r.Publications {
			if pub.webOnly() {
				pubs = append(pubs, fmt.Sprintf("v%d web only", pub.Version))
				continue
			}
			pubs = append(pubs, fmt.Sprintf("v%d %s %s", pub.Version, pub.Direction, strings.Join(pub.Numbers, " ")))
		}
		sip := ""
		if r.SIP {
			sip = "yes"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", mdText(r.Name), r.Resource, strings.Join(versions, "; "), strings.Join(pubs, "; "), sip)
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
