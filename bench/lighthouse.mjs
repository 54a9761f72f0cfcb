// `./x lighthouse` (and the last part of `./x bench`): Lighthouse 12.2.3 (npm) in Debian's
// Chromium against the release build in dist/, served with gzip as a static host serves it.
//
//   node bench/lighthouse.mjs        (after `trunk build --release`; `./x lighthouse` does both)
//
// Runs on the first screen (a first visit: the welcome), each in a fresh headless Chromium:
//   - mobile: Lighthouse's default preset (Moto G Power, simulated Slow 4G, 4× CPU slowdown);
//   - desktop: Lighthouse's desktop preset (simulated 10 Mbps, no CPU slowdown);
// and prints per preset the performance, accessibility, best-practices and SEO scores and
// FCP, LCP, TBT, CLS and Speed Index, then the audits that failed in accessibility and
// best practices. Then the accessibility category alone, mobile and desktop, on a state only
// a link reaches: tests/fixtures/first-promotion.link, lesson 1 won (v1.1.0 in Production)
// with its debrief dialog open over the lesson panel. (The lesson picker, the help and the
// guide open only by a click: no URL reaches them.)
//
// Figures are reported, not asserted: it exits non-zero only if a run crashes. The full
// reports go to bench/results/lighthouse-<run>.json (open one in the Lighthouse viewer).
// CHROME_PATH picks the browser (default /usr/bin/chromium, or $CHROMIUM); LIGHTHOUSE_RUNS=3
// repeats the first-visit runs and prints their medians; STAGECRAFT_DIST serves another build.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { serve } from '../tests/e2e/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.STAGECRAFT_DIST ?? join(root, 'dist'); // another build: STAGECRAFT_DIST=dir
const outDir = join(root, 'bench', 'results');
const CHROME = process.env.CHROME_PATH ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'];

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = [
  ['FCP', 'first-contentful-paint'],
  ['LCP', 'largest-contentful-paint'],
  ['TBT', 'total-blocking-time'],
  ['CLS', 'cumulative-layout-shift'],
  ['Speed Index', 'speed-index'],
];

/** One Lighthouse run in its own Chromium (a fresh profile: a first visit). */
async function run(url, config, onlyCategories) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: FLAGS });
  try {
    const flags = { port: chrome.port, output: 'json', logLevel: 'error' };
    if (onlyCategories) flags.onlyCategories = onlyCategories;
    const result = await lighthouse(url, flags, config);
    if (!result?.lhr) throw new Error(`Lighthouse returned no report for ${url}`);
    return result.lhr;
  } finally {
    await chrome.kill();
  }
}

const score = (lhr, id) => {
  const s = lhr.categories[id]?.score;
  return s == null ? '   –' : s.toFixed(2).padStart(4);
};

/** The audits of a category that count and did not pass. */
function failures(lhr, id) {
  const cat = lhr.categories[id];
  if (!cat) return [];
  return cat.auditRefs
    .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
    .filter(({ ref, audit }) => ref.weight > 0 && audit.score != null && audit.score < 1)
    .map(({ audit }) => {
      const items = audit.details?.items ?? [];
      const at = (src) => (src?.url ? ` at ${src.url.replace(/^.*\//, '')}:${src.line + 1}` : '');
      const where = items
        .slice(0, 3)
        .map((i) => i.node?.selector ?? i.node?.snippet ?? (typeof i.value === 'string' ? i.value.split('. ')[0] + at(i.source) : null) ?? i.url ?? i.description ?? '')
        .filter(Boolean);
      return `${audit.id}: ${audit.title}${where.length ? ` (${where.join('; ')}${items.length > 3 ? '; …' : ''})` : ''}`;
    });
}

function save(name, lhr) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `lighthouse-${name}.json`), JSON.stringify(lhr) + '\n');
}

