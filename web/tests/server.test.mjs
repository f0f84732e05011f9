// The console served by `ocpolicy serve`, without --demo, in Chromium: the
// platform pushes a tenant that is not the demo (fabrikam-test), its admin
// signs in with a token and validates against the server's stored tenant; a
// write the page allows is committed, and one it refuses, sent straight to the
// API as curl would, is refused by the server with the same rule codes. The
// tenant's operator signs in to its own view and releases a number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, watch, checked, tabTo, arrowTo, axe, overflows } from './browser.mjs';

const artifacts = join(dirname(dirname(fileURLToPath(import.meta.url))), 'artifacts');
mkdirSync(artifacts, { recursive: true });

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const bin = process.env.OCPOLICY_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'ocpolicy');
const TENANT = 'fabrikam-test';
let server, base, context, page, problems, admin, operator;

function run(args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `ocpolicy ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

/** The API as curl would call it, with the admin's token unless told. */
async function api(method, path, body, token = admin) {
  const r = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
const stored = async () => (await api('GET', `v1/tenants/${TENANT}/snapshot`)).body;

/** Sign in to the console with `token`, by keyboard alone (Tab to the
 * field, type, Enter); its one tenant opens. */
async function signIn(p, token) {
  await p.goto(base);
  await p.waitForSelector('body[data-ready="signin"]');
  await tabTo(p, '#signin-token');
  await p.keyboard.type(token);
  await p.keyboard.press('Enter');
  await p.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
}

before(async () => {
  assert.ok(existsSync(bin), `the ocpolicy binary is missing at ${bin}`);
  const work = mkdtempSync(join(tmpdir(), 'ocpolicy-serve-'));
  const db = join(work, 'store.db');
  // A tenant of its own: the demo's facts under another id.
  const doc = JSON.parse(readFileSync(join(root, 'tests/examples/demo-tenant.json'), 'utf8'));
  doc.tenant.tenant_id = TENANT;
  // Bob has lost his Teams Phone licence since his number was assigned: the
  // tenant review finds it.
  doc.tenant.accounts.find((a) => a.identity === 'bob@contoso.com').licenses = [];
  const file = join(work, 'tenant.json');
  writeFileSync(file, JSON.stringify(doc));
  const platform = run(['token', 'create', '--role', 'platform', '--db', db]);
  admin = run(['token', 'create', '--role', 'admin', '--tenant', TENANT, '--db', db]);
  operator = run(['token', 'create', '--role', 'operator', '--operator', 'OP1', '--db', db]);
  server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', db, '--web-dir', web], { stdio: ['ignore', 'ignore', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/serving on (http:\/\/[0-9.:]+\/)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`ocpolicy serve exited ${code}: ${err}`)));
  });
  run(['push', file, '--server', base, '--token', platform]);
  context = await launch();
  page = await context.newPage();
  problems = watch(page);
  await signIn(page, admin);
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
});

test('the console validates against the server tenant and commits what it allows', async () => {
  assert.match(await page.textContent('#snapshot-status'), /fabrikam-test \(from the server\)/);
  assert.match(await page.textContent('#session-who'), /admin:fabrikam-test/);
  await page.selectOption('#assign-target', 'alice@contoso.com');
  await page.fill('#assign-number', '+14255550101');
  await page.selectOption('#assign-type', 'OperatorConnect');
  await checked(page, '#assign-number');
  assert.match(await page.textContent('#assign-verdict'), /^Allowed/);
  await page.click('#assign-submit');
  await page.waitForFunction(() => /Assigned/.test(document.querySelector('#assign-submit-result').textContent));
  // The page now validates against the committed state: bob may not have it.
  await page.selectOption('#assign-target', 'bob@contoso.com');
  await page.waitForSelector('#assign-verdict.denied');
  const pageCodes = await page.locator('#assign-form .msg').evaluateAll((ps) => ps.map((p) => p.dataset.code).sort());
  assert.ok(pageCodes.includes('ELIG-ALREADY-ASSIGNED'), pageCodes.join());
  // Sent straight to the API (no browser in the way), the server refuses with the same codes.
  const r = await api('POST', `v1/tenants/${TENANT}/assignments`, { AssignNumber: { target: 'bob@contoso.com', target_kind: 'User', telephone_number: '+14255550101', number_type: 'OperatorConnect' } });
  assert.equal(r.status, 422);
  const serverCodes = r.body.violations.map((v) => v.code).sort();
  assert.deepEqual(serverCodes, pageCodes);
  assert.deepEqual(problems, []);
});

test('the bridge and address panels save through the server, which decides again', async () => {
  // The bridge as shown is valid: saving commits it.
  await page.click('nav a[href="#conferencing"]');
  assert.match(await page.textContent('#bridge-verdict'), /^Allowed/);
  await page.click('#bridge-submit');
  await page.waitForFunction(() => /^Saved/.test(document.querySelector('#bridge-submit-result').textContent));
  // A toll-free default: the page refuses it, and so does the server, with the same codes.
  await page.fill('#bridge-default', '+18005551234');
  await page.waitForSelector('#bridge-verdict.denied');
  const pageCodes = await page.locator('#bridge-form .msg.error').evaluateAll((ps) => [...new Set(ps.map((p) => p.dataset.code))].sort());
  assert.ok(pageCodes.includes('CONF-DEFAULT-TOLLFREE'), pageCodes.join());
  await page.click('#bridge-submit');
  await page.waitForFunction(() => /refused/.test(document.querySelector('#bridge-submit-result').textContent));
  const shown = await page.locator('#bridge-form .msg.error').evaluateAll((ps) => [...new Set(ps.map((p) => p.dataset.code))].sort());
  assert.deepEqual(shown, pageCodes);
  // The address panel: an address without its company name is refused by the
  // page and by the server, with the same codes, and nothing is stored.
  await page.click('nav a[href="#emergency"]');
  await page.fill('#address-company_name', '');
  await page.waitForSelector('#address-verdict.denied');
  const addressCodes = await page.locator('#address-form .msg.error').evaluateAll((ps) => [...new Set(ps.map((p) => p.dataset.code))].sort());
  assert.ok(addressCodes.includes('EMG-CA-MANDATORY'), addressCodes.join());
  await page.click('#address-submit');
  await page.waitForFunction(() => /refused|could not/.test(document.querySelector('#address-submit-result').textContent));
  assert.match(await page.textContent('#address-submit-result'), /refused/);
  // The page asked with the connectivity picked in its selector (Calling Plan,
  // which adds EMG-CP-FIELDS); the server decides with the connectivity of the
  // numbers that use the address. Its codes are the page's, less the what-if.
  const serverShown = await page.locator('#address-form .msg.error').evaluateAll((ps) => [...new Set(ps.map((p) => p.dataset.code))].sort());
  assert.ok(serverShown.includes('EMG-CA-MANDATORY'), serverShown.join());
  assert.ok(serverShown.every((c) => addressCodes.includes(c)), `${serverShown} not within ${addressCodes}`);
  const snap = await stored();
  assert.ok(snap.tenant.civic_addresses.every((a) => a.company_name), JSON.stringify(snap.tenant.civic_addresses));
  assert.equal(snap.conferencing.bridge.default_service_number, '+14255550000');
  // Chromium logs every 4xx answer as a console error; the two refusals above
  // are the only ones expected.
  const refusals = problems.filter((p) => /status of 422/.test(p));
  assert.equal(refusals.length, 2, problems.join('\n'));
  assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
});

test('after a commit every view shows the new state; an unassign from the inventory; the audit log lists both', async () => {
  await page.click('nav a[href="#numbers"]');
  // The first test assigned +14255550101 to Alice: the inventory and the picker say so.
  const row = page.locator('#inv-rows tr[data-number="+14255550101"]');
  assert.match(await row.textContent(), /alice@contoso\.com.*Valid/);
  assert.match(await page.locator('#assign-target option[value="alice@contoso.com"]').textContent(), /has .*\+14255550101/);
  // A committed answer stays only until the form changes.
  await page.selectOption('#assign-target', 'chloe@contoso.com');
  await page.fill('#assign-number', '+442071234500');
  await checked(page, '#assign-number');
  await page.click('#assign-submit');
  await page.waitForFunction(() => document.querySelector('#assign-submit-result').textContent !== '');
  assert.match(await page.textContent('#assign-submit-result'), /^Assigned/, await page.textContent('#assign-form'));
  await page.selectOption('#assign-target', 'bob@contoso.com');
  assert.equal(await page.textContent('#assign-submit-result'), '');
  // Unassign from the row: the server decides it, the row turns free.
  await row.locator('button[data-action="unassign"]').click();
  await page.waitForFunction(() => /^Unassigned \+14255550101/.test(document.querySelector('#inv-result').textContent));
  assert.match(await page.locator('#inv-rows tr[data-number="+14255550101"]').textContent(), /Not assigned.*Free/);
  // The audit log, as the server recorded it: newest first, the principal the token names.
  await page.click('nav a[href="#audit"]');
  await page.waitForSelector('body[data-audit="loaded"]');
  const records = await page.locator('#audit-rows tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.ok(records.length >= 4, JSON.stringify(records));
  assert.deepEqual(records[0].slice(1, 4), ['admin:fabrikam-test', 'unassign', 'Committed']);
  assert.ok(records.some((r) => r[2] === 'assign' && r[3] === 'Committed'), JSON.stringify(records));
  assert.ok(records.some((r) => r[3] === 'Refused' && r[4].includes('CONF-DEFAULT-TOLLFREE')), JSON.stringify(records));
  assert.match(records[0][0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
});

test('bulk assign from CSV: the valid rows are committed through the server, and the report says what happened', async () => {
  await page.click('nav a[href="#numbers"]');
  await page.fill('#bulk-text', ['TelephoneNumber,UserPrincipalName', '+14255550101,alice@contoso.com', '+14255550101,dave@contoso.com', '+14255550190,bob@contoso.com'].join('\n'));
  await page.click('#bulk-check');
  await page.waitForSelector('body[data-bulk="checked"]');
  assert.match(await page.textContent('#bulk-status'), /3 rows checked: 1 valid, 2 not valid/);
  await page.click('#bulk-commit');
  await page.waitForSelector('body[data-bulk="committed"]');
  assert.match(await page.textContent('#bulk-status'), /^Committed 1 of 1 valid rows\. 2 rows were not valid and not sent\./);
  assert.equal(await page.textContent('#bulk-rows tr[data-line="2"] .committed'), 'Committed');
  assert.equal(await page.textContent('#bulk-rows tr[data-line="3"] .committed'), '—');
  // The inventory follows the stored tenant.
  assert.match(await page.textContent('#inv-rows tr[data-number="+14255550101"]'), /alice@contoso\.com.*Valid/);
  const snap = await stored();
  const n = snap.tenant.numbers.find((x) => x.telephone_number === '+14255550101');
  assert.equal(n.assigned_target, 'alice@contoso.com');
  assert.equal(snap.tenant.numbers.find((x) => x.telephone_number === '+14255550190').assignment_status, 'Unassigned');
});

test('addresses and places: a new address is saved through the server, listed, and given a place', async () => {
  await page.click('nav a[href="#emergency"]');
  await page.selectOption('#address-pick', '');
  const fields = { company_name: 'Contoso Madrid', company_tax_id: 'B12345678', house_number: '12', street_name: 'Mayor', city: 'Madrid', postal_code: '28013', latitude: '40,4168', longitude: '-3,7038' };
  for (const [k, v] of Object.entries(fields)) await page.fill(`#address-${k}`, v);
  await page.selectOption('#address-country_or_region', 'ES');
  await page.selectOption('#address-connectivity', 'OperatorConnect');
  await page.waitForSelector('#address-verdict.allowed');
  await page.click('#address-submit');
  await page.waitForFunction(() => document.querySelector('#address-submit-result').textContent !== '');
  assert.match(await page.textContent('#address-submit-result'), /^Saved/, await page.textContent('#address-form'));
  // Listed, selected, and stored with the decimals as numbers.
  const picked = await page.inputValue('#address-pick');
  assert.match(await page.locator(`#address-pick option[value="${picked}"]`).textContent(), /^Contoso Madrid · 12 Mayor Madrid · ES/);
  const read = stored;
  const saved = (await read()).tenant.civic_addresses.find((a) => a.id === picked);
  assert.equal(saved.latitude, 40.4168);
  assert.equal(saved.company_tax_id, 'B12345678');
  // A place in it.
  await page.fill('#place-text', 'Floor 2, Suite 210');
  await page.click('#place-submit');
  await page.waitForFunction(() => /^Added|refused|could not/.test(document.querySelector('#place-result').textContent));
  assert.match(await page.textContent('#place-result'), /^Added Floor 2, Suite 210/, await page.textContent('#place-form'));
  assert.match(await page.textContent('#places-rows'), /Floor 2, Suite 210/);
  const loc = (await read()).tenant.locations.find((l) => l.civic_address_id === picked);
  assert.equal(loc.place, 'Floor 2, Suite 210');
  await page.locator('#emergency').screenshot({ path: join(artifacts, 'addresses-server.png') });
});

