#!/usr/bin/env bash
# Runs every test of the project on a fresh machine (Rust, Python 3, Node):
#   1. formatting and clippy,
#   2. unit and HTTP behaviour tests on the embedded store, and the SQS queue
#      adapter against moto (cargo test --workspace),
#   3. the DynamoDB adapter: moto's server mode on 127.0.0.1, the table and
#      queue created by the project's own `setup` command, the generated city
#      imported with `seed`, then every HTTP behaviour test again on DynamoDB,
#   4. a schemathesis fuzz pass over the OpenAPI description against the local
#      server on 127.0.0.1.
# Tools go into ignored folders: schemathesis into .venv, moto into .tools/moto.
# The servers it starts stop with the script, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCHEMATHESIS_VERSION="4.32.5"
MOTO_VERSION="5.2.5"
HTTP_TESTS=(parcels estates bids mortgages publications districts map_json map_png translations http_edge lambda_events)

step() { printf '\n==> %s\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { # URL PID LOG
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then cat "$3"; echo "server died: $1" >&2; exit 1; fi
    sleep 0.5
  done
  echo "timed out waiting for $1" >&2; exit 1
}

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

step "tools: schemathesis $SCHEMATHESIS_VERSION (.venv), moto $MOTO_VERSION (.tools/moto)"
if ! .venv/bin/st --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
if ! .tools/moto/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  python3 -m venv .tools/moto
  .tools/moto/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "AWS emulator: moto on 127.0.0.1"
MOTO_PORT="$(free_port)"
.tools/moto/bin/python scripts/moto_server.py -H 127.0.0.1 -p "$MOTO_PORT" > "$WORK/moto.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$MOTO_PORT/moto-api/" "${PIDS[-1]}" "$WORK/moto.log"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export LAND_TEST_AWS_ENDPOINT="http://127.0.0.1:$MOTO_PORT" LAND_TEST_TABLE=land

step "cargo test --workspace (embedded store; SQS on moto)"
cargo test --workspace 2>&1 | tee "$WORK/embedded.log"

step "DynamoDB: setup + import of the generated city into moto"
# The binary cargo test built above (same features), wherever the target is.
API="${CARGO_TARGET_DIR:-target}/debug/genesis-api"
START=$(date +%s)
AWS_ENDPOINT_URL="$LAND_TEST_AWS_ENDPOINT" LAND_TABLE=land "$API" setup
AWS_ENDPOINT_URL="$LAND_TEST_AWS_ENDPOINT" LAND_TABLE=land "$API" seed 2>&1 | tail -n 2
echo "import took $(( $(date +%s) - START )) s"

step "HTTP behaviour tests again, on DynamoDB"
LAND_TEST_BACKEND=dynamodb cargo test $(printf -- '--test %s ' "${HTTP_TESTS[@]}") 2>&1 | tee "$WORK/dynamodb.log"

step "fuzz: schemathesis against the local server"
PORT="$(free_port)"
RUST_LOG=warn "$API" --data-file "$WORK/land.jsonl" --map-cache-dir "$WORK/map-cache" serve --host 127.0.0.1 --port "$PORT" > "$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/health" "${PIDS[-1]}" "$WORK/server.log"
scripts/fuzz.sh "http://127.0.0.1:$PORT"

PASSED=$(cat "$WORK/embedded.log" "$WORK/dynamodb.log" | grep -Eo 'test result: ok\. [0-9]+ passed' | awk '{s+=$4} END {print s+0}')
step "all tests passed"
echo "schemathesis: every operation passed"
echo "summary: $PASSED passed, 0 failed"
