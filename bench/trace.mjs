// What blocks the main thread while the release build starts, at Lighthouse mobile's CPU
// slowdown: a Chromium performance trace (Chrome DevTools Protocol, Tracing domain) of a
// first visit, and its long tasks with what runs in them.
//
//   node bench/trace.mjs            (after `./x build`)
//   TRACE_CPU=1 TRACE_RUNS=5 node bench/trace.mjs
//
// Each run is a cold load of dist/ (served with gzip) in a fresh browser context, the CPU
// slowed TRACE_CPU times (default 4, as Lighthouse's mobile preset assumes), the network
// not throttled. The trace runs from navigation for TRACE_WAIT ms (default 8000), and the
// app must be running by then (the wasm took over the painted screen, every region of it:
// `#app > .app:not([inert]):not(:has([inert]))`). Printed per run: every
// main-thread task of TRACE_MIN ms (default 50) or more after the first contentful paint, its start (from
// navigation), its length and its largest parts by self time (script evaluation, wasm
// compilation, timers, animation frames, style, layout, paint, ...), then the total
// blocking time those tasks make (the part of each beyond 50 ms, as Lighthouse counts it).
// The last run's trace goes to bench/results/trace.json (open it in DevTools' Performance
// panel).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/browser.mjs';
import { serve } from '../tests/e2e/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.STAGECRAFT_DIST ?? join(root, 'dist'); // another build: STAGECRAFT_DIST=dir
const CPU = Number(process.env.TRACE_CPU ?? 4);
const RUNS = Number(process.env.TRACE_RUNS ?? 3);
const WAIT = Number(process.env.TRACE_WAIT ?? 8000);
const MIN_MS = Number(process.env.TRACE_MIN ?? 50);
const RUNNING = '#app > .app:not([inert]):not(:has([inert]))';
const CATEGORIES = [
  '-*',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8',
  'v8.execute',
  'v8.wasm',
  'disabled-by-default-v8.wasm.detailed',
  'disabled-by-default-v8.compile',
  'blink',
  'blink.user_timing',
  'loading',
  'latencyInfo',
];

async function record(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
    const chunks = [];
    cdp.on('Tracing.dataCollected', (e) => chunks.push(...e.value));
    const done = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
    await page.goto(url, { waitUntil: 'commit' });
    // A fixed wait rather than Playwright's waitForSelector, whose injected script would
    // show up in the trace as tasks of its own; the app is checked to be running after.
    await page.waitForTimeout(WAIT);
    const running = await cdp.send('Runtime.evaluate', { expression: `!!document.querySelector(${JSON.stringify(RUNNING)})`, returnByValue: true });
    if (!running.result.value) throw new Error(`the app was not running after ${WAIT} ms`);
    await cdp.send('Tracing.end');
    await done;
    return chunks;
  } finally {
    await context.close();
  }
}

const label = (e) => {
  const d = e.args?.data ?? {};
  const where = d.url ? ` ${d.url.replace(/^.*\//, '')}` : '';
  const fn = d.functionName ? ` ${d.functionName}` : '';
  return `${e.name}${fn}${where}`;
};

function analyse(events) {
  // The page's renderer main thread: the one that parsed our HTML.
  const parse = events.find((e) => e.name === 'ParseHTML' && e.args?.beginData?.url?.startsWith('http://127.0.0.1'));
  const pid = parse.pid;
  const tid = parse.tid;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur != null);
  const nav = events.find((e) => e.name === 'navigationStart' && e.pid === pid)?.ts ?? main[0].ts;
  const fcp = events.find((e) => e.name === 'firstContentfulPaint' && e.pid === pid)?.ts;
  const lcp = events.filter((e) => e.name === 'largestContentfulPaint::Candidate' && e.pid === pid).at(-1)?.ts;
  // Top-level tasks: the scheduler's, not those nested in another.
  const all = main.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = [];
  for (const t of all) {
    const prev = tasks.at(-1);
    if (!prev || t.ts >= prev.ts + prev.dur) tasks.push(t);
  }
  // Self time per child: each event's duration minus its direct children's.
  const long = tasks.filter((t) => t.dur >= MIN_MS * 1000 && (!fcp || t.ts + t.dur > fcp));
  const out = [];
  for (const t of long) {
    const inside = main
      .filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.name !== 'RunTask')
      .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    // Nesting: a stack walk over events sorted by start.
    const stack = [];
    const self = new Map();
    for (const e of inside) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) self.set(parent, (self.get(parent) ?? parent.dur) - e.dur);
      self.set(e, self.get(e) ?? e.dur);
      stack.push(e);
    }
    const byName = new Map();
    for (const [e, s] of self) {
      const k = label(e);
      byName.set(k, (byName.get(k) ?? 0) + s);
    }
    const top = [...byName].filter(([, s]) => s >= 2_000).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TRACE_PARTS ?? 8));
    const outer = inside.filter((e) => !inside.some((p) => p !== e && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur && p.dur > e.dur)).map(label);
    out.push({ start: (t.ts - nav) / 1000, dur: t.dur / 1000, outer: [...new Set(outer)].slice(0, 6), top: top.map(([k, s]) => [k, s / 1000]) });
  }
  const tbt = out.reduce((s, t) => s + Math.max(0, t.dur - 50), 0);
  const over50 = out.filter((t) => t.dur > 50).length;
  return { fcp: fcp && (fcp - nav) / 1000, lcp: lcp && (lcp - nav) / 1000, tasks: out, tbt, over50 };
}

const server = await serve(dist, { gzip: true });
const browser = await launch();
let last;
try {
  console.log(`Main-thread tasks >= ${MIN_MS} ms after first contentful paint, CPU slowed ${CPU}x, network not throttled (Chromium ${browser.version()})`);
  for (let i = 0; i < RUNS; i++) {
    const events = await record(browser, server.url + '/');
    last = events;
    const r = analyse(events);
    console.log(`\nrun ${i + 1}: FCP ${r.fcp?.toFixed(0)} ms, LCP ${r.lcp?.toFixed(0)} ms, ${r.over50} tasks over 50 ms, blocking time (each one's part beyond 50 ms) ${r.tbt.toFixed(0)} ms`);
    for (const t of r.tasks) {
      console.log(`  task at ${t.start.toFixed(0).padStart(5)} ms, ${t.dur.toFixed(0).padStart(4)} ms: ${t.outer.join(' | ')}`);
      for (const [k, s] of t.top) console.log(`      ${s.toFixed(1).padStart(6)} ms self  ${k}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'trace.json'), JSON.stringify({ traceEvents: last }));
