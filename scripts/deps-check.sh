#!/usr/bin/env bash
# Proves from the dependency graph that each Lambda function links only its
# own family: no LAND function depends on the Rewards crate, the SQS client,
# the catalyst HTTP client, the chain client or the Genesis generator
# (land-seed); no Rewards function on LAND or the Genesis data; only the
# reward sender links the chain client (ethers). Fails naming the function
# and the crate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The Rewards functions (package names); every other package under
# functions/ is a LAND function.
REWARDS_FUNCTIONS=(campaigns rewards-function captcha-function reward-sender-function)
# The API functions of Rewards: they never sign a transaction.
REWARDS_API_FUNCTIONS=(campaigns rewards-function captcha-function)
mapfile -t LAND_FUNCTIONS < <(ls functions | grep -vx -e campaigns -e rewards -e captcha -e reward-sender)
NOT_IN_LAND=(rewards chain ethers-providers ethers-signers aws-sdk-sqs aws-sdk-kms land-seed rusqlite reqwest ab_glyph)
NOT_IN_REWARDS_API=(chain ethers-providers ethers-signers)
# (tiny-skia is shared: LAND draws maps with it, Rewards captchas.)
NOT_IN_REWARDS=(land land-seed)
[[ ${#LAND_FUNCTIONS[@]} -gt 0 ]] || { echo "no function found" >&2; exit 1; }

bad=0
check() { # FUNCTION CRATE...
  local function="$1"; shift
  tree="$(cargo tree -p "$function" -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)"
  for crate in "$@"; do
    if grep -qx "$crate" <<< "$tree"; then
      echo "$function depends on $crate:" >&2
      cargo tree -p "$function" -e normal -i "$crate" >&2
      bad=1
    fi
  done
}
for function in "${LAND_FUNCTIONS[@]}"; do check "$function" "${NOT_IN_LAND[@]}"; done
for function in "${REWARDS_FUNCTIONS[@]}"; do check "$function" "${NOT_IN_REWARDS[@]}"; done
for function in "${REWARDS_API_FUNCTIONS[@]}"; do check "$function" "${NOT_IN_REWARDS_API[@]}"; done
# The two APIs never depend on each other, the platform on neither, and the
# Rewards crate not on the chain client (it holds the port only).
for pair in land:rewards rewards:land platform:land platform:rewards rewards:chain rewards:ethers-providers; do
  from="${pair%%:*}" to="${pair##*:}"
  if cargo tree -p "$from" -e normal --prefix none --format '{p}' | awk '{print $1}' | grep -qx "$to"; then
    echo "$from depends on $to" >&2; bad=1
  fi
done
[[ $bad == 0 ]] && echo "ok: ${LAND_FUNCTIONS[*]} depend on none of ${NOT_IN_LAND[*]}; ${REWARDS_FUNCTIONS[*]} on none of ${NOT_IN_REWARDS[*]}; ${REWARDS_API_FUNCTIONS[*]} on none of ${NOT_IN_REWARDS_API[*]}; land, rewards and platform stay apart"
exit "$bad"
