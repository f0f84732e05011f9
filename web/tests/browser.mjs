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
