// @ocpolicy/rules/esbuild: an esbuild plugin, for bundling the package with
// esbuild, which does not follow `new URL('./x.wasm', import.meta.url)` yet
// (Vite, Rollup and webpack 5 do, and need nothing). With it, the package's
// .wasm modules are emitted beside the bundle (esbuild's `file` loader), and
// the numbering plan's worker is bundled on its own and emitted there too:
//
//   import * as esbuild from 'esbuild';
//   import ocpolicyRules from '@ocpolicy/rules/esbuild';
//   await esbuild.build({ entryPoints: ['src/main.ts'], bundle: true, format: 'esm',
//     outdir: 'dist', plugins: [ocpolicyRules()] });
//
// It needs `format: 'esm'` (the modules are found from `import.meta.url`)
// and an `outdir`; the emitted files are named relative to the bundle, so
// serve them beside it. It runs in Node, at build time; nothing of it ships.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// The package's own asset references: a literal path, relative to the file.
const ASSET = /new URL\('(\.{1,2}\/[^']+\.(?:wasm|js))', import\.meta\.url\)/g;
const WORKER = '?ocpolicy-worker';

/** The esbuild plugin; see above. */
export default function ocpolicyRules() {
  return {
    name: '@ocpolicy/rules',
    setup(build) {
      const options = build.initialOptions;
      if (options.format !== 'esm') throw new Error("@ocpolicy/rules/esbuild: set format: 'esm' (the modules are found from import.meta.url)");
      if (!options.outdir) throw new Error('@ocpolicy/rules/esbuild: set outdir (the .wasm files are emitted beside the bundle)');
      options.loader = { ...options.loader, '.wasm': 'file' };

      // In the package's modules, each `new URL('./…', import.meta.url)`
      // becomes an import esbuild resolves: a .wasm file, or the worker.
      build.onLoad({ filter: /\.js$/, namespace: 'file' }, async (args) => {
        if (!args.path.startsWith(root + sep)) return undefined;
        const code = await readFile(args.path, 'utf8');
        const imports = [];
        const contents = code.replace(ASSET, (_, path) => {
          const name = `__ocpolicy_asset_${imports.length}`;
          imports.push(`import ${name} from ${JSON.stringify(path.endsWith('.js') ? path + WORKER : path)};`);
          return `new URL(${name}, import.meta.url)`;
        });
        if (!imports.length) return undefined;
        return { contents: `${imports.join('\n')}\n${contents}`, loader: 'js', resolveDir: dirname(args.path) };
      });

      // The worker: its own bundle (this plugin again, for the plan's .wasm),
      // written to the outdir; the import is its name there.
      build.onResolve({ filter: /\?ocpolicy-worker$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -WORKER.length)), namespace: 'ocpolicy-worker' }));
      build.onLoad({ filter: /.*/, namespace: 'ocpolicy-worker' }, async (args) => {
        const result = await build.esbuild.build({
          entryPoints: { [`ocpolicy-${basename(args.path, '.js')}`]: args.path },
          bundle: true,
          format: 'esm',
          outdir: options.outdir,
          entryNames: '[name]-[hash]',
          assetNames: options.assetNames,
          minify: options.minify,
          metafile: true,
          write: options.write !== false,
          plugins: [ocpolicyRules()],
        });
        const out = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)?.[0];
        if (!out) return { errors: [{ text: `@ocpolicy/rules/esbuild: the worker ${args.path} produced no bundle` }] };
        const name = relative(resolve(options.outdir), resolve(out)).split(sep).join('/');
        return { contents: `export default ${JSON.stringify(`./${name}`)};`, loader: 'js', watchFiles: [args.path, join(root, 'wasm', 'full', 'ocpolicy.js')] };
      });
    },
  };
}
