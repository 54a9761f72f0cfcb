// `./x split-profile`: write tools/split/keep.txt, the functions the first load carries.
//
// It instruments the whole release build (kept by split.mjs in target/split/) with
// wasm-split, opens it in headless Chromium the ways a first screen is reached, and keeps
// every function that ran before the screen was up and had settled: a fresh visit on a
// laptop (1280 px, dark) and on a phone (375 px, light). A returning visitor (anything
// stored: display preferences, lesson records, an autosaved session) or a shared link
// gets both parts before the app starts (late.js), so their code need not be kept here:
// a stored session or a link replays at start and needs most of the engine (+97 KB gzip
// if kept), stored preferences alone +12 KB; and a returning visitor's cache likely holds
// the late part already.
// Run it after `trunk build --release` whenever the first screen's code changed (the build
// says so when keep.txt names functions that no longer exist).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../../tests/e2e/browser.mjs';
import { serve } from '../../tests/e2e/server.mjs';
import { FEATURES, KEEP, WASM_SPLIT, WORK, fail, run } from './split.mjs';
import { mendTableExports } from './wasm.mjs';

const root = join(WORK, '..', '..');
const dir = join(WORK, 'profile');
const site = join(dir, 'site');

// How the first screen is reached. Each runs in a fresh browser context.
const VISITS = [
  { name: 'laptop', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
  { name: 'phone', viewport: { width: 375, height: 812 }, colorScheme: 'light' },
];
export const SETTLE_MS = 1500;

function instrument() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  // The whole build, table.fill already mended, as split.mjs left it.
  const input = join(WORK, 'input.wasm');
  const instrumented = join(site, 'instrumented.wasm');
  run(WASM_SPLIT, [...FEATURES, '--instrument', input, '-o', instrumented]);
  const out = readFileSync(instrumented);
  mendTableExports(readFileSync(input), out);
  writeFileSync(instrumented, out);

  // trunk's page, with its script replaced by one that keeps the exports at hand.
  cpSync(join(root, 'dist'), site, { recursive: true });
  writeFileSync(join(site, 'glue.js'), readFileSync(join(WORK, 'glue.js')));
  const html = readFileSync(join(WORK, 'index.html'), 'utf8')
    .replace(/<link rel="(modulepreload|preload)"[^>]*>/g, '')
    .replace(/<script type="module">[\s\S]*?<\/script>/, `<script type="module">
import init from '/glue.js';
window.profiled = await init({ module_or_path: '/instrumented.wasm' });
</script>`);
  writeFileSync(join(site, 'index.html'), html);
}

async function record(browser, url, visit) {
  const context = await browser.newContext({ viewport: visit.viewport, colorScheme: visit.colorScheme ?? 'dark' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + '/');
  await page.waitForSelector('[data-testid=pipeline]');
  await page.waitForTimeout(SETTLE_MS);
  // A first visit opens on the welcome, drawn over the diagram; whatever the visitor then
  // chooses runs after the late part has arrived (about 0.4 s after start).
  if (errors.length) fail(`${visit.name}: the page failed: ${errors.join('; ')}`);
  const bytes = await page.evaluate(() => {
    const w = window.profiled;
    const size = 1 << 20;
    const at = w.__wbindgen_malloc(size, 8);
    const written = w.__write_profile(at, size);
    return Array.from(new Uint8Array(w.memory.buffer, at, written));
  });
  await context.close();
  const file = join(dir, `${visit.name}.prof`);
  writeFileSync(file, Buffer.from(bytes));
  return file;
}

async function main() {
  instrument();
  const server = await serve(site);
  const browser = await launch();
  const profiles = [];
  try {
    for (const visit of VISITS) profiles.push(await record(browser, server.url, visit));
  } finally {
    await browser.close();
    await server.close();
  }
  const merged = join(dir, 'merged.prof');
  run(WASM_SPLIT, ['--merge-profiles', ...profiles, '-o', merged]);
  // wasm-split -v names the kept functions (as binaryen spells them) on one line.
  const r = run(WASM_SPLIT, [
    ...FEATURES, '-v', '--profile', merged, join(WORK, 'input.wasm'),
    '-o1', join(dir, 'first.wasm'), '-o2', join(dir, 'late.wasm'),
  ]);
  const line = r.split('\n').find((l) => l.startsWith('Keeping functions: '));
  if (!line) fail('wasm-split -v printed no kept functions');
  // Unnamed functions are known by their index, which the next build does not keep.
  const names = line.slice('Keeping functions: '.length).split(', ').filter((n) => !/^\d+$/.test(n));
  writeFileSync(KEEP, [...new Set(names)].sort().join('\n') + '\n');
  console.log(`tools/split: ${names.length} functions kept for the first load (${VISITS.map((v) => v.name).join(', ')}) -> tools/split/keep.txt`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
