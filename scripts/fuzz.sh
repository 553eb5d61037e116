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

# positive_data_acceptance is left out on purpose: a schema-valid but unknown
# id (e.g. a token id outside the city) is rightly answered 400/404.
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection

exec "$ST" run "$BASE/openapi.json" \
  --url "$BASE" \
  --checks "$CHECKS" \
  --max-examples 50 \
  --seed 42 \
  --generation-database none \
  --workers 2 \
  --request-timeout 10 \
  --wait-for-schema 30 \
  --no-color
