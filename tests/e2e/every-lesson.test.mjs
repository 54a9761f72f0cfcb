// End-to-end: every built-in lesson played through the built app, as a newcomer would:
// start it from the picker, leave the commit form as it opens (it proposes the lesson's own
// change), act as the person each step needs, let the clock run with "Pause at key moments"
// on and press Continue on every card. The steps come from the lesson file's solution (a win)
// and its key mistake (a loss), mapped to the controls a learner clicks. Screenshots of moment
// cards, the look-back view and debriefs go to tests/e2e/artifacts/every-*.png.
//
// The clock runs at 64× between steps (the room's 1× would take an hour for all lessons),
// then steps minute by minute to each step's minute; every card still stops it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actAs, noAxeViolations, openApp, pressPlay, serveAndLaunch } from './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const lessonsDir = join(here, '..', '..', 'static', 'lessons');
const lessons = readdirSync(lessonsDir)
  .filter((f) => f.endsWith('.json') && f !== 'sandbox.json')
  .map((f) => JSON.parse(readFileSync(join(lessonsDir, f), 'utf8')))
  // A lab lesson is answered in the strategy lab, not played in the simulator:
  // tests/e2e/lab-lesson.test.mjs plays it.
  .filter((l) => !l.lab)
  .sort((a, b) => a.order - b.order);
const only = process.env.LESSON;

const STAGE_NAMES = { dev: 'Development', staging: 'Staging', prod: 'Production' };
const stageName = (lesson, id) => lesson.setup?.stage_overrides?.[id]?.name ?? STAGE_NAMES[id] ?? id;
const minute = (page) => page.getByTestId('sim-time').getAttribute('data-minute').then(Number);
const card = (page) => page.getByTestId('moment');

/** Brings the clock to minute `at`: 64× while far, then one minute at a time. Every card on
 *  the way is read (its title kept) and continued. */
async function advanceTo(page, at, seen) {
  for (let guard = 0; guard < 2000; guard++) {
    if (await page.getByRole('dialog').isVisible()) return; // the debrief: decided
    if (await card(page).isVisible()) {
      seen.push(await card(page).locator('h3').textContent());
      if ((await minute(page)) >= at) return;
      await page.getByRole('button', { name: 'Step +1 min' }).click();
      continue;
    }
    const now = await minute(page);
    if (now >= at) return;
    if (at - now > 20) {
      await page.getByRole('button', { name: 'Speed 64×' }).click();
      await page.getByRole('button', { name: 'Play the simulation' }).click();
      await page.waitForFunction(
        (target) => Number(document.querySelector('[data-testid=sim-time]').dataset.minute) >= target
          || document.querySelector('[data-testid=moment], [role=dialog]'),
        at - 20,
      );
      // A card can stop the clock between the look and the click (the button becomes Play):
      // then there is nothing to pause, and the loop's next turn deals with the card.
      const pause = page.getByRole('button', { name: 'Pause the simulation' });
      if (await pause.isVisible()) await pause.click({ timeout: 2000 }).catch(() => {});
    } else {
      await page.getByRole('button', { name: 'Step +1 min' }).click();
    }
  }
  throw new Error(`never reached minute ${at}`);
}

/** Plays on (Continue on every card) until the debrief opens. */
async function playToDebrief(page, lesson, seen) {
  const debrief = page.getByRole('dialog', { name: `Debrief: ${lesson.title}` });
  if (await debrief.isVisible()) return debrief;
  await page.getByRole('button', { name: 'Speed 64×' }).click();
  for (let guard = 0; guard < 400; guard++) {
    if (await debrief.isVisible()) return debrief;
    if (await card(page).isVisible()) {
      seen.push(await card(page).locator('h3').textContent());
      await card(page).getByRole('button', { name: /Continue|Do this step/ }).first().click();
      continue;
    }
    const play = page.getByRole('button', { name: 'Play the simulation' });
    if (await play.isVisible()) await pressPlay(play);
    await page.waitForFunction(() => document.querySelector('[data-testid=moment]')
      || document.querySelector('dialog[open], [role=dialog]'), null, { timeout: 30_000 });
  }
  throw new Error('the lesson was never decided');
}

async function operate(page, name) {
  const details = page.locator('details.ops', { has: page.locator('summary', { hasText: `Operate ${name}` }) });
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  return details;
}

