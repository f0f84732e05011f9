import type { Family } from './types.js';
import type { LoadOptions, Rules } from './src/core.js';

export type * from './types.js';
export type * from './src/core.js';
export { planPending, configOf, fetchTenant } from './src/core.js';

/** Load the first module (every family); see the package's README. */
export function load(options?: LoadOptions): Promise<Rules<Family>>;
