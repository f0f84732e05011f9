#!/bin/sh
# Schemathesis (PyPI) against `ocpolicy serve`'s own /openapi.json: thousands of
# generated requests, good and bad, to every operation; any 5xx fails. It runs
# once on each store backend: the embedded SQLite file, and PostgreSQL (a
# throwaway server on loopback from tests/postgres.sh). The NDJSON batch
# operations are left out (schemathesis cannot write NDJSON);
# host/cli/tests/all/server.rs covers them. A fixed seed keeps CI reproducible;
# SEED=random explores.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${OCPOLICY_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/ocpolicy}"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; exec 3>&-; rm -rf "$work"' EXIT
seed="${SEED:-20261122}"
[ "$seed" = random ] && seed_arg="" || seed_arg="--seed $seed"

# shellcheck source=tests/lib.sh
. "$root/tests/lib.sh"
postgres_start "$root"

fuzz() {
    serve_demo "$bin" "$1"
    echo "api-fuzz: $(grep -o 'seeded in the .*' "$work/log")"
    # shellcheck disable=SC2086
    python3 -c "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = \"st\"; sys.exit(schemathesis())" run "$addr/openapi.json" \
        --checks not_a_server_error \
        -H "Authorization: Bearer $token" \
        --exclude-path-regex '/batch$' \
        --max-examples 20 --workers 2 $seed_arg
    serve_stop
}

fuzz "$work/fuzz.db"
fuzz "$pg_url"
