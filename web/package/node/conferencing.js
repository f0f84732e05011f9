// @ocpolicy/rules/conferencing in Node 20+: the conferencing rules: bridges, dial-out routing, dial plans.
// The same API as in the browser; the modules are read from the package's
// files, and the full module runs in this thread.
import { readFile } from 'node:fs/promises';
import * as glue from '../wasm/conferencing/ocpolicy.js';
import { loadWith } from '../src/core.js';

export { planPending, fetchTenant, configOf, Rules } from '../src/core.js';

const sources = {
  first: () => readFile(new URL('../wasm/conferencing/ocpolicy_bg.wasm', import.meta.url)),
  full: async () => [await import('../wasm/full/ocpolicy.js'), readFile(new URL('../wasm/full/ocpolicy_bg.wasm', import.meta.url))],
  worker: null,
};

/** Load the first module; see the package's README. */
export function load(options = {}) {
  return loadWith(glue, sources, { ...options, numberingPlan: options.numberingPlan && 'page' });
}
