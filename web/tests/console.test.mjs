// The console as a Teams admin's tool (issue 20), in headless Chromium on the
// bundled demo tenant: its screens, the number inventory, the users, and the
// feedback rules (checked on a pause or on leaving a field, plain words, the
// page's width). Each finding that prompted it has a test here that would
// catch its return. Screenshots of every screen go to web/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { openConsole, axe, overflows, checked, tabTo, arrowTo } from './browser.mjs';

const artifacts = join(dirname(dirname(fileURLToPath(import.meta.url))), 'artifacts');
mkdirSync(artifacts, { recursive: true });
const SCREENS = ['numbers', 'users', 'emergency', 'conferencing', 'audit', 'review'];

let server, context, page, problems;

// Not the demo: a tenant of its own, where Bob has lost his Teams Phone
// licence since his number was assigned (so that assignment is no longer valid).
const doc = JSON.parse(readFileSync(join(dirname(dirname(artifacts)), 'tests/examples/demo-tenant.json'), 'utf8'));
doc.tenant.tenant_id = 'fabrikam-test';
doc.tenant.accounts.find((a) => a.identity === 'bob@contoso.com').licenses = [];
const tenantFile = join(mkdtempSync(join(tmpdir(), 'ocpolicy-console-')), 'tenant.json');
writeFileSync(tenantFile, JSON.stringify(doc));

before(async () => {
  server = await serve(0, { files: { '/fabrikam.json': tenantFile } });
  ({ context, page, problems } = await openConsole(`http://127.0.0.1:${server.address().port}/?snapshot=/fabrikam.json`));
  assert.match(await page.textContent('#snapshot-status'), /fabrikam-test/);
});

after(async () => {
  await context?.close();
  server?.close();
});

async function open(screen) {
  await page.click(`nav a[href="#${screen}"]`);
  await page.waitForSelector(`#${screen}:not([hidden])`);
}

async function type(selector, value) {
  await page.fill(selector, '');
  await page.locator(selector).pressSequentially(value, { delay: 5 });
  await checked(page, selector);
}

