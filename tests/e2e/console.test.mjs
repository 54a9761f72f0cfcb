// End-to-end: the trainer's console. At 1920×1080 in presenter mode the room opens a second
// window (the console) on a BroadcastChannel; chaos injected there reaches the room as an
// event (a note and the timeline), not as menus opening on the projector; the console's
// Play and Pause move the room's clock; its timeline and audit log show the room's commands;
// it follows the room by moving the clock on rather than replaying; closing either window is
// noticed on the other side; garbage and a second room on the channel are ignored, and two
// consoles cause no message loop. Screenshots: tests/e2e/artifacts/console-*.png.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noAxeViolations, openApp, serveAndLaunch } from './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const FIRST = 'Your first trip to production';
const minute = (page) => page.getByTestId('sim-time').getAttribute('data-minute').then(Number);
const auditRows = (page) => page.locator('table.audit tbody tr').allInnerTexts();

/** Records a page's console errors and uncaught exceptions. */
function watch(page) {
  const errors = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Opens the console from the room (a popup) and waits until both say they are connected. */
async function openConsole(page) {
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Open trainer console' }).click(),
  ]);
  const errors = watch(popup);
  await popup.getByTestId('console-status').filter({ hasText: 'Connected to the room' }).waitFor({ timeout: 15_000 });
  await page.getByTestId('console-link').filter({ hasText: 'Console connected' }).waitFor();
  return { popup, errors };
}

/** Whether the element's box lies within the page's viewport. */
async function inViewport(page, locator) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  return box && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