/** What a learner clicks for one step of a lesson script. */
async function act(page, lesson, { actor, command }) {
  await actAs(page, actor);
  const [kind, arg] = typeof command === 'string' ? [command, {}] : Object.entries(command)[0];
  const name = arg.stage || arg.to ? stageName(lesson, arg.stage ?? arg.to) : '';
  switch (kind) {
    case 'commit':
      // The form as it opens: the lesson's change, its summary already filled in.
      await page.getByRole('button', { name: 'Commit change' }).click();
      break;
    case 'promote': {
      const column = page.getByRole('region', { name: `${name} controls` });
      const s = arg.strategy;
      const label = s === 'all_at_once' ? 'All at once' : s === 'blue_green' ? 'Blue-green'
        : s.rolling ? 'Rolling' : s.canary ? 'Canary' : s.dark_launch ? 'Dark launch' : String(s);
      await column.getByLabel('Strategy', { exact: true }).selectOption({ label });
      if (s.rolling) {
        // The older "batch" form is no surge and `batch` unavailable at a time.
        const surge = s.rolling.batch !== undefined ? 0 : s.rolling.max_surge ?? '25%';
        const unavailable = s.rolling.batch ?? s.rolling.max_unavailable ?? '25%';
        // The limits fold into one line ("Limits: …") until opened.
        const limits = column.locator('details.limits');
        if (!(await limits.getAttribute('open') !== null)) await limits.locator('summary').click();
        await column.getByLabel('Max surge').fill(String(surge));
        await column.getByLabel('Max unavailable').fill(String(unavailable));
      }
      if (s.canary) await column.getByLabel('Traffic steps (%)').fill(s.canary.steps.join(', '));
      if (arg.gates?.override) await column.getByLabel('Skip gates because (optional)').fill(arg.gates.override.reason);
      await page.getByRole('button', { name: `Promote to ${name}` }).click();
      break;
    }
    case 'approve':
      await page.getByRole('button', { name: `Approve for ${name}` }).click();
      break;
    case 'rollback':
      await page.getByLabel(`Roll ${name} back to`).selectOption(arg.to);
      await page.getByRole('button', { name: `Roll back ${name}` }).click();
      break;
    case 'switch_traffic':
      await page.getByRole('button', { name: `Switch traffic in ${name}` }).click();
      break;
    case 'hotfix': {
      const prod = stageName(lesson, 'prod');
      const ops = await operate(page, prod);
      await ops.getByLabel('Hotfix summary').fill(arg.summary);
      await ops.getByRole('button', { name: `Hotfix ${arg.base}` }).click();
      break;
    }
    case 'set_config': {
      const ops = await operate(page, name);
      await ops.getByLabel('Setting', { exact: true }).fill(arg.key);
      await ops.getByLabel('Value', { exact: true }).fill(arg.value);
      await ops.getByRole('button', { name: `Set in ${name}` }).click();
      break;
    }
    case 'take_backup':
      await (await operate(page, name)).getByRole('button', { name: `Take backup of ${name}` }).click();
      break;
    case 'restore_backup': {
      const ops = await operate(page, name);
      await ops.getByLabel('Backup', { exact: true }).selectOption(`backup-${arg.backup}`);
      await ops.getByRole('button', { name: `Restore ${name}` }).click();
      break;
    }
    case 'scale': {
      const ops = await operate(page, name);
      await ops.getByLabel('Instances').fill(String(arg.instances));
      await ops.getByRole('button', { name: `Scale ${name}` }).click();
      break;
    }
    default:
      throw new Error(`no UI mapping for ${kind}`);
  }
  // A refused command shows a toast. Some scripts are refused on purpose (least privilege:
  // the developer tries Production); the lesson's verdict says whether it was right.
  const toast = page.locator('.toast');
  if (await toast.isVisible()) {
    refusals.push(await toast.locator('p').first().textContent());
    await toast.getByRole('button', { name: 'Dismiss' }).click();
  }
}
const refusals = [];

async function playScript(page, lesson, script, seen) {
  await page.getByRole('button', { name: 'Choose a lesson' }).click();
  await page.getByRole('button', { name: `Start: ${lesson.title}` }).click();
  await page.getByRole('heading', { name: lesson.title, level: 2 }).waitFor();
  const speed = lesson.speed ?? 1;
  assert.equal(await page.getByRole('button', { name: `Speed ${speed}×` }).getAttribute('aria-pressed'), 'true', 'starts at its teaching speed');
  assert.equal(await page.getByRole('button', { name: 'Pause at key moments' }).getAttribute('aria-pressed'), 'true');
  const debrief = page.getByRole('dialog', { name: `Debrief: ${lesson.title}` });
  for (const step of script) {
    await advanceTo(page, step.at, seen);
    if (await debrief.isVisible()) break; // decided before this step (a mistake often is)
    await act(page, lesson, step);
  }
  return playToDebrief(page, lesson, seen);
}

