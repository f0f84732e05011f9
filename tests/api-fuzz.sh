#!/bin/sh
# Schemathesis (PyPI) against `ocpolicy serve`'s own /openapi.json: thousands of
# generated requests, good and bad, to every operation; any 5xx fails. It runs
# once on each store backend: the embedded SQLite file, and PostgreSQL (a
# throwaway server on loopback from tests/postgres.sh). The NDJSON batch
# operations are left out (schemathesis cannot write NDJSON);
# host/tests/all/server.rs covers them. A fixed seed keeps CI reproducible;
# SEED=random explores.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${OCPOLICY_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/ocpolicy}"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; exec 3>&-; rm -rf "$work"' EXIT
seed="${SEED:-20261122}"
[ "$seed" = random ] && seed_arg="" || seed_arg="--seed $seed"

# PostgreSQL runs while fd 3 (its standard input) is open: until this script exits.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkfifo "$work/pg.in"
"$root/tests/postgres.sh" "$port" < "$work/pg.in" > "$work/pg.out" &
exec 3> "$work/pg.in"
for _ in $(seq 1 120); do
    grep -q '^ready ' "$work/pg.out" && break
    sleep 0.5
done
pg_url="$(awk '/^ready / {print $2}' "$work/pg.out")"
[ -n "$pg_url" ] || { echo "api-fuzz: PostgreSQL did not start" >&2; exit 1; }

fuzz() {
    db="$1"
    : > "$work/log"
    "$bin" serve --demo --db "$db" --listen 127.0.0.1:0 2> "$work/log" &
    pid=$!
    for _ in $(seq 1 120); do
        grep -q "serving on" "$work/log" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
        sleep 0.5
    done
    addr="$(grep -o 'serving on http://[0-9.:]*' "$work/log" | sed 's/serving on //')"
    token="$(grep -o 'ocp_[0-9a-f]*' "$work/log" | head -1)"
    [ -n "$addr" ] && [ -n "$token" ] || { echo "api-fuzz: the server did not start" >&2; cat "$work/log" >&2; exit 1; }
    echo "api-fuzz: $(grep -o 'seeded in the .*' "$work/log")"
    # shellcheck disable=SC2086
    python3 -c "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = \"st\"; sys.exit(schemathesis())" run "$addr/openapi.json" \
        --checks not_a_server_error \
        -H "Authorization: Bearer $token" \
        --exclude-path-regex '/batch$' \
        --max-examples 20 --workers 2 $seed_arg
    kill "$pid"
    wait "$pid" || true
    pid=""
}

fuzz "$work/fuzz.db"
fuzz "$pg_url"
