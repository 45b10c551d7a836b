#!/usr/bin/env bash
# Apply a root module against a local Anyreach emulator, then fail unless a
# second plan is empty; destroy at the end. No Anyreach account, no network.
#
#   offline-test.sh [ROOT_MODULE_DIR]
#
# Environment (defaults in brackets):
#   TF                        the CLI: terraform or tofu [terraform]
#   ANYREACH_EMULATOR_BIN     the emulator [where `go install` put it]
#   ANYREACH_PROVIDER_DIR     the directory holding terraform-provider-anyreach [the same]
#   ANYREACH_EMULATOR_FLAGS   more emulator flags, e.g. your numbers: --phone-number +15551230001
set -euo pipefail

root=${1:-.}
tf=${TF:-terraform}
# Where `go install` puts binaries; asked only when a default is needed.
go_bin() { local d; d=$(go env GOBIN); echo "${d:-$(go env GOPATH)/bin}"; }
emulator=${ANYREACH_EMULATOR_BIN:-$(go_bin)/anyreach-emulator}
provider_dir=${ANYREACH_PROVIDER_DIR:-$(go_bin)}
work=$(mktemp -d)

# 1. Start the emulator on a free port. Its first line is
#    "anyreach-emulator listening on http://127.0.0.1:PORT".
# shellcheck disable=SC2086 # ANYREACH_EMULATOR_FLAGS is a list of flags
"$emulator" --addr 127.0.0.1:0 ${ANYREACH_EMULATOR_FLAGS:-} >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  [[ -s "$work/emulator.out" ]] && break
  sleep 0.1
done
url=$(sed -n 's/^anyreach-emulator listening on //p' "$work/emulator.out")
if [[ -z "$url" ]]; then
  echo "the emulator did not start:" >&2
  cat "$work/emulator.log" >&2
  exit 1
fi

# 2. Point the provider at it, with the emulator's own credential.
export ANYREACH_BASE_URL="$url" ANYREACH_TOKEN=ak_dev.emulator

# 3. Load the provider from provider_dir instead of installing it. The
#    address has no host name, so Terraform and OpenTofu both apply it.
cat >"$work/offline.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "anyreach/anyreach" = "$provider_dir"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$work/offline.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

cd "$root"
# 4. Under dev_overrides, `init` still asks the registry for the provider and
#    fails offline. `get` installs the local modules, all that is needed.
"$tf" get

# 5. Apply, then plan again: -detailed-exitcode exits 2 if anything would
#    change, which fails this script.
"$tf" apply -auto-approve -input=false
"$tf" plan -detailed-exitcode -input=false

# 6. Clean up: the emulator forgets everything anyway, the state would not.
"$tf" destroy -auto-approve -input=false
