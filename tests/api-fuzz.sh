#!/bin/sh
# Schemathesis (PyPI) against `ocpolicy serve`'s own /openapi.json: thousands of
# generated requests, good and bad, to every operation; any 5xx fails. The
# NDJSON batch operations are left out (schemathesis cannot write NDJSON);
# host/tests/all/server.rs covers them. A fixed seed keeps CI reproducible;
# SEED=random explores.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${OCPOLICY_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/ocpolicy}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
"$bin" serve --demo --db "$work/fuzz.db" --listen 127.0.0.1:0 2> "$work/log" &
pid=$!
for _ in $(seq 1 120); do
    grep -q "serving on" "$work/log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.5
done
addr="$(grep -o 'serving on http://[0-9.:]*' "$work/log" | sed 's/serving on //')"
token="$(grep -o 'ocp_[0-9a-f]*' "$work/log" | head -1)"
[ -n "$addr" ] && [ -n "$token" ] || { echo "api-fuzz: the server did not start" >&2; cat "$work/log" >&2; exit 1; }
seed="${SEED:-20261122}"
[ "$seed" = random ] && seed_arg="" || seed_arg="--seed $seed"
# shellcheck disable=SC2086
python3 -c "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = \"st\"; sys.exit(schemathesis())" run "$addr/openapi.json" \
    --checks not_a_server_error \
    -H "Authorization: Bearer $token" \
    --exclude-path-regex '/batch$' \
    --max-examples 20 --workers 2 $seed_arg
