#!/bin/sh
# Load benchmark on loopback: `ocpolicy serve` (release build) under wrk (Debian).
#
#   benches/load/load.sh [SECONDS]        # default 10 s per scenario
#   BASE=/path/to/older/ocpolicy benches/load/load.sh
#       # also runs every scenario against an older build, in the same run,
#       # alternating, so that the two compare side by side
#   SCENARIOS="decide tenant" benches/load/load.sh   # only these
#
# Prints, for each scenario, requests per second, decisions per second, and
# the latency percentiles wrk measures (p50, p99):
#   decide      POST /v1/decide/eligibility, one decision per request (the
#               whole tenant in every request: the stateless API)
#   batch       POST /v1/decide/eligibility/batch, 1,000 decisions per request
#   tenant      POST /v1/tenants/contoso-demo/decide/eligibility: only the
#               request, decided against the stored tenant (token, version
#               check, cached snapshot)
#   tenant-batch  the same, 1,000 requests per batch
#   write       PUT /v1/tenants/contoso-demo/lis, an enforced write, SQLite store
#   write-pg    the same on PostgreSQL (tests/postgres.sh), if it is installed
# wrk runs on the same 2 cores as the server, so the server gets less than
# the whole machine: these figures are a floor. Not part of CI's pass/fail.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
secs="${1:-10}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release -q -p ocpolicy-cli --bin ocpolicy --manifest-path "$root/Cargo.toml"
new="${CARGO_TARGET_DIR:-$root/target}/release/ocpolicy"
bins="$new"
[ -n "${BASE:-}" ] && bins="$BASE $new"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; exec 3>&- 2>/dev/null; rm -rf "$work"' EXIT

# shellcheck source=tests/lib.sh
. "$root/tests/lib.sh"
start() {
    rm -f "$work/load.db"*
    serve_demo "$bin" "$1" --concurrency 2
    export OCPOLICY_TOKEN="$token"
}
stop() { serve_stop; }

# Run wrk; print one line: scenario, req/s, decisions/s, p50, p99.
run() {
    name="$1" per="$2" script="$3" path="$4"
    wrk -t1 -c"${CONNS:-16}" -d"${secs}s" --latency -s "$root/benches/load/$script" "$addr$path" > "$work/wrk.txt"
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")"
    p50="$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")"
    bad="$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")"
    errors="$(awk '/Socket errors/ {print}' "$work/wrk.txt")"
    [ "$bin" = "$new" ] && who=new || who=base
    [ -z "${BASE:-}" ] && who=""
    printf '%-10s %-5s %12s %14s %10s %10s   %s\n' "$name" "$who" "$rps" "$(awk -v r="$rps" -v n="$per" 'BEGIN {printf "%.0f", r * n}')" "$p50" "$p99" "${bad:+non-2xx: $bad }$errors"
}

export OCPOLICY_BODY="$root/tests/examples/assign-number.check.json"
# The batch body: the same check, 1,000 lines.
tr -d '\n' < "$OCPOLICY_BODY" > "$work/one.json"
for _ in $(seq 1 1000); do cat "$work/one.json"; echo; done > "$work/batch.ndjson"
# The request alone, as the tenant-scoped endpoint takes it.
python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["request"]))' "$OCPOLICY_BODY" > "$work/request.json"
for _ in $(seq 1 1000); do cat "$work/request.json"; done > "$work/requests.ndjson"

echo "ocpolicy load benchmark: $secs s per scenario, wrk -t1 -c${CONNS:-16}, server --concurrency 2, $(nproc) cores"
printf '%-10s %-5s %12s %14s %10s %10s\n' scenario build "requests/s" "decisions/s" p50 p99
for scenario in ${SCENARIOS:-decide batch tenant tenant-batch write}; do
    for bin in $bins; do
        start "$work/load.db"
        case "$scenario" in
            decide) run decide 1 decide.lua /v1/decide/eligibility ;;
            batch) OCPOLICY_BODY="$work/batch.ndjson" run batch 1000 decide.lua /v1/decide/eligibility/batch ;;
            tenant) OCPOLICY_BODY="$work/request.json" run tenant 1 tenant.lua /v1/tenants/contoso-demo/decide/eligibility ;;
            tenant-batch) OCPOLICY_BODY="$work/requests.ndjson" run tenant-batch 1000 tenant.lua /v1/tenants/contoso-demo/decide/eligibility/batch ;;
            write) run write 1 write.lua /v1/tenants/contoso-demo/lis ;;
        esac
        stop
    done
done

if [ -z "${SCENARIOS:-}" ] && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    postgres_start "$root"
    for bin in $bins; do
        start "$pg_url"
        run write-pg 1 write.lua /v1/tenants/contoso-demo/lis
        stop
    done
fi
