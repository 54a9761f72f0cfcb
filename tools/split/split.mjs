// Trunk post_build hook (see Trunk.toml): in release builds, split the app's wasm in two so
// that the first load carries only what the first screen runs.
//
//   first part  stagecraft-<hash>_bg.wasm    the functions in tools/split/keep.txt
//   late part   stagecraft-<hash>_late.wasm  everything else, fetched after the app started
//
// Steps: binaryen's wasm-split (Debian's binaryen 108: the npm package has no wasm-split)
// moves every function not named in keep.txt to the late module, leaving placeholders that
// tools/split/late.js (appended to wasm-bindgen's JS) answers; then npm's wasm-opt 132
// optimises both parts. Files get new content-hashed names, and index.html's references
// and integrity hashes are updated. keep.txt comes from `./x split-profile`; a stale list
// still works (late code needed early is fetched synchronously), it only loads more later.
//
// Debug builds (`trunk serve`) are left whole.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { mendTableExports, tableFillToSet, unnamedFunctions } from './wasm.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
export const WORK = join(root, 'target', 'split');
export const KEEP = join(here, 'keep.txt');
const WASM_OPT = join(root, 'node_modules', '.bin', 'wasm-opt');
export const WASM_SPLIT = process.env.WASM_SPLIT ?? 'wasm-split';
// The features rustc 1.95 and wasm-bindgen 0.2.130 emit; both tools must accept them.
export const FEATURES = [
  '--enable-bulk-memory', '--enable-mutable-globals', '--enable-nontrapping-float-to-int',
  '--enable-reference-types', '--enable-sign-ext', '--enable-multivalue',
];

