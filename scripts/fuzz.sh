#!/usr/bin/env bash
# Fuzz every operation of the server's OpenAPI description with schemathesis 4.
# Usage: scripts/fuzz.sh [BASE_URL]   (default http://127.0.0.1:3000)
# Needs a running server and the venv: python3 -m venv .venv && .venv/bin/pip install 'schemathesis>=4,<5'
# Exits non-zero when schemathesis reports a failure (or cannot run).
set -euo pipefail

BASE="${1:-http://127.0.0.1:3000}"
BASE="${BASE%/}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ST="$ROOT/.venv/bin/st"

if [[ ! -x "$ST" ]]; then
  echo "fuzz.sh: $ST not found; run: python3 -m venv .venv && .venv/bin/pip install 'schemathesis>=4,<5'" >&2
  exit 2
fi

# The checks, and the few operations where a schema-valid request can rightly
# be refused, are in scripts/schemathesis.toml; the hooks sign the Rewards
# requests with the project's signer (GENESIS_API, default the debug build).
export SCHEMATHESIS_HOOKS=schemathesis_hooks
export PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
export GENESIS_API="${GENESIS_API:-$ROOT/target/debug/genesis-api}"
exec "$ST" --config-file "$ROOT/scripts/schemathesis.toml" run "$BASE/openapi.json" \
  --url "$BASE" \
  --max-examples 50 \
  --seed 42 \
  --generation-database none \
  --workers 2 \
  --request-timeout 10 \
  --wait-for-schema 30 \
  --no-color
