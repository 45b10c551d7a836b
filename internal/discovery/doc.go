// Package discovery walks an Anyreach organization and says what in it
// Terraform manages: the agents that match a filter, the versions that matter
// per agent (by role: live, draft, history), the publications each version's
// phone-number slots make (and the web-only publication of a live version
// that holds no number), and the SIP deployments. The exporter
// (internal/export) and the provider's list resources share this one path,
// so `terraform query` and `anyreach-export` find the same objects.
//
// It reads through internal/client only, holds no Terraform type and writes
// nothing. Its API, kept stable for both callers:
//
//   - Filter selects agents: Name is an exact name, Metadata pairs are all
//     required. A metadata value is matched by its JSON value: `count=3`
//     matches the number 3 (and 3.0) as well as the string "3"; `team=blue`,
//     not being JSON, matches the string "blue".
//   - List(ctx, c, filter) returns the matching agents as the list answers
//     them (short forms), all pages, in the API's order.
//   - Read(ctx, c, id) reads one agent and returns it Described; Describe(a)
//     does the same from an agent already read (it makes no request).
//   - Agent is an agent with its Versions (the ones that matter, oldest
//     first, each with a Role and a stable Key such as "live", "draft" or
//     "history_2"), its Publications and whether it has a SIP deployment.
//   - Publications(a, v) is the one function that maps phone-number slots to
//     publications (version, direction, numbers).
//   - Walk(ctx, c, agents, opts, visit) reads agents concurrently, at most
//     opts.Parallelism at a time, each within opts.AgentTimeout, and calls
//     visit once per agent, in the worker that read it, with the agent or
//     the error that stopped it: the caller's further requests for the agent
//     (its versions' configs) run in the same slot, so requests in flight
//     stay bounded by Parallelism.
package discovery
