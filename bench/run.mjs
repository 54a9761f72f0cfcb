// `./x bench`: first-load size and first-render time of the release build in dist/.
//
//   node bench/run.mjs            (after `trunk build --release`; `./x bench` does both)
//   BENCH_LOADS=20 node bench/run.mjs
//
// Sizes: every file the page loads, raw / gzip -9 / brotli q11 (what a static host serves
// precompressed), from node's zlib, and two sums that must not be mistaken for each other:
//   - first load (issue 14: "what a first visit needs before its first screen"): the HTML,
//     which carries the first screen, and what in it blocks rendering (its stylesheets and
//     classic scripts without async/defer, read from dist/index.html); budget 200 KB gzip;
//   - until interactive: the first load plus the JS glue and the wasm, which the app needs
//     before it answers a click (no budget: reported);
// and the wasm alone. Times: medians over cold loads in headless
// Chromium (a new browser context each, so no cache), measured in the page with
// performance.now() from navigation start: first render, to the animation frame in which
// [data-testid=pipeline] is first in the DOM (from the HTML), next to the same figure for
// an empty page from the same server; and app running, to the frame after the wasm took
// over the painted screen, every region of it (nothing inert left in #app). Exits 1 if a
// budget is exceeded.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/browser.mjs';
import { serve } from '../tests/e2e/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.STAGECRAFT_DIST ?? join(root, 'dist'); // another build: STAGECRAFT_DIST=dir
const LOADS = Math.max(10, Number(process.env.BENCH_LOADS ?? 15));
const SIZE_BUDGET = 200_000; // bytes, gzip, first load (before the first screen paints)
const SELECTOR = '[data-testid=pipeline]';
// The wasm's render: the painted first screen is inert until it is replaced.
const RUNNING = '#app > .app:not([inert]):not(:has([inert]))';

const kb = (n) => (n / 1000).toFixed(1).padStart(8) + ' KB';
const ms = (n) => n.toFixed(1).padStart(7) + ' ms';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- sizes ---------------------------------------------------------------------------
function sizes() {
  const files = readdirSync(dist).filter((f) => statSync(join(dist, f)).isFile());
  const kind = (f) =>
    f.endsWith('.wasm') ? 'wasm' : f.endsWith('.js') ? 'JS glue' : f.endsWith('.css') ? 'CSS' : f.endsWith('.html') ? 'HTML' : f.endsWith('.svg') ? 'icon' : 'other';
  const measure = (f) => {
    const raw = readFileSync(join(dist, f));
    return {
      file: f,
      kind: kind(f),
      raw: raw.length,
      gzip: gzipSync(raw, { level: 9 }).length,
      brotli: brotliCompressSync(raw, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }).length,
    };
  };
  const rows = files.map(measure);
  const order = ['HTML', 'JS glue', 'wasm', 'CSS', 'icon', 'other'];
  rows.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  // Every top-level file of dist/ is fetched on the first visit (the icon included).
  const total = (k) => rows.reduce((s, r) => s + r[k], 0);
  // dist/lessons/ is fetched only when the lesson picker first opens (tests/e2e checks
  // that a cold load asks for none of it): reported, not counted in the first load.
  const later = readdirSync(join(dist, 'lessons')).map((f) => {
    const raw = readFileSync(join(dist, 'lessons', f));
    return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length, files: 1 };
  });
  const deferred = later.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip, files: a.files + 1 }), { raw: 0, gzip: 0, files: 0 });
  // dist/docs/ (the trainer's guide) is fetched only when the guide first opens.
  const guideRaw = readFileSync(join(dist, 'docs', 'TRAINERS-GUIDE.md'));
  const guide = { raw: guideRaw.length, gzip: gzipSync(guideRaw, { level: 9 }).length };
  const sum = (list) => ({ raw: list.reduce((s, r) => s + r.raw, 0), gzip: list.reduce((s, r) => s + r.gzip, 0), brotli: list.reduce((s, r) => s + r.brotli, 0) });
  // Render-blocking: what the HTML names as a stylesheet, or as a classic script without
  // async or defer (module scripts, preloads and icons never hold the first paint back).
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const blocking = new Set();
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    if (/\brel="?stylesheet"?/.test(tag)) blocking.add(tag.match(/\bhref="\/?([^"]+)"/)?.[1]);
  }
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) {
    if (/\bsrc=/.test(tag) && !/\b(async|defer)\b|type="?module"?/.test(tag)) blocking.add(tag.match(/\bsrc="\/?([^"]+)"/)?.[1]);
  }
  const firstLoadRows = rows.filter((r) => r.kind === 'HTML' || blocking.has(r.file));
  const firstLoad = { ...sum(firstLoadRows), files: firstLoadRows.map((r) => r.file) };
  const interactiveRows = [...firstLoadRows, ...rows.filter((r) => r.kind === 'JS glue' || r.kind === 'wasm')];
  const interactive = { ...sum(interactiveRows), files: interactiveRows.map((r) => r.file) };
  const wasmTotal = sum(rows.filter((r) => r.kind === 'wasm'));
  return { rows, deferred, guide, firstLoad, interactive, wasmTotal, total: { raw: total('raw'), gzip: total('gzip'), brotli: total('brotli') } };
}

