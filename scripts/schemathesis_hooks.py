"""Schemathesis hooks of the fuzz pass (scripts/fuzz.sh loads them).

Rewards routes need signed requests (ADR-44 signed fetch): every request to
/api/... is signed just before it is sent, by the project's own signer
(`genesis-api sign`), with a throwaway test wallet. The signed path is the one
sent, without the query string; the metadata is `{}`.
"""

import os
import subprocess

import schemathesis

API = os.environ.get("GENESIS_API", "target/debug/genesis-api")
# A fixed test key (never a real wallet's): every fuzzed campaign has one owner.
KEY = "0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f"


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.formatted_path
    if not path.startswith("/api/"):
        return
    # The key travels in the environment, not on a command line `ps` shows.
    out = subprocess.run(
        [API, "sign", case.method.upper(), path],
        env={**os.environ, "SIGNER_KEY": KEY},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    signed = dict(line.split(": ", 1) for line in out.strip().splitlines())
    case.headers = {**(case.headers or {}), **signed}