/** Run a tool; on failure, stop the build with its output. Returns stdout and stderr. */
export function run(tool, args) {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error?.code === 'ENOENT') {
    fail(`${tool} not found. Run ./x setup (it installs Debian's binaryen for wasm-split, and npm's binaryen for wasm-opt).`);
  }
  if (r.status !== 0) fail(`${tool} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

export function fail(message) {
  console.error(`tools/split: ${message}`);
  process.exit(1);
}

/** The one file in `dir` whose name matches `pattern`. */
export function only(dir, pattern) {
  const names = readdirSync(dir).filter((f) => pattern.test(f));
  if (names.length !== 1) fail(`expected one file like ${pattern} in ${dir}, found ${names.length}`);
  return names[0];
}

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);
const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const kb = (n) => (n / 1000).toFixed(1) + ' KB';

/** Add the placeholder imports and the late loader to wasm-bindgen's JS glue. */
export function patchGlue(js, lateName) {
  const imports = '"./stagecraft_bg.js": import0,\n    };';
  const exports = 'export { initSync, __wbg_init as default };';
  const start = '    wasm.__wbindgen_start();';
  if (!js.includes(imports) || !js.includes(exports) || js.split(start).length !== 2) {
    fail('wasm-bindgen\'s JS glue is not shaped as expected (was wasm-bindgen upgraded?): update patchGlue');
  }
  // Comment lines are for readers of late.js, not for every visitor's download.
  const late = readFileSync(join(here, 'late.js'), 'utf8')
    .replace('__LATE_WASM__', lateName)
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*\*.*\*\/$)/.test(line))
    .join('\n');
  return js
    .replace(imports, '"./stagecraft_bg.js": import0,\n        placeholder: lateImports(),\n    };')
    .replace(exports, 'export { initSync, initSplit as default, lateStats };')
    .replace(start, '    lateBeforeStart();\n' + start) + late;
}

function main() {
  if (process.env.TRUNK_PROFILE !== 'release') {
    console.log('tools/split: debug build, the wasm stays whole');
    return;
  }
  const staging = process.env.TRUNK_STAGING_DIR ?? fail('TRUNK_STAGING_DIR is not set (run by trunk)');
  const wasmName = only(staging, /^stagecraft-[0-9a-f]+_bg\.wasm$/);
  const glueName = only(staging, /^stagecraft-[0-9a-f]+\.js$/);
  const whole = readFileSync(join(staging, wasmName));
  const glue = readFileSync(join(staging, glueName), 'utf8');

  // Keep the whole build (with names), and the mended input, for `./x split-profile`.
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'whole.wasm'), whole);
  writeFileSync(join(WORK, 'glue.js'), glue);
  copyFileSync(join(staging, 'index.html'), join(WORK, 'index.html'));

  const input = Uint8Array.from(whole);
  tableFillToSet(input);
  writeFileSync(join(WORK, 'input.wasm'), input);
  // keep.txt, plus the unnamed functions wasm-opt made (see unnamedFunctions).
  const keep = join(WORK, 'keep.txt');
  writeFileSync(keep, readFileSync(KEEP, 'utf8') + unnamedFunctions(whole).join('\n') + '\n');
  const first = join(WORK, 'first.wasm');
  const late = join(WORK, 'late.wasm');
  const warnings = run(WASM_SPLIT, [
    ...FEATURES, '--keep-funcs=@' + keep, join(WORK, 'input.wasm'), '-o1', first, '-o2', late,
  ]);
  const stale = warnings.split('\n').filter((l) => l.includes('does not exist')).length;

  const firstBytes = readFileSync(first);
  mendTableExports(input, firstBytes);
  writeFileSync(first, firstBytes);
  for (const file of [first, late]) run(WASM_OPT, ['-Oz', ...FEATURES, file, '-o', file]);

  // New content-hashed names, so a changed keep.txt or loader never meets a stale cache.
  const firstOut = readFileSync(first);
  const lateOut = readFileSync(late);
  const lateName = `stagecraft-${hash(lateOut)}_late.wasm`;
  const newWasmName = `stagecraft-${hash(firstOut)}_bg.wasm`;
  const glueOut = Buffer.from(patchGlue(glue, lateName));
  const newGlueName = `stagecraft-${hash(glueOut)}.js`;
  for (const name of [wasmName, glueName]) rmSync(join(staging, name));
  writeFileSync(join(staging, newWasmName), firstOut);
  writeFileSync(join(staging, lateName), lateOut);
  writeFileSync(join(staging, newGlueName), glueOut);

  // The stylesheet's comments are for its readers, not for every visitor's first load
  // (0.8 KB gzip). trunk 0.21 minifies CSS only together with the JS glue, which patchGlue
  // must find as wasm-bindgen wrote it. No string in static/style.css holds a "/*".
  const cssName = only(staging, /^style-[0-9a-f]+\.css$/);
  const css = Buffer.from(
    readFileSync(join(staging, cssName), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\n\s*\n/g, '\n'),
  );
  writeFileSync(join(staging, cssName), css);
  // profile.mjs serves dist/ with the whole build's index.html: its stylesheet too.
  const cssTag = (html) => html.replace(/<link\b[^>]*>/g, (tag) =>
    tag.includes(`/${cssName}"`) ? tag.replace(/integrity="[^"]*"/, `integrity="${sri(css)}"`) : tag);
  writeFileSync(join(WORK, 'index.html'), cssTag(readFileSync(join(WORK, 'index.html'), 'utf8')));

  const integrity = new Map([[newWasmName, sri(firstOut)], [newGlueName, sri(glueOut)], [cssName, sri(css)]]);
  const html = readFileSync(join(staging, 'index.html'), 'utf8')
    .replaceAll(wasmName, newWasmName)
    .replaceAll(glueName, newGlueName)
    .replace(/<link\b[^>]*>/g, (tag) => {
      const file = /href="[^"]*\/([^"/]+)"/.exec(tag)?.[1];
      return integrity.has(file) ? tag.replace(/integrity="[^"]*"/, `integrity="${integrity.get(file)}"`) : tag;
    });
  if (!html.includes(newWasmName) || !html.includes(newGlueName)) fail('index.html does not load the app');
  writeFileSync(join(staging, 'index.html'), html);

  const gz = (b) => gzipSync(b, { level: 9 }).length;
  console.log(
    `tools/split: first part ${kb(gz(firstOut))} gzip, late part ${kb(gz(lateOut))} gzip` +
      (stale ? `; ${stale} names in keep.txt no longer exist (refresh it with ./x split-profile)` : ''),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
