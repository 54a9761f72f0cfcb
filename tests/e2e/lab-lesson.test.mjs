// End-to-end: the lab lesson "Is a canary worth it?" played as a newcomer would, following
// only what the screen says: start it from the picker, the lab opens set up for it; run one
// week of each policy, then 1,000 weeks of each (in the lab's web workers), answer the
// question, read the verdict and open the debrief. The reference answer wins (1366×768);
// the key mistake, the answer the first week suggests, loses (375×812). The first step is
// also looked at on a presenter's 1920×1080. Screenshots: tests/e2e/artifacts/lab-lesson-*.png.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noAxeViolations, openApp, serveAndLaunch } from './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const lesson = JSON.parse(readFileSync(join(here, '..', '..', 'static', 'lessons', 'is-a-canary-worth-it.json'), 'utf8'));
const shot = (page, name) => page.screenshot({ path: join(artifacts, `lab-lesson-${name}.png`), fullPage: false });
const phase = (page) => page.getByTestId('lab-run').getAttribute('data-phase');
const finished = (page) => page.waitForFunction(
  () => document.querySelector('[data-testid=lab-run]')?.dataset.phase === 'finished', null, { timeout: 240_000 });

/** From the first screen to the lab opened by the lesson. */
async function startLesson(page) {
  await page.getByRole('button', { name: 'Choose a lesson' }).first().click();
  await page.getByRole('button', { name: `Start: ${lesson.title}` }).click();
  const lab = page.getByRole('dialog', { name: /What are the odds\?/ });
  await lab.waitFor();
  return lab;
}

/** Steps 1 and 2, doing what the lesson box's "Next step" says. */
async function runBoth(page, lab, size) {
  const next = lab.getByTestId('lab-next-step');
  assert.match(await next.textContent(), /press “Run one week of each” below/);
  await lab.getByRole('button', { name: 'Run one week of each' }).click();
  await finished(page);
  const week = lab.getByTestId('lab-first-week');
  await week.waitFor();
  assert.match(await week.textContent(), new RegExp(`The first week \\(seed ${lesson.lab.first_look_seed}\\)`));
  assert.match(await next.textContent(), /Press “Run 1,000 weeks of each” below/);
  assert.equal(await lab.getByTestId('lab-results').count(), 0, 'one week is a table, not charts');
  await week.scrollIntoViewIfNeeded();
  await shot(page, `first-week-${size}`);
  await lab.getByRole('button', { name: 'Run 1,000 weeks of each' }).click();
  assert.equal(await phase(page), 'running');
  await finished(page);
  assert.match(await page.getByTestId('lab-status').textContent(), /Done: 2,000 runs in [\d.]+ s/);
  await lab.getByTestId('lab-results').waitFor();
  assert.match(await next.textContent(), /choose an answer and press “Check my answer”/);
}

async function answer(page, lab, choice) {
  const form = lab.getByTestId('lab-question');
  assert.match(await form.textContent(), /Is a canary worth it\?/);
  const check = form.getByRole('button', { name: 'Check my answer' });
  assert.ok(await check.isDisabled(), 'nothing to check before a choice');
  await form.getByLabel(lesson.lab.choices[choice].text).check();
  await check.click();
  return lab.getByTestId('lab-verdict');
}

describe('The lab lesson, through the UI', () => {
  const env = serveAndLaunch(dist, artifacts);

  test('the reference answer, read from 1,000 weeks of each policy, wins (1366×768)', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1366, height: 768 });
    try {
      const lab = await startLesson(page);
      await noAxeViolations(page, 'lab lesson (first step)');
      await shot(page, 'start-1366');
      await runBoth(page, lab, '1366');
      await lab.getByTestId('lab-question').scrollIntoViewIfNeeded();
      await shot(page, 'question-1366');
      await noAxeViolations(page, 'lab lesson (question)');
      const verdict = await answer(page, lab, lesson.lab.answer);
      assert.match(await verdict.textContent(), /Right: lesson won\./);
      await shot(page, 'won-1366');
      // The lesson panel behind the lab says so too, and the debrief tells the story.
      await verdict.getByRole('button', { name: 'Show the debrief' }).click();
      const debrief = page.getByRole('dialog', { name: /Debrief: Is a canary worth it\?/ });
      await debrief.waitFor();
      assert.match(await debrief.textContent(), /You won this lesson/);
      assert.match(await debrief.getByTestId('lab-debrief-answer').textContent(), new RegExp(lesson.lab.choices[lesson.lab.answer].text.slice(0, 30)));
      await noAxeViolations(page, 'lab lesson debrief');
      await shot(page, 'debrief-won-1366');
      await debrief.getByRole('button', { name: 'Close debrief' }).click();
      assert.match(await page.getByTestId('verdict').textContent(), /Lesson won/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('the key mistake, the answer one week suggests, loses (375×812)', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 375, height: 812 });
    try {
      const lab = await startLesson(page);
      await shot(page, 'start-375');
      await runBoth(page, lab, '375');
      await lab.getByTestId('lab-question').scrollIntoViewIfNeeded();
      await shot(page, 'question-375');
      const verdict = await answer(page, lab, lesson.lab.mistake);
      assert.match(await verdict.textContent(), /Not so: lesson lost\./);
      await verdict.scrollIntoViewIfNeeded();
      await shot(page, 'lost-375');
      await verdict.getByRole('button', { name: 'Show the debrief' }).click();
      const debrief = page.getByRole('dialog', { name: /Debrief: Is a canary worth it\?/ });
      assert.match(await debrief.textContent(), /This lesson was lost/);
      await shot(page, 'debrief-lost-375');
      // Try again: the lab opens on the first step, the answer gone.
      await debrief.getByRole('button', { name: 'Try again (reset)' }).click();
      const again = page.getByRole('dialog', { name: /What are the odds\?/ });
      assert.match(await again.getByTestId('lab-next-step').textContent(), /Run one week of each/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('the first step on a presenter screen (1920×1080)', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url, { width: 1920, height: 1080 });
    try {
      const lab = await startLesson(page);
      // The next step's control is on screen without scrolling.
      const run = lab.getByRole('button', { name: 'Run one week of each' });
      const box = await run.boundingBox();
      assert.ok(box && box.y + box.height <= 1080, `Run is at ${JSON.stringify(box)}`);
      await shot(page, 'start-1920');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});
