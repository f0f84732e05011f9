// The browser benchmark (not a test: nothing here passes or fails). Prints:
//   1. the bundle size, wasm plus JS, raw and gzip: what the first interaction
//      needs, and the full module that loads after it;
//   2. the time from page load to the first validation (median of N loads);
//   3. the per-keystroke validation time in Chromium, p50 and p95, from
//      performance.now() around the page's own input handler over many
//      synthetic inputs, per panel.
// Run: npm run bench --prefix web   (after web/build.sh)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/serve.mjs';
import { launch } from '../tests/browser.mjs';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const LOADS = Number(process.env.LOADS || 15);
const KEYS = Number(process.env.KEYS || 2000);

function size(files) {
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const b = readFileSync(join(web, f));
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  return { raw, gz };
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const first = {
  wasm: size(['pkg/lite/ocpolicy_bg.wasm']),
  js: size(['pkg/lite/ocpolicy.js', 'rules.js', 'app.js']),
  page: size(['index.html', 'style.css', 'pkg/demo-snapshot.json']),
};
const full = { wasm: size(['pkg/full/ocpolicy_bg.wasm']), js: size(['pkg/full/ocpolicy.js', 'worker.js']) };

console.log('1. Bundle size');
console.log(`   first interaction  wasm ${kb(first.wasm.raw)} (${kb(first.wasm.gz)} gzip) + JS ${kb(first.js.raw)} (${kb(first.js.gz)} gzip)`);
console.log(`                      = ${kb(first.wasm.raw + first.js.raw)} raw, ${kb(first.wasm.gz + first.js.gz)} gzip  [target 150 KB gzip]`);
console.log(`                      (+ page, stylesheet and demo tenant ${kb(first.page.gz)} gzip)`);
console.log(`   full module, lazy  wasm ${kb(full.wasm.raw)} (${kb(full.wasm.gz)} gzip) + JS ${kb(full.js.raw)} (${kb(full.js.gz)} gzip), in a Web Worker after first paint`);

const server = await serve(0);
const url = `http://127.0.0.1:${server.address().port}/`;
const context = await launch();
try {
  const page = await context.newPage();
  const firsts = [];
  const plans = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto(`${url}?load=${i}`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-plan="ready"]', { timeout: 60000 });
    const m = await page.evaluate(() => window.ocpolicy.metrics);
    firsts.push(m.firstValidationMs);
    plans.push(m.planReadyMs);
  }
  const pct = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  };
  console.log(`2. Page load to first validation: median ${pct(firsts, 50).toFixed(1)} ms, p95 ${pct(firsts, 95).toFixed(1)} ms over ${LOADS} loads  [target 100 ms]`);
  console.log(`   (full numbering plan ready in the worker: median ${pct(plans, 50).toFixed(0)} ms; typing never waits for it)`);

  // Many synthetic inputs per panel, each through the page's own input handler.
  const timings = await page.evaluate((KEYS) => {
    const inputs = {
      'assign number': ['#assign-number', (i) => ['+1425555', '+14255550101', 'tel:+1', '+1425555010' + (i % 10), '+44 20'][i % 5]],
      'address postal code': ['#address-postal_code', (i) => ['', '9', '98', '980', '9805', '98052'][i % 6]],
      'network BSSID': ['#network-bssid', (i) => ['F0-6E-0B-C2-04-1A', 'F0-6E', 'zz', 'F0-6E-0B-C2-04-' + (10 + (i % 80))][i % 4]],
      'bridge default': ['#bridge-default', (i) => ['+14255550000', '+1999', '+18005551234', '+4930123456'][i % 4]],
      'dial-out': ['#dialout-dialed', (i) => ['+442071234567', '+1425555' + (i % 1000), '0044207', '+33 1'][i % 4]],
    };
    const out = {};
    for (const [name, [sel, value]] of Object.entries(inputs)) {
      const el = document.querySelector(sel);
      const ts = [];
      for (let i = 0; i < KEYS; i++) {
        el.value = value(i);
        const t = performance.now();
        el.dispatchEvent(new Event('input', { bubbles: true }));
        ts.push(performance.now() - t);
      }
      ts.sort((a, b) => a - b);
      out[name] = { p50: ts[Math.floor(ts.length * 0.5)], p95: ts[Math.floor(ts.length * 0.95)] };
    }
    return out;
  }, KEYS);
  console.log(`3. Per-keystroke validation in Chromium (${KEYS} synthetic inputs each; rules plus re-rendering the panel)  [target p95 0.2 ms]`);
  for (const [name, t] of Object.entries(timings)) {
    console.log(`   ${name.padEnd(20)} p50 ${t.p50.toFixed(3)} ms  p95 ${t.p95.toFixed(3)} ms`);
  }
} finally {
  await context.close();
  server.close();
}
