// The example plugins, transpiled by jco and run in Node by web/plugin.js,
// against the same components in wasmtime (`ocpolicy plugin test --json`): on
// each plugin's own cases both give the same violations and the same outcome,
// case for case. The Rust one (guest/plugins/own-ranges) imports no WASI; the
// JavaScript one built with componentize-js's clocks, random and stdio
// (guest/plugins/fourth-coffee-js, OCPOLICY_JS_WASI=1) and the Python one
// (guest/plugins/tailspin-py, componentize-py) import WASI, and get the
// locked-down WASI of web/wasi.js in Node and of wasmtime on the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadPlugin } from '../plugin.js';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const pkg = join(web, 'pkg', 'plugin');
const bin = process.env.OCPOLICY_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'ocpolicy');
const casesFile = join(root, 'guest', 'plugins', 'own-ranges', 'cases.json');
const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
const manifest = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'));

async function node() {
  const module = await import(pathToFileURL(join(pkg, 'own-ranges.js')));
  const schemas = JSON.parse(readFileSync(join(pkg, 'schemas.json'), 'utf8'));
  return loadPlugin({ module, manifest, schemas, getCoreModule: (p) => WebAssembly.compile(readFileSync(join(pkg, p))) });
}

const jco = join(web, 'node_modules', '.bin', 'jco');
const wit = join(root, 'wit');
const schemas = () => JSON.parse(readFileSync(join(pkg, 'schemas.json'), 'utf8'));

/** `wasm` with `manifest` in wasmtime, over `casesFile`: case name -> result. */
function inWasmtime(wasm, manifest, casesFile) {
  const dir = mkdtempSync(join(tmpdir(), 'ocpolicy-plugin-'));
  copyFileSync(wasm, join(dir, 'plugin.wasm'));
  const sha = createHash('sha256').update(readFileSync(wasm)).digest('hex');
  const list = (xs) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  writeFileSync(
    join(dir, 'plugin.toml'),
    `id = "${manifest.id}"\nversion = "${manifest.version}"\noperator = "${manifest.operator}"\nsha256 = "${sha}"\n` +
      `hooks = ${list(manifest.hooks)}\ncountries = ${list(manifest.countries)}\nwasi = ${!!manifest.wasi}\n\n` +
      `[limits]\nfuel = ${manifest.fuel ?? 11000000}\nmemory-mib = ${manifest.memoryMib ?? 16}\n`,
  );
  const out = execFileSync(bin, ['plugin', 'test', dir, '--dev', '--json', '--cases', casesFile]).toString();
  return new Map(out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).map((r) => [r.case, r]));
}

/** `wasm` transpiled by jco (no WASI shim: web/wasi.js is the WASI) and loaded by web/plugin.js. */
async function inNode(wasm, manifest) {
  const out = mkdtempSync(join(tmpdir(), 'ocpolicy-jco-'));
  execFileSync(jco, ['transpile', wasm, '-o', out, '--name', 'plugin', '--instantiation', 'async', '--no-nodejs-compat', '--no-wasi-shim', '--quiet']);
  const module = await import(pathToFileURL(join(out, 'plugin.js')));
  return loadPlugin({ module, manifest, schemas: schemas(), getCoreModule: (p) => WebAssembly.compile(readFileSync(join(out, p))) });
}

/** `plugin` (in Node) against `expected` (wasmtime) on every case: the same
 * violations and outcome; at least `minCalled` cases call the plugin, not all. */
function sameCaseForCase(plugin, expected, cases, minCalled) {
  assert.equal(expected.size, cases.length);
  let called = 0;
  for (const c of cases) {
    const want = expected.get(c.name);
    assert.ok(want.pass, `${c.name} fails in wasmtime: ${JSON.stringify(want)}`);
    const got = c.request ? plugin.eligibility(c.tenant, c.request) : plugin.address(c.address);
    assert.deepEqual(got.violations, want.violations, c.name);
    assert.equal(got.runs[0]?.outcome ?? 'NotCalled', want.outcome, c.name);
    if (want.outcome === 'Ok') called++;
  }
  assert.ok(called >= minCalled && called < cases.length, `${called} of ${cases.length} cases called the plugin`);
}

