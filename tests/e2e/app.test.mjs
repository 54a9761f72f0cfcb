// End-to-end: the release build (dist/, from `trunk build --release`) in headless Chromium,
// driven by role and accessible name. Run by `./x test`; alone:
//   trunk build --release && node --test tests/e2e/
// Screenshots of each state go to tests/e2e/artifacts/.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  actAs, commit, enabled, noAxeViolations, openApp, pressPlay, promote, runUntil, serveAndLaunch, serves, shipToProduction, station,
} from './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

describe('Stagecraft release build', () => {
  const env = serveAndLaunch(dist, artifacts);

  test('idle: every environment runs v1.0.0, nothing is broken, no axe violations', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      assert.equal(await page.title(), 'Stagecraft');
      for (const name of ['Development', 'Staging', 'Production']) {
        assert.match(await page.locator(station(name)).textContent(), /v1\.0\.0/);
      }
      assert.match(await page.getByTestId('release-token').textContent(), /v1\.0\.0/);
      assert.equal(await page.getByRole('button', { name: 'Promote to Staging' }).isDisabled(), true);
      assert.equal(await page.locator('#panic-panel').isHidden(), true, 'panic panel must stay hidden');
      assert.equal(await page.locator('.loading').count(), 0, 'loading text must be replaced by the app');
      await noAxeViolations(page, 'idle');
      await shot(page, 'idle');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('promote a release to Production through gates and a four-eyes approval', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      await commit(page);
      assert.match(await page.locator(station('Development')).textContent(), /v1\.1\.0/);
      await promote(page, 'Staging', 'All at once');
      await page.getByRole('button', { name: 'Step +1 min' }).click();
      assert.equal(await page.locator('.gate.running').count(), 1, 'the integration tests run');
      await noAxeViolations(page, 'running');
      await shot(page, 'deploying');
      await runUntil(page, enabled, '#promote-prod');
      await promote(page, 'Production', 'Rolling');
      await runUntil(page, enabled, '#approve-prod');
      // The author's own role may approve, but the four-eyes rule is per person: Rui signs off.
      await actAs(page, 'rui');
      await page.getByRole('button', { name: 'Approve for Production' }).click();
      await runUntil(page, serves, ['Production', 'v1.1.0']);
      assert.match(await page.getByTestId('release-token').getAttribute('aria-label'), /v1\.1\.0, in Production/);
      assert.match(await page.locator('.timeline').textContent(), /v1\.1\.0 now serves all of Production/);
      assert.match(await page.locator('.delivery').textContent(), /1 production deploys/);
      await shot(page, 'production');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('a defect reaches Production, users are hurt, and a rollback restores service', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      await shipToProduction(page, 'v1.1.0', { strategy: 'All at once', defect: 'extra error rate', sneaky: true });
      // The restart's blip pages at once (fast burn); wait for the release itself to serve
      // and for the symptom alert its errors raise.
      await runUntil(page, serves, ['Production', 'v1.1.0']);
      await runUntil(page, () => document.querySelector('g[aria-label="Production environment"] .flow.bad'));
      assert.match(await page.locator(station('Production')).textContent(), /users are hurt/);
      await runUntil(page, () => [...document.querySelectorAll('.alerts li.bad')].some((li) => li.textContent.includes('High error rate')));
      assert.match(await page.getByTestId('announce-assertive').textContent(), /alert|INC-/i);
      await noAxeViolations(page, 'failure');
      await shot(page, 'failure');

      // One minute after the rollback must be one minute: the clock stands still, no card open.
      assert.equal(await page.getByTestId('moment').count(), 0);
      assert.ok(await page.getByRole('button', { name: 'Play the simulation' }).isVisible(), 'the clock is paused');
      await page.getByLabel('Roll Production back to').selectOption('v1.0.0');
      await page.getByRole('button', { name: 'Roll back Production' }).click();
      await page.getByRole('button', { name: 'Step +1 min' }).click();
      assert.match(await page.locator(station('Production')).textContent(), /⟲ Back to v1\.0\.0/);
      await noAxeViolations(page, 'rollback');
      await shot(page, 'rollback');
      await runUntil(page, serves, ['Production', 'v1.0.0']);
      await runUntil(page, () => !document.querySelector('g[aria-label="Production environment"] .flow.bad'));
      await runUntil(page, () => /Production rolled back from v1\.1\.0 to v1\.0\.0/.test(document.querySelector('.timeline')?.textContent));
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('a canary with a defect the tests miss is aborted by canary analysis', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      await shipToProduction(page, 'v1.1.0', { strategy: 'Canary', defect: 'extra error rate', sneaky: true });
      await runUntil(page, ([sel, text]) => document.querySelector(sel)?.textContent.includes(text), [station('Production'), 'canary']);
      await shot(page, 'canary');
      await runUntil(page, () => document.querySelector('.timeline')?.textContent.includes('Automatically aborted rollout of v1.1.0'));
      assert.match(await page.locator('.timeline').textContent(), /Canary analysis failed for v1\.1\.0/);
      assert.equal(await page.locator(`${station('Production')} .station-version`).textContent(), 'v1.0.0');
      assert.match(await page.getByTestId('release-token').getAttribute('aria-label'), /in Staging/, 'the token moved back');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('restore a lost database from a backup (and a refused command explains itself)', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      const ops = page.getByRole('region', { name: 'Production controls' });
      await ops.getByText('Operate Production').click();
      await page.getByRole('button', { name: 'Take backup of Production' }).click();
      assert.match(await page.getByTestId('rejection').textContent(), /Release manager may not take or restore backups/);
      await actAs(page, 'sam');
      await page.getByRole('button', { name: 'Take backup of Production' }).click();
      assert.equal(await page.getByTestId('rejection').count(), 0);
      await runUntil(page, () => document.querySelector('[data-testid=sim-time]').textContent >= 'Day 1 09:20');
      await page.getByLabel('Failure', { exact: true }).selectOption({ label: 'Data loss (disk lost)' });
      await page.getByRole('button', { name: 'Inject failure now' }).click();
      assert.match(await page.locator(station('Production')).textContent(), /database lost/);
      await ops.getByLabel('Backup', { exact: true }).selectOption('backup-1');
      await page.getByRole('button', { name: 'Restore Production' }).click();
      await page.getByRole('button', { name: 'Step +1 min' }).click();
      assert.match(await page.locator(station('Production')).textContent(), /Restoring from backup-1/);
      await runUntil(page, () => document.querySelector('.timeline')?.textContent.includes('Production restored'));
      assert.match(await page.locator('.timeline').textContent(), /records lost \(RPO \d+ min\)/);
      await shot(page, 'restored');
      assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
    } finally {
      await close();
    }
  });

  test('presenter mode, light theme and the help overlay by keyboard', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1024, height: 768 });
    try {
      await page.keyboard.press('p');
      assert.equal(await page.locator('.app.presenter').count(), 1);
      assert.equal(await page.locator('.config').count(), 0, 'presenter mode shows fewer panels');
      assert.equal(await page.locator('.timeline').count(), 1, 'but keeps the trainer\'s timeline');
      assert.equal(await page.getByRole('region', { name: 'Instructor: chaos' }).count(), 1, 'and the chaos menu');
      await page.getByRole('button', { name: 'Light theme' }).click();
      assert.equal(await page.locator('.app[data-theme=light]').count(), 1);
      await page.keyboard.press('?');
      assert.match(await page.getByRole('dialog').textContent(), /Keyboard shortcuts/);
      await noAxeViolations(page, 'presenter + light + help');
      await shot(page, 'presenter-light-help');
      await page.keyboard.press('Escape');
      assert.equal(await page.getByRole('dialog').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('usable at 320 px wide: no page-wide horizontal scrolling', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 320, height: 700 });
    try {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `page is ${overflow}px wider than the viewport`);
      await shot(page, 'narrow-320');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('on a phone the stations sit side by side in a strip that fits the screen', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 375, height: 800 });
    try {
      const boxes = [];
      for (const name of ['Development', 'Staging', 'Production']) boxes.push(await page.locator(station(name)).boundingBox());
      assert.ok(boxes[0].x < boxes[1].x && boxes[1].x < boxes[2].x, 'left to right');
      for (const b of boxes) assert.ok(b.x >= 0 && b.x + b.width <= 375 && b.y + b.height < 400, 'inside the screen, in its top half');
      const strip = await page.getByTestId('pipeline').boundingBox();
      assert.ok(strip.height < 200, `a short strip (${strip.height} px)`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, 'no sideways scrolling');
      await noAxeViolations(page, 'phone, strip diagram and sheet');
      await shot(page, 'pipeline-375-strip');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('between a phone and a laptop the stations stack, so every environment shows without sideways scrolling', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 700, height: 800 });
    try {
      const boxes = async () => {
        const out = [];
        for (const name of ['Development', 'Staging', 'Production']) out.push(await page.locator(station(name)).boundingBox());
        return out;
      };
      const scroll = page.locator('.diagram-scroll');
      const [dev, staging, prod] = await boxes();
      assert.ok(dev.y < staging.y && staging.y < prod.y, 'top to bottom');
      for (const b of [dev, staging, prod]) assert.ok(b.x >= 0 && b.x + b.width <= 700, 'inside the screen');
      assert.ok(await scroll.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), 'the diagram does not scroll sideways');
      await noAxeViolations(page, 'stacked diagram');
      await shot(page, 'pipeline-700-stacked');
      // Wide tables scroll sideways here: each is a named, focusable region.
      await page.getByRole('button', { name: "Trainer's guide" }).click();
      await page.getByRole('dialog').waitFor();
      await noAxeViolations(page, "phone, trainer's guide");
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      // Turning to a wide screen switches back to left to right, without a reload.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForFunction(() => !document.querySelector('svg.pipeline.stacked'));
      const [d2, s2, p2] = await boxes();
      assert.ok(d2.x < s2.x && s2.x < p2.x && Math.abs(d2.y - p2.y) < 1, 'left to right');
      // Just wide enough for the wide layout: it still fits without scrolling.
      await page.setViewportSize({ width: 831, height: 800 });
      assert.ok(await scroll.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), 'the wide diagram fits at 831 px');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('with no alert rule, users report a failing release after half an hour, and the card says nothing paged', async () => {
    // Production starts on a release that fails some requests, and nothing watches it.
    const scenario = {
      format: 1, id: 'nothing-pages', title: 'Nothing pages', concepts: ['continuous_monitoring'], seed: 7,
      summary: 'Production runs a release that fails some requests, and no alert rule watches it.',
      setup: { alert_rules: [], initial_traits: { defect: 'error_rate' }, flaky_test_rate: 0 },
    };
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1366, height: 768 });
    try {
      await page.locator('#open-scenario').setInputFiles({ name: 'nothing-pages.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
      await page.getByRole('heading', { name: 'Nothing pages', level: 2 }).waitFor();
      await page.getByRole('button', { name: 'Speed 64×' }).click();
      const card = page.getByTestId('moment');
      const seen = [];
      for (let i = 0; i < 40 && !seen.at(-1)?.startsWith('Users reported'); i++) {
        if (await card.isVisible()) {
          seen.push((await card.locator('h3').textContent()).trim());
          if (!seen.at(-1).startsWith('Users reported')) await card.getByRole('button', { name: /^Continue/ }).click();
          continue;
        }
        const play = page.getByRole('button', { name: 'Play the simulation' });
        if (await play.isVisible()) await pressPlay(play);
        await card.or(page.getByRole('dialog')).first().waitFor({ timeout: 30_000 });
      }
      assert.equal(seen.at(-1), 'Users reported a failure in Production', seen.join(' | '));
      assert.ok(!seen.some((t) => t.startsWith('Alert in')), `nothing paged: ${seen.join(' | ')}`);
      const text = await card.textContent();
      assert.match(text, /No alert paged.*after 30 min of requests failing or too slow/s);
      // Half an hour after the first bad minute (the clock starts at 09:00, users hurt from the start).
      assert.match(await page.getByTestId('sim-time').textContent(), /09:3[01]/);
      await noAxeViolations(page, 'users reported');
      for (const [width, height] of [[1366, 768], [1920, 1080], [375, 812]]) {
        await page.setViewportSize({ width, height });
        await page.screenshot({ path: join(artifacts, `users-reported-${width}.png`) });
      }
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('without JavaScript the page explains what it needs', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(env.server.url + '/');
      assert.match(await page.locator('body').innerText(), /needs JavaScript and WebAssembly/);
    } finally {
      await context.close();
    }
  });
});
