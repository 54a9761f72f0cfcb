// `./x bench`, part 3: the cost of looking back. The longest lesson (memory-leak-alert, a
// 4-hour limit) is played to about minute 240 through the release build, then the newest
// event before the current minute is clicked: the app replays the session's log up to that
// minute (the replay's cost grows with it) and
// draws the diagram as it was. Measured in the page, from the click to the animation frame
// in which the "Looking back" banner is in the DOM (so it includes one frame of waiting).
//
//   node bench/lookback.mjs            (after `trunk build --release`; BENCH_LOOKS=15)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/browser.mjs';
import { serve } from '../tests/e2e/server.mjs';
import { APP_RUNNING, leaveWelcome } from '../tests/e2e/flows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOOKS = Number(process.env.BENCH_LOOKS ?? 15);
const LIMIT_MS = 100;

const server = await serve(join(root, 'dist'));
const browser = await launch();
let status = 0;
try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await page.goto(server.url + '/');
  await page.waitForSelector(APP_RUNNING);
  await leaveWelcome(page);
  await page.getByRole('button', { name: 'Choose a lesson' }).click();
  await page.getByRole('button', { name: 'Start: An alert catches a slow memory leak' }).click();
  await page.getByRole('button', { name: 'Commit change' }).click();
  await page.getByRole('button', { name: 'Pause at key moments' }).click();
  await page.getByRole('button', { name: 'Speed 64×' }).click();
  await page.getByRole('button', { name: 'Play the simulation' }).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=sim-time]').dataset.minute) >= 240
    || document.querySelector('[role=dialog]'), null, { timeout: 60_000 });
  const pause = page.getByRole('button', { name: 'Pause the simulation' });
  if (await pause.isVisible()) await pause.click();
  const now = await page.getByTestId('sim-time').getAttribute('data-minute');
  const times = [];
  for (let i = 0; i < LOOKS; i++) {
    const ms = await page.evaluate(() => new Promise((resolve) => {
      const now = document.querySelector('[data-testid=sim-time]').textContent;
      const rows = [...document.querySelectorAll('.timeline .event')];
      const target = rows.find((r) => r.querySelector('time').textContent !== now);
      const t0 = performance.now();
      target.click();
      const check = () => (document.querySelector('[data-testid=look-back]')
        ? resolve(performance.now() - t0) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    }));
    times.push(ms);
    await page.getByRole('button', { name: 'Back to now' }).click();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`look back at minute ${now} to the newest earlier event: median ${median.toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms over ${LOOKS} (limit ${LIMIT_MS} ms, click to painted frame)`);
  if (median > LIMIT_MS) status = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(status);
