#!/usr/bin/env bash
# What a marketplace listing costs as the market grows (Step 9).
# 1. DynamoDB (moto from .tools/moto, which scripts/test.sh installs): the
#    default market and one 10 times larger (`--market-size`), imported once
#    each, then read units and latency per listing request (benches/listings.rs).
# 2. The local server (embedded store), for each size: wrk on 127.0.0.1 for the
#    listing GET /v1/parcels?status=open&sort_by=price&limit=20 (and at offset 500)
#    beside GET /v1/parcels/{x}/{y}.
# Usage: scripts/bench-listings.sh [BINARY]   (default: target/release/genesis-api;
#   LAND_SEED, LISTINGS_BENCH_SIZES=1,10 as in benches/listings.rs)
# Needs wrk (Debian: apt-get install wrk). Prints figures; asserts nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/target/release/genesis-api}"
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -x $BIN ]] || { echo "$BIN not found: cargo build --release" >&2; exit 2; }
[[ -x $ROOT/.tools/moto/bin/python ]] || { echo "moto not found: run scripts/test.sh once" >&2; exit 2; }

# shellcheck source=bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"

echo "== DynamoDB (moto), $(nproc) cores"
MOTO_PORT="$(free_port)"
"$ROOT/.tools/moto/bin/python" "$ROOT/scripts/moto_server.py" -H 127.0.0.1 -p "$MOTO_PORT" > "$WORK/moto.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/"
# The dev profile the tests build: the figures are read units and the
# emulator's round trips, not our CPU.
(cd "$ROOT" && AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT" RUST_LOG=warn \
  cargo bench --profile dev --bench listings)

for size in $(echo "${LISTINGS_BENCH_SIZES:-1,10}" | tr ',' ' '); do
  echo "== local server (embedded store, market size $size), $BIN"
  PORT="$(free_port)"
  RATE_LIMITS=off RUST_LOG=warn LAND_MARKET_SIZE="$size" "$BIN" --data-file "$WORK/land-$size.jsonl" \
    --map-cache-dir "$WORK/map-cache" --rewards-dir "$WORK" serve --host 127.0.0.1 --port "$PORT" > "$WORK/server.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")
  wait_for "http://127.0.0.1:$PORT/health"
  for path in "/v1/parcels?status=open&sort_by=price&limit=20" "/v1/parcels?status=open&sort_by=price&limit=20&offset=500" "/v1/parcels/-48/-29"; do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT$path"
    rps="$(wrk -t2 -c64 -d10s "http://127.0.0.1:$PORT$path" | awk '/Requests\/sec/ {print $2}')"
    p50="$(wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$PORT$path" | awk '$1 == "50%" {print $2}')"
    printf '%-58s %10s req/s (64 connections)   p50 %8s (1 connection)\n' "GET $path" "$rps" "$p50"
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done
