#!/bin/sh
# Builds the browser modules and the npm package @ocpolicy/rules into web/pkg/:
# cargo (profile `web`, size first), then wasm-bindgen (pinned to the crate's
# exact version), then wasm-opt from the npm package `binaryen`, then the
# package's types from the contract and `npm pack`. Five modules come from one
# crate (see below): one per family, one with every family, and the full one
# with libphonenumber's plan.
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
# tables, perf), libphonenumber, or the native one-pass strict decoder
# (`fast-decode`: serde_ignored doubles every type's decoding code) into the
# first module.
tree="$(cargo tree -q -p ocpolicy-web --target wasm32-unknown-unknown -e features)"
if printf '%s\n' "$tree" | grep -Eq 'regex(-automata|-syntax)? feature "(perf|unicode)|phonenumber|serde_ignored'; then
    echo "web/build.sh: the first module's dependency tree has regex perf/unicode, phonenumber or serde_ignored:" >&2
    printf '%s\n' "$tree" | grep -E 'regex|phonenumber|serde_ignored' >&2
    exit 1
fi

# The npm package @ocpolicy/rules, assembled in web/pkg/rules from
# web/package (its entry points, core, form helper, declarations, README and
# licence) and the modules built here, one cargo build each:
#   wasm/eligibility, wasm/emergency, wasm/conferencing
#             one family's first module: its kinds only, so only its rules link
#   wasm/all  every family's first module (the package's main entry)
#   wasm/full every family with libphonenumber's plan (feature
#             `numbering-plan`), loaded when the caller asks, in a worker or
#             in the page
pkg="web/pkg/rules"
rm -rf web/pkg/lite web/pkg/full "$pkg"
mkdir -p "$pkg"
cp -R web/package/. "$pkg/"
for module in eligibility emergency conferencing all full; do
    case "$module" in
        all) features="" ;;
        full) features="--features numbering-plan" ;;
        *) features="--no-default-features --features $module" ;;
    esac
    # shellcheck disable=SC2086
    cargo build -q -p ocpolicy-web --target wasm32-unknown-unknown --profile web $features
    out="$pkg/wasm/$module"
    wasm-bindgen --target web --out-dir "$out" --out-name ocpolicy --no-typescript \
        "$target/wasm32-unknown-unknown/web/ocpolicy_web.wasm"
    "$opt" -Oz --strip-debug --strip-producers "$out/ocpolicy_bg.wasm" -o "$out/ocpolicy_bg.wasm"
    node web/strip-sections.mjs "$out/ocpolicy_bg.wasm" >/dev/null
    raw=$(wc -c < "$out/ocpolicy_bg.wasm")
    gz=$(gzip -9c "$out/ocpolicy_bg.wasm" | wc -c)
    echo "$out: ocpolicy_bg.wasm $raw bytes ($gz gzip)"
done

# The page's bundled demo tenant: tests/examples/demo-tenant.json, the very
# document `ocpolicy serve --demo` seeds, so the console opened on its own (no
# server) has the same real tenant to check.
cp tests/examples/demo-tenant.json web/pkg/demo-snapshot.json
echo "web/pkg/demo-snapshot.json written"

# The example operator plugin (guest/plugins/own-ranges), the very component
# wasmtime runs, transpiled by jco for the page and Node, with the JSON Schemas
# its JS host converts requests with.
plugin="web/pkg/plugin"
mkdir -p "$plugin"
ocpolicy="${OCPOLICY_BIN:-}"
if [ -z "$ocpolicy" ]; then
    cargo build -q -p ocpolicy-cli
    ocpolicy="$target/debug/ocpolicy"
fi
"$ocpolicy" component save --example-plugin "$plugin/plugin.wasm"
"$root/web/node_modules/.bin/jco" transpile "$plugin/plugin.wasm" -o "$plugin" --name own-ranges \
    --instantiation async --no-nodejs-compat --quiet
node -e '
const { execFileSync } = require("child_process");
const fs = require("fs");
const schema = (d) => JSON.parse(execFileSync(process.argv[1], ["schema", d]));
fs.writeFileSync(process.argv[2] + "/schemas.json", JSON.stringify({
  eligibilityRequest: schema("eligibility-request"),
  address: schema("address"),
  tenant: schema("tenant"),
}));' "$ocpolicy" "$plugin"
# Its manifest as the page and the tests use it (the tests write it as the
# plugin.toml wasmtime loads, with the component's SHA-256).
cat > "$plugin/manifest.json" <<'JSON'
{"id": "northwind-ranges", "version": "1.0.0", "operator": "OPX", "countries": ["US", "CA"],
 "hooks": ["check-eligibility", "check-upload", "check-address", "check-route"]}
JSON
echo "$plugin: own-ranges.js ($(wc -c < "$plugin/own-ranges.js") bytes) + core modules, schemas.json"

# The package's document types, from the contract (web/gen-types.mjs), then
# the tarball other projects install (`npm pack`; examples/assign-form does).
node web/gen-types.mjs "$ocpolicy" "$root/$pkg"
rm -f web/pkg/ocpolicy-rules-*.tgz
(cd "$pkg" && npm pack --silent --pack-destination "$root/web/pkg" >/dev/null)
echo "web/pkg/$(cd web/pkg && ls ocpolicy-rules-*.tgz): the npm package"
# npm keeps an installed file: tarball of the same version, so the example's
# copy goes: its next `npm install` takes this build.
rm -rf examples/assign-form/node_modules/@ocpolicy

# Precompressed copies of every built module, which `ocpolicy serve` sends to
# browsers that accept them (brotli, else gzip) instead of compressing on
# each request: the full wasm is ~1.1 MB raw, ~420 KB gzip, less as brotli.
# gzip is GNU gzip -9 (3% smaller than zlib's level 9 on these modules).
node -e '
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const { execFileSync } = require("child_process");
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
let n = 0;
for (const f of walk("web/pkg")) {
  if (!/\.(wasm|js|json)$/.test(f)) continue;
  const raw = fs.readFileSync(f);
  fs.writeFileSync(f + ".gz", execFileSync("gzip", ["-9", "-n", "-c", f], { maxBuffer: 1 << 30 }));
  fs.writeFileSync(f + ".br", zlib.brotliCompressSync(raw, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
  n++;
}
console.log(`web/pkg: ${n} modules precompressed (.br, .gz)`);'
