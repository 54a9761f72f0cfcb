// Where the strategy lab's time goes in Chromium: a DevTools trace (CDP `Tracing`) of one lab
// run on the release build, read back as each thread's busy time. For the page's main thread:
// every task of 16 ms or more, with when it started relative to the click; for each web
// worker: its busy share of the run, its longest task, and how long it sat idle between tasks
// (the time the page took to answer it). Busy time is wall-clock; "on a core" is the thread
// time Chromium records (`tdur`), which leaves out the time the OS ran other work on the core.
//
//   node bench/lab-trace.mjs     (after `trunk build --release`; BENCH_LAB_RUNS=200 per policy,
//                                 BENCH_LAB_TRACE=file.json to keep the raw trace)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { launch } from '../tests/e2e/browser.mjs';
import { serve } from '../tests/e2e/server.mjs';
import { openLabWithRuns } from './lab-page.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_LAB_RUNS ?? 200);

const server = await serve(join(root, 'dist'));
const browser = await launch();
try {
  const page = await openLabWithRuns(browser, server.url, RUNS);
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', '__metadata'] },
  });
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Run both policies' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=lab-run]')?.dataset.phase === 'finished', null, { timeout: 600_000, polling: 100 });
  await page.waitForTimeout(300);
  const wall = (Date.now() - t0) / 1000;
  await cdp.send('Tracing.end');
  await done;
  if (process.env.BENCH_LAB_TRACE) writeFileSync(process.env.BENCH_LAB_TRACE, JSON.stringify(events));
  const said = (await page.getByTestId('lab-status').textContent()).trim();

  // Thread names from the metadata events.
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const click = events.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
  const origin = click ? click.ts : Math.min(...events.filter((e) => e.ts).map((e) => e.ts));
  const end = Math.max(...events.filter((e) => e.ts).map((e) => e.ts + (e.dur ?? 0)));
  const tasks = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || e.ts + e.dur < origin) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!tasks.has(key)) tasks.set(key, []);
    tasks.get(key).push(e);
  }
  console.log(`lab trace: ${RUNS} runs per policy; ${said}; wall ${wall.toFixed(2)} s; load ${loadavg()[0].toFixed(2)}`);
  const span = (end - origin) / 1000;
  for (const [key, list] of tasks) {
    const name = names.get(key) ?? key;
    if (!/CrRendererMain|DedicatedWorker/.test(name)) continue;
    list.sort((a, b) => a.ts - b.ts);
    const busy = list.reduce((s, e) => s + e.dur, 0) / 1000;
    // Thread time: what the thread really ran, without the time the OS gave its core to others.
    const cpu = list.reduce((s, e) => s + (e.tdur ?? 0), 0) / 1000;
    const longest = Math.max(...list.map((e) => e.dur)) / 1000;
    let idle = 0;
    const gaps = [];
    for (let i = 1; i < list.length; i++) {
      const gap = (list[i].ts - (list[i - 1].ts + list[i - 1].dur)) / 1000;
      idle += gap;
      gaps.push(gap);
    }
    gaps.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(24)} tasks ${String(list.length).padStart(5)}  busy ${busy.toFixed(0).padStart(6)} ms of ${span.toFixed(0)} ms (on a core ${cpu.toFixed(0)} ms)  longest ${longest.toFixed(1)} ms  median gap ${(gaps[gaps.length >> 1] ?? 0).toFixed(2)} ms`);
    if (/CrRendererMain/.test(name)) {
      for (const e of list.filter((e) => e.dur >= 16000)) {
        // What ran inside the task: the biggest children by name.
        const inside = events.filter((c) => c.ph === 'X' && c.pid === e.pid && c.tid === e.tid && c.ts >= e.ts && c.ts + (c.dur ?? 0) <= e.ts + e.dur && c !== e);
        const by = new Map();
        for (const c of inside) by.set(c.name, (by.get(c.name) ?? 0) + c.dur);
        const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`).join(', ');
        console.log(`    task at +${((e.ts - origin) / 1000).toFixed(0)} ms: ${(e.dur / 1000).toFixed(1)} ms, ${((e.tdur ?? 0) / 1000).toFixed(1)} ms on a core (${top})`);
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