// ---- first render ----------------------------------------------------------------------
const PROBE = `(() => {
  const sel = ${JSON.stringify(SELECTOR)};
  const running = ${JSON.stringify(RUNNING)};
  const seen = () => {
    if (window.__benchInDom === undefined && document.querySelector(sel)) {
      window.__benchInDom = performance.now();
      requestAnimationFrame(() => { window.__benchFrame = performance.now(); });
    }
    if (window.__benchRunning === undefined && document.querySelector(running)) {
      window.__benchRunning = 0;
      requestAnimationFrame(() => { window.__benchRunning = performance.now(); });
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['inert'] });
  document.addEventListener('DOMContentLoaded', seen);
})();`;

const EMPTY = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>empty</title></head>
<body><svg data-testid="pipeline" width="1" height="1"></svg></body></html>`;

async function firstRender(browser, url, app = false) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(PROBE);
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__benchFrame !== undefined, null, { timeout: 20_000, polling: 10 });
    const times = await page.evaluate(() => ({ inDom: window.__benchInDom, frame: window.__benchFrame }));
    if (!app) return times;
    await page.waitForFunction(() => window.__benchRunning > 0, null, { timeout: 30_000, polling: 10 });
    return { ...times, running: await page.evaluate(() => window.__benchRunning) };
  } finally {
    await context.close();
  }
}

async function timings() {
  const server = await serve(dist, { pages: { '/__bench/empty.html': EMPTY } });
  const browser = await launch();
  try {
    const app = server.url + '/';
    const empty = server.url + '/__bench/empty.html';
    await firstRender(browser, empty); // warm-up, discarded
    await firstRender(browser, app, true);
    const runs = { app: [], empty: [], running: [] };
    for (let i = 0; i < LOADS; i++) {
      runs.empty.push((await firstRender(browser, empty)).frame);
      const r = await firstRender(browser, app, true);
      runs.app.push(r.frame);
      runs.running.push(r.running);
    }
    return { runs, browser: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}

// ---- report ------------------------------------------------------------------------------
const { rows, deferred, guide, firstLoad, interactive, wasmTotal, total } = sizes();
console.log(`Stagecraft bench, ${new Date().toISOString().slice(0, 10)}: release build in dist/\n`);
console.log('Download size (gzip -9, brotli q11)' + ' '.repeat(10) + '      raw        gzip      brotli');
for (const r of rows) {
  const name = `${r.kind.padEnd(8)} ${r.file}`.slice(0, 44).padEnd(44);
  console.log(`  ${name} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
}
console.log(`  ${`later: lessons/ (${deferred.files} files, when the picker opens)`.padEnd(44)} ${kb(deferred.raw)} ${kb(deferred.gzip)}`);
console.log(`  ${'later: docs/ (the guide, when it opens)'.padEnd(44)} ${kb(guide.raw)} ${kb(guide.gzip)}`);
console.log(`  ${'every top-level file of dist/'.padEnd(44)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);
console.log('');
console.log(`  ${'FIRST LOAD, before the first screen paints'.padEnd(44)} ${kb(firstLoad.raw)} ${kb(firstLoad.gzip)} ${kb(firstLoad.brotli)}`);
console.log(`    (the HTML with the first screen + what it names as render-blocking: ${firstLoad.files.filter((f) => f !== 'index.html').join(', ') || 'nothing'})`);
const sizeOk = firstLoad.gzip <= SIZE_BUDGET;
console.log(`    budget: first load <= ${SIZE_BUDGET / 1000} KB gzip: ${(firstLoad.gzip / 1000).toFixed(1)} KB -> ${sizeOk ? 'OK' : 'OVER BUDGET'}`);
console.log(`  ${'UNTIL INTERACTIVE, before the app answers'.padEnd(44)} ${kb(interactive.raw)} ${kb(interactive.gzip)} ${kb(interactive.brotli)}`);
console.log(`    (the first load + JS glue + wasm; no budget: reported)`);
console.log(`  ${'total wasm'.padEnd(44)} ${kb(wasmTotal.raw)} ${kb(wasmTotal.gzip)} ${kb(wasmTotal.brotli)}\n`);

const { runs, browser } = await timings();
const app = median(runs.app);
const empty = median(runs.empty);
const limit = 1.5 * empty + 150;
const timeOk = app <= limit;
console.log(`First render: navigation -> frame with ${SELECTOR} in the DOM, median of ${LOADS} cold loads (Chromium ${browser})`);
console.log(`  app (release build)   ${ms(app)}   (min ${ms(Math.min(...runs.app)).trim()}, max ${ms(Math.max(...runs.app)).trim()})`);
console.log(`  empty page baseline   ${ms(empty)}   (min ${ms(Math.min(...runs.empty)).trim()}, max ${ms(Math.max(...runs.empty)).trim()})`);
console.log(`  ratio app / empty     ${(app / empty).toFixed(2).padStart(7)} x`);
console.log(`  budget: <= 1.5 x empty + 150 ms = ${limit.toFixed(1)} ms -> ${timeOk ? 'OK' : 'OVER BUDGET'}`);
console.log(`  app running           ${ms(median(runs.running))}   (the wasm took over the painted screen, every region of it; min ${ms(Math.min(...runs.running)).trim()}, max ${ms(Math.max(...runs.running)).trim()})`);

const outDir = join(root, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'latest.json'),
  JSON.stringify({ date: new Date().toISOString(), sizes: rows, firstLoad, interactive, wasmTotal, total, deferred, budgetBytes: SIZE_BUDGET, loads: LOADS, runs, medianMs: { app, empty, running: median(runs.running) }, limitMs: limit }, null, 2) + '\n',
);
if (!sizeOk || !timeOk) process.exitCode = 1;
