// The example Rust plugin, transpiled by jco and run in Node by web/plugin.js,
// against the same component in wasmtime (`ocpolicy plugin test --json`): on
// the plugin's own cases (guest/plugins/own-ranges/cases.json) both give the
// same violations and the same outcome, case for case.
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

function wasmtime() {
  const dir = mkdtempSync(join(tmpdir(), 'ocpolicy-plugin-'));
  copyFileSync(join(pkg, 'plugin.wasm'), join(dir, 'plugin.wasm'));
  const sha = createHash('sha256').update(readFileSync(join(dir, 'plugin.wasm'))).digest('hex');
  const list = (xs) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  writeFileSync(
    join(dir, 'plugin.toml'),
    `id = "${manifest.id}"\nversion = "${manifest.version}"\noperator = "${manifest.operator}"\nsha256 = "${sha}"\nhooks = ${list(manifest.hooks)}\ncountries = ${list(manifest.countries)}\n`,
  );
  const out = execFileSync(bin, ['plugin', 'test', dir, '--dev', '--json', '--cases', casesFile]).toString();
  return new Map(out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).map((r) => [r.case, r]));
}

async function node() {
  const module = await import(pathToFileURL(join(pkg, 'own-ranges.js')));
  const schemas = JSON.parse(readFileSync(join(pkg, 'schemas.json'), 'utf8'));
  return loadPlugin({ module, manifest, schemas, getCoreModule: (p) => WebAssembly.compile(readFileSync(join(pkg, p))) });
}

test('the jco build of the example plugin gives what wasmtime gives, case for case', async () => {
  const expected = wasmtime();
  assert.equal(expected.size, cases.length);
  const plugin = await node();
  let called = 0;
  for (const c of cases) {
    const want = expected.get(c.name);
    assert.ok(want.pass, `${c.name} fails in wasmtime: ${JSON.stringify(want)}`);
    const got = c.request ? plugin.eligibility(c.tenant, c.request) : plugin.address(c.address);
    assert.deepEqual(got.violations, want.violations, c.name);
    assert.equal(got.runs[0]?.outcome ?? 'NotCalled', want.outcome, c.name);
    if (want.outcome === 'Ok') called++;
  }
  assert.ok(called >= 6 && called < cases.length, `${called} of ${cases.length} cases called the plugin`);
});

test('a request the plugin cannot take is a contained failure, not a crash', async () => {
  const plugin = await node();
  const bad = { AssignNumber: { target: 'a', target_kind: 'User', telephone_number: '+13125550100', number_type: 'NoSuchType' } };
  const tenant = cases.find((c) => c.tenant).tenant;
  const got = plugin.eligibility(tenant, bad);
  assert.equal(got.runs[0].outcome, 'Trap');
  assert.deepEqual(got.violations.map((v) => [v.code, v.severity]), [['PLUGIN-FAILED', 'Error']]);
});
