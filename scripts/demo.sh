#!/usr/bin/env bash
# make demo: run examples/quickstart against a fresh local Anyreach emulator, the
# way a user would run it against the real service, then prove nothing drifts
# and clean up. Needs bin/ built by `make build emulator`; no network, no init.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
terraform=${TERRAFORM:-terraform}
example=${DEMO_EXAMPLE:-$root/examples/quickstart}

work=$(mktemp -d "${TMPDIR:-/tmp}/anyreach-demo.XXXXXX")
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Starting the Anyreach emulator"
mkfifo "$work/emulator.out"
"$bin/anyreach-emulator" --addr 127.0.0.1:0 >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
exec 3<"$work/emulator.out"
if ! read -r -t 30 first_line <&3; then
  echo "the emulator did not start; its stderr:" >&2
  cat "$work/emulator.err" >&2
  exit 1
fi
# Keep draining the emulator's stdout so it never blocks on a full pipe.
cat <&3 >/dev/null &
url=${first_line#anyreach-emulator listening on }
echo "$first_line"

# A CLI config that loads the provider just built, instead of installing one.
cat >"$work/dev.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "anyreach/anyreach" = "$bin"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$work/dev.tfrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export ANYREACH_BASE_URL="$url"
export ANYREACH_TOKEN="ak_dev.emulator"

cp -R "$example/." "$work/config"
tf() { "$terraform" -chdir="$work/config" "$@"; }

step "terraform apply ($(basename "$example"))"
tf apply -auto-approve -input=false -no-color

step "terraform output"
tf output -no-color

step "terraform plan -detailed-exitcode (must show no changes)"
set +e
tf plan -detailed-exitcode -input=false -no-color
code=$?
set -e
if [[ $code -ne 0 ]]; then
  echo "plan after apply was not empty (exit $code): the provider reported drift" >&2
  exit 1
fi

step "terraform destroy"
tf destroy -auto-approve -input=false -no-color

step "Demo finished: applied, no drift, destroyed."
