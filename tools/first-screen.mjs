// Trunk post_build hook (see Trunk.toml): in release builds, put the first screen into
// index.html as HTML, so the browser paints it before the wasm has arrived.
//
// The HTML is rendered by the app itself: `cargo run --example first_screen` renders the
// App component with Yew's server-side rendering, once per layout the app picks by media
// query (phone, narrow, wide). Each goes into the page as a <template data-media="...">
// before #app; the inline script after #app (index.html) copies the first whose media
// match into #app before the first paint, and the wasm, fetched once that screen is
// painted, hydrates it (src/ui/mod.rs). Also strips the stylesheet's comments (they are
// for its readers, not for every visitor's first load) and updates the integrity hashes.
//
// Debug builds (`trunk serve`) are left as they are: the page says "Loading Stagecraft…"
// until the wasm runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'target', 'first-screen');
const APP = '<div id="app">';

function fail(message) {
  console.error(`tools/first-screen: ${message}`);
  process.exit(1);
}

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');

/** The one file in `dir` whose name matches `pattern`. */
function only(dir, pattern) {
  const names = readdirSync(dir).filter((f) => pattern.test(f));
  if (names.length !== 1) fail(`expected one file like ${pattern} in ${dir}, found ${names.length}`);
  return names[0];
}

/** Renders the layouts with the app's own code; returns [{ name, media, html }]. */
export function renderFirstScreen() {
  mkdirSync(OUT, { recursive: true });
  // A native build of the example (debug profile, so it shares the tests' build). Trunk
  // builds offline; so does this.
  const r = spawnSync('cargo', ['run', '--offline', '--quiet', '--example', 'first_screen', '--', OUT], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) fail(`cargo run --example first_screen failed (status ${r.status})`);
  const layouts = JSON.parse(readFileSync(join(OUT, 'layouts.json'), 'utf8'));
  return layouts.map((l) => ({ ...l, html: readFileSync(join(OUT, `${l.name}.html`), 'utf8') }));
}

/** index.html with one template per layout before #app, the most specific first. */
export function withTemplates(html, layouts) {
  if (html.split(APP).length !== 2) fail(`index.html must have exactly one ${APP}`);
  const attr = (s) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  const templates = layouts
    .map((l) => `<template data-first-screen="${l.name}" data-media="${attr(l.media)}">${l.html}</template>\n    `)
    .join('');
  return html.replace(APP, templates + APP);
}

/** What the start script waits for before it fetches the wasm (see `startAfterFirstPaint`). */
export const AFTER_FIRST_PAINT =
  'await new Promise((painted) => {\n' +
  '  const go = () => setTimeout(painted);\n' +
  "  if (!(window.PerformanceObserver?.supportedEntryTypes ?? []).includes('paint')) return requestAnimationFrame(go);\n" +
  '  const seen = new PerformanceObserver((list) => {\n' +
  "    if (list.getEntriesByName('first-contentful-paint').length) { seen.disconnect(); go(); }\n" +
  '  });\n' +
  "  seen.observe({ type: 'paint', buffered: true });\n" +
  '  setTimeout(painted, 3000); // A tab opened in the background paints nothing until shown.\n' +
  '});\n';

/**
 * Trunk's start script, changed to fetch the wasm only once the first screen is on the
 * screen: the wasm (~400 KB gzip) would otherwise share a slow link with the stylesheet the
 * first paint waits for, and could even run before that paint. Trunk's preload of the wasm
 * goes for the same reason. "On the screen" is the browser's first-contentful-paint entry,
 * reported once the frame is presented: a frame callback (rAF, then a task) runs when the
 * main thread has painted, before the compositor shows it, and on a busy machine the fetch
 * then started ~100 ms before the screen appeared. Lighthouse's simulation counts a request
 * begun before the largest paint as one that paint waited for, so it put the whole wasm's
 * download in front of desktop's LCP (880 ms simulated against 238 ms observed).
 */
export function startAfterFirstPaint(html) {
  const start = /\nconst wasm = await init\(/;
  const preload = /<link rel="preload" href="[^"]*_bg\.wasm"[^>]*>/;
  if (!start.test(html) || !preload.test(html)) fail("trunk's start script is not shaped as expected (was trunk upgraded?)");
  return html
    .replace(preload, '')
    .replace(start, '\n// After the first paint (tools/first-screen.mjs).\n' + AFTER_FIRST_PAINT + 'const wasm = await init(');
}

function main() {
  if (process.env.TRUNK_PROFILE !== 'release') {
    console.log('tools/first-screen: debug build, the page paints when the wasm runs');
    return;
  }
  const staging = process.env.TRUNK_STAGING_DIR ?? fail('TRUNK_STAGING_DIR is not set (run by trunk)');

  const cssName = only(staging, /^style-[0-9a-f]+\.css$/);
  // No string in static/style.css holds a "/*".
  const css = Buffer.from(
    readFileSync(join(staging, cssName), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\n\s*\n/g, '\n'),
  );
  writeFileSync(join(staging, cssName), css);

  const layouts = renderFirstScreen();
  const page = startAfterFirstPaint(withTemplates(readFileSync(join(staging, 'index.html'), 'utf8'), layouts)).replace(
    /<link\b[^>]*>/g,
    (tag) => (tag.includes(`/${cssName}"`) ? tag.replace(/integrity="[^"]*"/, `integrity="${sri(css)}"`) : tag),
  );
  writeFileSync(join(staging, 'index.html'), page);
  const kb = (n) => (n / 1000).toFixed(1) + ' KB';
  console.log(`tools/first-screen: ${layouts.map((l) => `${l.name} ${kb(l.html.length)}`).join(', ')} of HTML in index.html`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
