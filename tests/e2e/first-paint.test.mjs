// End-to-end: the release build paints the first screen from its HTML before the wasm has
// arrived (tools/first-screen.mjs puts the app's own server-side render in index.html), and
// the wasm then hydrates it, without anything moving. The wasm is held back by the
// test until the painted screen has been measured; screenshots of both go to
// tests/e2e/artifacts/first-paint-*.png.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_RUNNING, serveAndLaunch } from './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const PAINTED = '#app > .app[inert]';

// What the first screen must show, and what must not move when the wasm takes over.
const LANDMARKS = [
  '.app-header h1',
  '[data-testid=sim-time]',
  '[data-testid=pipeline]',
  '[data-testid=station-dev]',
  '[data-testid=station-staging]',
  '[data-testid=station-prod]',
  '#stage-columns',
  '#commit-defect',
];
const WELCOME = ['#welcome', '#welcome-heading'];

// Every layout shift the page records, from its start.
const SHIFTS = `window.__shifts = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__shifts.push(e.value); })
  .observe({ type: 'layout-shift', buffered: true });`;

const boxes = (page, selectors) =>
  page.evaluate((sels) => Object.fromEntries(sels.map((s) => {
    const r = document.querySelector(s)?.getBoundingClientRect();
    return [s, r && [r.x, r.y, r.width, r.height].map((v) => Math.round(v * 10) / 10)];
  })), selectors);

/** Opens the app with its wasm held back; returns the page and a function that lets it in. */
async function openHeld(browser, url, viewport, stored = {}, path = '/') {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  await page.addInitScript(SHIFTS);
  await page.addInitScript((items) => {
    for (const [k, v] of Object.entries(items)) if (localStorage.getItem(k) === null) localStorage.setItem(k, v);
  }, stored);
  let letIn;
  const held = new Promise((resolve) => { letIn = resolve; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(url + path);
  return { page, errors, letIn, close: () => context.close() };
}

describe('first paint from the HTML, before the wasm', () => {
  const env = serveAndLaunch(dist, artifacts);

  for (const [name, viewport] of [['1366', { width: 1366, height: 768 }], ['375', { width: 375, height: 812 }]]) {
    test(`first visit at ${name} px: the welcome over the app, then the wasm hydrates it in place`, async () => {
      const { page, errors, letIn, close } = await openHeld(env.browser, env.server.url, viewport);
      try {
        await page.waitForSelector(PAINTED, { state: 'attached' });
        assert.equal(await page.locator('.loading').count(), 0, 'the first screen replaced the loading text');
        assert.equal(await page.evaluate(() => window.wasmBindings), undefined, 'the wasm has not run yet');
        assert.equal(await page.locator('#welcome-heading').textContent(), 'Welcome to Stagecraft');
        for (const stage of ['Development', 'Staging', 'Production']) {
          assert.equal(await page.locator(`[aria-label="${stage} environment"]`).count(), 1, stage);
        }
        assert.match(await page.locator('[data-testid=sim-time]').textContent(), /Day 1 09:00/);
        await page.screenshot({ path: join(artifacts, `first-paint-${name}-html.png`) });
        const before = await boxes(page, [...LANDMARKS, ...WELCOME]);
        for (const [sel, box] of Object.entries(before)) assert.ok(box, `${sel} is in the painted screen`);

        // The wasm hydrates the painted elements rather than drawing new ones.
        await page.evaluate(() => { document.querySelector('#welcome-heading').paintedFromHtml = true; });
        letIn();
        await page.waitForSelector(APP_RUNNING);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        await page.screenshot({ path: join(artifacts, `first-paint-${name}-wasm.png`) });
        assert.equal(await page.evaluate(() => document.querySelector('#welcome-heading').paintedFromHtml), true, 'the same element');
        assert.deepEqual(await boxes(page, [...LANDMARKS, ...WELCOME]), before, 'nothing moved when the wasm took over');
        assert.deepEqual(await page.evaluate(() => window.__shifts), [], 'no layout shift');
        // The wasm's dialog is live: its close button has the focus, and closing works.
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Close');
        await page.getByRole('button', { name: 'Free play: explore on my own' }).click();
        assert.equal(await page.locator('#welcome').count(), 0);
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }

  test('a returning visitor: the stored light theme and no welcome from the first paint on', async () => {
    const { page, errors, letIn, close } = await openHeld(env.browser, env.server.url, { width: 1366, height: 768 }, {
      'stagecraft.display': 'light',
    });
    try {
      await page.waitForSelector(PAINTED, { state: 'attached' });
      assert.equal(await page.locator('#app > .app').getAttribute('data-theme'), 'light');
      assert.equal(await page.locator('#welcome').count(), 0, 'no welcome for a returning visitor');
      const background = () => page.evaluate(() => getComputedStyle(document.querySelector('#app > .app')).backgroundColor);
      const painted = await background();
      const before = await boxes(page, LANDMARKS);
      letIn();
      await page.waitForSelector(APP_RUNNING);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.equal(await page.locator('#app > .app').getAttribute('data-theme'), 'light');
      assert.equal(await background(), painted, 'the same background before and after');
      assert.deepEqual(await boxes(page, LANDMARKS), before, 'nothing moved when the wasm took over');
      assert.deepEqual(await page.evaluate(() => window.__shifts), []);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('a saved session or a shared link says Loading in the stored theme rather than paint another screen', async () => {
    const session = readFileSync(join(here, '..', 'fixtures', 'first-promotion.session.json'), 'utf8');
    const link = readFileSync(join(here, '..', 'fixtures', 'first-promotion.link'), 'utf8').trim();
    const light = { 'stagecraft.display': 'light' };
    for (const [stored, path] of [[{ 'stagecraft.session': session, ...light }, '/'], [light, `/#s=${link}`]]) {
      const { page, errors, letIn, close } = await openHeld(env.browser, env.server.url, { width: 1366, height: 768 }, stored, path);
      try {
        await page.waitForLoadState('domcontentloaded');
        assert.equal(await page.locator('#app > .app').count(), 0, `${path}: no painted screen`);
        assert.match(await page.locator('#app').textContent(), /Loading Stagecraft/);
        // In the stored theme.
        assert.equal(await page.locator('#app > .loading').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(246, 248, 250)');
        letIn();
        await page.waitForSelector(APP_RUNNING);
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    }
  });
});
