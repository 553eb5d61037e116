#!/usr/bin/env bash
# The deployment artefacts: `sam validate --lint` on template.yaml and
# `sam build` of every function (cargo-lambda, release, arm64). The SAM CLI and
# cargo-lambda (which brings zig) go into .tools/, ignored.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export SAM_CLI_TELEMETRY=0

for tool in sam:aws-sam-cli cargo-lambda:cargo-lambda; do
  dir="${tool%%:*}" package="${tool##*:}"
  if [[ ! -x ".tools/$dir/bin/$dir" ]]; then
    python3 -m venv ".tools/$dir"
    ".tools/$dir/bin/pip" install --quiet --disable-pip-version-check "$package"
  fi
done
export PATH="$ROOT/.tools/cargo-lambda/bin:$PATH"
rustup target list --installed | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu

echo "==> sam validate --lint"
.tools/sam/bin/sam validate --lint

echo "==> sam build (every function, release, arm64)"
START=$(date +%s)
rm -rf .aws-sam/build   # a leftover bootstrap must not pass for a new one
.tools/sam/bin/sam build
echo "sam build took $(( $(date +%s) - START )) s"

echo "==> every function of the template built, within its size budget"
# Stripped arm64 binaries: <= 8 MB for each LAND JSON function, <= 10 MB for map.
FUNCTIONS=$(awk '/^  [A-Za-z0-9]+:$/ {name=$1; sub(":", "", name)} /^    Type: AWS::Serverless::Function$/ {print name}' template.yaml)
[[ -n "$FUNCTIONS" ]] || { echo "no function found in template.yaml" >&2; exit 1; }
bad=0
for name in $FUNCTIONS; do
  bootstrap=".aws-sam/build/$name/bootstrap"
  if [[ ! -s "$bootstrap" ]]; then
    echo "$name: $bootstrap was not built" >&2; bad=1; continue
  fi
  # ELF e_machine (bytes 18-19): 0xb7 is aarch64, as the template's arm64 needs.
  machine=$(od -An -tx1 -j18 -N2 "$bootstrap" | tr -d ' ')
  if [[ $machine != b700 ]]; then echo "$name: $bootstrap is not an arm64 binary ($machine)" >&2; bad=1; fi
  bytes=$(stat -c %s "$bootstrap")
  limit=$(( 8 * 1000 * 1000 ))
  [[ $name == MapFunction ]] && limit=$(( 10 * 1000 * 1000 ))
  printf '%-24s %6.2f MB (limit %d MB)\n' "$name" "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')" $(( limit / 1000000 ))
  if (( bytes > limit )); then echo "$name: $bytes bytes is over its budget" >&2; bad=1; fi
done
exit "$bad"
