// `./x bench`, part 2: frame cost of the release build while the clock runs at 64×.
//
//   node bench/frames.mjs                         (after `trunk build --release`)
//   BENCH_FRAME_SECONDS=60 BENCH_WARMUP_SECONDS=60 BENCH_MEMORY_SECONDS=660 node bench/frames.mjs
//
// One page of the release build in headless Chromium (1280×800, motion allowed):
//  1. baseline: the app idle (clock paused, traffic animations running) for
//     BENCH_FRAME_SECONDS: long tasks (PerformanceObserver 'longtask', ≥ 50 ms) and the gaps
//     between animation frames;
//  2. autoplay at 64× (64 simulated minutes per real second, 8 minutes per 125 ms tick), with
//     a commit every 5 s so builds and deploys run, for BENCH_FRAME_SECONDS: the same, plus
//     the cost of each tick, measured by the app itself only when `window.__stagecraftBench`
//     is defined (src/ui/hooks.rs): timer fired → reduce → render → effects;
//  3. memory: wasm linear memory and the JS heap (after a forced GC) before autoplay and
//     after BENCH_MEMORY_SECONDS of it in total.
// Results go to bench/results/frames.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/browser.mjs';
import { serve } from '../tests/e2e/server.mjs';
import { APP_RUNNING, leaveWelcome } from '../tests/e2e/flows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_FRAME_SECONDS ?? 60);
// The issue asks for memory to stay flat over a 10-minute autoplay at 64× after warm-up.
const WARMUP_SECONDS = Math.max(SECONDS, Number(process.env.BENCH_WARMUP_SECONDS ?? SECONDS));
const MEMORY_SECONDS = Math.max(WARMUP_SECONDS, Number(process.env.BENCH_MEMORY_SECONDS ?? WARMUP_SECONDS + 600));

const PROBE = `(() => {
  window.__stagecraftBench = true;
  const b = window.__bench = { longtasks: [], ticks: [], frames: [], recording: false };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (b.recording) b.longtasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (b.recording) b.ticks.push(e.duration);
    performance.clearMeasures('stagecraft-tick-cost');
  }).observe({ entryTypes: ['measure'] });
  let last = 0;
  const frame = (t) => { if (b.recording && last) b.frames.push(t - last); last = t; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
})();`;

const pct = (xs, p) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const f = (n) => n.toFixed(2).padStart(8);
const mb = (n) => (n / 1e6).toFixed(2).padStart(7) + ' MB';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function record(page, seconds, during) {
  await page.evaluate(() => { Object.assign(window.__bench, { longtasks: [], ticks: [], frames: [], recording: true }); });
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(5000, end - Date.now()));
    if (during) await during();
  }
  return page.evaluate(() => { window.__bench.recording = false; return { ...window.__bench }; });
}

async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__wasm?.memory?.buffer.byteLength ?? 0);
  return { jsHeapUsed: heap.usedSize, wasmMemory: wasm };
}

function summary(name, r, seconds) {
  const long = r.longtasks;
  return {
    name,
    seconds,
    ticks: r.ticks.length,
    tickP50: pct(r.ticks, 50),
    tickP95: pct(r.ticks, 95),
    tickMax: Math.max(0, ...r.ticks),
    frames: r.frames.length,
    frameP50: pct(r.frames, 50),
    frameP95: pct(r.frames, 95),
    longTasks: long.length,
    longTaskMs: long.reduce((a, b) => a + b, 0),
    longTaskMax: Math.max(0, ...long),
  };
}

const server = await serve(process.env.STAGECRAFT_DIST ?? join(root, 'dist'));
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.addInitScript(PROBE);
  await page.goto(server.url + '/');
  await page.waitForSelector(APP_RUNNING);
  await page.waitForFunction(() => window.__wasm);
  await sleep(1000);
  await leaveWelcome(page);

  const baseline = summary('idle (paused) baseline', await record(page, SECONDS), SECONDS);
  const before = await memory(page, cdp);
  const simBefore = await page.getByTestId('sim-time').textContent();

  // An unattended autoplay: the clock must not stop itself at key moments.
  await page.getByRole('button', { name: 'Pause at key moments' }).click();
  await page.getByRole('button', { name: 'Speed 64×' }).click();
  await page.getByRole('button', { name: 'Play the simulation' }).click();
  const commit = () => page.getByRole('button', { name: 'Commit change' }).click();
  const started = Date.now();
  const playing = summary('autoplay 64×', await record(page, SECONDS, commit), SECONDS);
  // Warm-up is over once the engine's bounded histories (12 h of series, 500 events, 2000
  // audit entries, 50 incidents, 64 releases) have filled; BENCH_WARMUP_SECONDS sets how
  // long that takes (default: the frame phase, ~2.7 simulated days). Not all of them fill
  // with time: with a commit every 5 s the 500 events are full after about 440 s of
  // autoplay, and the audit log gains about one entry a command (2000 commands: 2.8 hours),
  // so after the default warm-up they are still filling (README: memory).
  // The memory phase is autoplay alone, as a projected run would be; BENCH_MEMORY_COMMITS=1
  // keeps committing every 5 s (then the session's command log grows with the commits).
  const keepCommitting = process.env.BENCH_MEMORY_COMMITS === '1';
  while (Date.now() - started < WARMUP_SECONDS * 1000) {
    await sleep(5000);
    if (keepCommitting) await commit();
  }
  const warm = await memory(page, cdp);
  const simWarm = await page.getByTestId('sim-time').textContent();
  while (Date.now() - started < MEMORY_SECONDS * 1000) {
    await sleep(5000);
    if (keepCommitting) await commit();
  }
  await page.getByRole('button', { name: 'Pause the simulation' }).click();
  const after = await memory(page, cdp);
  const simAfter = await page.getByTestId('sim-time').textContent();

  console.log(`\nFrame cost at 64× (Chromium ${browser.version()}, 1280×800, ${SECONDS} s each)`);
  console.log('                              ticks  tick p50  tick p95  tick max   frame p50  frame p95  long tasks (total, max)');
  for (const s of [baseline, playing]) {
    console.log(
      `  ${s.name.padEnd(26)} ${String(s.ticks).padStart(6)} ${f(s.tickP50)}ms ${f(s.tickP95)}ms ${f(s.tickMax)}ms ${f(s.frameP50)}ms ${f(s.frameP95)}ms  ${s.longTasks} (${s.longTaskMs.toFixed(0)} ms, max ${s.longTaskMax.toFixed(0)} ms)`,
    );
  }
  console.log(`\nMemory over ${MEMORY_SECONDS} s of autoplay at 64×, after a forced GC: start (${simBefore}) → warm, after ${WARMUP_SECONDS} s (${simWarm}) → end (${simAfter})`);
  console.log(`  wasm linear memory   ${mb(before.wasmMemory)} → ${mb(warm.wasmMemory)} → ${mb(after.wasmMemory)}`);
  console.log(`  JS heap used         ${mb(before.jsHeapUsed)} → ${mb(warm.jsHeapUsed)} → ${mb(after.jsHeapUsed)}`);

  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'frames.json'),
    JSON.stringify({ date: new Date().toISOString(), browser: browser.version(), baseline, playing, memory: { seconds: MEMORY_SECONDS, simBefore, simWarm, simAfter, before, warm, after } }, null, 2) + '\n',
  );
} finally {
  await browser.close();
  await server.close();
}
