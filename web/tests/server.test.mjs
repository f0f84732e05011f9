// The console served by `ocpolicy serve --demo`, in Chromium: it validates
// against the server's stored tenant, a write the page allows is committed,
// and one it refuses, sent straight to the API as curl would, is refused by
// the server with the same rule codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openConsole, checked } from './browser.mjs';
import { mkdirSync as mkdirs } from 'node:fs';

const artifacts = join(dirname(dirname(fileURLToPath(import.meta.url))), 'artifacts');
mkdirs(artifacts, { recursive: true });

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const bin = process.env.OCPOLICY_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'ocpolicy');
let server, base, context, page, problems;

before(async () => {
  assert.ok(existsSync(bin), `the ocpolicy binary is missing at ${bin}`);
  const db = join(mkdtempSync(join(tmpdir(), 'ocpolicy-serve-')), 'store.db');
  server = spawn(bin, ['serve', '--demo', '--listen', '127.0.0.1:0', '--db', db, '--web-dir', web], { stdio: ['ignore', 'ignore', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/serving on (http:\/\/[0-9.:]+\/)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`ocpolicy serve exited ${code}: ${err}`)));
  });
  ({ context, page, problems } = await openConsole(base));
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
});

test('the console validates against the server tenant and commits what it allows', async () => {
  assert.match(await page.textContent('#snapshot-status'), /contoso-demo \(from the server\)/);
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
  const token = await page.getAttribute('meta[name="ocpolicy-token"]', 'content');
  const r = await fetch(new URL('v1/tenants/contoso-demo/assignments', base), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ AssignNumber: { target: 'bob@contoso.com', target_kind: 'User', telephone_number: '+14255550101', number_type: 'OperatorConnect' } }),
  });
  assert.equal(r.status, 422);
  const serverCodes = (await r.json()).violations.map((v) => v.code).sort();
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
  const token = await page.getAttribute('meta[name="ocpolicy-token"]', 'content');
  const snap = await (await fetch(new URL('v1/tenants/contoso-demo/snapshot', base), { headers: { authorization: `Bearer ${token}` } })).json();
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
  assert.deepEqual(records[0].slice(1, 4), ['admin:contoso-demo', 'unassign', 'Committed']);
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
  const token = await page.getAttribute('meta[name="ocpolicy-token"]', 'content');
  const snap = await (await fetch(new URL('v1/tenants/contoso-demo/snapshot', base), { headers: { authorization: `Bearer ${token}` } })).json();
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
  const token = await page.getAttribute('meta[name="ocpolicy-token"]', 'content');
  const read = async () => (await fetch(new URL('v1/tenants/contoso-demo/snapshot', base), { headers: { authorization: `Bearer ${token}` } })).json();
  const stored = (await read()).tenant.civic_addresses.find((a) => a.id === picked);
  assert.equal(stored.latitude, 40.4168);
  assert.equal(stored.company_tax_id, 'B12345678');
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
  const token = await page.getAttribute('meta[name="ocpolicy-token"]', 'content');
  const snap = await (await fetch(new URL('v1/tenants/contoso-demo/snapshot', base), { headers: { authorization: `Bearer ${token}` } })).json();
  assert.ok(snap.emergency.lis.subnets.some((x) => x.subnet === '10.20.1.0' && x.location_id === 'LocC'), JSON.stringify(snap.emergency.lis));
});