const codes = (id) => page.locator(`#${id}-msg .msg`).evaluateAll((ps) => ps.map((p) => p.dataset.code).sort());
const rows = () => page.locator('#inv-rows tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.number));

test('one screen at a time, from the navigation, with the current one marked', async () => {
  for (const s of SCREENS) {
    await open(s);
    const visible = await page.locator('main > .screen:not([hidden])').evaluateAll((xs) => xs.map((x) => x.id));
    assert.deepEqual(visible, [s]);
    assert.equal(await page.getAttribute(`nav a[href="#${s}"]`, 'aria-current'), 'page');
    await page.screenshot({ path: join(artifacts, `screen-${s}.png`), fullPage: true });
  }
  // A link into a screen (the assign form) opens that screen.
  await page.goto(page.url().replace(/#.*$/, '') + '#assign');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'numbers');
});

test('every screen works from 390 px wide: nothing scrolls sideways', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    for (const s of SCREENS) {
      await open(s);
      assert.equal(await overflows(page), false, `${s} overflows at 390 px`);
      await page.screenshot({ path: join(artifacts, `screen-${s}-390.png`), fullPage: true });
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('axe-core reports no WCAG A/AA violations on any screen', async () => {
  for (const s of SCREENS) {
    await open(s);
    assert.deepEqual(await axe(page), [], `screen ${s}`);
  }
  await open('numbers');
  assert.deepEqual(await axe(page, 'header'), []);
});

test('numbers: search and filters narrow the inventory; each row says whether its assignment is still valid', async () => {
  await open('numbers');
  const all = await rows();
  assert.equal(all.length, 15);
  assert.match(await page.textContent('#inv-count'), /^15 of 15 numbers/);
  // Search by user, then by digits (spaces and dashes ignored).
  await page.fill('#inv-search', 'bob@');
  assert.deepEqual(await rows(), ['+14255550102']);
  await page.fill('#inv-search', '555-0150');
  assert.deepEqual(await rows(), ['+14255550150']);
  await page.fill('#inv-search', '');
  // Filters: type, then assigned or not, then country and operator.
  await page.selectOption('#inv-type', 'DirectRouting');
  assert.deepEqual((await rows()).sort(), ['+14255551225', '+14255551226', '+14255551300']);
  await page.selectOption('#inv-assigned', 'unassigned');
  assert.deepEqual(await rows(), ['+14255551225']);
  await page.selectOption('#inv-type', '');
  await page.selectOption('#inv-assigned', '');
  await page.selectOption('#inv-country', 'GB');
  await page.selectOption('#inv-operator', 'OP2');
  assert.deepEqual((await rows()).sort(), ['+442071234500', '+442071234501']);
  await page.selectOption('#inv-country', '');
  await page.selectOption('#inv-operator', '');
  // Bob lost his licence: the rules say his assignment is not valid now, and why.
  const bob = page.locator('#inv-rows tr[data-number="+14255550102"]');
  assert.equal(await bob.getAttribute('data-verdict'), 'invalid');
  assert.match(await bob.textContent(), /Not valid.*ELIG-LIC-PHONE/);
  assert.match(await page.textContent('#inv-count'), /1 assignment is no longer valid/);
  // Erin's number is mid-update and still hers; the bridge number is the bridge's.
  await page.selectOption('#inv-state', 'UpdatePending');
  assert.deepEqual(await rows(), ['+14255550172']);
  assert.equal(await page.getAttribute('#inv-rows tr[data-number="+14255550172"]', 'data-verdict'), 'valid');
  assert.match(await page.textContent('#inv-rows tr[data-number="+14255550172"]'), /Valid, with a warning ELIG-NOT-ACTIVATED/);
  await page.selectOption('#inv-state', '');
  assert.match(await page.textContent('#inv-rows tr[data-number="+14255550000"]'), /Conference bridge/);
  assert.match(await page.textContent('#inv-rows tr[data-number="+14255550101"]'), /Free.*Assign/);
});

test('numbers: CSV export holds the rows shown, with their verdicts', async () => {
  await open('numbers');
  await page.selectOption('#inv-type', 'OperatorConnect');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#inv-export')]);
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trimEnd().split('\r\n');
  assert.equal(lines[0], 'TelephoneNumber,NumberType,ActivationState,OperatorId,IsoCountryCode,LocationId,AssignedTarget,AssignmentStatus,Verdict,Codes');
  assert.equal(lines.length - 1, (await rows()).length);
  assert.ok(lines.slice(1).every((l) => l.split(',')[1] === 'OperatorConnect'), text);
  assert.ok(lines.some((l) => l.startsWith('+14255550102,') && l.includes('Not valid') && l.includes('ELIG-LIC-PHONE')), text);
  assert.match(download.suggestedFilename(), /^numbers-fabrikam-test\.csv$/);
  await page.selectOption('#inv-type', '');
});

test('numbers: Assign on a free row opens the assign form on that number', async () => {
  await open('numbers');
  await page.click('#inv-rows tr[data-number="+14255551225"] button[data-action="assign"]');
  assert.equal(await page.inputValue('#assign-number'), '+14255551225');
  assert.equal(await page.inputValue('#assign-type'), 'DirectRouting');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'assign-target');
});

test('users: usage location, licences, mode and number are shown, and the picker says the same', async () => {
  await open('users');
  const dave = page.locator('#users-rows tr[data-identity="dave@contoso.com"]');
  assert.match(await dave.textContent(), /User.*US.*None.*Islands.*No.*None/);
  assert.match(await page.textContent('#users-rows tr[data-identity="alice@contoso.com"]'), /MCOEV.*TeamsOnly.*\+14255551300/);
  await page.fill('#users-search', 'GB');
  assert.equal(await page.locator('#users-rows tr').count(), 2);
  await page.fill('#users-search', '');
  const label = await page.locator('#assign-target option[value="dave@contoso.com"]').textContent();
  assert.match(label, /usage location US · no licence · no number/);
});

test('users: errors about the user (licence, mode) are on the user picker, not the number', async () => {
  await open('users');
  await page.click('#users-rows tr[data-identity="dave@contoso.com"] button');
  assert.equal(await page.evaluate(() => document.body.dataset.screen), 'numbers');
  assert.equal(await page.inputValue('#assign-target'), 'dave@contoso.com');
  await page.selectOption('#assign-type', 'OperatorConnect');
  await type('#assign-number', '+14255550101');
  const onUser = await codes('assign-target');
  assert.ok(onUser.includes('ELIG-LIC-PHONE'), onUser.join());
  assert.equal(await page.getAttribute('#assign-target', 'aria-invalid'), 'true');
  assert.ok(!(await codes('assign-number')).includes('ELIG-LIC-PHONE'));
  // The verdict names the first reason, not only a count.
  assert.match(await page.textContent('#assign-verdict'), /Denied: \d+ errors? \(ELIG-/);
  await page.selectOption('#assign-target', 'alice@contoso.com');
  assert.deepEqual(await codes('assign-target'), []);
});

test('feedback: a half-typed number is not flagged; a pause, or leaving the field, checks it', async () => {
  await open('numbers');
  await page.selectOption('#assign-target', 'alice@contoso.com');
  await page.selectOption('#assign-type', 'OperatorConnect');
  await page.fill('#assign-number', '');
  await page.locator('#assign-number').pressSequentially('tel:+1', { delay: 5 });
  // Still typing: no red yet.
  assert.equal(await page.getAttribute('#assign-number', 'aria-invalid'), null);
  assert.equal(await page.getAttribute('#assign-form', 'data-state'), 'typing');
  await checked(page, '#assign-number');
  assert.deepEqual(await codes('assign-number'), ['ELIG-NUM-FORMAT']);
  // Leaving the field checks at once, without waiting for the pause.
  await page.fill('#assign-number', '+14255550101');
  await page.focus('#assign-type');
  assert.equal(await page.getAttribute('#assign-form', 'data-state'), 'checked');
  assert.deepEqual(await codes('assign-number'), []);
});

test('feedback: a blocked number is refused in plain words, by the clock, never "give now"', async () => {
  await open('numbers');
  await page.selectOption('#assign-target', 'alice@contoso.com');
  await page.selectOption('#assign-type', 'CallingPlan');
  await type('#assign-number', '+14255550160');
  const form = await page.textContent('#assign-form');
  assert.doesNotMatch(form, /give `now`|give now|request\.now/);
  assert.ok((await page.locator('#assign-form .msg[data-code="ELIG-ASSIGNMENT-BLOCKED"]').count()) > 0, form);
  assert.match(form, /blocked for assignment \(until 2030-01-01T00:00:00Z\)/);
});

test('feedback: a dialled string that is not a number is flagged; the organizer\'s dial-out policy is shown', async () => {
  await open('conferencing');
  await page.selectOption('#dialout-organizer', 'alice@contoso.com');
  assert.match(await page.textContent('#dialout-policy'), /Dial-out policy: Global/);
  await type('#dialout-dialed', 'abc');
  assert.equal(await page.getAttribute('#dialout-dialed', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#dialout-dialed-msg'), /`abc` is not a phone number/);
  assert.doesNotMatch(await page.textContent('#dialout-verdict'), /Allowed|through route/);
  assert.equal(await page.locator('#dialout-trace li').count(), 0);
  await type('#dialout-dialed', '+442071234567');
  assert.equal(await page.getAttribute('#dialout-dialed', 'aria-invalid'), null);
});

test('feedback: coordinates take a comma decimal; a non-number gets plain words, not the parser\'s', async () => {
  await open('emergency');
  await type('#address-latitude', '47,64');
  assert.deepEqual(await codes('address-latitude'), []);
  await type('#address-latitude', 'north');
  const text = await page.textContent('#address-form');
  assert.match(text, /"north" is not a number; type digits with a decimal point/);
  assert.doesNotMatch(text, /invalid type|expected f64|line \d+ column/);
  await type('#address-latitude', '47.64');
  assert.equal(await page.getAttribute('#address-latitude', 'aria-invalid'), null);
});

test('addresses: every address is listed; a new one takes a country from the picker, its tax ID, and comma decimals', async () => {
  await open('emergency');
  const listed = await page.locator('#address-pick option').allTextContents();
  assert.deepEqual(listed, ['Contoso · 1 Microsoft Way Redmond · US (A1)', 'Contoso · 1 Whitehall London · GB (A2)', 'New address…']);
  // The second address opens with its own fields and places.
  await page.selectOption('#address-pick', 'A2');
  assert.equal(await page.inputValue('#address-city'), 'London');
  assert.equal(await page.inputValue('#address-country_or_region'), 'GB');
  // A new Calling Plan address in Spain needs the company's tax ID, at its field.
  await page.selectOption('#address-pick', '');
  assert.equal(await page.inputValue('#address-city'), '');
  const fields = { company_name: 'Fabrikam Madrid', house_number: '12', street_name: 'Mayor', city: 'Madrid', postal_code: '28013', latitude: '40,4168', longitude: '-3,7038' };
  for (const [k, v] of Object.entries(fields)) await type(`#address-${k}`, v);
  await page.selectOption('#address-country_or_region', 'ES');
  await page.selectOption('#address-connectivity', 'CallingPlan');
  assert.deepEqual(await codes('address-company_tax_id'), ['EMG-CP-TAXID']);
  await type('#address-company_tax_id', 'B12345678');
  assert.deepEqual(await codes('address-company_tax_id'), []);
  assert.match(await page.textContent('#address-verdict'), /^Allowed/);
  // What the rules cannot check about coordinates is said beside them.
  assert.match(await page.textContent('#address-geo-hint'), /does not\s+geocode/);
  // The country names come from the browser, the codes from the rules.
  assert.match(await page.locator('#address-country_or_region option[value="ES"]').textContent(), /^Spain \(ES\)$/);
  await page.locator('#emergency').screenshot({ path: join(artifacts, 'addresses.png') });
});

test('LIS and trusted IPs: the stored entries are listed; an upload in the cmdlets\' columns gets every row\'s verdict', async () => {
  await open('emergency');
  const current = await page.locator('#lis-current tr').allTextContents();
  assert.ok(current.some((r) => /Wi-Fi access point.*F0-6E-0B-C2-04-\*.*LocA/.test(r)), current.join('\n'));
  assert.ok(current.some((r) => /Trusted IP.*203\.0\.113\.0\/24/.test(r)), current.join('\n'));
  const csvText = [
    'Subnet,BSSID,ChassisID,PortID,IPAddress,MaskBits,LocationId,Description',
    '10.20.0.0,,,,,,LocA,Building 2',
    ',zz,,,,,LocA,bad BSSID',
    ',,B8-BE-BF-4A-A3-00,13,,,LocB,',
    ',,,,198.51.100.7,33,,',
    ',,,,198.51.100.8,32,,office',
  ].join('\n');
  await page.setInputFiles('#lis-file', { name: 'lis.csv', mimeType: 'text/csv', buffer: Buffer.from(csvText) });
  await page.waitForSelector('body[data-lis="checked"]');
  const verdicts = await page.locator('#lis-rows tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.verdict, tr.textContent]));
  assert.deepEqual(verdicts.map((v) => v[0]), ['valid', 'invalid', 'valid', 'invalid', 'valid']);
  assert.match(verdicts[1][1], /EMG-BSSID-FORMAT/);
  assert.match(verdicts[2][1], /Switch port.*B8-BE-BF-4A-A3-00 port 13/);
  assert.match(verdicts[3][1], /EMG-TRUSTIP-MASK/);
  assert.match(await page.textContent('#lis-status'), /5 rows checked: 3 valid, 2 not valid/);
  // A header with none of the columns is named.
  await page.fill('#lis-text', 'Network,Where\n10.0.0.0,LocA');
  await page.click('#lis-check');
  assert.match(await page.textContent('#lis-status'), /needs a Subnet, BSSID, ChassisID \(and PortID\) or IPAddress column/);
  await page.locator('#lis').screenshot({ path: join(artifacts, 'lis.png') });
});

test('keyboard only: from the users screen, start an assignment and submit it', async () => {
  // A fresh page (the tests above left the forms as they typed them):
  // leaving the fragment out is a new document, not a jump within this one.
  await page.goto(page.url().replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  await page.focus('nav a[href="#users"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#users:not([hidden])');
  // Tab to Alice's "Assign a number…" and press it.
  await page.focus('#users-search');
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
    if (label === 'Assign a number to alice@contoso.com') break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Assign a number to alice@contoso.com');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'assign-number');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('+14255550101');
  // Enter in a field submits its form, as in any HTML form.
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /would/.test(document.querySelector('#assign-submit-result').textContent));
  assert.match(await page.textContent('#assign-submit-result'), /would accept this assignment/);
  // Any change clears that answer: it was about the values before it.
  await page.focus('#assign-number');
  await page.keyboard.type('9');
  assert.equal(await page.textContent('#assign-submit-result'), '');
});

test('bulk assign from CSV: every row has its verdict before anything is committed', async () => {
  await open('numbers');
  // A header the page cannot read is named, with what it needs.
  await page.fill('#bulk-text', 'Phone,Who\n+14255550101,alice@contoso.com\n');
  await page.click('#bulk-check');
  assert.match(await page.textContent('#bulk-status'), /header row, and it needs a TelephoneNumber and a UserPrincipalName column; it has "Phone", "Who"/);
  // A file, as the admin center's export names its columns (and a quoted field).
  const rows = [
    'TelephoneNumber,UserPrincipalName,PhoneNumberType',
    '+14255550101,alice@contoso.com,OperatorConnect',
    '+14255550101,"chloe@contoso.com",OperatorConnect',
    '+14255550190,bob@contoso.com,CallingPlan',
    '+19995550100,erin@contoso.com,',
    'tel:+14255550170,erin@contoso.com,OperatorConnect',
  ].join('\r\n');
  await page.setInputFiles('#bulk-file', { name: 'bulk.csv', mimeType: 'text/csv', buffer: Buffer.from(rows) });
  await page.waitForSelector('body[data-bulk="checked"]');
  const verdicts = await page.locator('#bulk-rows tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.line, tr.dataset.verdict, tr.querySelector('.verdict-cell').textContent]));
  assert.equal(verdicts.length, 5);
  assert.deepEqual(verdicts[0].slice(0, 2), ['2', 'valid']);
  assert.match(verdicts[1][2], /already assigned on line 2 of this file/);
  assert.match(verdicts[2][2], /ELIG-ASSIGNMENT-BLOCKED/);
  assert.match(verdicts[3][2], /not in this tenant, so give its PhoneNumberType/);
  // Pending activation: the rules allow it, with their warning.
  assert.equal(verdicts[4][1], 'valid');
  assert.match(verdicts[4][2], /^Valid, with a warning ELIG-NOT-ACTIVATED/);
  assert.match(await page.textContent('#bulk-status'), /5 rows checked: 2 valid, 3 not valid\. Nothing is committed yet\. No server here/);
  assert.ok(await page.locator('#bulk-commit').isHidden());
  await page.locator('#bulk').screenshot({ path: join(artifacts, 'bulk-assign.png') });
});

const msgCodes = (id) => page.locator(`#${id}-msg .msg`).evaluateAll((ps) => ps.map((p) => p.dataset.code));

test('routing: routes, usages and dial plans are edited with the lint on the field it is about', async () => {
  await open('conferencing');
  await page.waitForFunction(() => /^Lint: /.test(document.querySelector('#routing-verdict').textContent));
  assert.match(await page.textContent('#routing-verdict'), /no changes yet$/);
  // The stored routes, as the cmdlets name their fields.
  assert.equal(await page.inputValue('#rt-voice-routes-1-identity'), 'Redmond 2');
  assert.equal(await page.inputValue('#rt-voice-routes-1-online-pstn-usages'), 'US and Canada');
  // A usage that does not exist: flagged on the route's usages, after the pause.
  await page.locator('#rt-voice-routes-1-online-pstn-usages').press('End');
  await page.locator('#rt-voice-routes-1-online-pstn-usages').pressSequentially(', Nowhere', { delay: 5 });
  await checked(page, '#rt-voice-routes-1-online-pstn-usages');
  assert.ok((await msgCodes('rt-voice-routes-1-online-pstn-usages')).includes('CONF-USAGE-EXISTS'));
  assert.equal(await page.getAttribute('#rt-voice-routes-1-online-pstn-usages', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#routing-verdict'), /^Lint: \d+ errors? \(CONF-USAGE-EXISTS\).*changed: Voice routes$/);
  assert.match(await page.textContent('[data-count="voice_routes"]'), /\(5\) · 1 field with errors/);
  // A pattern Teams cannot run, on the pattern.
  await type('#rt-voice-routes-0-number-pattern', '^\\+1(425');
  assert.ok((await msgCodes('rt-voice-routes-0-number-pattern')).includes('CONF-REGEX-INVALID'));
  // Fixed, both are gone.
  await type('#rt-voice-routes-0-number-pattern', '^\\+1(425|206)(\\d{7})$');
  await type('#rt-voice-routes-1-online-pstn-usages', 'US and Canada');
  assert.deepEqual(await msgCodes('rt-voice-routes-0-number-pattern'), []);
  assert.deepEqual(await msgCodes('rt-voice-routes-1-online-pstn-usages'), []);
  assert.match(await page.textContent('#routing-verdict'), /^Lint: no errors.*no changes yet$/);
  // A dial plan's normalization rule, in its own section.
  await page.click('details[data-section="dial_plans"] > summary');
  await type('#rt-dial-plans-0-normalization-rules-0-pattern', '^(\\d{4}');
  assert.ok((await msgCodes('rt-dial-plans-0-normalization-rules-0-pattern')).includes('CONF-REGEX-INVALID'));
  // A new route: added at the end with the next priority, its name focused;
  // a priority that is not a number gets plain words, not the parser's.
  await page.click('button[aria-label="Add route to Voice routes"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rt-voice-routes-5-identity');
  assert.equal(await page.inputValue('#rt-voice-routes-5-priority'), '6');
  await type('#rt-voice-routes-5-priority', 'x');
  assert.match(await page.textContent('#rt-voice-routes-5-priority-msg'), /Priority: "x" is not a whole number; type digits, e\.g\. 1/);
  assert.doesNotMatch(await page.textContent('#routing-form'), /invalid type|expected u32/);
  await page.click('button[aria-label="Remove Route 6"]');
  assert.equal(await page.locator('[data-section="voice_routes"] fieldset.record').count(), 5);
  // Moving a route keeps it whole.
  await page.click('button[aria-label="Move down Route 1: Redmond 1"]');
  assert.equal(await page.inputValue('#rt-voice-routes-1-identity'), 'Redmond 1');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Move down Route 2: Redmond 1');
  await checked(page, '#rt-voice-routes-1-identity');
  assert.match(await page.textContent('#routing-verdict'), /changed: Voice routes, Dial plans$/);
  // Discard: the stored configuration again.
  await page.click('#routing-discard');
  assert.equal(await page.inputValue('#rt-voice-routes-0-identity'), 'Redmond 1');
  assert.match(await page.textContent('#routing-verdict'), /no changes yet$/);
  await page.click('#routing-submit');
  assert.equal(await page.textContent('#routing-submit-result'), 'Nothing to save: no section has changed.');
  await page.locator('#routing-form').screenshot({ path: join(artifacts, 'routing-editor.png') });
  assert.deepEqual(await axe(page), []);
});

test('numbers: a number\'s emergency location is changed from its row, and one the operator manages is refused first', async () => {
  await open('numbers');
  await page.fill('#inv-search', '');
  await page.dispatchEvent('#inv-search', 'input');
  await page.click('button[aria-label="Change location of +442071234500"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'relocate-location');
  assert.match(await page.textContent('#relocate-current'), /Now: London office/);
  await page.selectOption('#relocate-location', 'L1');
  await page.waitForSelector('#relocate-verdict.denied');
  assert.ok((await msgCodes('relocate-location')).includes('ELIG-LOCATION-UPDATE-LOCKED'));
  // A number whose location the enterprise sets.
  await page.click('button[aria-label="Change location of +14255550101"]');
  assert.equal(await page.textContent('#relocate-number'), '+14255550101');
  await page.selectOption('#relocate-location', 'LocA');
  await page.waitForSelector('#relocate-verdict.allowed');
  assert.deepEqual(await msgCodes('relocate-location'), []);
  await page.click('#relocate-submit');
  assert.match(await page.textContent('#relocate-submit-result'), /No server here: the server would accept this location change/);
  await page.click('#relocate-cancel');
  assert.ok(await page.locator('#relocate-form').isHidden());
});

test('keyboard only: find a number and change its location, check a CSV, start a new address, edit a route and read its lint', async () => {
  // A fresh page, and from here on no clicks and no fills: Tab, the arrow
  // keys, typing and Enter, as someone without a mouse works.
  await page.goto(page.url().replace(/#.*$/, ''));
  await page.waitForSelector('body[data-ready="true"]');
  const focused = () => page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('aria-label'));
  // Find a number: the search, then its row's action.
  await tabTo(page, 'nav a[href="#numbers"]');
  await page.keyboard.press('Enter');
  await tabTo(page, '#inv-search');
  await page.keyboard.type('555-0101');
  assert.deepEqual(await rows(), ['+14255550101']);
  await tabTo(page, 'button[aria-label="Change location of +14255550101"]');
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'relocate-location');
  await arrowTo(page, 'LocA');
  await page.waitForSelector('#relocate-verdict.allowed');
  await tabTo(page, '#relocate-submit');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#relocate-submit-result'), /the server would accept this location change/);
  await tabTo(page, '#relocate-cancel');
  await page.keyboard.press('Enter');
  // Bulk assignment: rows typed into the box, then checked.
  await tabTo(page, '#bulk-text');
  await page.keyboard.type('TelephoneNumber,UserPrincipalName\n+14255550101,alice@contoso.com\n+14255550190,bob@contoso.com');
  await tabTo(page, '#bulk-check');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /^2 rows checked/.test(document.querySelector('#bulk-status').textContent));
  assert.match(await page.textContent('#bulk-status'), /2 rows checked: 1 valid, 1 not valid/);
  // A new address, its country from the picker by keyboard, comma decimals.
  await tabTo(page, 'nav a[href="#emergency"]', { back: true });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#emergency:not([hidden])');
  await tabTo(page, '#address-pick');
  await arrowTo(page, '');
  assert.equal(await page.inputValue('#address-city'), '');
  const fields = { company_name: 'Fabrikam Madrid', house_number: '12', street_name: 'Mayor', city: 'Madrid', postal_code: '28013', latitude: '40,4168', longitude: '-3,7038' };
  for (const [k, v] of Object.entries(fields)) {
    await tabTo(page, `#address-${k}`);
    await page.keyboard.type(v);
  }
  await tabTo(page, '#address-country_or_region', { back: true });
  await arrowTo(page, 'ES');
  await tabTo(page, '#address-connectivity');
  await arrowTo(page, 'OperatorConnect');
  await checked(page, '#address-city');
  assert.match(await page.textContent('#address-verdict'), /^Allowed/, await page.textContent('#address-form'));
  // A route's usages edited to one that does not exist: the lint lands on
  // the field once it is left; put back, it clears. Then a new route.
  await tabTo(page, 'nav a[href="#conferencing"]', { back: true });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#conferencing:not([hidden])');
  const usages = '#rt-voice-routes-1-online-pstn-usages';
  await tabTo(page, usages);
  await page.keyboard.press('End');
  await page.keyboard.type(', Nowhere');
  await page.keyboard.press('Tab');
  await checked(page, usages);
  assert.ok((await msgCodes('rt-voice-routes-1-online-pstn-usages')).includes('CONF-USAGE-EXISTS'));
  assert.match(await page.textContent('#routing-verdict'), /CONF-USAGE-EXISTS.*changed: Voice routes$/);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('US and Canada');
  await page.keyboard.press('Tab');
  await checked(page, usages);
  assert.deepEqual(await msgCodes('rt-voice-routes-1-online-pstn-usages'), []);
  await tabTo(page, 'button[aria-label="Add route to Voice routes"]');
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'rt-voice-routes-5-identity');
  await tabTo(page, '#routing-discard');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#routing-submit-result'), /^Discarded/);
  assert.equal(await page.locator('[data-section="voice_routes"] fieldset.record').count(), 5);
});

test('no console errors and no page errors', () => {
  assert.deepEqual(problems, []);
});
