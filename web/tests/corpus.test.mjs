// The whole conformance corpus through the wasm-bindgen builds in Node, case
// for case against the native rules (`ocpolicy corpus --json`, the same JSON
// entry point compiled natively).
//
// Needs: web/build.sh (web/pkg/*) and the ocpolicy binary (OCPOLICY_BIN, or
// target/debug/ocpolicy, which `cargo test` builds).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules, planPending } from '../rules.js';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const corpus = join(root, 'tests', 'corpus');
const bin = process.env.OCPOLICY_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'ocpolicy');

function cases(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...cases(p));
    else if (name.endsWith('.json')) out.push({ ...JSON.parse(readFileSync(p, 'utf8')), file: relative(corpus, p) });
  }
  return out;
}

function native() {
  assert.ok(existsSync(bin), `the native CLI is missing at ${bin}: run \`cargo build -p ocpolicy-cli\` or set OCPOLICY_BIN`);
  const lines = execFileSync(bin, ['corpus', '--json', corpus], { maxBuffer: 256 << 20 }).toString().trim().split('\n');
  return new Map(lines.map((l) => JSON.parse(l)).map((r) => [r.case, r]));
}

const all = cases(corpus);
const expected = native();
const load = (variant) => loadRules(variant, readFileSync(join(web, 'pkg', variant, 'ocpolicy_bg.wasm')));

test('the corpus is all there and passes natively', () => {
  assert.ok(all.length >= 300, `only ${all.length} cases found under ${corpus}`);
  assert.equal(expected.size, all.length);
  const failing = [...expected.values()].filter((r) => !r.pass);
  assert.deepEqual(failing, [], 'native failures');
});

test('the full build answers every case exactly as native does', async () => {
  const rules = await load('full');
  assert.equal(rules.numberingPlan, true);
  let compared = 0;
  for (const c of all) {
    const got = rules.run(c.kind, c.input);
    assert.deepEqual(got, expected.get(c.file).output, `${c.file} (${c.kind})`);
    compared++;
  }
  assert.equal(compared, all.length);
});

test('the snapshot classes answer as the one-shot entry points do', async () => {
  const rules = await load('full');
  let checked = 0;
  for (const c of all) {
    let viaSnapshot;
    if (c.kind === 'emergency-resolve') {
      const s = rules.emergency(c.input.config);
      viaSnapshot = s.ok ? s.ok.resolve(c.input.context) : s;
      s.ok?.free();
    } else if (c.kind === 'conferencing-route') {
      const s = rules.conferencing(c.input.config);
      viaSnapshot = s.ok ? s.ok.route(c.input.dial_out) : s;
      s.ok?.free();
    } else if (c.kind === 'eligibility' && c.input.tenant && c.input.request) {
      const s = rules.tenant(c.input.tenant);
      viaSnapshot = s.ok ? s.ok.check(c.input.request) : s;
      s.ok?.free();
    } else continue;
    assert.deepEqual(viaSnapshot, expected.get(c.file).output, `${c.file} via snapshot`);
    checked++;
  }
  assert.ok(checked > 100, `only ${checked} cases went through snapshots`);
});

test('the first module agrees with native wherever it does not say PLAN-PENDING', async () => {
  const rules = await load('lite');
  assert.equal(rules.numberingPlan, false);
  let definite = 0;
  let pending = 0;
  for (const c of all) {
    const got = rules.run(c.kind, c.input);
    if (planPending(got)) {
      pending++;
      // It only ever withholds: the native answer never carries the marker.
      assert.ok(!planPending(expected.get(c.file).output), c.file);
      continue;
    }
    assert.deepEqual(got, expected.get(c.file).output, `${c.file} (${c.kind}) in the first module`);
    definite++;
  }
  console.log(`first module: ${definite} of ${all.length} cases answered at once, ${pending} wait for the numbering plan`);
  assert.ok(pending > 0, 'no case needed the numbering plan: PLAN-PENDING is untested');
  assert.ok(definite > all.length / 2, `the first module decided only ${definite} of ${all.length}`);
});

test('bad input is an error envelope naming the field, never a throw', async () => {
  const rules = await load('lite');
  const cases = [
    ['address', '{', ''],
    ['address', '{"address": 3}', 'address'],
    ['eligibility', '[]', ''],
    ['no-such-kind', '{}', ''],
  ];
  for (const [kind, input, path] of cases) {
    const got = rules.run(kind, input);
    assert.ok(got.error, `${kind} ${input}: ${JSON.stringify(got)}`);
    assert.equal(typeof got.error.message, 'string');
    if (path) assert.equal(got.error.path, path, JSON.stringify(got));
  }
  // A real document with one field of the wrong type: the error names its path.
  const doc = structuredClone(all.find((c) => c.kind === 'address').input);
  const country = doc.address.country_or_region;
  doc.address.country_or_region = 1;
  const wrong = rules.run('address', doc);
  assert.equal(wrong.error?.path, 'address.country_or_region', JSON.stringify(wrong));
  doc.address.country_or_region = country;
  assert.ok(rules.run('address', doc).ok);
  doc.address.flavour = 'x';
  const unknown = rules.run('address', doc);
  assert.equal(unknown.error?.path, 'address.flavour', JSON.stringify(unknown));
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  assert.ok(rules.run('address', deep).error);
  const t = rules.tenant('{"tenant_id": 1}');
  assert.ok(t.error && t.error.path === 'tenant_id', JSON.stringify(t));
});
