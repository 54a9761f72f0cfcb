// A tiny static file server for the release build (dist/), used by the end-to-end tests
// and the benchmarks. Loopback only, no dependencies. No compression by default (so sizes
// and timings are what the files are; compressed sizes are computed by bench/run.mjs);
// with { gzip: true } (bench/lighthouse.mjs) text and wasm go out with
// `Content-Encoding: gzip` to a client that accepts it, as a real static host sends them.
//
//   node tests/e2e/server.mjs [dir] [port] [--gzip]   # serve dist/ on 127.0.0.1:8081 by default
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

// What a host compresses: text and wasm, not images that are compressed already.
const COMPRESSIBLE = /^(text\/|application\/(wasm|json)|image\/svg\+xml)/;

/**
 * Serve `root` on 127.0.0.1. `pages` maps extra URL paths to in-memory HTML (the
 * benchmark's empty baseline page); `gzip` compresses (gzip -9, once per file) what a
 * client accepts gzipped. Resolves to { url, close() } once listening.
 */
export async function serve(root, { port = 0, pages = {}, gzip = false } = {}) {
  const base = resolve(root);
  const gzipped = new Map();
  const send = (res, req, status, type, body, key) => {
    const headers = { 'Content-Type': type, 'Cache-Control': 'no-store' };
    if (gzip && COMPRESSIBLE.test(type)) {
      headers.Vary = 'Accept-Encoding';
      if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        if (!gzipped.has(key)) gzipped.set(key, gzipSync(body, { level: 9 }));
        body = gzipped.get(key);
        headers['Content-Encoding'] = 'gzip';
      }
    }
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (Object.hasOwn(pages, path)) {
        send(res, req, 200, MIME['.html'], Buffer.from(pages[path]), `page:${path}`);
        return;
      }
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file).catch(() => null);
      if (!body) {
        send(res, req, 404, MIME['.txt'], Buffer.from('not found\n'), 'not found');
        return;
      }
      send(res, req, 200, MIME[extname(file)] ?? 'application/octet-stream', body, file);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const { port: actual } = server.address();
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const gzip = args.includes('--gzip');
  const [dir = 'dist', port = '8081'] = args.filter((a) => a !== '--gzip');
  const { url } = await serve(dir, { port: Number(port), gzip });
  console.log(`serving ${resolve(dir)} on ${url}${gzip ? ' (gzip)' : ''}`);
}
