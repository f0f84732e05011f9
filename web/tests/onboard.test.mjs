// A real tenant's whole path, in Chromium: the PowerShell exports written from
// Microsoft's documented examples (tests/import/teams-docs) go through
// `ocpolicy import teams`, `ocpolicy audit` (its HTML report is opened and
// screenshotted), `ocpolicy push` to an `ocpolicy serve` without --demo, the
// platform's token for the tenant's admin, the admin adding the operator, and
// a sign-in and an assignment in the console.
//
// OCPOLICY_SCREENSHOT=path writes the report's screenshot there too (the
// README's picture: examples/audit-report.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, watch } from './browser.mjs';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const bin = process.env.OCPOLICY_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'ocpolicy');
const work = mkdtempSync(join(tmpdir(), 'ocpolicy-onboard-'));
const tenantFile = join(work, 'tenant.json');
const html = join(work, 'report.html');
let server, base, context, platform, admin, tenantId, audit;

function run(args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

async function api(method, path, token, body) {
  const r = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

before(async () => {
  assert.ok(existsSync(bin), `the ocpolicy binary is missing at ${bin}`);
  // Import: every documented record maps (exit 0).
  const imp = run(['import', 'teams', join(root, 'tests/import/teams-docs'), '-o', tenantFile, '--json', '--quiet']);
  assert.equal(imp.status, 0, imp.stderr + imp.stdout);
  tenantId = JSON.parse(readFileSync(tenantFile, 'utf8')).tenant.tenant_id;
  // Audit: the imported tenant has errors (exit 1), and an HTML report.
  const a = run(['audit', tenantFile, '--json', '--html', html, '--now', '2026-12-01T00:00:00Z']);
  assert.equal(a.status, 1, a.stderr);
  audit = JSON.parse(a.stdout);
  // A server with no demo: a platform token, then serve.
  const db = join(work, 'store.db');
  const t = run(['token', 'create', '--role', 'platform', '--db', db]);
  assert.equal(t.status, 0, t.stderr);
  platform = t.stdout.trim();
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
  context = await launch();
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
});

test('the audit report is a page an admin reads: counts, charts and every finding', async () => {
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(pathToFileURL(html).href);
  assert.equal(await page.locator('tbody tr').count(), audit.findings.length);
  assert.equal(await page.locator('.card.error b').textContent(), String(audit.by_severity.error));
  // The charts are drawn: one bar per family and per code (up to 20).
  assert.equal(await page.locator('figure').first().locator('rect').count(), 3);
  assert.equal(await page.locator('figure').nth(1).locator('rect').count(), Math.min(20, audit.by_code.length));
  const box = await page.locator('section.charts').boundingBox();
  assert.ok(box.width > 600 && box.height > 100, JSON.stringify(box));
  // The findings table names the field, the message and the fix.
  const first = audit.findings[0];
  const row = page.locator('tbody tr').first();
  assert.match(await row.textContent(), new RegExp(first.code));
  assert.ok((await row.textContent()).includes(first.fix.slice(0, 30)));
  const shot = join(work, 'audit.png');
  await page.screenshot({ path: shot, fullPage: false });
  assert.ok(statSync(shot).size > 20000, 'the screenshot has content');
  if (process.env.OCPOLICY_SCREENSHOT) copyFileSync(shot, process.env.OCPOLICY_SCREENSHOT);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an imported tenant, pushed to the server, is signed into and assigned in the console', async () => {
  // Push the export folder (imported on the way) with the platform token,
  // then the imported document, which replaces it.
  const folder = run(['push', join(root, 'tests/import/teams-docs'), '--server', base, '--token', platform]);
  assert.equal(folder.status, 0, folder.stderr + folder.stdout);
  assert.match(folder.stdout, /created tenant/);
  const push = run(['push', tenantFile, '--server', base, '--token', platform]);
  assert.equal(push.status, 0, push.stderr + push.stdout);
  assert.match(push.stdout, /replaced tenant/);
  // An admin token cannot create tenants: the push is refused as bad input.
  const refused = run(['push', tenantFile, '--server', base, '--token', 'ocp_nobody']);
  assert.equal(refused.status, 2, refused.stderr);
  // The platform makes the tenant admin's token; the admin adds the operator
  // the numbers came from, as the Teams admin center does.
  const made = await api('POST', `v1/tenants/${tenantId}/tokens`, platform, { role: 'admin' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  admin = made.body.token;
  const doc = JSON.parse(readFileSync(tenantFile, 'utf8'));
  const op = doc.tenant.operators[0].operator_id;
  const added = await api('PUT', `v1/tenants/${tenantId}/operators/${op}`, admin, {
    name: 'Contoso Telecom',
    enabled_countries: ['US'],
    contact: { full_name: 'Ann Admin', email: 'ann@contoso.com', company_size: '1000+', phone: null },
    data_transfer_notice_accepted: true,
  });
  assert.equal(added.status, 200, JSON.stringify(added.body));

  // Without --demo the console signs in; it never shows a 401 or a token.
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(base);
  await page.waitForSelector('body[data-ready="signin"]');
  assert.equal(await page.locator('meta[name="ocpolicy-token"]').count(), 0);
  assert.ok(await page.locator('#signin').isVisible());
  assert.ok(!(await page.locator('main').isVisible()));
  await page.fill('#signin-token', 'ocp_not-a-token');
  await page.click('#signin-submit');
  await page.waitForFunction(() => /does not know this token/.test(document.querySelector('#signin-status').textContent));
  // The platform token sees no tenant's data: the page says so.
  await page.fill('#signin-token', platform);
  await page.click('#signin-submit');
  await page.waitForFunction(() => /platform token/.test(document.querySelector('#signin-status').textContent));
  // The admin's token: its one tenant opens.
  await page.fill('#signin-token', admin);
  await page.click('#signin-submit');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.match(await page.textContent('#snapshot-status'), new RegExp(`${tenantId} \\(from the server\\)`));
  assert.match(await page.textContent('#session-who'), new RegExp(`admin:${tenantId}`));

  // Assign the unassigned Direct Routing number to a Direct Routing user.
  await page.selectOption('#assign-target', 'user5@contoso.com');
  await page.fill('#assign-number', '+1123457');
  await page.selectOption('#assign-type', 'DirectRouting');
  await page.waitForFunction(() => /^Allowed/.test(document.querySelector('#assign-verdict').textContent));
  await page.click('#assign-submit');
  await page.waitForFunction(() => /Assigned/.test(document.querySelector('#assign-submit-result').textContent));
  const snap = await api('GET', `v1/tenants/${tenantId}/snapshot`, admin);
  const n = snap.body.tenant.numbers.find((x) => x.telephone_number === '+1123457');
  assert.equal(n.assignment_status, 'UserAssigned');
  assert.equal(n.assigned_target, 'user5@contoso.com');
  // Another user may not have it now: the page, against the committed state, says so.
  await page.selectOption('#assign-target', 'user4@contoso.com');
  await page.waitForSelector('#assign-verdict.denied');
  // Chromium logs the refused sign-ins (401 and the platform's 403-free list
  // answer is 200) as console errors: the bad token's 401 is the only one.
  const unauthorized = problems.filter((p) => /status of 401/.test(p));
  assert.equal(unauthorized.length, 1, problems.join('\n'));
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();
});
