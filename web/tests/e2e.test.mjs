// End to end in real headless Chromium: type invalid and then valid values into
// each panel and watch the right messages appear and disappear; the route trace
// and the PIDF-LO preview show; any console error or page error fails the test.
// Screenshots of each panel go to web/artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { openConsole, axe, overflows, checked } from './browser.mjs';

const artifacts = join(dirname(dirname(fileURLToPath(import.meta.url))), 'artifacts');
mkdirSync(artifacts, { recursive: true });

let server, context, page, problems, base;

before(async () => {
  server = await serve(0);
  base = `http://127.0.0.1:${server.address().port}/`;
  ({ context, page, problems } = await openConsole(base));
});

after(async () => {
  await context?.close();
  server?.close();
});

const msgs = (id) => page.locator(`#${id}-msg .msg`);
const codes = async (id) => (await msgs(id).evaluateAll((ps) => ps.map((p) => p.dataset.code))).sort();

/** Type `value` into the field as a person would, then wait for the pause
 * after which the console checks it. */
async function type(selector, value) {
  await page.fill(selector, '');
  await page.locator(selector).pressSequentially(value, { delay: 5 });
  await checked(page, selector);
}

/** Open a screen from the navigation, as a user would. */
async function open(screen) {
  await page.click(`nav a[href="#${screen}"]`);
  await page.waitForSelector(`#${screen}:not([hidden])`);
}

test('the page loads the rules and the bundled demo tenant', async () => {
  assert.match(await page.textContent('#snapshot-status'), /contoso-demo \(bundled demo\)/);
  assert.match(await page.textContent('#build-info'), /ocpolicy:rules@/);
  const m = await page.evaluate(() => window.ocpolicy.metrics);
  assert.ok(m.firstValidationMs > 0, JSON.stringify(m));
});

test('assign a number: a malformed number is flagged at the field, a good one clears it', async () => {
  await page.selectOption('#assign-target', 'alice@contoso.com');
  await page.selectOption('#assign-type', 'OperatorConnect');
  await type('#assign-number', 'tel:+1425');
  assert.deepEqual(await codes('assign-number'), ['ELIG-NUM-FORMAT']);
  assert.equal(await page.getAttribute('#assign-number', 'aria-invalid'), 'true');
  assert.match(await msgs('assign-number').first().textContent(), /Fix: /);
  assert.match(await page.textContent('#assign-verdict'), /Denied/);
  await type('#assign-number', '+14255550101');
  assert.deepEqual(await codes('assign-number'), []);
  assert.equal(await page.getAttribute('#assign-number', 'aria-invalid'), null);
  assert.match(await page.textContent('#assign-verdict'), /^Allowed/);
  await page.locator('#assign').screenshot({ path: join(artifacts, 'assign.png') });
});

test('assign a number: the numbering-plan check arrives from the full build without blocking typing', async () => {
  await page.waitForSelector('body[data-plan="ready"]', { timeout: 60000 });
  assert.match(await page.textContent('#plan-status'), /Full validation ready/);
  await page.selectOption('#assign-type', 'DirectRouting');
  await type('#assign-number', '+1555555');
  await page.waitForSelector('#assign-number-msg .msg[data-code="ELIG-NUM-PLAN"]');
  assert.deepEqual(await codes('assign-number'), ['ELIG-NUM-PLAN']);
  await page.selectOption('#assign-type', 'OperatorConnect');
  await type('#assign-number', '+14255550101');
  assert.deepEqual(await codes('assign-number'), []);
});

