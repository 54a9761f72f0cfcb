// Helpers for the end-to-end flows: drive the built app by role and accessible name.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const PIPELINE = '[data-testid=pipeline]';
/** The app as the wasm drew it: the first screen painted from the HTML is inert until then,
 *  and each region the wasm takes over in a later task stays inert until its turn. */
export const APP_RUNNING = '#app > .app:not([inert]):not(:has([inert]))';
export const station = (name) => `g[role=group][aria-label="${name} environment"]`;

/** A fresh page (reduced motion, so screenshots are stable) recording errors.
 *  `beforeGoto(page)` runs before the first navigation (to watch or route requests).
 *  A first visit opens on the welcome: it is left for free play unless `{ welcome: true }`. */
export async function openApp(browser, url, viewport = { width: 1280, height: 800 }, beforeGoto = async () => {}, { welcome = false } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await beforeGoto(page);
  const errors = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(`${msg.text()} (${msg.location().url})`));
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('response', (res) => res.status() >= 400 && errors.push(`HTTP ${res.status()} ${res.url()}`));
  await page.goto(url + '/');
  await page.waitForSelector(APP_RUNNING, { timeout: 15_000 });
  await page.waitForSelector(PIPELINE, { state: 'visible', timeout: 15_000 });
  if (!welcome) await leaveWelcome(page);
  return { page, errors, close: () => context.close() };
}

/** Closes the first visit's welcome (for free play), if it is open. */
export async function leaveWelcome(page) {
  const freePlay = page.getByRole('button', { name: 'Free play: explore on my own' });
  if (await freePlay.isVisible()) await freePlay.click();
}

/** Plays the clock at 64× until `predicate(arg)` holds in the page, then pauses. A moment
 *  card on the way (the clock stops itself at key moments) is continued. It returns with the
 *  clock paused and no card open: a card raised while the clock ran resumes it when the room
 *  does what the card is about (see `AppState::issue`), so a card left open would let the
 *  caller's next command start the clock at 64× behind its back. */
export async function runUntil(page, predicate, arg, timeout = 30_000) {
  if (await page.evaluate(predicate, arg)) return settle(page);
  // The condition may come true (a debrief opens over the clock) while the button is sought.
  const speed = await page.getByRole('button', { name: 'Speed 64×' }).click({ timeout: 10_000 }).then(() => null, (e) => e);
  if (speed && !(await page.evaluate(predicate, arg))) throw speed;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(predicate, arg)) break;
    const card = page.getByTestId('moment');
    if (await card.isVisible()) {
      await card.getByRole('button', { name: /^(Continue|Do this step)/ }).click();
    }
    // Continue resumes only a clock that was playing: a card raised by "Step +1 min"
    // leaves it paused, so press Play as a person would.
    if (!(await card.isVisible())) {
      // (A dialog that just opened, the debrief say, may cover it: then the wait decides.)
      const play = page.getByRole('button', { name: 'Play the simulation' });
      if (await play.isVisible()) await play.click({ timeout: 2000 }).catch(() => {});
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`runUntil: timed out after ${timeout} ms`);
    // Whichever comes first: the condition, or a card to continue. The other wait is
    // abandoned (its later timeout is caught).
    const waits = [
      page.waitForFunction(predicate, arg, { timeout: left }),
      page.waitForSelector('[data-testid=moment]', { timeout: left }),
    ];
    waits.forEach((w) => w.catch(() => {}));
    await Promise.any(waits).catch(() => { throw new Error(`runUntil: timed out after ${timeout} ms`); });
  }
  await settle(page);
}

/** Clicks Play. The clock stops for a card or a dialog (the debrief), which is why Play shows,
 *  so one may open over it after the caller looked: then the click is dropped and the caller's
 *  next look deals with what opened. Any other failure is thrown. */
export async function pressPlay(play) {
  const failed = await play.click({ timeout: 5000 }).then(() => null, (e) => e);
  if (failed && !(await play.page().locator('[data-testid=moment], [role=dialog]').first().isVisible())) throw failed;
}

