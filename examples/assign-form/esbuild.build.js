// The same form bundled by esbuild (`npm run build:esbuild`, into
// dist-esbuild/). esbuild does not follow `new URL('./x.wasm', import.meta.url)`
// itself; the package's plugin, `@ocpolicy/rules/esbuild`, emits the .wasm
// modules and the numbering plan's worker beside the bundle. The page is
// Vite's index.html, pointed at the bundle and the stylesheet.
import { readFileSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import ocpolicyRules from '@ocpolicy/rules/esbuild';

const outdir = 'dist-esbuild';
await esbuild.build({
  entryPoints: { main: 'src/main.ts', style: 'src/style.css' },
  bundle: true,
  format: 'esm',
  minify: true,
  outdir,
  plugins: [ocpolicyRules()],
  logLevel: 'warning',
});
const page = readFileSync('index.html', 'utf8')
  .replace('<script type="module" src="/src/main.ts"></script>', '<script type="module" src="main.js"></script>')
  .replace('href="/src/style.css"', 'href="style.css"');
if (page.includes('/src/')) throw new Error('index.html names a source esbuild does not build');
writeFileSync(`${outdir}/index.html`, page);
