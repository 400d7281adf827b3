#!/usr/bin/env bash
# make tf-check: format, validate, test and scan the Terraform stack, offline where it can be.
# make tf-init (--init-only): only `terraform init` the root, the same way.
#
# Where this machine has a local filesystem mirror of the hashicorp/aws provider, init uses
# it (no network); elsewhere init downloads the provider as usual.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo/terraform"

if ! command -v terraform >/dev/null; then
  echo "error: no terraform CLI on PATH (this repo pins $(cat "$repo/.terraform-version"))" >&2
  exit 2
fi

# A filesystem mirror holding hashicorp/aws, found as the Terraform tests find it.
config=$(mktemp)
trap 'rm -f "$config"' EXIT
mirror=$(python3 "$repo/scripts/tf_mirror.py" --config "$config")
if [[ -n $mirror ]]; then
  export TF_CLI_CONFIG_FILE=$config
  echo "tf-check: provider from the local mirror $mirror"
fi
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

if [[ ${1:-} == --init-only ]]; then  # make tf-init: ready the root for plan and apply
  terraform init -input=false -lockfile=readonly
  echo "tf-init: done; now cd terraform && terraform apply"
  exit 0
fi

echo "tf-check: terraform fmt"
terraform fmt -check -recursive -diff

echo "tf-check: module READMEs list every input and output"
python3 "$repo/scripts/tf_docs.py" --check

for dir in . modules/*/; do
  dir=${dir%/}
  echo "tf-check: $dir: init, validate, test"
  if [[ $dir == . ]]; then
    lock=(-lockfile=readonly)  # the root's .terraform.lock.hcl is committed
  else
    lock=()
  fi
  terraform -chdir="$dir" init -backend=false -input=false -no-color "${lock[@]}" >/dev/null
  terraform -chdir="$dir" validate -no-color
  terraform -chdir="$dir" test -no-color
  if [[ $dir != . ]]; then
    rm -f "$dir/.terraform.lock.hcl"  # modules inherit the root's lock
  fi
done

# checkov pulls bc-python-hcl2, which clashes with python-hcl2: it gets its own venv.
venv="$repo/.venv-checkov"
if [[ ! -x $venv/bin/checkov ]]; then
  echo "tf-check: installing checkov into $venv"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet "checkov==3.3.30"
fi
echo "tf-check: checkov"
CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" \
  --directory . --framework terraform --skip-download --compact --quiet \
  --skip-path '\.terraform' --skip-path 'tests/'
