// End-to-end: the release build (dist/, from `trunk build --release`) in headless Chromium.
// Run by `./x test`; alone: `trunk build --release && node --test tests/e2e/`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const PIPELINE = '[data-testid=pipeline]';
const station = (name) => `g[role=group][aria-label="${name} environment"]`;

describe('Stagecraft release build', () => {
  let server;
  let browser;

  before(async () => {
    assert.ok(existsSync(join(dist, 'index.html')), `no ${dist}/index.html: run \`trunk build --release\` first`);
    mkdirSync(artifacts, { recursive: true });
    server = await serve(dist);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh page that records console errors and uncaught exceptions. */
  async function openApp() {
    // Reduced motion: the release token jumps instead of sliding, so screenshots are stable.
    const context = await browser.newContext({ viewport: { width: 1100, height: 620 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (msg) => msg.type() === 'error' && errors.push(`${msg.text()} (${msg.location().url})`));
    page.on('pageerror', (err) => errors.push(String(err)));
    page.on('response', (res) => res.status() >= 400 && errors.push(`HTTP ${res.status()} ${res.url()}`));
    await page.goto(server.url + '/');
    await page.waitForSelector(PIPELINE, { state: 'visible', timeout: 15_000 });
    return { page, errors, close: () => context.close() };
  }

  test('renders the pipeline with v1.0.0 in Development', async () => {
    const { page, errors, close } = await openApp();
    try {
      assert.equal(await page.title(), 'Stagecraft');
      assert.match(await page.locator(station('Development')).textContent(), /v1\.0\.0/);
      assert.match(await page.locator(station('Staging')).textContent(), /not deployed/);
      assert.match(await page.locator(station('Production')).textContent(), /not deployed/);
      assert.match(await page.getByTestId('release-token').textContent(), /v1\.0\.0/);
      assert.equal(await page.locator('#panic-panel').isHidden(), true, 'panic panel must stay hidden');
      assert.equal(await page.locator('.loading').count(), 0, 'loading text must be replaced by the app');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('Promote moves the release to Staging, then Production', async () => {
    const { page, errors, close } = await openApp();
    try {
      await page.getByRole('button', { name: 'Promote to Staging' }).click();
      await page.waitForFunction(
        (sel) => document.querySelector(sel)?.textContent.includes('v1.0.0'),
        station('Staging'),
      );
      assert.equal(await page.getByRole('status').textContent(), 'v1.0.0 is running in Staging.');
      assert.match(await page.locator(station('Production')).textContent(), /not deployed/);
      await page.screenshot({ path: join(artifacts, 'pipeline-staging.png') });

      await page.getByRole('button', { name: 'Promote to Production' }).click();
      await page.waitForFunction(
        (sel) => document.querySelector(sel)?.textContent.includes('v1.0.0'),
        station('Production'),
      );
      const button = page.getByRole('button', { name: 'Released to Production' });
      assert.equal(await button.isDisabled(), true);
      await page.screenshot({ path: join(artifacts, 'pipeline-production.png') });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('has no axe-core accessibility violations', async () => {
    const { page, close } = await openApp();
    try {
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(() => window.axe.run(document));
      const summary = result.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      assert.deepEqual(summary, []);
    } finally {
      await close();
    }
  });

  test('without JavaScript the page explains what it needs', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(server.url + '/');
      assert.match(await page.locator('body').innerText(), /needs JavaScript and WebAssembly/);
    } finally {
      await context.close();
    }
  });
});
