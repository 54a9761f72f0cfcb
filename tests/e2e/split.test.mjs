// End-to-end: the release build's wasm comes in two parts (tools/split). The first screen
// must need only the first part; late code needed early is fetched on the spot; a late
// part that cannot load is reported; a shared link fetches both parts before it starts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commit, openApp, serveAndLaunch, station } from './flows.mjs';
import { SETTLE_MS } from '../../tools/split/profile.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const LATE = '**/*_late.wasm';
const stats = (page) => page.evaluate(() => ({ ...window.wasmBindings.lateStats }));
const inDevelopment = async (page) => assert.match(await page.locator(station('Development')).textContent(), /v1\.1\.0/);

/** Holds the app's own fetch of the late part until `release()`; lets a synchronous load through. */
async function holdLateFetch(page) {
  let release;
  const released = new Promise((r) => { release = r; });
  const requests = [];
  await page.route(LATE, async (route) => {
    requests.push(route.request().resourceType());
    if (route.request().resourceType() === 'fetch') await released;
    await route.continue();
  });
  return { release, requests };
}

describe('Release build in two parts', () => {
  const env = serveAndLaunch(dist, artifacts);

  // The ways tools/split/profile.mjs reaches a first visit's first screen.
  const firstScreens = [
    { name: 'laptop', viewport: undefined },
    { name: 'phone', viewport: { width: 375, height: 812 } },
  ];
  for (const visit of firstScreens) test(`${visit.name}: the first screen is drawn without the late part, which then arrives and works`, async () => {
    let held;
    const { page, errors, close } = await openApp(env.browser, env.server.url, visit.viewport, async (p) => {
      held = await holdLateFetch(p);
    }, { welcome: true });
    try {
      // Let the first screen's effects run (what profile.mjs waits for), late part held back.
      // A first visit's first screen is the welcome over the diagram.
      assert.ok(await page.getByRole('dialog', { name: 'Welcome to Stagecraft' }).isVisible());
      await page.waitForTimeout(SETTLE_MS);
      assert.deepEqual(await stats(page), { syncLoads: 0, readyAt: null, failed: null, withFirst: false },
        'the first screen needed late code: refresh tools/split/keep.txt with ./x split-profile');
      assert.match(await page.locator(station('Production')).textContent(), /v1\.0\.0/);
      held.release();
      await page.waitForFunction(() => window.wasmBindings.lateStats.readyAt !== null);
      await page.getByRole('button', { name: 'Free play: explore on my own' }).click();
      await page.getByRole('button', { name: 'Step +1 min' }).click();
      assert.equal(await page.getByTestId('sim-time').textContent(), 'Day 1 09:01');
      assert.equal((await stats(page)).syncLoads, 0);
      assert.deepEqual(held.requests, ['fetch']);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('a click that needs late code before it arrived fetches it on the spot', async () => {
    let held;
    const { page, errors, close } = await openApp(env.browser, env.server.url, undefined, async (p) => {
      held = await holdLateFetch(p);
    });
    try {
      await commit(page);
      await inDevelopment(page);
      const s = await stats(page);
      assert.equal(s.syncLoads, 1);
      assert.notEqual(s.readyAt, null);
      assert.deepEqual(held.requests, ['fetch', 'xhr']);
      // The held fetch arrives afterwards and changes nothing.
      held.release();
      await page.getByRole('button', { name: 'Step +1 min' }).click();
      assert.equal((await stats(page)).syncLoads, 1);
      assert.equal(await page.locator('#panic-panel').isHidden(), true);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('a late part that cannot be loaded says so in the error panel', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, undefined, (p) =>
      p.route(LATE, (route) => route.fulfill({ status: 404, body: 'gone' })),
    { welcome: true });
    try {
      assert.equal(await page.locator('#panic-panel').isHidden(), true, 'the first screen works without it');
      // The first choice on the welcome is the first thing that needs the late part.
      await page.getByRole('button', { name: 'Free play: explore on my own' }).click();
      const panel = page.getByRole('alert').filter({ hasText: 'stopped working' });
      await panel.waitFor();
      assert.match(await panel.textContent(), /_late\.wasm\) could not be loaded: the server answered 404\. Check the connection and reload the page\./);
      await page.screenshot({ path: join(artifacts, 'late-part-missing.png') });
      assert.ok(errors.some((e) => e.includes('HTTP 404')), errors.join('\n'));
    } finally {
      await close();
    }
  });

  test('a shared link, and then the autosave it leaves, fetch both parts before they start', async () => {
    const link = readFileSync(join(here, '..', 'fixtures', 'first-promotion.link'), 'utf8').trim();
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const requested = [];
      page.on('request', (r) => r.url().endsWith('.wasm') && requested.push(r.url().replace(/.*-[0-9a-f]+_/, '')));
      await page.goto(`${env.server.url}/#s=${link}`);
      await page.locator(station('Production')).filter({ hasText: 'v1.1.0' }).waitFor();
      const s = await stats(page);
      assert.equal(s.syncLoads, 0);
      assert.equal(s.withFirst, true, 'both parts were fetched before the app started');
      assert.deepEqual(requested.sort(), ['bg.wasm', 'late.wasm']);
      // The link left an autosaved session: a reload resumes it, and also needs both parts.
      requested.length = 0;
      await page.reload();
      await page.locator(station('Production')).filter({ hasText: 'v1.1.0' }).waitFor();
      assert.deepEqual(await stats(page).then(({ syncLoads, withFirst }) => ({ syncLoads, withFirst })), { syncLoads: 0, withFirst: true });
      assert.deepEqual(requested.sort(), ['bg.wasm', 'late.wasm']);
    } finally {
      await context.close();
    }
  });
});

describe('Returning visitors', () => {
  const env = serveAndLaunch(dist, artifacts);

  test('a returning trainer (preferences and lesson records stored) gets both parts before the app starts', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      await context.addInitScript(() => {
        localStorage.setItem('stagecraft.display', 'light presenter');
        localStorage.setItem('stagecraft.records', 'first-promotion=won\nbad-deploy-rollback=lost');
      });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(env.server.url + '/');
      await page.locator('.app.presenter[data-theme=light]').waitFor();
      await page.waitForTimeout(SETTLE_MS);
      assert.deepEqual(await stats(page).then(({ syncLoads, withFirst }) => ({ syncLoads, withFirst })), { syncLoads: 0, withFirst: true });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
