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
logs=$(mktemp -d)
trap 'rm -rf "$config" "$logs"' EXIT
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

# checkov pulls bc-python-hcl2, which clashes with python-hcl2: it gets its own venv,
# installed (the first time) while Terraform's checks run.
venv="$repo/.venv-checkov"
if [[ ! -x $venv/bin/checkov ]]; then
  echo "tf-check: installing checkov into $venv (in the background)"
  ( "${PYTHON:-python3}" -m venv "$venv" && "$venv/bin/pip" install --quiet "checkov==3.3.30" ) \
    > "$logs/checkov-install.log" 2>&1 &
  installing=$!
fi

# Each directory's init, validate and test, TF_CHECK_JOBS (2) at a time: they share nothing
# (each has its own .terraform); each one's output is printed whole, in order.
check_dir() {
  local dir=$1 lock=() rc=0
  if [[ $dir == . ]]; then
    lock=(-lockfile=readonly)  # the root's .terraform.lock.hcl is committed
  fi
  {
    echo "tf-check: $dir: init, validate, test"
    terraform -chdir="$dir" init -backend=false -input=false -no-color "${lock[@]}" >/dev/null &&
      terraform -chdir="$dir" validate -no-color &&
      terraform -chdir="$dir" test -no-color
  } > "$logs/${dir//\//-}.log" 2>&1 || rc=$?
  if [[ $dir != . ]]; then
    rm -f "$dir/.terraform.lock.hcl"  # modules inherit the root's lock
  fi
  return "$rc"
}
export -f check_dir
export logs
dirs=(. modules/*)
status=0
printf '%s\0' "${dirs[@]}" | xargs -0 -n 1 -P "${TF_CHECK_JOBS:-2}" bash -c 'check_dir "$1"' _ ||
  status=$?
for dir in "${dirs[@]}"; do
  cat "$logs/${dir//\//-}.log"
done
if [[ $status != 0 ]]; then
  echo "tf-check: a directory failed (its output is above)" >&2
  exit 1
fi

if [[ -n ${installing:-} ]]; then
  if ! wait "$installing"; then
    cat "$logs/checkov-install.log" >&2
    echo "tf-check: installing checkov failed" >&2
    exit 1
  fi
fi
echo "tf-check: checkov"
CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" \
  --directory . --framework terraform --skip-download --compact --quiet \
  --skip-path '\.terraform' --skip-path 'tests/'