test('emergency address: each field validates as you type', async () => {
  await open('emergency');
  await page.fill('#address-postal_code', '');
  await checked(page, '#address-postal_code');
  assert.ok((await codes('address-postal_code')).includes('EMG-CP-FIELDS'));
  assert.equal(await page.getAttribute('#address-postal_code', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#address-postal_code', 'aria-describedby'), 'address-postal_code-msg');
  await type('#address-postal_code', '98052');
  assert.deepEqual(await codes('address-postal_code'), []);
  // The country is picked from the countries the rules accept; none picked is refused at the field.
  await page.selectOption('#address-country_or_region', '');
  assert.ok((await codes('address-country_or_region')).includes('EMG-CA-MANDATORY'), (await codes('address-country_or_region')).join());
  await page.selectOption('#address-country_or_region', 'US');
  assert.deepEqual(await codes('address-country_or_region'), []);
  assert.match(await page.textContent('#address-verdict'), /^Allowed/);
  await page.locator('#emergency').screenshot({ path: join(artifacts, 'emergency.png') });
});

test('emergency: a network location shows the match trace and the PIDF-LO it would send', async () => {
  await type('#network-bssid', 'zz');
  assert.match(await page.textContent('#network-bssid-msg'), /not a BSSID/);
  assert.equal(await page.getAttribute('#network-bssid', 'aria-invalid'), 'true');
  assert.equal(await page.locator('#network-trace li').count(), 0);
  await type('#network-bssid', 'F0-6E-0B-C2-04-1A');
  assert.equal(await page.getAttribute('#network-bssid', 'aria-invalid'), null);
  assert.ok((await page.locator('#network-trace li').count()) > 0);
  assert.match(await page.textContent('#network-verdict'), /LocA/);
  const pidf = await page.textContent('#network-pidf');
  assert.match(pidf, /<presence/);
  assert.match(pidf, /<ca:country>US<\/ca:country>/);
  await page.locator('#network-form').screenshot({ path: join(artifacts, 'network-location.png') });
});

test('conferencing: a default number off the bridge is refused, one on it is accepted', async () => {
  await open('conferencing');
  await type('#bridge-default', '+19999');
  assert.deepEqual(await codes('bridge-default'), ['CONF-DEFAULT-NOT-ON-BRIDGE']);
  assert.equal(await page.getAttribute('#bridge-default', 'aria-invalid'), 'true');
  await type('#bridge-default', '+14255550000');
  assert.deepEqual(await codes('bridge-default'), []);
  assert.match(await page.textContent('#bridge-verdict'), /^Allowed/);
});

test('conferencing: the dial-out tester shows the route decision and its trace', async () => {
  await page.selectOption('#dialout-organizer', 'alice@contoso.com');
  await type('#dialout-dialed', '+442071234567');
  await page.waitForFunction(() => document.querySelector('#dialout-form').dataset.pending === 'false');
  assert.match(await page.textContent('#dialout-verdict'), /through route International/);
  assert.ok((await page.locator('#dialout-trace li').count()) >= 3);
  assert.match(await page.textContent('#dialout-trace'), /Outcome/);
  await page.locator('#conferencing').screenshot({ path: join(artifacts, 'conferencing.png') });
});

test('an operator plugin, transpiled by jco, runs in the page', async () => {
  await open('numbers');
  await page.waitForSelector('body[data-plugin="ready"]', { timeout: 30000 });
  assert.match(await page.textContent('#plugin-status'), /northwind-ranges@1\.0\.0/);
  await type('#plugin-number', '+16175550100');
  assert.deepEqual(await codes('plugin-number'), ['northwind-ranges/OPX-RANGE']);
  assert.match(await page.textContent('#plugin-verdict'), /Denied/);
  await type('#plugin-number', '+14255550199');
  assert.deepEqual(await codes('plugin-number'), []);
  assert.match(await page.textContent('#plugin-verdict'), /^Allowed/);
  await page.locator('#plugin-form').screenshot({ path: join(artifacts, 'plugin.png') });
});

test('the keyboard reaches every field, and every field has a label', async () => {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select')]
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.name),
  );
  assert.deepEqual(unlabelled, []);
  await open('numbers');
  await page.focus('#assign-target');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'assign-number');
});

test('no console errors and no page errors', async () => {
  await page.screenshot({ path: join(artifacts, 'console.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
