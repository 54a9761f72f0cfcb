// End-to-end: lesson 1 played from the welcome, by role and accessible name, on a laptop
// (1366×768, 1024×768), a projector in presenter mode (1920×1080) and a phone (375×812). At
// every step (each card the clock stops for, and each command) the diagram, the clock, the
// lesson's objectives, the next step and the control that performs it are on screen: inside
// the viewport and not covered (the point at each one's centre hits it), with the page never
// scrolled by the test. Screenshots: tests/e2e/artifacts/viewport-<size>-<n>.png.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noAxeViolations, openApp, pressPlay, serveAndLaunch } from './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const FIRST = 'Your first trip to production';

/** The parts that must be on screen; on a phone the sheet carries the clock, objectives and step. */
const parts = (phone) => ({
  diagram: '[data-testid=pipeline]',
  clock: phone ? '.phone-bar .time' : '[data-testid=sim-time]',
  objectives: phone ? '[data-testid=sheet-objectives]' : '[data-testid=objectives]',
});

/** Which of `selectors` (name → CSS) are not wholly inside the viewport or are covered. */
function offScreen(selectors) {
  const out = [];
  for (const [name, sel] of Object.entries(selectors)) {
    const el = document.querySelector(sel);
    if (!el) { out.push(`${name}: missing (${sel})`); continue; }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) { out.push(`${name}: not shown`); continue; }
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5) {
      out.push(`${name}: ${Math.round(r.top)}..${Math.round(r.bottom)} × ${Math.round(r.left)}..${Math.round(r.right)} outside ${innerWidth}×${innerHeight}`);
      continue;
    }
    // Covered (by the phone's sheet, a sticky strip) or clipped by a scrolled box.
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 12));
    if (!hit || !(el === hit || el.contains(hit))) out.push(`${name}: covered by ${hit?.className?.baseVal ?? hit?.className ?? hit?.tagName}`);
  }
  return out;
}

const SIZES = [
  { w: 1366, h: 768 },
  { w: 1024, h: 768 },
  { w: 1920, h: 1080, presenter: true },
  { w: 375, h: 812, phone: true },
];
/** Lesson 1's reference solution: who acts, and the control that does it. */
const STEPS = [
  { who: 'dana', control: 'commit', name: 'Commit change' },
  { who: 'dana', control: 'promote-staging', name: 'Promote to Staging' },
  { who: 'mia', control: 'promote-prod', name: 'Promote to Production' },
  { who: 'rui', control: 'approve-prod', name: 'Approve for Production' },
];

describe('Lesson 1 keeps the diagram, clock, objectives and next action on screen', () => {
  const env = serveAndLaunch(dist, artifacts);

  for (const { w, h, presenter, phone } of SIZES) {
    test(`at ${w}×${h}${presenter ? ', presenter mode' : ''}, at every step`, async () => {
      const { page, errors, close } = await openApp(env.browser, env.server.url, { width: w, height: h }, undefined, { welcome: true });
      const visible = (name) => page.getByRole('button', { name }).locator('visible=true');
      let shots = 0;
      const checked = [];
      const check = async (what, extra) => {
        const problems = await page.evaluate(offScreen, { ...parts(phone), ...extra });
        const scrolled = await page.evaluate(() => scrollY);
        await page.screenshot({ path: join(artifacts, `viewport-${w}${presenter ? 'p' : ''}-${++shots}.png`) });
        assert.deepEqual(problems, [], `${what} at ${w}×${h} (page scrolled ${scrolled} px)`);
        assert.equal(scrolled, 0, `${what}: the page stayed where it was`);
        checked.push(what);
      };
      /** Lets the clock run (the Play in sight) until `done`, checking each card on the way. */
      const runUntil = async (done, arg) => {
        for (let i = 0; i < 400; i++) {
          const card = page.getByTestId('moment');
          if (await card.isVisible()) {
            const title = (await card.locator('h3').textContent()).trim();
            await check(`card "${title}"`, { card: '[data-testid=moment] h3', action: '[data-testid=moment] button.primary' });
            await card.getByRole('button', { name: /^Continue/ }).click();
            continue;
          }
          if (await page.evaluate(done, arg)) {
            // A card may stop the clock between the look and the click: then it is paused.
            const pause = visible('Pause the simulation');
            if (await pause.count()) await pause.click({ timeout: 2000 }).catch(() => {});
            return;
          }
          const play = visible('Play the simulation');
          if (await play.count()) await pressPlay(play);
          await page.waitForTimeout(150);
        }
        throw new Error('the lesson did not get there');
      };
      try {
        await page.getByRole('dialog', { name: 'Welcome to Stagecraft' }).getByRole('button', { name: /Start the first lesson/ }).click();
        await page.getByRole('heading', { name: FIRST, level: 2 }).waitFor();
        if (presenter) await page.getByRole('button', { name: 'Presenter mode' }).click();
        await page.getByRole('button', { name: 'Speed 16×' }).click();
        for (const step of STEPS) {
          const ready = (id) => { const b = document.getElementById(id); return !!b && !b.disabled; };
          await runUntil(ready, step.control);
          // A card raised between the look and the step is read first (its Continue is
          // checked in view), as a person would, then the step is checked on its own.
          while (await page.getByTestId('moment').isVisible()) await runUntil(ready, step.control);
          const next = phone ? '[data-testid=sheet-next]' : '[data-testid=next-step]';
          assert.match(await page.locator(next).textContent(), new RegExp(step.who, 'i'), 'the next step names who acts');
          await check(`step ${step.name}`, { next, control: `#${step.control}`, acting: '#acting-as' });
          await page.getByLabel('Acting as').selectOption(step.who);
          await page.getByRole('button', { name: step.name }).click();
        }
        await runUntil(() => !!document.querySelector('#debrief'));
        assert.match(await page.getByRole('dialog', { name: `Debrief: ${FIRST}` }).textContent(), /You won this lesson/);
        assert.ok(checked.filter((c) => c.startsWith('card')).length >= 1, `cards were checked too: ${checked.join(' | ')}`);
        console.log(`${w}×${h}: ${checked.length} steps on screen: ${checked.join(' | ')}`);
        if (phone) await noAxeViolations(page, 'phone, debrief over the sheet');
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }
});