test('LIS upload: the valid rows are committed through the server and listed', async () => {
  await page.click('nav a[href="#emergency"]');
  await page.fill('#lis-text', ['Subnet,LocationId,Description', '10.20.0.0,LocA,Building 2', '10.20.1.0,LocC,'].join('\n'));
  await page.click('#lis-check');
  await page.waitForSelector('body[data-lis="checked"]');
  assert.match(await page.textContent('#lis-status'), /2 rows checked: 2 valid, 0 not valid/);
  await page.click('#lis-commit');
  await page.waitForSelector('body[data-lis="committed"]');
  assert.match(await page.textContent('#lis-status'), /^Committed 2 of 2 valid rows\./, await page.textContent('#lis-rows'));
  assert.match(await page.textContent('#lis-current'), /10\.20\.0\.0.*LocA.*Building 2/);
  const snap = await stored();
  assert.ok(snap.emergency.lis.subnets.some((x) => x.subnet === '10.20.1.0' && x.location_id === 'LocC'), JSON.stringify(snap.emergency.lis));
});

test('routing: a route edited to a usage that does not exist is refused with the lint; with the usage added, it is saved', async () => {
  await page.click('nav a[href="#conferencing"]');
  const usages = '#rt-voice-routes-3-online-pstn-usages';
  await page.fill(usages, 'International, Nowhere');
  await checked(page, usages);
  const pageCodes = await page.locator(`${usages}-msg .msg.error`).evaluateAll((ps) => ps.map((p) => p.dataset.code));
  assert.deepEqual(pageCodes, ['CONF-USAGE-EXISTS']);
  // Sent anyway, the server lints it again and refuses it with the same code.
  await page.click('#routing-submit');
  await page.waitForFunction(() => /refused|could not/.test(document.querySelector('#routing-submit-result').textContent));
  assert.match(await page.textContent('#routing-submit-result'), /^The server refused it/);
  assert.deepEqual(await page.locator(`${usages}-msg .msg.error`).evaluateAll((ps) => ps.map((p) => p.dataset.code)), ['CONF-USAGE-EXISTS']);
  // Add the usage globally: the lint clears, and saving commits both sections.
  await page.click('button[aria-label="Add usage to PSTN usages"]');
  await page.keyboard.type('Nowhere');
  await checked(page, '#rt-pstn-usages-3');
  assert.deepEqual(await page.locator(`${usages}-msg .msg.error`).count(), 0);
  assert.match(await page.textContent('#routing-verdict'), /^Lint: no errors.*changed: PSTN usages, Voice routes$/);
  await page.click('#routing-submit');
  await page.waitForFunction(() => /^Saved|refused|could not/.test(document.querySelector('#routing-submit-result').textContent));
  assert.match(await page.textContent('#routing-submit-result'), /^Saved PSTN usages, Voice routes: the server linted/);
  assert.match(await page.textContent('#routing-verdict'), /no changes yet$/);
  const conf = (await stored()).conferencing;
  assert.deepEqual(conf.pstn_usages, ['US and Canada', 'International', 'OCC', 'Nowhere']);
  assert.deepEqual(conf.voice_routes[3].online_pstn_usages, ['International', 'Nowhere']);
  // The other routes are as they were, gateways and caller IDs included.
  assert.deepEqual(conf.voice_routes[4].bridge_source_phone_number, '+4930123456');
  assert.deepEqual(conf.voice_routes[0].online_pstn_gateways, ['sbc1.contoso.com', 'sbc2.contoso.com']);
  const records = (await api('GET', `v1/tenants/${TENANT}/audit`)).body;
  assert.deepEqual([records[0].action, records[0].allowed], ['routing', true], JSON.stringify(records[0]));
  assert.ok(records.some((r) => r.action === 'routing' && !r.allowed && r.codes.includes('CONF-USAGE-EXISTS')), JSON.stringify(records).slice(0, 800));
  assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
});

