// The browser benchmark (not a test: nothing here passes or fails). Prints:
//   1. the size of each first module of the npm package @ocpolicy/rules
//      (wasm plus the JS it loads: glue, entry point, core), gzip and brotli,
//      and of the full module that loads when asked;
//   2. the time from page load to the first validation, from a warm cache
//      (median of N loads after one cold load);
//   3. the per-keystroke validation time in Chromium, p50 and p95, from
//      performance.now() around the console's own input handler over many
//      synthetic inputs, per field.
// Run: npm run bench --prefix web   (after web/build.sh)
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/serve.mjs';
import { launch } from '../tests/browser.mjs';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = join(web, 'pkg', 'rules');
const LOADS = Number(process.env.LOADS || 15);
const KEYS = Number(process.env.KEYS || 2000);

function size(files) {
  return sizeIn(pkg, files);
}

function sizeIn(dir, files) {
  let raw = 0;
  let gz = 0;
  let br = 0;
  for (const f of files) {
    const b = readFileSync(join(dir, f));
    raw += b.length;
    // GNU gzip -9, as web/build.sh precompresses what `ocpolicy serve` sends
    // (zlib's level 9 comes out about 3% larger on the wasm).
    gz += execFileSync('gzip', ['-9', '-n', '-c', join(dir, f)], { maxBuffer: 1 << 30 }).length;
    br += brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gz, br };
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const module = (m, entry) => [`wasm/${m}/ocpolicy_bg.wasm`, `wasm/${m}/ocpolicy.js`, entry, 'src/core.js'];

console.log('1. First module per entry point of @ocpolicy/rules (wasm + glue + entry + core JS)  [target 150 KB gzip]');
for (const [name, m, entry] of [
  ['@ocpolicy/rules/eligibility', 'eligibility', 'eligibility.js'],
  ['@ocpolicy/rules/emergency', 'emergency', 'emergency.js'],
  ['@ocpolicy/rules/conferencing', 'conferencing', 'conferencing.js'],
  ['@ocpolicy/rules (every family)', 'all', 'index.js'],
]) {
  const w = size([`wasm/${m}/ocpolicy_bg.wasm`]);
  const t = size(module(m, entry));
  console.log(`   ${name.padEnd(31)} ${kb(t.raw).padStart(9)} raw  ${kb(t.gz).padStart(8)} gzip  ${kb(t.br).padStart(8)} brotli  (wasm ${kb(w.gz)} gzip)`);
}
const form = size(['form.js']);
console.log(`   @ocpolicy/rules/form            ${kb(form.raw).padStart(9)} raw  ${kb(form.gz).padStart(8)} gzip  ${kb(form.br).padStart(8)} brotli`);
const full = size(['wasm/full/ocpolicy_bg.wasm', 'wasm/full/ocpolicy.js', 'src/worker.js']);
console.log(`   full module (plan), when asked  ${kb(full.raw).padStart(9)} raw  ${kb(full.gz).padStart(8)} gzip  ${kb(full.br).padStart(8)} brotli`);

const server = await serve(0, { cache: true });
const url = `http://127.0.0.1:${server.address().port}/`;
const context = await launch();
try {
  const page = await context.newPage();
  const firsts = [];
  const families = [];
  const plans = [];
  let firstLoad = [];
  // One cold load fills the HTTP cache (and V8's code cache for the modules);
  // the timed loads come from it.
  await page.goto(`${url}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-plan="ready"]', { timeout: 60000 });
  for (let i = 0; i < LOADS; i++) {
    await page.goto(`${url}`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-plan="ready"]', { timeout: 60000 });
    const m = await page.evaluate(() => window.ocpolicy.metrics);
    firsts.push(m.firstValidationMs);
    families.push(m.familiesReadyMs);
    plans.push(m.planReadyMs);
    firstLoad = m.firstLoad;
  }
  const pct = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  };
  console.log(`2. Page load to first validation, warm cache: median ${pct(firsts, 50).toFixed(1)} ms, p95 ${pct(firsts, 95).toFixed(1)} ms over ${LOADS} loads  [target 100 ms]`);
  console.log(`   (every family's rules in, for the emergency and conferencing screens: median ${pct(families, 50).toFixed(0)} ms;`);
  console.log(`    full numbering plan ready in the worker: median ${pct(plans, 50).toFixed(0)} ms; typing never waits for either)`);
  // What the console had fetched by its first check (the page itself
  // included), as `ocpolicy serve` sends it: gzip -9.
  const files = ['index.html', ...firstLoad.map((p) => p.replace(/^\//, ''))];
  const ofPkg = files.filter((f) => f.startsWith('pkg/rules/'));
  const rules = size(ofPkg.map((f) => f.slice('pkg/rules/'.length)));
  const ownFiles = files.filter((f) => !f.startsWith("pkg/"));
  const data = files.filter((f) => f.startsWith('pkg/') && !f.startsWith('pkg/rules/'));
  const own = sizeIn(web, ownFiles);
  const tenant = sizeIn(web, data);
  console.log(`   Console first load, by its first check: ${kb(rules.gz + own.gz)} gzip (${kb(rules.br + own.br)} brotli) = the rules ${kb(rules.gz)} (${ofPkg.length} files)`);
  console.log(`   + the console's own page, modules and style ${kb(own.gz)} (${ownFiles.length} files); the tenant snapshot ${kb(tenant.gz)} besides`);

  // Many synthetic inputs per panel, each checked as the panel checks a typed value.
  const timings = await page.evaluate(async (KEYS) => {
    const inputs = {
      'assign number': ['#assign-number', (i) => ['+1425555', '+14255550101', 'tel:+1', '+1425555010' + (i % 10), '+44 20'][i % 5]],
      'address postal code': ['#address-postal_code', (i) => ['', '9', '98', '980', '9805', '98052'][i % 6]],
      'network BSSID': ['#network-bssid', (i) => ['F0-6E-0B-C2-04-1A', 'F0-6E', 'zz', 'F0-6E-0B-C2-04-' + (10 + (i % 80))][i % 4]],
      'bridge default': ['#bridge-default', (i) => ['+14255550000', '+1999', '+18005551234', '+4930123456'][i % 4]],
      'dial-out': ['#dialout-dialed', (i) => ['+442071234567', '+1425555' + (i % 1000), '0044207', '+33 1'][i % 4]],
    };
    const { engine, panels } = window.ocpolicy;
    const q = (ts) => {
      ts.sort((a, b) => a - b);
      return { p50: ts[Math.floor(ts.length * 0.5)], p95: ts[Math.floor(ts.length * 0.95)] };
    };
    const out = {};
    for (const [name, [sel, value]] of Object.entries(inputs)) {
      const el = document.querySelector(sel);
      const panel = panels.find((p) => p.form.contains(el));
      const ts = [];
      const rules = [];
      // Rendering timed wherever it runs: a check the numbering plan must
      // finish renders when the worker answers, in a later task.
      let rendered = 0;
      const render = panel.render.bind(panel);
      panel.render = (...args) => {
        const t = performance.now();
        render(...args);
        rendered = performance.now() - t;
      };
      for (let i = 0; i < KEYS; i++) {
        el.value = value(i);
        // The check a keystroke ends in (after the typing pause, or on
        // leaving the field): the rules and re-rendering the panel, the
        // rendering of the worker's answer included (the worker's own time
        // is not the page's, and is left out).
        let t = performance.now();
        panel.validate();
        let spent = performance.now() - t;
        if (panel.settled) {
          rendered = 0;
          await panel.settled;
          spent += rendered;
        }
        ts.push(spent);
        // The package's call alone, on the same input: what the panel's
        // rendering adds is the difference.
        const call = panel.describe();
        t = performance.now();
        if (call.on) engine[call.on][call.method](call.input);
        else engine.rules.run(call.kind, call.input);
        rules.push(performance.now() - t);
      }
      panel.render = render;
      out[name] = { ...q(ts), rules: q(rules) };
    }
    return out;
  }, KEYS);
  console.log(`3. Per-keystroke validation in Chromium (${KEYS} synthetic inputs each; rules plus re-rendering the panel)  [target p95 0.2 ms]`);
  for (const [name, t] of Object.entries(timings)) {
    console.log(`   ${name.padEnd(20)} p50 ${t.p50.toFixed(3)} ms  p95 ${t.p95.toFixed(3)} ms   (the rules call alone: p50 ${t.rules.p50.toFixed(3)} ms  p95 ${t.rules.p95.toFixed(3)} ms)`);
  }
} finally {
  await context.close();
  server.close();
}
