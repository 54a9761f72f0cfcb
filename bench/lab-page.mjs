// The page both lab benches start from (bench/lab.mjs, bench/lab-trace.mjs): the release
// build at 1366×768, running, the welcome left for free play, the lab open with `runs` seeds
// per policy typed in. `cores`, if given, is what the page sees as navigator.hardwareConcurrency
// (hence how many workers it starts). The lab starts the next run's workers as it opens; the
// page then waits `settle` ms (BENCH_LAB_SETTLE_MS, default 1500: a person reading the form)
// so they have fetched and compiled their wasm. BENCH_LAB_SETTLE_MS=0 measures a click as
// soon as the lab opens, which includes part of that start.
import { APP_RUNNING, leaveWelcome } from '../tests/e2e/flows.mjs';

export async function openLabWithRuns(browser, url, runs, { cores } = {}) {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  if (cores) {
    await page.addInitScript((n) => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => n }), Number(cores));
  }
  await page.goto(url + '/');
  await page.waitForSelector(APP_RUNNING);
  await leaveWelcome(page);
  await page.getByRole('button', { name: 'What are the odds?' }).click();
  const field = page.getByLabel('Runs per policy');
  await field.fill(String(runs));
  await field.dispatchEvent('change');
  const settle = Number(process.env.BENCH_LAB_SETTLE_MS ?? 1500);
  if (settle > 0) await page.waitForTimeout(settle);
  return page;
}
