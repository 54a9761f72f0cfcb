// `./x bench`, part 4: the strategy lab in Chromium. On the release build, the lab runs
// 1,000 one-week runs of free play (the standard pipeline) under each of its two default
// policies (fast and loose against cautious: 2,000 runs), in web workers, one per core
// the browser reports. Measured in the page: from the click on "Run both policies" to the
// animation frame in which the results are in the DOM, every chart drawn; and the main thread's long tasks
// (PerformanceObserver 'longtask', each ≥ 50 ms) over the same span.
//
//   node bench/lab.mjs       (after `trunk build --release`; BENCH_LAB_RUNS=1000;
//                             BENCH_LAB_CORES=N makes the page see N cores, hence N workers;
//                             BENCH_LAB_SETTLE_MS: how long the lab is open before the click, see lab-page.mjs)
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/browser.mjs';
import { serve } from '../tests/e2e/server.mjs';
import { openLabWithRuns } from './lab-page.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_LAB_RUNS ?? 1000);
const TARGET_S = 2;

const server = await serve(join(root, 'dist'));
const browser = await launch();
let status = 0;
try {
  const page = await openLabWithRuns(browser, server.url, RUNS, { cores: process.env.BENCH_LAB_CORES });
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await page.evaluate(() => {
    window.__lab = { longTasks: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__lab.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    document.querySelector('#lab-start').addEventListener('click', () => { window.__lab.t0 = performance.now(); }, { capture: true });
  });
  await page.getByRole('button', { name: 'Run both policies' }).click();
  await page.waitForFunction(() => {
    if (document.querySelector('.lab-charts[data-drawn=true]') && document.querySelector('[data-testid=lab-run]').dataset.phase === 'finished') {
      window.__lab.t1 ??= performance.now();
      return true;
    }
    return false;
  }, null, { timeout: 600_000, polling: 'raf' });
  // Long tasks are reported a little after they end.
  await page.waitForTimeout(200);
  const lab = await page.evaluate(() => window.__lab);
  const said = await page.getByTestId('lab-status').textContent();
  const seconds = (lab.t1 - lab.t0) / 1000;
  const long = lab.longTasks;
  console.log(`lab (Chromium, release build): ${RUNS} one-week runs of free play per policy, 2 policies (${2 * RUNS} runs), workers for ${cores} core(s)`);
  console.log(`  wall clock, click to results drawn   ${seconds.toFixed(2)} s   (target <= ${TARGET_S} s: ${seconds <= TARGET_S ? 'OK' : 'over'})`);
  console.log(`  the lab says                         ${said.trim()}`);
  console.log(`  main-thread long tasks (>= 50 ms)    ${long.length}${long.length ? ` (longest ${Math.max(...long).toFixed(0)} ms)` : ''}`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'lab.json'), JSON.stringify({ date: new Date().toISOString(), runs: RUNS, cores, seconds, longTasks: long, said: said.trim() }, null, 2) + '\n');
  if (long.length > 0) status = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(status);
