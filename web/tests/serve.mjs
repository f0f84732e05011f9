// A static file server for web/ (the tests' stand-in for `ocpolicy serve`,
// which serves the same files at /), or for another folder (`dir`), with
// `files` mapping extra URL paths to files. Run alone: node tests/serve.mjs [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
};

export function serve(port = 0, { dir = root, files = {}, cache = false } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    if (path.endsWith('/')) path += 'index.html';
    if (!(path in files) && (path.includes('node_modules') || path.includes('/tests/'))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(files[path] ?? join(dir, path));
      res.writeHead(200, {
        'content-type': TYPES[extname(path)] || 'application/octet-stream',
        // The benchmark's warm loads come from the HTTP cache; the tests see every change.
        'cache-control': cache ? 'max-age=3600' : 'no-store',
        // Cross-origin isolation: performance.now() at 5 µs rather than 100 µs
        // resolution, for the keystroke benchmark; the page needs nothing cross-origin.
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(Number(process.argv[2] || 8081));
  console.log(`serving web/ at http://127.0.0.1:${server.address().port}/`);
}