describe('Every lesson through the UI', () => {
  const env = serveAndLaunch(dist, artifacts);

  for (const lesson of lessons.filter((l) => !only || l.id === only)) {
    test(`${lesson.title}: the solution, clicked with the forms as they open, wins`, async () => {
      const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1366, height: 768 });
      try {
        const seen = [];
        const debrief = await playScript(page, lesson, lesson.solution, seen);
        assert.match(await debrief.textContent(), /You won this lesson/, `moments: ${seen.join(' | ')}; refusals: ${refusals.join(' | ')}`);
        assert.ok(seen.length > 0, 'the clock stopped at least once');
        await page.screenshot({ path: join(artifacts, `every-${lesson.id}-won.png`) });
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });

    if (lesson.mistake) {
      test(`${lesson.title}: the key mistake (${lesson.mistake.description}) loses`, async () => {
        const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1366, height: 768 });
        try {
          const seen = [];
          const debrief = await playScript(page, lesson, lesson.mistake.commands, seen);
          assert.match(await debrief.textContent(), /This lesson was lost/, `moments: ${seen.join(' | ')}`);
          await page.screenshot({ path: join(artifacts, `every-${lesson.id}-lost.png`) });
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }

  test('the chaos menu forecasts a failure before it is injected, and warns when it would freeze promotions', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1366, height: 768 });
    try {
      await page.getByRole('button', { name: 'Choose a lesson' }).click();
      await page.getByRole('button', { name: 'Start: Your first trip to production' }).click();
      const chaos = page.getByRole('region', { name: 'Instructor: chaos' });
      const forecast = chaos.getByTestId('chaos-forecast');
      assert.match(await forecast.textContent(), /Point at or tab into this menu/);
      await chaos.getByLabel('Failure').selectOption({ label: 'Database outage (20 min)' });
      assert.match(await forecast.textContent(), /Likely cost over the next 50 min: about \d+ more failed requests in Production, \d+ % of its error budget\. ⚠ .*may no longer be winnable/);
      await chaos.getByLabel('Failure').selectOption({ label: 'Instance crash' });
      assert.doesNotMatch(await forecast.textContent(), /⚠/);
      await chaos.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, 'every-chaos-forecast.png') });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  for (const [w, h] of [[1366, 768], [1920, 1080], [375, 812]]) {
    test(`moment card, look-back and Show me at ${w}×${h}, with axe`, async () => {
      const { page, errors, close } = await openApp(env.browser, env.server.url, { width: w, height: h });
      try {
        const lesson = lessons.find((l) => l.id === 'canary-catches-regression');
        const seen = [];
        await page.getByRole('button', { name: 'Choose a lesson' }).click();
        await page.getByRole('button', { name: `Start: ${lesson.title}` }).click();
        await page.getByRole('heading', { name: lesson.title, level: 2 }).waitFor();
        const form = page.getByRole('region', { name: 'Commit a change' });
        assert.ok(await form.getByRole('radio', { name: /The lesson's change: “New recommendations”/ }).isChecked());
        for (const step of lesson.solution.slice(0, 4)) {
          await advanceTo(page, step.at, seen);
          await act(page, lesson, step);
        }
        // Run until the canary is pulled back: its card stays until Continue.
        for (let i = 0; i < 60; i++) {
          await advanceTo(page, (await minute(page)) + 1, seen);
          if (seen.some((t) => /pulled back/.test(t))) break;
        }
        assert.ok(seen.some((t) => /pulled back/.test(t)), seen.join(' | '));
        const abortedAt = await minute(page);
        await page.waitForTimeout(1500);
        assert.equal(await minute(page), abortedAt, 'the clock waits while the card is up');
        assert.match(await card(page).textContent(), /Rule.*Threshold.*Verdict/s);
        await card(page).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(artifacts, `every-moment-canary-${w}.png`) });
        await noAxeViolations(page, 'moment card');
        await card(page).getByRole('button', { name: 'Continue' }).click();
        const pause = page.getByRole('button', { name: 'Pause the simulation' });
        if (await pause.isVisible()) await pause.click();

        // Some minutes later, look back at the abort from the timeline: the diagram shows
        // that minute, read-only.
        await advanceTo(page, abortedAt + 5, seen);
        const row = page.locator('.timeline .event', { hasText: /pulled back|aborted|rolled back/i }).first();
        await row.click();
        const banner = page.getByTestId('look-back');
        await banner.waitFor();
        assert.match(await banner.textContent(), /Looking back at/);
        await page.getByTestId('pipeline').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(artifacts, `every-look-back-${w}.png`) });
        await noAxeViolations(page, 'look-back view');
        await banner.getByRole('button', { name: 'Back to now' }).click();
        assert.equal(await banner.count(), 0);

        // Show me: the reference solution, one card per step; the attempt comes back.
        await page.getByRole('button', { name: 'Show me the solution' }).click();
        await card(page).waitFor();
        assert.match(await card(page).textContent(), /Show me: step 1 of \d+.*Dana \(developer\) commits/s);
        await page.screenshot({ path: join(artifacts, `every-show-me-${w}.png`) });
        await noAxeViolations(page, 'show me');
        await page.getByRole('button', { name: 'Back to my attempt' }).click();
        assert.ok((await minute(page)) >= abortedAt, 'the attempt is back');
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }
});
