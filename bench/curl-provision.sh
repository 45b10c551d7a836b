#!/usr/bin/env bash
# curl-provision.sh CONFIG_DIR: the idempotent provisioning pattern from the
# Anyreach docs ("Provision agents from CI/CD"), the way a CI job would script
# it without Terraform. One agent per CONFIG_DIR/<name>.json, one after the
# other:
#
#   GET /core/agents?name=<name>
#   ├─ found:   PUT  /core/agents/{id}/versions/{draft}   (newest draft, if any)
#   └─ missing: POST /core/agents
#   POST /core/agents/{id}/versions                       (create a draft)
#   POST /core/agents/{id}/versions/{draft}/publish       (always publish)
#   POST /core/agents/{id}/deploy-as-sip                  (idempotent)
#
# The bench uses it as the alternative the provider is compared with. Needs
# curl, and jq or python3 for the JSON. Environment: ANYREACH_TOKEN (required),
# ANYREACH_BASE_URL (default https://api.anyreach.ai).
set -euo pipefail

usage() {
  echo "usage: $0 CONFIG_DIR  (one AgentConfig JSON file per agent, named <agent name>.json)" >&2
  exit 2
}

BASE_URL=${ANYREACH_BASE_URL:-https://api.anyreach.ai}
BASE_URL=${BASE_URL%/}
: "${ANYREACH_TOKEN:?set ANYREACH_TOKEN to an Anyreach API key}"

JSON_TOOL=python3
if command -v jq >/dev/null 2>&1; then
  JSON_TOOL=jq
fi

# api METHOD PATH [curl options...]: prints the response body; fails on an
# HTTP error status, printing the API's answer.
api() {
  local method=$1 path=$2
  shift 2
  curl -sS --fail-with-body -X "$method" "${BASE_URL}${path}" \
    -H "Authorization: Bearer ${ANYREACH_TOKEN}" \
    -H "Accept: application/json" \
    "$@"
}

# send_json METHOD PATH BODY: api with a JSON body.
send_json() {
  api "$1" "$2" -H "Content-Type: application/json" --data-binary "$3"
}

# first_agent_id: the ID of the first agent of a list response on stdin
# (an enveloped {"data": [...]} or a bare array), or nothing.
first_agent_id() {
  if [[ $JSON_TOOL == jq ]]; then
    jq -r '(if type == "array" then . else (.data // []) end) | (first // {}) | (.agent_id // .id // empty)'
  else
    python3 -c 'import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else (d.get("data") or [])
print((items[0].get("agent_id") or items[0].get("id") or "") if items else "")'
  fi
}

# agent_id: the ID of the agent object on stdin.
agent_id() {
  if [[ $JSON_TOOL == jq ]]; then
    jq -r '.agent_id // .id'
  else
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("agent_id") or d["id"])'
  fi
}

# newest_version: the highest version number of a version list on stdin, or nothing.
newest_version() {
  if [[ $JSON_TOOL == jq ]]; then
    jq -r '(if type == "array" then . else (.data // []) end) | map(.version) | max // empty'
  else
    python3 -c 'import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else (d.get("data") or [])
print(max((v["version"] for v in items), default=""))'
  fi
}

# version_number: the version number of the version object on stdin.
version_number() {
  if [[ $JSON_TOOL == jq ]]; then
    jq -r '.version'
  else
    python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])'
  fi
}

# name_body NAME: the POST /core/agents body, with NAME JSON-escaped.
name_body() {
  if [[ $JSON_TOOL == jq ]]; then
    jq -cn --arg name "$1" '{name: $name}'
  else
    python3 -c 'import json, sys; print(json.dumps({"name": sys.argv[1]}))' "$1"
  fi
}

# provision FILE: make the agent named after FILE run FILE's config.
provision() {
  local file=$1 name id draft version config
  name=$(basename "$file" .json)
  config="{\"config\": $(<"$file")}"

  id=$(api GET /core/agents --get --data-urlencode "name=${name}" | first_agent_id)
  if [[ -n $id ]]; then
    draft=$(api GET "/core/agents/${id}/versions" --get --data-urlencode "published=false" --data-urlencode "limit=100" | newest_version)
    if [[ -n $draft ]]; then
      send_json PUT "/core/agents/${id}/versions/${draft}" "$config" >/dev/null
    fi
  else
    id=$(send_json POST /core/agents "$(name_body "$name")" | agent_id)
  fi
  version=$(send_json POST "/core/agents/${id}/versions" "$config" | version_number)
  api POST "/core/agents/${id}/versions/${version}/publish" >/dev/null
  api POST "/core/agents/${id}/deploy-as-sip" >/dev/null
  echo "${name}: agent ${id}, version ${version} published, deployed as SIP"
}

main() {
  [[ $# -eq 1 && -d $1 ]] || usage
  local files=("$1"/*.json)
  [[ -e ${files[0]} ]] || { echo "no *.json files in $1" >&2; exit 1; }
  echo "provisioning ${#files[@]} agents at ${BASE_URL} (JSON with ${JSON_TOOL})" >&2
  local file
  for file in "${files[@]}"; do
    provision "$file"
  done
}

main "$@"
