#!/usr/bin/env bash
# Proves from the dependency graph that each Lambda function links only its
# own family: no LAND function depends on the Rewards crate, the SQS client or
# the Genesis generator (land-seed). Fails naming the function and the crate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

LAND_FUNCTIONS=(parcels estates bids mortgages publications districts map translations)
NOT_IN_LAND=(rewards aws-sdk-sqs land-seed)

bad=0
for function in "${LAND_FUNCTIONS[@]}"; do
  tree="$(cargo tree -p "$function" -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)"
  for crate in "${NOT_IN_LAND[@]}"; do
    if grep -qx "$crate" <<< "$tree"; then
      echo "$function depends on $crate:" >&2
      cargo tree -p "$function" -e normal -i "$crate" >&2
      bad=1
    fi
  done
done
[[ $bad == 0 ]] && echo "ok: no LAND function depends on ${NOT_IN_LAND[*]}"
exit "$bad"
