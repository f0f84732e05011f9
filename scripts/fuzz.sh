#!/usr/bin/env bash
# Fuzz every target for RUNS executions each (default 10,000,000), seeded from
# the conformance corpus and the examples, and print one line per target:
# runs, seconds, executions per second, and whether it found a crash.
#
#   scripts/fuzz.sh                  # 10M runs per target (a few minutes each on 2 cores)
#   scripts/fuzz.sh 100000           # a quick pass
#   scripts/fuzz.sh 10000000 decide  # some targets only
#
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 lets the stable
# toolchain build them. Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(eligibility emergency conferencing tenant-api decide)
cargo fuzz --version 2>/dev/null | grep -q '0.13.2' || cargo install cargo-fuzz --version 0.13.2 --locked
python3 - <<'PY'
import json, pathlib, hashlib
root = pathlib.Path('.')
targets = {'eligibility': ['eligibility', 'operator-programme'], 'emergency': ['emergency'],
           'conferencing': ['conferencing'], 'tenant-api': ['eligibility'],
           'decide': ['eligibility', 'operator-programme']}
def put(target, value):
    data = json.dumps(value).encode() if not isinstance(value, bytes) else value
    d = root / 'fuzz' / 'corpus' / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
for target, families in targets.items():
    for fam in families:
        for f in sorted((root / 'tests' / 'corpus' / fam).glob('*.json')):
            case = json.loads(f.read_text())
            put(target, case['input'])
            if target == 'tenant-api' and isinstance(case['input'], dict) and 'request' in case['input']:
                put(target, case['input']['request'])
    for f in sorted((root / 'tests' / 'examples').glob('*.json')):
        put(target, f.read_bytes())
PY
export RUSTC_BOOTSTRAP=1
for t in "${targets[@]}"; do
  log=$(mktemp)
  if (cd fuzz && cargo fuzz run -s none "$t" "corpus/$t" -- -runs="$runs" -print_final_stats=1) >"$log" 2>&1; then
    crash=no
  else
    crash="yes (see fuzz/artifacts/$t/)"
  fi
  awk -v t="$t" -v crash="$crash" '
    /^Done [0-9]+ runs in [0-9]+ second/ { runs=$2; secs=$5 }
    END { rate = secs > 0 ? runs / secs : 0; printf "%-13s %10d runs in %5d s (%6.0f exec/s), crash: %s\n", t, runs, secs, rate, crash }
  ' "$log"
  rm -f "$log"
done