function report(name, what, lhr) {
  console.log(`${name} (${what})`);
  console.log(`  scores   ${CATEGORIES.map((c) => `${c} ${score(lhr, c)}`).join('   ')}`);
  if (lhr.categories.performance) {
    const metric = ([label, id]) => {
      const a = lhr.audits[id];
      const v = a?.numericValue;
      if (v == null) return `${label} –`;
      return id === 'cumulative-layout-shift' ? `${label} ${v.toFixed(3)}` : `${label} ${Math.round(v)} ms`;
    };
    console.log(`  metrics  ${METRICS.map(metric).join('   ')}`);
  }
  for (const id of ['accessibility', 'best-practices']) {
    for (const f of failures(lhr, id)) console.log(`  ${id} failed: ${f}`);
  }
  for (const w of lhr.runWarnings ?? []) console.log(`  warning: ${w}`);
  if (lhr.runtimeError) console.log(`  runtime error: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
}

const server = await serve(dist, { gzip: true });
let crashed = false;
try {
  const first = server.url + '/';
  const link = readFileSync(join(root, 'tests', 'fixtures', 'first-promotion.link'), 'utf8').trim();
  const lesson = `${server.url}/#s=${link}`;
  const welcome = 'first visit: the welcome';
  const debrief = 'tests/fixtures/first-promotion.link: lesson 1 won, its debrief open';
  // LIGHTHOUSE_RUNS=n repeats the two first-visit runs n times (interleaved) and ends with
  // their medians: on a shared machine one run is not a figure.
  const repeat = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 1));
  const runs = [];
  for (let i = 1; i <= repeat; i++) {
    const n = repeat > 1 ? `-${i}` : '';
    runs.push([`mobile${n}`, welcome, first, undefined, undefined], [`desktop${n}`, welcome, first, desktopConfig, undefined]);
  }
  runs.push(['lesson-mobile', debrief, lesson, undefined, ['accessibility']], ['lesson-desktop', debrief, lesson, desktopConfig, ['accessibility']]);
  const seen = { mobile: [], desktop: [] };
  let header = false;
  for (const [name, what, url, config, only] of runs) {
    let lhr;
    try {
      lhr = await run(url, config, only);
    } catch (err) {
      crashed = true;
      console.error(`${name}: Lighthouse crashed: ${err?.stack ?? err}`);
      continue;
    }
    if (!header) {
      console.log(`Lighthouse ${lhr.lighthouseVersion}, ${new Date().toISOString().slice(0, 10)}: release build in dist/, served with gzip`);
      console.log(`(${lhr.environment.hostUserAgent.match(/(HeadlessChrome|Chrome)\/[\d.]+/)?.[0] ?? 'Chromium'}, benchmark index ${Math.round(lhr.environment.benchmarkIndex)})\n`);
      header = true;
    }
    if (lhr.runtimeError) crashed = true;
    save(name, lhr);
    report(name, what, lhr);
    const preset = name.replace(/-\d+$/, '');
    if (preset in seen) seen[preset].push(lhr);
  }
  if (repeat > 1) {
    const median = (xs) => {
      const v = xs.filter((x) => x != null).sort((a, b) => a - b);
      return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    };
    for (const [preset, lhrs] of Object.entries(seen)) {
      if (!lhrs.length) continue;
      const scores = CATEGORIES.map((c) => `${c} ${median(lhrs.map((l) => l.categories[c]?.score)).toFixed(2)}`);
      const metrics = METRICS.map(([label, id]) => {
        const v = median(lhrs.map((l) => l.audits[id]?.numericValue));
        return id === 'cumulative-layout-shift' ? `${label} ${v.toFixed(3)}` : `${label} ${Math.round(v)} ms`;
      });
      console.log(`${preset}: median of ${lhrs.length} runs`);
      console.log(`  scores   ${scores.join('   ')}`);
      console.log(`  metrics  ${metrics.join('   ')}`);
      console.log(`  each run: performance ${lhrs.map((l) => l.categories.performance.score.toFixed(2)).join(' ')}, TBT ${lhrs.map((l) => Math.round(l.audits['total-blocking-time'].numericValue)).join(' ')} ms`);
    }
  }
} finally {
  await server.close();
}
if (crashed) process.exitCode = 1;