/** Both hosts on every case of `casesFile`: the same violations and outcome. */
async function sameInBoth(wasm, manifest, casesFile) {
  const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
  sameCaseForCase(await inNode(wasm, manifest), inWasmtime(wasm, manifest, casesFile), cases, 2);
}

test('the jco build of the example plugin gives what wasmtime gives, case for case', async () => {
  sameCaseForCase(await node(), inWasmtime(join(pkg, 'plugin.wasm'), manifest, casesFile), cases, 6);
});

test('the JavaScript example with WASI gives in Node what it gives in wasmtime', async () => {
  const wasm = join(mkdtempSync(join(tmpdir(), 'ocpolicy-js-')), 'plugin.wasm');
  const src = join(root, 'guest', 'plugins', 'fourth-coffee-js');
  execFileSync('node', [join(src, 'build.mjs'), wit, wasm], { env: { ...process.env, OCPOLICY_JS_WASI: '1' } });
  const manifest = { id: 'fourth-coffee', version: '1.0.0', operator: 'OPJ', countries: [], hooks: ['check-eligibility'], wasi: true, fuel: 200000000, memoryMib: 64 };
  await sameInBoth(wasm, manifest, join(src, 'cases.json'));
});

test('the Python example gives in Node what it gives in wasmtime', async () => {
  const src = join(root, 'guest', 'plugins', 'tailspin-py');
  const dir = mkdtempSync(join(tmpdir(), 'ocpolicy-py-'));
  copyFileSync(join(src, 'app.py'), join(dir, 'app.py'));
  // componentize-py 0.25.1, installed from PyPI by the README's test command.
  execFileSync('componentize-py', ['-d', wit, '-w', 'rule-plugin', 'componentize', 'app', '-o', 'plugin.wasm'], { cwd: dir });
  const manifest = { id: 'tailspin-py', version: '1.0.0', operator: 'OPT', countries: [], hooks: ['check-eligibility', 'check-upload'], wasi: true, fuel: 50000000, memoryMib: 32 };
  await sameInBoth(join(dir, 'plugin.wasm'), manifest, join(src, 'cases.json'));
});

test('the locked-down WASI tells no time, no environment and the same random bytes every call', async () => {
  const { lockedDownWasi, FIXED_EPOCH_SECONDS } = await import('../wasi.js');
  const wasi = lockedDownWasi();
  const i = wasi.imports;
  assert.deepEqual(i['wasi:clocks/wall-clock'].now(), { seconds: FIXED_EPOCH_SECONDS, nanoseconds: 0 });
  assert.equal(new Date(Number(FIXED_EPOCH_SECONDS) * 1000).toISOString(), '2000-01-01T00:00:00.000Z');
  assert.equal(i['wasi:clocks/monotonic-clock'].now(), 0n);
  assert.deepEqual(i['wasi:cli/environment'].getEnvironment(), []);
  assert.deepEqual(i['wasi:cli/environment'].getArguments(), []);
  assert.deepEqual(i['wasi:filesystem/preopens'].getDirectories(), []);
  assert.throws(() => i['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv4'), (e) => e === 'access-denied');
  assert.throws(() => i['wasi:sockets/ip-name-lookup'].resolveAddresses(null, 'example.com'), (e) => e === 'access-denied');
  assert.throws(() => i['wasi:cli/stdin'].getStdin().blockingRead(1n), (e) => e.tag === 'closed');
  const first = i['wasi:random/random'].getRandomBytes(40n);
  assert.equal(new TextDecoder().decode(first.slice(0, 29)), 'ocpolicy plugin: a fixed seed', "wasmtime's seed, as its Deterministic cycles it");
  wasi.reset();
  assert.deepEqual(i['wasi:random/random'].getRandomBytes(40n), first, 'every call starts from the seed');
  assert.throws(() => i['wasi:cli/exit'].exit({ tag: 'ok' }), /exit/);
});

test('a request the plugin cannot take is a contained failure, not a crash', async () => {
  const plugin = await node();
  const bad = { AssignNumber: { target: 'a', target_kind: 'User', telephone_number: '+13125550100', number_type: 'NoSuchType' } };
  const tenant = cases.find((c) => c.tenant).tenant;
  const got = plugin.eligibility(tenant, bad);
  assert.equal(got.runs[0].outcome, 'Trap');
  assert.deepEqual(got.violations.map((v) => [v.code, v.severity]), [['PLUGIN-FAILED', 'Error']]);
});