describe('The trainer console', () => {
  const env = serveAndLaunch(dist, artifacts);

  test('presenter with trainer console at 1920×1080: chaos as an event, the clock, the timeline and audit log', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1920, height: 1080 }, undefined, { welcome: true });
    try {
      await page.getByRole('button', { name: /Start the first lesson/ }).click();
      await page.getByRole('heading', { name: FIRST, level: 2 }).waitFor();
      await page.getByRole('button', { name: 'Presenter mode' }).click();
      await page.locator('.app.presenter').waitFor();

      const { popup, errors: consoleErrors } = await openConsole(page);
      await popup.setViewportSize({ width: 1366, height: 768 });
      await popup.getByRole('heading', { name: FIRST, level: 2 }).waitFor();
      assert.equal(await popup.title(), 'Stagecraft — trainer console');

      // A command in the room reaches the console's timeline and audit log.
      await page.getByRole('button', { name: 'Commit change' }).click();
      await popup.locator('table.audit tbody tr', { hasText: /commit/i }).first().waitFor();
      await popup.waitForFunction(() => document.querySelectorAll('table.audit tbody tr').length > 0);
      assert.deepEqual(await auditRows(popup), await auditRows(page), "the console's audit log is the room's");
      await popup.locator('.timeline .event', { hasText: /commit/i }).first().waitFor();

      // Chaos from the console: the room sees an event, and its own chaos menu is untouched.
      const roomFailure = await page.locator('#chaos-failure').inputValue();
      await popup.getByLabel('Failure', { exact: true }).selectOption({ label: 'Instance crash' });
      await popup.getByLabel('Where', { exact: true }).selectOption({ label: 'Production' });
      await popup.getByRole('button', { name: 'Inject failure now' }).click();
      const note = page.getByTestId('trainer-note');
      await note.waitFor();
      assert.match(await note.innerText(), /The trainer injected a failure: an instance crashes in prod/);
      assert.ok(await inViewport(page, note), 'the note is on the projected screen');
      await page.locator('.timeline .event', { hasText: /Chaos: an instance crashes in prod/ }).first().waitFor();
      await popup.locator('.timeline .event', { hasText: /Chaos: an instance crashes in prod/ }).first().waitFor();
      assert.equal(await page.locator('#chaos-failure').inputValue(), roomFailure, "the room's chaos menu did not move");
      assert.deepEqual(await auditRows(popup), await auditRows(page));

      // Play and Pause from the console move the room's clock; the console follows it by
      // moving its world on, not by replaying from the start.
      const replays = Number(await popup.getByTestId('console').getAttribute('data-replays'));
      const before = await minute(page);
      await popup.getByRole('button', { name: 'Speed 4×' }).click();
      await popup.getByRole('button', { name: 'Play the simulation' }).click();
      await page.waitForFunction((m) => Number(document.querySelector('[data-testid=sim-time]').dataset.minute) > m + 2, before);
      const card = popup.getByTestId('moment');
      if (await card.isVisible()) {
        // The clock stopped itself at a moment: Continue in the console closes the room's card.
        await card.getByRole('button', { name: /^Continue/ }).click();
        await page.getByTestId('moment').waitFor({ state: 'detached' });
      }
      const pause = popup.getByRole('button', { name: 'Pause the simulation' });
      if (await pause.isVisible()) await pause.click();
      await page.getByRole('button', { name: 'Play the simulation' }).waitFor();
      const stopped = await minute(page);
      await popup.waitForFunction((m) => Number(document.querySelector('[data-testid=sim-time]').dataset.minute) === m, stopped);
      await page.waitForTimeout(1500);
      assert.equal(await minute(page), stopped, "Pause in the console stopped the room's clock");
      assert.equal(Number(await popup.getByTestId('console').getAttribute('data-replays')), replays, 'moving the clock replayed nothing');
      assert.ok(Number(await popup.getByTestId('console').getAttribute('data-advances')) > 2);

      await noAxeViolations(popup, 'trainer console');
      await popup.screenshot({ path: join(artifacts, 'console-1366.png') });
      // The projector as the room sees it: the top of the page, the note over the diagram.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(artifacts, 'console-room-1920.png') });
      await noAxeViolations(page, 'presenter with a trainer note');
      await popup.setViewportSize({ width: 375, height: 812 });
      await popup.screenshot({ path: join(artifacts, 'console-375.png'), fullPage: true });
      assert.ok(await popup.getByRole('button', { name: 'Play the simulation' }).isVisible(), 'Play stays in the console on a phone');
      await noAxeViolations(popup, 'trainer console at 375 px');

      // Closing the console is noticed in the room; a reload of the room, in the console.
      await popup.close();
      await page.getByTestId('console-link').filter({ hasText: 'The trainer console was closed' }).waitFor();
      const again = await openConsole(page);
      await page.reload();
      await again.popup.getByTestId('console-status').filter({ hasText: 'closed or reloaded' }).waitFor();
      assert.deepEqual([...errors, ...consoleErrors, ...again.errors], []);
    } finally {
      await close();
    }
  });

  test('garbage and a second room on the channel are ignored; two consoles make no loop', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1366, height: 768 });
    try {
      // The console is offered in presenter mode.
      await page.getByRole('button', { name: 'Presenter mode' }).click();
      const { popup, errors: consoleErrors } = await openConsole(page);
      const second = await popup.context().newPage();
      const secondErrors = watch(second);
      await second.goto(popup.url());
      await second.getByTestId('console-status').filter({ hasText: 'Connected to the room' }).waitFor();

      // Count what crosses the channel for 5 s with the clock paused: pings only.
      const channel = new URL(popup.url()).searchParams.get('console');
      const spy = await page.context().newPage();
      await spy.goto(new URL('/favicon.ico', popup.url()).href).catch(() => {});
      const count = await spy.evaluate(async (name) => {
        const ch = new BroadcastChannel(`stagecraft-console-${name}`);
        let n = 0;
        ch.onmessage = () => { n += 1; };
        await new Promise((r) => setTimeout(r, 5000));
        ch.close();
        return n;
      }, channel);
      assert.ok(count <= 12, `${count} messages in 5 s with nothing happening: a loop`);

      // Not JSON, another version, another room: each is ignored and said so, never a panic.
      await spy.evaluate((name) => {
        const ch = new BroadcastChannel(`stagecraft-console-${name}`);
        ch.postMessage('{not json');
        ch.postMessage(JSON.stringify({ v: 99, from: { room: 'x' }, body: 'ping' }));
        ch.postMessage(JSON.stringify({ v: 1, from: { room: 'intruder' }, body: 'ping' }));
        ch.postMessage(JSON.stringify({ v: 1, from: { console: 'c' }, body: { request: { speed: { factor: 3 } } } }));
        ch.postMessage(42);
        ch.close();
      }, channel);
      await popup.getByTestId('console-problem').filter({ hasText: /Another room window|ignored/ }).waitFor();
      await page.waitForTimeout(500);
      assert.equal(await popup.getByTestId('console-status').innerText(), 'Connected to the room: what you do here happens there.');
      // Both consoles still drive the room.
      const before = await minute(page);
      await second.getByRole('button', { name: 'Step +1 min' }).click();
      await page.waitForFunction((m) => Number(document.querySelector('[data-testid=sim-time]').dataset.minute) === m + 1, before);
      await popup.waitForFunction((m) => Number(document.querySelector('[data-testid=sim-time]').dataset.minute) === m + 1, before);
      assert.deepEqual([...errors, ...consoleErrors, ...secondErrors], []);
    } finally {
      await close();
    }
  });
});
