// @ocpolicy/rules/eligibility: the eligibility rules (ELIG-*): numbers, assignments, uploads, operators.
// The first module (no numbering plan) loads with `load()`; the full one, when
// asked (`rules.loadNumberingPlan()`, or `load({ numberingPlan: 'worker' })`).
// The `new URL(…, import.meta.url)` below are what bundlers (Vite/Rollup,
// webpack 5) follow to ship the `.wasm` files. They must be literal in each
// entry point, which is why the entry points repeat one another; esbuild does
// not rewrite them yet (the plugin @ocpolicy/rules/esbuild does it for esbuild).
import * as glue from './wasm/eligibility/ocpolicy.js';
import { loadWith } from './src/core.js';

export { planPending, fetchTenant, configOf, Rules } from './src/core.js';

const sources = {
  first: () => new URL('./wasm/eligibility/ocpolicy_bg.wasm', import.meta.url),
  full: async () => [await import('./wasm/full/ocpolicy.js'), new URL('./wasm/full/ocpolicy_bg.wasm', import.meta.url)],
  worker: () => new Worker(new URL('./src/worker.js', import.meta.url), { type: 'module' }),
};

/** Load the first module; see the package's README. */
export function load(options = {}) {
  return loadWith(glue, sources, options);
}
