#!/usr/bin/env bash
# terraform fmt -check and terraform validate on every example folder, with the
# provider just built loaded through a dev override (no init, no network).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
terraform=${TERRAFORM:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/dev.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "anyreach/anyreach" = "$root/bin"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" CHECKPOINT_DISABLE=1

"$terraform" fmt -check -recursive "$root/examples"

status=0
while IFS= read -r dir; do
  rel=${dir#"$root"/}
  copy="$work/$(echo "$rel" | tr '/' '_')"
  mkdir -p "$copy"
  cp -R "$dir/." "$copy/"
  # The two import examples of a resource target the same address; the one by
  # identity is validated on its own below.
  rm -f "$copy/import-by-identity.tf"
  # Resource and data-source examples are fragments: give them the provider requirement.
  if ! grep -q 'required_providers' "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    anyreach = { source = "anyreach/anyreach" }\n  }\n}\n' >"$copy/zz_provider.tf"
  fi
  # Local module calls must be installed first; `init` is refused under a dev override offline.
  if out=$("$terraform" -chdir="$copy" get -no-color 2>&1 && "$terraform" -chdir="$copy" validate -no-color 2>&1); then
    echo "ok      $rel"
  else
    echo "FAILED  $rel"; echo "$out"; status=1
  fi
done < <(find "$root/examples" -name '*.tf' -printf '%h\n' | sort -u)

# Import blocks by identity (Terraform 1.12 and later), each beside its resource.
while IFS= read -r dir; do
  rel=${dir#"$root"/}
  copy="$work/identity_$(echo "$rel" | tr '/' '_')"
  mkdir -p "$copy"
  cp -R "$dir/." "$copy/"
  rm -f "$copy/import-by-string-id.tf"
  printf 'terraform {\n  required_providers {\n    anyreach = { source = "anyreach/anyreach" }\n  }\n}\n' >"$copy/zz_provider.tf"
  if out=$("$terraform" -chdir="$copy" validate -no-color 2>&1); then
    echo "ok      $rel/import-by-identity.tf"
  else
    echo "FAILED  $rel/import-by-identity.tf"; echo "$out"; status=1
  fi
done < <(find "$root/examples" -name 'import-by-identity.tf' -printf '%h\n' | sort -u)

# Query files (list resources, Terraform 1.14 and later) are validated with -query.
while IFS= read -r dir; do
  rel=${dir#"$root"/}
  copy="$work/$(echo "$rel" | tr '/' '_')"
  mkdir -p "$copy"
  cp -R "$dir/." "$copy/"
  printf 'terraform {\n  required_providers {\n    anyreach = { source = "anyreach/anyreach" }\n  }\n}\n' >"$copy/zz_provider.tf"
  if out=$("$terraform" -chdir="$copy" validate -query -no-color 2>&1); then
    echo "ok      $rel"
  else
    echo "FAILED  $rel"; echo "$out"; status=1
  fi
done < <(find "$root/examples" -name '*.tfquery.hcl' -printf '%h\n' | sort -u)
exit $status