/** Leaves the clock paused with no card open: a card is continued (which may restart the
 *  clock), then the clock is paused; a card raised in between is handled the same way. Each
 *  step waits for the page to show its effect before the next look, so no look sees the
 *  screen from before a click. A dialog over the clock (the debrief) is left alone. */
async function settle(page) {
  const card = page.getByTestId('moment');
  const pause = page.getByRole('button', { name: 'Pause the simulation' });
  const play = page.getByRole('button', { name: 'Play the simulation' });
  for (let round = 0; round < 5; round++) {
    if (await card.isVisible()) {
      // A card says when the clock stopped and why: another card reads differently.
      const before = await card.textContent();
      await card.getByRole('button', { name: /^Continue/ }).click({ timeout: 5000 }).catch(() => {});
      await page.waitForFunction((text) => document.querySelector('[data-testid=moment]')?.textContent !== text, before, { timeout: 5000 }).catch(() => {});
      continue;
    }
    if (await pause.isVisible()) {
      await pause.click({ timeout: 5000 }).catch(() => {});
      await play.or(card).first().waitFor({ timeout: 5000 }).catch(() => {});
      continue;
    }
    return;
  }
}

export const enabled = (sel) => {
  const el = document.querySelector(sel);
  return el && !el.disabled;
};
export const stationSays = ([sel, text]) => document.querySelector(sel)?.textContent.includes(text);
/** The station's headline version (what serves all of its traffic). */
export const serves = ([stage, version]) =>
  document.querySelector(`g[role=group][aria-label="${stage} environment"] .station-version`)?.textContent.trim() === version;

export async function actAs(page, id) {
  await page.getByLabel('Acting as').selectOption(id);
}

/** Commits a change with the given defect label; `sneaky` makes every test miss it. */
export async function commit(page, { defect, sneaky = false } = {}) {
  const form = page.getByRole('region', { name: 'Commit a change' });
  // Inside a lesson the form proposes the lesson's change; own traits are a deliberate choice.
  if (defect || sneaky) {
    const own = form.getByRole('radio', { name: /Choose the traits myself/ });
    if (!(await own.isChecked())) await own.check();
    await form.getByLabel('Defect', { exact: true }).selectOption({ label: defect ?? 'no defect' });
  }
  if (sneaky) await form.getByLabel('Tests miss the defect').check();
  await page.getByRole('button', { name: 'Commit change' }).click();
  await runUntil(page, enabled, '#promote-staging');
}

/** Promotes what runs in the previous stage into `stage` with a strategy from the form. */
export async function promote(page, stage, strategy = 'Rolling') {
  const column = page.getByRole('region', { name: `${stage} controls` });
  await column.getByLabel('Strategy', { exact: true }).selectOption({ label: strategy });
  await page.getByRole('button', { name: `Promote to ${stage}` }).click();
}

/** Commit → Staging → Production (approved by Rui), waiting for Production to run it. */
export async function shipToProduction(page, version, { strategy = 'Rolling', defect, sneaky } = {}) {
  await commit(page, { defect, sneaky });
  await promote(page, 'Staging', 'All at once');
  await runUntil(page, enabled, '#promote-prod');
  await promote(page, 'Production', strategy);
  await runUntil(page, enabled, '#approve-prod');
  await actAs(page, 'rui');
  await page.getByRole('button', { name: 'Approve for Production' }).click();
  await actAs(page, 'mia');
}

/** axe-core over the whole page; returns readable violations. */
export async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document));
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`,
  );
}

export async function noAxeViolations(page, state) {
  assert.deepEqual(await axe(page), [], `axe-core violations in the ${state} state`);
}

/** Serves `dist` and launches Chromium for a `describe` block; both stop after it. */
export function serveAndLaunch(dist, artifacts) {
  const env = {};
  before(async () => {
    assert.ok(existsSync(join(dist, 'index.html')), `no ${dist}/index.html: run \`trunk build --release\` first`);
    mkdirSync(artifacts, { recursive: true });
    env.server = await serve(dist);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
