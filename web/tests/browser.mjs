// Headless Debian Chromium through playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  // A fresh profile each run; the flags keep Chromium off this machine's closed network.
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ocpolicy-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
}

/** Collect console errors and page errors; the tests fail on any. */
export function watch(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return problems;
}

/** A fresh browser on `url`, once the console has started: the context, the
 * page, and the list of console and page errors seen (tests assert it empty). */
export async function openConsole(url) {
  const context = await launch();
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return { context, page, problems };
}

/**
 * axe-core (npm) on the page as it is: its WCAG 2.x A/AA rules' violations,
 * as `rule: target (summary)` lines (the tests assert none). Injected through
 * the DevTools protocol, so the server's Content-Security-Policy stays on.
 */
export async function axe(page, context = 'main') {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(
    async (ctx) =>
      (await window.axe.run(ctx, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations,
    context,
  );
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary?.split('\n')[1]?.trim() ?? v.help})`));
}

/** Does the page scroll sideways at its current width? */
export const overflows = (page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** Wait until the form holding `selector` has checked what was typed (it
 * checks on a pause in typing, or when the field is left). */
export const checked = (page, selector) =>
  page.waitForFunction((s) => document.querySelector(s)?.form?.dataset.state === 'checked', selector);

/**
 * Press Tab (Shift+Tab with `back`) until the focus is on `selector`, as
 * someone using the keyboard alone reaches it; fails if `max` presses never
 * get there (the control is not in the tab order). Returns the presses.
 */
export async function tabTo(page, selector, { back = false, max = 400 } = {}) {
  for (let i = 0; i <= max; i++) {
    if (await page.evaluate((s) => Boolean(document.activeElement?.matches(s)), selector)) return i;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${selector}`);
}

/** In the focused <select>, move with the arrow keys to the option whose
 * value is `value` (or whose text matches it, for a RegExp). */
export async function arrowTo(page, value) {
  const target = await page.evaluate((v) => {
    const s = document.activeElement;
    if (s?.tagName !== 'SELECT') return null;
    const want = typeof v === 'string' ? (o) => o.value === v : (o) => new RegExp(v.source, v.flags).test(o.textContent);
    const i = [...s.options].findIndex(want);
    return i < 0 ? null : { index: i, now: s.selectedIndex };
  }, typeof value === 'string' ? value : { source: value.source, flags: value.flags });
  if (!target) throw new Error(`the focused element is not a select with an option ${value}`);
  const key = target.index > target.now ? 'ArrowDown' : 'ArrowUp';
  for (let i = 0; i < Math.abs(target.index - target.now); i++) await page.keyboard.press(key);
  const at = await page.evaluate(() => document.activeElement.selectedIndex);
  if (at !== target.index) throw new Error(`the arrow keys left the select at option ${at}, not ${target.index}`);
}
