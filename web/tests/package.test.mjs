// The npm package @ocpolicy/rules as other people's projects get it:
//   - what `npm pack` puts in the tarball (and leaves out);
//   - examples/assign-form, which installs that tarball: its type test (tsc
//     against the package's declarations), its Vite build, and the built form
//     in Chromium: invalid values show their codes and fixes beside the
//     fields, fixing them allows the submit.
//
// Needs: web/build.sh (web/pkg/rules and the tarball) and
// `npm install --prefix examples/assign-form` after it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch, watch } from './browser.mjs';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const pkg = join(web, 'pkg', 'rules');
const example = join(root, 'examples', 'assign-form');
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack ships the entry points, modules, declarations, README and licence, and nothing else', () => {
  const [{ files, name, version }] = JSON.parse(npm(['pack', '--dry-run', '--json', '--silent'], pkg));
  assert.equal(name, '@ocpolicy/rules');
  const paths = files.map((f) => f.path).sort();
  for (const needed of [
    'LICENSE',
    'README.md',
    'package.json',
    'index.js',
    'index.d.ts',
    'eligibility.js',
    'eligibility.d.ts',
    'emergency.js',
    'conferencing.js',
    'form.js',
    'form.d.ts',
    'esbuild.js',
    'esbuild.d.ts',
    'types.d.ts',
    'node/index.js',
    'node/eligibility.js',
    'src/core.js',
    'src/core.d.ts',
    'src/worker.js',
    ...['eligibility', 'emergency', 'conferencing', 'all', 'full'].flatMap((m) => [`wasm/${m}/ocpolicy.js`, `wasm/${m}/ocpolicy_bg.wasm`]),
  ]) {
    assert.ok(paths.includes(needed), `the tarball lacks ${needed}: ${paths.join(', ')}`);
  }
  const stray = paths.filter((p) => /(^|\/)(tests?|bench|node_modules)\/|\.(rs|toml|gz|br|map|tgz|mjs|sh)$|\.test\./.test(p));
  assert.deepEqual(stray, [], 'tests, sources or build leftovers in the tarball');
  // Every export resolves to a file in the tarball.
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  for (const [entry, targets] of Object.entries(manifest.exports)) {
    for (const target of typeof targets === 'string' ? [targets] : Object.values(targets)) {
      assert.ok(paths.includes(target.replace(/^\.\//, '')), `export ${entry} points at ${target}, which is not packed`);
    }
  }
  assert.match(readFileSync(join(pkg, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.ok(existsSync(join(web, 'pkg', `ocpolicy-rules-${version}.tgz`)), 'web/build.sh packed no tarball');
});

const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

test('the example form installed this build of the package', () => {
  const installed = join(example, 'node_modules', '@ocpolicy', 'rules');
  assert.ok(existsSync(installed), 'examples/assign-form has no @ocpolicy/rules: npm install --prefix examples/assign-form');
  for (const f of ['wasm/eligibility/ocpolicy_bg.wasm', 'src/core.js', 'form.js', 'types.d.ts']) {
    assert.equal(sha(join(installed, f)), sha(join(pkg, f)), `${f} differs from web/pkg/rules: npm install --prefix examples/assign-form again`);
  }
});

test('the example type-checks against the declarations (tsc), and the checks can fail', () => {
  npm(['run', '--silent', 'typecheck'], example);
  // A consumer that passes the wrong document must not compile.
  const dir = mkdtempSync(join(example, '.type-fail-'));
  try {
    writeFileSync(
      join(dir, 'bad.ts'),
      "import { load } from '@ocpolicy/rules/eligibility';\n" +
        "export async function f() { const r = await load(); const t = r.tenant('{}'); if (t.ok) t.ok.check({ AssignNumber: { target: 7 } }); }\n",
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['bad.ts'] }));
    let out = '';
    try {
      execFileSync(join(example, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      out = String(e.stdout);
    }
    assert.match(out, /bad\.ts.*error TS\d+/s, `tsc accepted a request whose target is a number: ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The built form in Chromium, at `url`: invalid values show their codes
 * and fixes beside the fields, the submit is held, and once fixed it goes. */
async function walk(url, shot) {
  const context = await launch();
  try {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    const user = page.locator('#user');
    const number = page.locator('#number');

    // Half-typed: nothing is flagged while the user types on.
    await number.pressSequentially('+1425', { delay: 20 });
    assert.equal(await number.getAttribute('aria-invalid'), null, 'a half-typed number was flagged at once');

    // A user without a phone licence, and a number already assigned.
    await user.fill('dave@contoso.com');
    await number.fill('+14255550102');
    await user.focus();
    await page.locator('#type').focus();
    await page.waitForFunction(() => document.querySelector('#number')?.getAttribute('aria-invalid') === 'true', null, { timeout: 30000 });
    const describedBy = await number.getAttribute('aria-describedby');
    assert.ok(describedBy, 'the invalid number field names no description');
    const beside = await page.locator(`#${describedBy}`).innerText();
    assert.match(beside, /ELIG-[A-Z-]+/, beside);
    assert.match(beside, /Fix: /, beside);
    const userMessages = await page.locator(`#${await user.getAttribute('aria-describedby')}`).innerText();
    assert.match(userMessages, /ELIG-LIC-PHONE/, userMessages);
    const verdict = await page.locator('#verdict').innerText();
    assert.match(verdict, /^Not allowed: ELIG-[A-Z-]+: .+/, `the verdict gives no reason: ${verdict}`);
    assert.equal(await page.locator('#verdict').getAttribute('role'), 'status');

    // Submitting now is held back, with focus on the first invalid field.
    await page.locator('button[type=submit]').click();
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => document.body.dataset.submitted), undefined, 'an invalid form was submitted');

    // Fixed: a licensed user and a free number; the verdict and the fields clear.
    await user.fill('alice@contoso.com');
    await number.fill('+14255550101');
    await page.locator('#type').focus();
    await page.waitForFunction(() => document.querySelector('#verdict')?.dataset.allowed === 'true', null, { timeout: 30000 });
    assert.equal(await number.getAttribute('aria-invalid'), null);
    assert.equal(await user.getAttribute('aria-describedby'), null);
    await page.locator('button[type=submit]').click();
    await page.waitForSelector('body[data-submitted="true"]', { timeout: 30000 });
    assert.match(await page.locator('#done').innerText(), /Assigned \+14255550101 to alice@contoso\.com/);
    mkdirSync(join(web, 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(web, 'artifacts', shot), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

const tenantFile = join(root, 'tests', 'examples', 'demo-tenant.json');

/** Build the example with `npm run <script>` into `out`, check what it
 * emitted (`emitted(files)` asserts on the folder's names, `assets/` as well
 * for Vite), then serve it with the demo tenant and walk it in Chromium. */
async function buildAndWalk(script, out, shot, emitted) {
  npm(['run', '--silent', script], example);
  const dist = join(example, out);
  const files = readdirSync(dist, { recursive: true }).map(String);
  emitted(files);
  const server = await serve(0, { dir: dist, files: { '/tenant.json': tenantFile } });
  try {
    await walk(`http://127.0.0.1:${server.address().port}/`, shot);
  } finally {
    server.close();
  }
}

const wasm = (files) => files.filter((f) => f.endsWith('.wasm'));

test('the example form, bundled by Vite, shows codes and fixes beside the fields and submits once fixed', async () => {
  await buildAndWalk('build', 'dist', 'assign-form.png', (files) => {
    assert.ok(wasm(files).some((f) => f.startsWith('assets')), `Vite shipped no .wasm: ${files.join(', ')}`);
  });
});

test('the same form bundled by webpack 5: the .wasm files and the worker are emitted with no copying, and it behaves the same', async () => {
  // Both modules (the first, and the full one the worker loads) come from
  // the package's own `new URL(…, import.meta.url)`.
  await buildAndWalk('build:webpack', 'dist-webpack', 'assign-form-webpack.png', (files) => {
    assert.equal(wasm(files).length, 2, `webpack emitted: ${files.join(', ')}`);
  });
});

test('the same form bundled by esbuild with the package\'s plugin: the .wasm files and the worker are emitted beside it, and it behaves the same', async () => {
  await buildAndWalk('build:esbuild', 'dist-esbuild', 'assign-form-esbuild.png', (files) => {
    assert.equal(wasm(files).length, 2, `esbuild emitted: ${files.join(', ')}`);
    assert.equal(files.filter((f) => /^ocpolicy-worker-.*\.js$/.test(f)).length, 1, `esbuild emitted no worker: ${files.join(', ')}`);
  });
});