test('numbers: a location change from the row is committed through the server', async () => {
  await page.click('nav a[href="#numbers"]');
  await page.click('button[aria-label="Change location of +14255550150"]');
  await page.selectOption('#relocate-location', 'LocA');
  await page.waitForSelector('#relocate-verdict.allowed');
  await page.click('#relocate-submit');
  await page.waitForFunction(() => /^Location changed|refused|could not/.test(document.querySelector('#relocate-submit-result').textContent));
  assert.match(await page.textContent('#relocate-submit-result'), /^Location changed/);
  assert.match(await page.textContent('#inv-rows tr[data-number="+14255550150"]'), /LocA/);
  assert.equal((await stored()).tenant.numbers.find((n) => n.telephone_number === '+14255550150').location_id, 'LocA');
  // One the operator manages: the server refuses it with the page's code.
  const r = await api('PUT', `v1/tenants/${TENANT}/numbers/${encodeURIComponent('+442071234500')}/location`, { location_id: 'L1' });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.violations.filter((v) => v.severity === 'Error').map((v) => v.code), ['ELIG-LOCATION-UPDATE-LOCKED']);
  // An operator may not change it at all.
  const op = await api('PUT', `v1/tenants/${TENANT}/numbers/${encodeURIComponent('+14255550150')}/location`, { location_id: 'L1' }, operator);
  assert.equal(op.status, 403);
});

