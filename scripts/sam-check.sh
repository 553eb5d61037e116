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
.tools/sam/bin/sam build
echo "sam build took $(( $(date +%s) - START )) s"
ls -l .aws-sam/build/*/bootstrap
