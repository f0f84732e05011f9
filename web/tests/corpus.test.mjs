// The whole conformance corpus through the npm package @ocpolicy/rules in
// Node (its public entry points, as a consumer imports them), case for case
// against the native rules (`ocpolicy corpus --json`, the same JSON entry
// point compiled natively): every family's own module, the module with every
// family, and the full module with the numbering plan.
//
// Needs: web/build.sh (web/pkg/rules) and the ocpolicy binary (OCPOLICY_BIN,
// or target/debug/ocpolicy, which `cargo test` builds).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as everything from '../pkg/rules/node/index.js';
import * as eligibility from '../pkg/rules/node/eligibility.js';
import * as emergency from '../pkg/rules/node/emergency.js';
import * as conferencing from '../pkg/rules/node/conferencing.js';

const { planPending } = everything;
const FAMILIES = { eligibility, emergency, conferencing };

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
/** 'lite': every family's first module; 'full': the same with the plan loaded in this thread. */
async function load(variant) {
  const rules = await everything.load();
  if (variant === 'full') await rules.loadNumberingPlan({ in: 'page' });
  return rules;
}

test('the corpus is all there and passes natively', () => {
  assert.ok(all.length >= 300, `only ${all.length} cases found under ${corpus}`);
  assert.equal(expected.size, all.length);
  const failing = [...expected.values()].filter((r) => !r.pass);
  assert.deepEqual(failing, [], 'native failures');
});

test('the full build answers every case exactly as native does', async () => {
  const rules = await load('full');
  assert.equal(rules.planState, 'ready');
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
  assert.equal(rules.planState, 'absent');
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

test("each family's own module answers its family's cases as native does, and refuses the others' by name", async () => {
  for (const [family, entry] of Object.entries(FAMILIES)) {
    const rules = await entry.load();
    assert.deepEqual(rules.families, [family]);
    const mine = new Set(rules.kinds().map((k) => k.name));
    assert.ok(mine.size > 0, `${family} lists no kinds`);
    let same = 0;
    let refused = 0;
    for (const c of all) {
      const got = rules.run(c.kind, c.input);
      if (!mine.has(c.kind)) {
        assert.match(got.error?.message ?? '', new RegExp(`@ocpolicy/rules/`), `${c.file}: ${JSON.stringify(got)}`);
        refused++;
        continue;
      }
      if (planPending(got)) continue;
      assert.deepEqual(got, expected.get(c.file).output, `${c.file} (${c.kind}) in the ${family} module`);
      same++;
    }
    assert.ok(same > 20, `the ${family} module decided only ${same} cases`);
    assert.ok(refused > 20, `the ${family} module refused only ${refused} cases`);
  }
});

test("each family's module carries its own rules' texts, as the whole catalogue has them, and not the others'", async () => {
  const whole = (await everything.load()).catalogue();
  const byCode = new Map(whole.map((r) => [r.code, r]));
  const own = { eligibility: /^(ELIG|OPR)-/, emergency: /^EMG-/, conferencing: /^CONF-/ };
  for (const [family, entry] of Object.entries(FAMILIES)) {
    const listed = (await entry.load()).catalogue();
    for (const r of listed) {
      const foreign = Object.entries(own).some(([f, re]) => f !== family && re.test(r.code));
      assert.ok(!foreign, `the ${family} module lists ${r.code}`);
      assert.deepEqual(r, byCode.get(r.code), `${r.code} in the ${family} module`);
    }
    const mine = whole.filter((r) => own[family].test(r.code)).map((r) => r.code);
    assert.ok(mine.length > 10, `${family}: ${mine.length} rules`);
    assert.deepEqual(listed.filter((r) => own[family].test(r.code)).map((r) => r.code), mine);
  }
});

test('settle gives the plan\'s verdict where the first module says PLAN-PENDING', async () => {
  const rules = await eligibility.load();
  const states = [];
  rules.onPlanState((s) => states.push(s));
  const c = all.find((x) => x.kind === 'eligibility' && planPending(rules.run(x.kind, x.input)));
  assert.ok(c, 'no eligibility case waits for the plan');
  assert.equal(rules.planState, 'absent');
  const settled = await rules.settle(c.kind, c.input);
  assert.deepEqual(settled, expected.get(c.file).output, c.file);
  assert.deepEqual(states, ['loading', 'ready']);
  // Once the plan is in this thread, run answers with it at once.
  assert.deepEqual(rules.run(c.kind, c.input), expected.get(c.file).output);
  const t = rules.tenant(c.input.tenant);
  assert.deepEqual(await t.ok.settleCheck(c.input.request), expected.get(c.file).output);
  t.ok.free();
});

test("the console's country picker offers exactly the countries the rules accept", async () => {
  // countries.js reads `navigator` only when asked for names.
  const { COUNTRIES } = await import('../countries.js');
  assert.equal(COUNTRIES.length, 249);
  assert.equal(new Set(COUNTRIES).size, 249);
  const rules = await emergency.load();
  const codes = (country) => {
    const out = rules.run('address', { address: { id: 'A', company_name: 'Contoso', country_or_region: country, validation_status: 'NotValidated' }, connectivity: 'OperatorConnect' });
    assert.ok(out.ok, JSON.stringify(out));
    return out.ok.violations.map((v) => v.code);
  };
  const refused = COUNTRIES.filter((c) => codes(c).includes('EMG-CA-COUNTRY-ISO'));
  assert.deepEqual(refused, []);
  for (const other of ['XX', 'UK', 'EU', 'ZZ']) assert.ok(codes(other).includes('EMG-CA-COUNTRY-ISO'), other);
});