test("an operator signs in to its own view: its numbers only, never who holds them; it releases a free one", async () => {
  const p = await context.newPage();
  const seen = watch(p);
  await signIn(p, operator);
  assert.match(await p.textContent('#session-who'), /operator:OP1 · tenant fabrikam-test/);
  // The admin's screens are not in the page at all.
  assert.equal(await p.locator('#numbers, #users, #emergency, #conferencing, #audit').count(), 0);
  const numbers = await p.locator('#op-rows tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.number, tr.dataset.release]));
  const mine = (await stored()).tenant.numbers.filter((n) => n.operator_id === 'OP1').map((n) => n.telephone_number);
  assert.deepEqual(numbers.map(([n]) => n).sort(), mine.sort());
  assert.doesNotMatch(await p.textContent('#op-table'), /@contoso\.com/);
  assert.match(await p.textContent('#op-summary'), /Operator OP1 in tenant fabrikam-test: Contoso Telecom, enabled for US/);
  // An assigned number: the rules refuse its release, and say why.
  const held = p.locator('#op-rows tr[data-number="+14255550102"]');
  assert.equal(await held.getAttribute('data-release'), 'refused');
  assert.match(await held.textContent(), /ELIG-RELEASE-ASSIGNED/);
  // A free one is released through the server, and leaves the view and the tenant.
  assert.equal(await p.getAttribute('#op-rows tr[data-number="+14255550173"]', 'data-release'), 'allowed');
  await p.click('button[aria-label="Release +14255550173"]');
  await p.waitForFunction(() => /^Released|refused|could not/.test(document.querySelector('#op-result').textContent));
  assert.match(await p.textContent('#op-result'), /^Released \+14255550173/);
  assert.equal(await p.locator('#op-rows tr[data-number="+14255550173"]').count(), 0);
  assert.ok(!(await stored()).tenant.numbers.some((n) => n.telephone_number === '+14255550173'));
  // Numbers uploaded from the form: each line's verdict after the pause,
  // with its code and fix, before anything is sent.
  await p.fill('#op-upload-numbers', '');
  await p.locator('#op-upload-numbers').pressSequentially('+14255550888\n12x\n+442071234999', { delay: 5 });
  await checked(p, '#op-upload-numbers');
  await p.waitForFunction(() => !document.querySelector('#op-upload-verdict').classList.contains('provisional'));
  const lines = await p.locator('#op-upload-lines li').evaluateAll((lis) => lis.map((li) => [li.dataset.line, li.dataset.code, li.textContent]));
  assert.deepEqual(lines.map(([l, c]) => [l, c]), [['2', 'ELIG-OPERATOR-UPLOAD-FORMAT'], ['3', 'ELIG-OPERATOR-COUNTRY']], JSON.stringify(lines));
  assert.match(lines[0][2], /^Line 2, 12x: ELIG-OPERATOR-UPLOAD-FORMAT .* Fix: /);
  assert.equal(await p.getAttribute('#op-upload-numbers', 'aria-invalid'), 'true');
  assert.match(await p.textContent('#op-upload-verdict'), /^Denied: 2 errors \(ELIG-OPERATOR-UPLOAD-FORMAT: /);
  // Sent as it is, the server refuses it with the same codes, and stores nothing.
  await p.click('#op-upload-submit');
  await p.waitForFunction(() => /refused|could not|Uploaded/.test(document.querySelector('#op-upload-result').textContent));
  assert.match(await p.textContent('#op-upload-result'), /^The server refused the upload: ELIG-OPERATOR-UPLOAD-FORMAT, ELIG-OPERATOR-COUNTRY \(below\)\. Nothing was stored\./);
  assert.deepEqual(await p.locator('#op-upload-lines li').evaluateAll((lis) => lis.map((li) => [li.dataset.line, li.dataset.code])), lines.map(([l, c]) => [l, c]));
  assert.ok(!(await stored()).tenant.numbers.some((n) => n.telephone_number === '+14255550888'));
  // Fixed (the two lines taken out), it is allowed and uploaded.
  await p.fill('#op-upload-numbers', '+14255550888');
  await p.locator('#op-upload-numbers').blur();
  await p.waitForSelector('#op-upload-verdict.allowed:not(.provisional)');
  await p.click('#op-upload-submit');
  await p.waitForFunction(() => /refused|could not|Uploaded/.test(document.querySelector('#op-upload-result').textContent));
  assert.match(await p.textContent('#op-upload-result'), /^Uploaded 1 number: the server checked them/);
  assert.equal(await p.locator('#op-rows tr[data-number="+14255550888"]').count(), 1);
  const up = (await stored()).tenant.numbers.find((n) => n.telephone_number === '+14255550888');
  assert.equal(up?.operator_id, 'OP1');
  assert.equal(up?.assignment_status, 'Unassigned');
  await p.screenshot({ path: join(artifacts, 'screen-operator.png'), fullPage: true });
  assert.deepEqual(await axe(p), []);
  await p.setViewportSize({ width: 390, height: 844 });
  assert.equal(await overflows(p), false, 'the operator screen overflows at 390 px');
  await p.screenshot({ path: join(artifacts, 'screen-operator-390.png'), fullPage: true });
  assert.deepEqual(seen.filter((x) => !/status of 422/.test(x)), []);
  await p.close();
});

test('the tenant review: the whole stored tenant audited by the server, findings filtered and exported', async () => {
  await page.click('nav a[href="#review"]');
  await page.click('#review-run');
  await page.waitForSelector('body[data-review="loaded"]', { timeout: 30000 });
  // What the console shows is what the API answers, and what `ocpolicy audit` finds in the same document.
  const audit = (await api('GET', `v1/tenants/${TENANT}/review`)).body;
  assert.equal(audit.tenant_id, TENANT);
  assert.match(await page.textContent('#review-status'), new RegExp(`${audit.examined.assignments} assignments.*Found ${audit.by_severity.error ?? 0} errors?`));
  assert.equal(await page.locator('#review-rows tr').count(), audit.findings.length);
  const file = join(mkdtempSync(join(tmpdir(), 'ocpolicy-review-')), 'tenant.json');
  writeFileSync(file, JSON.stringify(await stored()));
  const cli = spawnSync(bin, ['audit', file, '--json', '--now', audit.decided_at], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(cli.stdout).by_code, audit.by_code);
  // Bob's number, decided again today, is a licence error about him, with its fix.
  const errors = audit.findings.filter((f) => f.severity === 'Error');
  const bob = errors.find((f) => f.subject.endsWith('bob@contoso.com') && f.code === 'ELIG-LIC-PHONE');
  assert.ok(bob, JSON.stringify(audit.findings.map((f) => [f.severity, f.code, f.subject])));
  await page.selectOption('#review-severity', 'Error');
  assert.equal(await page.locator('#review-rows tr').count(), errors.length);
  assert.match(await page.textContent('#review-count'), new RegExp(`^${errors.length} of ${audit.findings.length} findings shown`));
  assert.match(await page.textContent('#review-rows tr[data-code="ELIG-LIC-PHONE"]'), /bob@contoso\.com.*Fix: /);
  const download = page.waitForEvent('download');
  await page.click('#review-export');
  assert.match((await download).suggestedFilename(), /^review-fabrikam-test\.csv$/);
  // An operator reads its own view, never the tenant's findings.
  assert.equal((await api('GET', `v1/tenants/${TENANT}/review`, undefined, operator)).status, 403);
  await page.screenshot({ path: join(artifacts, 'screen-review.png'), fullPage: true });
});

test('keyboard only: signed in, a place added, LIS rows uploaded, the review run and the audit log read', async () => {
  const p = await context.newPage();
  const seen = watch(p);
  await signIn(p, admin);
  // A number found in the stored tenant's inventory, by its digits as an admin would type them.
  await tabTo(p, '#inv-search');
  await p.keyboard.type('555 0150');
  assert.deepEqual(await p.locator('#inv-rows tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.number)), ['+14255550150']);
  assert.match(await p.textContent('#inv-rows tr[data-number="+14255550150"]'), /LocA/);
  // The Madrid address saved above, picked with the arrow keys; a place typed and sent with Enter.
  await tabTo(p, 'nav a[href="#emergency"]');
  await p.keyboard.press('Enter');
  await tabTo(p, '#address-pick');
  await arrowTo(p, /^Contoso Madrid/);
  await tabTo(p, '#place-text');
  await p.keyboard.type('Floor 3');
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => /^Added|refused|could not|Save/.test(document.querySelector('#place-result').textContent));
  assert.match(await p.textContent('#place-result'), /^Added Floor 3/);
  // LIS rows typed, checked, committed.
  await tabTo(p, '#lis-text');
  await p.keyboard.type('Subnet,LocationId,Description\n10.30.0.0,LocA,Keyboard\n10.30.1.0,LocB,');
  await tabTo(p, '#lis-check');
  await p.keyboard.press('Enter');
  await p.waitForSelector('body[data-lis="checked"]');
  assert.match(await p.textContent('#lis-status'), /2 rows checked: 2 valid, 0 not valid/);
  await tabTo(p, '#lis-commit');
  await p.keyboard.press('Enter');
  await p.waitForSelector('body[data-lis="committed"]');
  assert.match(await p.textContent('#lis-status'), /^Committed 2 of 2 valid rows\./);
  assert.ok((await stored()).emergency.lis.subnets.some((x) => x.subnet === '10.30.0.0'));
  // The tenant review, run and filtered from the keyboard.
  await tabTo(p, 'nav a[href="#review"]', { back: true });
  await p.keyboard.press('Enter');
  await tabTo(p, '#review-run');
  await p.keyboard.press('Enter');
  await p.waitForSelector('body[data-review="loaded"]', { timeout: 30000 });
  await tabTo(p, '#review-severity');
  await arrowTo(p, 'Error');
  assert.ok((await p.locator('#review-rows tr[data-code="ELIG-LIC-PHONE"]').count()) > 0);
  // The audit log: the LIS writes just made, newest first.
  await tabTo(p, 'nav a[href="#audit"]', { back: true });
  await p.keyboard.press('Enter');
  await p.waitForSelector('body[data-audit="loaded"]');
  const first = await p.locator('#audit-rows tr').first().evaluate((tr) => [...tr.cells].map((c) => c.textContent));
  assert.deepEqual([first[1], first[3]], ['admin:fabrikam-test', 'Committed'], JSON.stringify(first));
  assert.deepEqual(seen, []);
  await p.close();
});
