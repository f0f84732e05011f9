#!/bin/sh
# The bulk CLI on a million requests: wall time and peak memory, component
# against native, one worker per core, and the memory with a reader slower
# than the rules (the output waits 4 s before it is read).
#
#   benches/bulk.sh [LINES]        # default 1,000,000
#
# The input is the non-upload example requests of tests/examples/requests.ndjson,
# cycled to LINES lines, against tests/examples/tenant.json. Release build;
# GNU time (Debian `time`, installed if missing) measures the peak resident
# size. Not part of CI's pass/fail.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
lines="${1:-1000000}"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release -q -p ocpolicy-cli --bin ocpolicy --manifest-path "$root/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$root/target}/release/ocpolicy"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
grep -v '"UploadNumbers"' "$root/tests/examples/requests.ndjson" > "$work/one.ndjson"
awk -v n="$lines" '{ l[NR] = $0 } END { for (i = 0; i < n; i++) print l[i % NR + 1] }' "$work/one.ndjson" > "$work/in.ndjson"
echo "bulk: $lines requests ($(wc -c < "$work/in.ndjson") bytes; the $(wc -l < "$work/one.ndjson") non-upload example requests cycled), $(nproc) workers"
echo "| engine | output | wall time | peak memory |"
echo "|---|---|---|---|"
run() { # engine, label, reader
    /usr/bin/time -f '%e %M' -o "$work/time" sh -c "\"$bin\" check eligibility --json --engine $1 --tenant \"$root/tests/examples/tenant.json\" --batch \"$work/in.ndjson\" | $3"
    read -r secs kb < "$work/time"
    echo "| $1 | $2 | $secs s | $((kb / 1024)) MB |"
}
for engine in component native; do
    run "$engine" "to a file" "cat > \"$work/out-$engine.ndjson\""
done
cmp -s "$work/out-component.ndjson" "$work/out-native.ndjson" && echo "(the two outputs are byte-identical)" || { echo "the component's and native output differ" >&2; exit 1; }
for engine in component native; do
    run "$engine" "a reader that waits 4 s" "(sleep 4; cat > /dev/null)"
done
