#!/bin/sh
# Builds the browser modules into web/pkg/: cargo (profile `web`, size first),
# then wasm-bindgen (pinned to the crate's exact version), then wasm-opt from
# the npm package `binaryen`. Two modules come from one crate:
#   pkg/lite  the first module: every rule but libphonenumber's plan data
#   pkg/full  the same rules with the plan (feature `numbering-plan`), loaded
#             after first paint in a Web Worker
# Run from anywhere; needs `npm install --prefix web` and wasm-bindgen-cli 0.2.130.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
opt="$root/web/node_modules/.bin/wasm-opt"
want="0.2.130"
have="$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2 || true)"
if [ "$have" != "$want" ]; then
    echo "web/build.sh: wasm-bindgen $want is needed (found '${have:-none}'): cargo install wasm-bindgen-cli --version $want" >&2
    exit 1
fi
if [ ! -x "$opt" ]; then
    echo "web/build.sh: wasm-opt is missing: npm install --prefix web" >&2
    exit 1
fi

# Workspace feature unification must not pull regex's large builds (unicode
# tables, perf) or libphonenumber into the first module.
tree="$(cargo tree -q -p ocpolicy-web --target wasm32-unknown-unknown -e features)"
if printf '%s\n' "$tree" | grep -Eq 'regex(-automata|-syntax)? feature "(perf|unicode)|phonenumber'; then
    echo "web/build.sh: the first module's dependency tree has regex perf/unicode or phonenumber:" >&2
    printf '%s\n' "$tree" | grep -E 'regex|phonenumber' >&2
    exit 1
fi

for variant in lite full; do
    if [ "$variant" = full ]; then features="--features numbering-plan"; else features=""; fi
    # shellcheck disable=SC2086
    cargo build -q -p ocpolicy-web --target wasm32-unknown-unknown --profile web $features
    out="web/pkg/$variant"
    rm -rf "$out"
    wasm-bindgen --target web --out-dir "$out" --out-name ocpolicy \
        "$target/wasm32-unknown-unknown/web/ocpolicy_web.wasm"
    "$opt" -Oz --strip-debug --strip-producers "$out/ocpolicy_bg.wasm" -o "$out/ocpolicy_bg.wasm"
    raw=$(wc -c < "$out/ocpolicy_bg.wasm")
    gz=$(gzip -9c "$out/ocpolicy_bg.wasm" | wc -c)
    echo "web/pkg/$variant: ocpolicy_bg.wasm $raw bytes ($gz gzip)"
done

# The page's bundled demo tenant: the repository's example documents, so the
# console opened on its own (no server) has something real to check.
node -e '
const fs = require("fs");
const ex = (f) => JSON.parse(fs.readFileSync("tests/examples/" + f, "utf8"));
fs.writeFileSync("web/pkg/demo-snapshot.json", JSON.stringify({
  tenant: ex("tenant.json"),
  emergency: ex("emergency-config.json"),
  conferencing: ex("conferencing-config.json"),
}));'
echo "web/pkg/demo-snapshot.json written"
