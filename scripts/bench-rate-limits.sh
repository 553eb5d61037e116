#!/usr/bin/env bash
# What the rate-limit layer costs a request on the local server: one wrk run
# of GET /v1/parcels/{x}/{y} on 127.0.0.1 with the layer off, on (counted in
# process), and on with the counts in DynamoDB (moto, from .tools/moto, which
# scripts/test.sh installs): requests/s with 64 connections, and the latency
# of one connection (the emulator's round trip is the DynamoDB figure).
# Usage: scripts/bench-rate-limits.sh [BINARY]   (default: target/release/genesis-api)
# Needs wrk (Debian: apt-get install wrk). Prints figures; asserts nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/target/release/genesis-api}"
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -x $BIN ]] || { echo "$BIN not found: cargo build --release" >&2; exit 2; }
[[ -x $ROOT/.tools/moto/bin/python ]] || { echo "moto not found: run scripts/test.sh once" >&2; exit 2; }

# shellcheck source=bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"

MOTO_PORT="$(free_port)"
"$ROOT/.tools/moto/bin/python" "$ROOT/scripts/moto_server.py" -H 127.0.0.1 -p "$MOTO_PORT" > "$WORK/moto.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" LAND_TABLE=land-bench RATE_LIMIT_TABLE=rate-limits \
  "$BIN" setup > /dev/null

URL_PATH=/v1/parcels/-48/-29
# Quotas no run reaches: every request is counted, none refused.
HIGH=1000000000/60
run() { # NAME VAR=VALUE...
  local name="$1"; shift
  local port; port="$(free_port)"
  env "$@" RUST_LOG=warn "$BIN" --data-file "$WORK/land.jsonl" --map-cache-dir "$WORK/map-cache" \
    --rewards-dir "$WORK" serve --host 127.0.0.1 --port "$port" > "$WORK/server.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_for "http://127.0.0.1:$port/health"
  curl -s -D - -o /dev/null "http://127.0.0.1:$port$URL_PATH" | grep -i '^ratelimit:' || echo "(no rate-limit headers)"
  local rps p50
  rps="$(wrk -t2 -c64 -d10s "http://127.0.0.1:$port$URL_PATH" | awk '/Requests\/sec/ {print $2}')"
  p50="$(wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$port$URL_PATH" | awk '$1 == "50%" {print $2}')"
  printf '%-28s %10s req/s (64 connections)   p50 %8s (1 connection)\n' "$name" "$rps" "$p50"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
echo "GET $URL_PATH, $(nproc) cores, $BIN"
run "layer off" RATE_LIMITS=off
run "layer on, in process" RATE_LIMIT_ANON="$HIGH"
# (A long count timeout: every request waits for its count, none goes uncounted.)
run "layer on, DynamoDB (moto)" RATE_LIMIT_ANON="$HIGH" RATE_LIMIT_TABLE=rate-limits RATE_LIMIT_TIMEOUT_MS=60000 \
  AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
