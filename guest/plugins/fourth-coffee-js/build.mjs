// Build the plugin component with componentize-js (npm), against the WIT in
// this repository:  node build.mjs [wit dir] [output file]
// With the features below disabled the component imports nothing but the
// plugin world's own interfaces, like a Rust plugin: no WASI.
import { componentize } from '@bytecodealliance/componentize-js';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const witPath = process.argv[2] ?? join(here, '../../../wit');
const out = process.argv[3] ?? join(here, 'plugin.wasm');
const source = await readFile(join(here, 'src/plugin.js'), 'utf8');
// OCPOLICY_JS_WASI=1 keeps componentize-js's clocks, random and stdio
// features: the component then imports WASI, and its manifest must say
// `wasi = true` (the host links a locked-down WASI for it). HTTP stays off:
// the host offers no network, so a component importing wasi:http is refused.
const wasi = process.env.OCPOLICY_JS_WASI === '1';
const { component } = await componentize(source, {
  witPath,
  worldName: 'rule-plugin',
  disableFeatures: wasi ? ['http', 'fetch-event'] : ['http', 'fetch-event', 'random', 'clocks', 'stdio'],
});
await writeFile(out, component);
console.log(`${out}: ${component.length} bytes`);
