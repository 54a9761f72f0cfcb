// End-to-end: lessons and the training session in the release build. Run by `./x test`.
// Screenshots go to tests/e2e/artifacts/lesson-*.png.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actAs, commit, enabled, noAxeViolations, openApp, promote, runUntil, serveAndLaunch, station } from './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.STAGECRAFT_DIST ?? join(here, '..', '..', 'dist');
const artifacts = join(here, 'artifacts');
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });

const FIRST = 'Your first trip to production';
// Valid JSON, but an id with a space, a stage that does not exist and markup in a hint.
const BROKEN = JSON.stringify({
  format: 1, id: 'bad id', title: 'Broken', summary: 'Broken on purpose', concepts: ['rollback'], seed: 1,
  objectives: [{ release_serves: { stage: 'moon', release: 'v1.1.0' } }],
  hints: ['Use <b>bold</b>'],
}, null, 2);

async function startLesson(page, title) {
  await page.getByRole('button', { name: 'Choose a lesson' }).click();
  await page.getByRole('button', { name: `Start: ${title}` }).click();
  await page.getByRole('heading', { name: title, level: 2 }).waitFor();
}

describe('Lessons and the training session', () => {
  const env = serveAndLaunch(dist, artifacts);

  test('play the first lesson by clicking: objectives turn met, the debrief and quiz follow', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      await page.getByRole('button', { name: 'Choose a lesson' }).click();
      await page.getByRole('button', { name: `Start: ${FIRST}` }).waitFor();
      assert.match(await page.getByRole('dialog').textContent(), /Not started/);
      await noAxeViolations(page, 'lesson picker');
      await page.getByRole('button', { name: `Start: ${FIRST}` }).click();
      const objectives = page.getByTestId('objectives');
      assert.match(await objectives.textContent(), /v1\.1\.0.*not yet/s);
      await noAxeViolations(page, 'lesson in progress');

      await commit(page);
      await promote(page, 'Staging', 'All at once');
      await runUntil(page, enabled, '#promote-prod');
      await promote(page, 'Production', 'Rolling');
      await runUntil(page, enabled, '#approve-prod');
      // Dana may not approve: the control says so in advance, and stays clickable.
      await actAs(page, 'dana');
      assert.match(await page.locator('#approve-prod-why').textContent(), /may not/);
      await actAs(page, 'rui');
      // Approving is what the approval card asked for: the card closes and the clock runs on.
      await page.getByRole('button', { name: 'Approve for Production' }).click();
      await runUntil(page, () => !!document.querySelector('#debrief'));
      const debrief = page.getByRole('dialog', { name: `Debrief: ${FIRST}` });
      await debrief.waitFor({ timeout: 30_000 });
      assert.match(await debrief.textContent(), /You won this lesson/);
      assert.equal(await debrief.locator('.objective.met').count(), 3);
      assert.match(await page.getByTestId('verdict').textContent(), /Lesson won at Day 1/);

      const q1 = debrief.getByRole('group', { name: /Why does production ask for an approval/ });
      await q1.getByLabel('A second pair of eyes catches what the author cannot see').check();
      await q1.getByRole('button', { name: 'Check answer' }).click();
      assert.match(await q1.textContent(), /Correct\./);
      await noAxeViolations(page, 'debrief');
      await shot(page, 'lesson-debrief');

      const download = page.waitForEvent('download');
      await debrief.getByRole('button', { name: 'Export post-incident report (Markdown)' }).click();
      const file = await download;
      assert.equal(file.suggestedFilename(), 'stagecraft-first-promotion-post-incident.md');
      const { readFile } = await import('node:fs/promises');
      const md = await readFile(await file.path(), 'utf8');
      assert.match(md, /^# Post-incident review: Your first trip to production/);
      assert.match(md, /Objective “.*”: met\./);

      await debrief.getByRole('button', { name: 'Choose another lesson' }).click();
      assert.match(await page.getByRole('dialog').locator('li', { hasText: FIRST }).textContent(), /Won/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('lessons are fetched when the picker opens, not on first load; a failed fetch says why and retries', async () => {
    const lessonRequests = [];
    let failing = true;
    const { page, errors, close } = await openApp(env.browser, env.server.url, undefined, async (p) => {
      p.on('request', (r) => (r.url().includes('/lessons/') || r.url().includes('/docs/')) && lessonRequests.push(r.url()));
      await p.route('**/lessons/*.json', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
    });
    try {
      await page.waitForTimeout(300);
      assert.deepEqual(lessonRequests, [], 'no lesson file and no guide on first load');
      await page.getByRole('button', { name: 'Choose a lesson' }).click();
      const alert = page.getByRole('dialog').getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.textContent(), /could not be loaded.*lessons\/\S+\.json could not be fetched/s);
      await noAxeViolations(page, 'lesson picker, fetch failed');
      await shot(page, 'lesson-picker-fetch-failed');
      failing = false;
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('button', { name: `Start: ${FIRST}` }).waitFor();
      assert.ok(lessonRequests.length >= 14, `fetched ${lessonRequests.length} files`);
      // The aborted requests are logged by the browser as failed loads: those are expected.
      assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), []);
    } finally {
      await close();
    }
  });

  test('a saved lesson that cannot be resumed offline is kept, and resumes once the lessons load', async () => {
    let failing = false;
    const { page, errors, close } = await openApp(env.browser, env.server.url, undefined, async (p) => {
      await p.route('**/lessons/*.json', (route) => (failing ? route.abort('internetdisconnected') : route.continue()));
    });
    try {
      await startLesson(page, FIRST);
      await commit(page);
      const saved = () => page.evaluate(() => localStorage.getItem('stagecraft.session'));
      await page.waitForFunction(() => (localStorage.getItem('stagecraft.session') ?? '').includes('first-promotion'));
      const before = await saved();

      failing = true;
      await page.reload();
      const notice = page.getByTestId('notice');
      await notice.waitFor();
      assert.match(await notice.textContent(), /saved session could not be resumed.*could not be fetched/s);
      assert.equal(await page.locator('#lesson-heading').textContent(), 'Free play');
      assert.equal(await saved(), before, 'the saved session is still there');

      failing = false;
      await page.reload();
      await page.getByRole('heading', { name: FIRST, level: 2 }).waitFor();
      assert.match(await page.getByTestId('objectives').textContent(), /v1\.1\.0/);
      assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), []);
    } finally {
      await close();
    }
  });

  test('a share link opens the same state in a fresh page; a reload resumes the autosave', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      await startLesson(page, FIRST);
      await commit(page);
      await promote(page, 'Staging', 'All at once');
      await page.getByRole('button', { name: 'Step +1 min' }).click();
      await page.getByRole('button', { name: 'Copy link' }).click();
      const url = await page.getByTestId('share-link').inputValue();
      assert.match(url, /#s=1\./);
      const time = await page.getByTestId('sim-time').textContent();
      const staging = await page.locator(station('Staging')).textContent();
      const goals = await page.getByTestId('objectives').textContent();

      const fresh = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
      try {
        const other = await fresh.newPage();
        await other.goto(url);
        await other.getByRole('heading', { name: FIRST, level: 2 }).waitFor();
        assert.equal(await other.getByTestId('sim-time').textContent(), time);
        assert.equal(await other.locator(station('Staging')).textContent(), staging);
        assert.equal(await other.getByTestId('objectives').textContent(), goals);
        await other.reload();
        await other.getByRole('heading', { name: FIRST, level: 2 }).waitFor();
        assert.equal(await other.getByTestId('sim-time').textContent(), time, 'resumed from the autosave');
      } finally {
        await fresh.close();
      }
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('a bad scenario file lists every problem with its place; the session stays', async () => {
    const { page, errors, close } = await openApp(env.browser, env.server.url);
    try {
      await startLesson(page, FIRST);
      await page.locator('#open-scenario').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(BROKEN) });
      const notice = page.getByTestId('notice');
      await notice.waitFor();
      const items = await notice.getByRole('listitem').allTextContents();
      assert.ok(items.length >= 2, `several problems listed: ${items.join(' | ')}`);
      assert.ok(items.some((t) => /broken\.json.*objectives\[0\]/.test(t)), items.join(' | '));
      assert.ok(await page.getByRole('heading', { name: FIRST, level: 2 }).isVisible(), 'the lesson is still loaded');
      await shot(page, 'lesson-import-error');
      await page.locator('#open-session').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(1_100_000, 32) });
      assert.match(await notice.textContent(), /huge\.json was not opened.*refused without being read/s);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  for (const [w, h] of [[1280, 800], [1024, 768], [375, 800]]) {
    for (const theme of ['dark', 'light']) {
      test(`screenshots at ${w}×${h}, ${theme}: picker, lesson with a hint, import error`, async () => {
        const { page, errors, close } = await openApp(env.browser, env.server.url, { width: w, height: h });
        try {
          if (theme === 'light') await page.getByRole('button', { name: 'Light theme' }).click();
          await page.getByRole('button', { name: 'Choose a lesson' }).click();
          await page.locator('.lesson-list').waitFor();
          await shot(page, `lesson-picker-${w}-${theme}`);
          await page.getByRole('button', { name: 'Start: A bad deploy and a rollback' }).click();
          await page.getByRole('button', { name: /Show a hint/ }).click();
          await page.locator('.lesson').scrollIntoViewIfNeeded();
          await shot(page, `lesson-hint-${w}-${theme}`);
          if (theme === 'light' && w === 1280) await noAxeViolations(page, 'lesson, light');
          await page.locator('#open-scenario').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(BROKEN) });
          await page.getByTestId('notice').scrollIntoViewIfNeeded();
          await shot(page, `lesson-import-error-${w}-${theme}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(overflow <= 1, `page is ${overflow}px wider than the viewport`);
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }
});
