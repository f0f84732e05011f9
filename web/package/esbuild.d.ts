// @ocpolicy/rules/esbuild: the esbuild plugin that emits the package's .wasm
// modules and the numbering plan's worker beside an esbuild bundle.
import type { Plugin } from 'esbuild';

/** The plugin: `plugins: [ocpolicyRules()]`, with `format: 'esm'` and an `outdir`. */
export default function ocpolicyRules(): Plugin;
