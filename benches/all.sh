#!/bin/sh
# Every performance figure the README shows, from one command, side by side
# in one run where the README compares (component against native, one size
# against another, a new build against a base build):
#
#   benches/all.sh                 # every bench
#   benches/all.sh scale load      # only these (names below)
#   BASE=/path/to/older/ocpolicy benches/all.sh load   # the load bench against a base build too
#
# Benches: eligibility, decode, emergency, conferencing, plugins, scale,
# peers (criterion, `benches/benches/*.rs`; each prints its summary table at
# the end; peers builds regorus and cedar-policy, `--features peers`), bulk
# (`benches/bulk.sh`, the CLI on a million requests), import
# (`benches/import-scale.py`, import and audit of generated exports), load
# (`benches/load/load.sh`, wrk against `ocpolicy serve`), and web (the
# browser build's sizes and timings in Chromium: `web/build.sh`, then
# `npm run bench --prefix web`; needs the installs of the README's test
# command). Prints the date, the machine and each command before its table.
# Release builds; takes 30-40 minutes for everything on 2 cores. Not part of CI's
# pass/fail: the machines are shared and noisy, so figures are read as ratios.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
all="eligibility decode emergency conferencing plugins scale peers bulk import load web"
which="${*:-$all}"
echo "ocpolicy benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), $(git rev-parse --short HEAD 2>/dev/null || echo 'no git')"
for b in $which; do
    echo
    case "$b" in
        load)
            echo "\$ benches/load/load.sh 10"
            benches/load/load.sh 10
            ;;
        bulk)
            echo "\$ benches/bulk.sh"
            benches/bulk.sh
            ;;
        import)
            echo "\$ python3 benches/import-scale.py"
            cargo build --release -q -p ocpolicy-cli --bin ocpolicy
            python3 benches/import-scale.py
            ;;
        web)
            echo "\$ web/build.sh && npm run bench --prefix web"
            web/build.sh > /dev/null
            npm run -s bench --prefix web
            ;;
        eligibility | decode | emergency | conferencing | plugins | scale | peers)
            features=""
            [ "$b" = peers ] && features="--features peers"
            echo "\$ cargo bench -p ocpolicy-benches $features --bench $b -- --warm-up-time 1 --measurement-time 3"
            # criterion's per-benchmark lines go to the log; the summary the
            # bench prints at the end (a table) comes here.
            log="$(mktemp)"
            # shellcheck disable=SC2086 # $features is one flag and its value, or nothing
            cargo bench -q -p ocpolicy-benches $features --bench "$b" -- --warm-up-time 1 --measurement-time 3 > "$log" 2>&1 || { cat "$log"; exit 1; }
            awk '/^(summary|scaling|Strict decoding)/ {on=1} on' "$log"
            rm -f "$log"
            ;;
        *) echo "unknown bench $b; use: $all" >&2; exit 2 ;;
    esac
done
