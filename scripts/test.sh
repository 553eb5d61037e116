#!/usr/bin/env bash
# Runs every test of the project on a fresh machine (Rust, Python 3, Node):
#   1. formatting and clippy,
#   2. unit and HTTP behaviour tests (cargo test --workspace),
#   3. a schemathesis fuzz pass over the OpenAPI description against the
#      local server on 127.0.0.1 (schemathesis goes into ./.venv, ignored).
# The server it starts stops with the script, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCHEMATHESIS_VERSION="4.32.5"

step() { printf '\n==> %s\n' "$*"; }

step "tools: schemathesis $SCHEMATHESIS_VERSION in .venv"
if ! .venv/bin/st --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test --workspace"
cargo test --workspace 2>&1 | tee "$ROOT/target/test-output.log"
CARGO_PASSED=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$ROOT/target/test-output.log" | awk '{s+=$4} END {print s+0}')

step "fuzz: schemathesis against the local server"
cargo build --quiet --bin genesis-api
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
RUST_LOG=warn ./target/debug/genesis-api --data-file "$WORK/land.jsonl" serve --host 127.0.0.1 --port "$PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/health" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log"; echo "server died" >&2; exit 1; fi
  sleep 0.5
done
scripts/fuzz.sh "http://127.0.0.1:$PORT"

step "all tests passed"
echo "schemathesis: every operation passed"
echo "summary: $CARGO_PASSED passed, 0 failed"
