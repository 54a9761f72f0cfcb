// Unit tests for tools/split/wasm.mjs, the byte-level mends that let Debian's binaryen 108
// (wasm-split) handle current wasm-bindgen output. Modules are assembled from text with
// npm's wasm-as (binaryen 132); the bug they mend is reproduced with binaryen 108 itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mendTableExports, tableFillToSet, unnamedFunctions } from '../../tools/split/wasm.mjs';
import { FEATURES, WASM_SPLIT } from '../../tools/split/split.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'split-test-'));

function tool(name, args) {
  const r = spawnSync(name, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${name} ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** Assemble `wat` with npm's wasm-as; `names` keeps the name section. */
function assemble(wat, names = false) {
  writeFileSync(join(dir, 'm.wat'), wat);
  tool(join(root, 'node_modules', '.bin', 'wasm-as'), [...FEATURES, join(dir, 'm.wat'), '-o', join(dir, 'm.wasm'), ...(names ? ['-g'] : [])]);
  return Uint8Array.from(readFileSync(join(dir, 'm.wasm')));
}

// Like wasm-bindgen's output: a function table, then an exported externref table that a
// shim clears with table.fill.
const MODULE = `(module
  (table $funcs 2 2 funcref)
  (table $refs 4 externref)
  (export "refs" (table $refs))
  (func $clear (export "clear") (param $slot i32)
    (table.fill $refs (local.get $slot) (ref.null extern) (i32.const 1)))
  (func $store (export "store") (param $slot i32) (param $value externref)
    (table.set $refs (local.get $slot) (local.get $value)))
  (func $load (export "load") (param $slot i32) (result externref)
    (table.get $refs (local.get $slot)))
  (elem (table $funcs) (i32.const 0) func $clear $store))`;

async function instantiate(bytes) {
  return (await WebAssembly.instantiate(bytes)).instance.exports;
}

test('table.fill of one slot becomes table.set, and does the same', async () => {
  const bytes = assemble(MODULE);
  const before = await instantiate(bytes);
  const mended = Uint8Array.from(bytes);
  assert.equal(tableFillToSet(mended), 1);
  assert.equal(mended.length, bytes.length, 'nothing moves');
  assert.equal(tableFillToSet(mended), 0, 'nothing left to mend');
  const after = await instantiate(mended);
  for (const m of [before, after]) {
    m.store(2, 'kept');
    m.store(3, 'cleared');
    m.clear(3);
    assert.equal(m.load(2), 'kept');
    assert.equal(m.load(3), null);
  }
  // binaryen 108 cannot read the original, and reads the mended module.
  writeFileSync(join(dir, 'fill.wasm'), bytes);
  const refused = spawnSync(WASM_SPLIT, [...FEATURES, '--instrument', join(dir, 'fill.wasm'), '-o', join(dir, 'out.wasm')], { encoding: 'utf8' });
  assert.match(refused.stderr, /invalid code after misc prefix: 17/);
  writeFileSync(join(dir, 'set.wasm'), mended);
  tool(WASM_SPLIT, [...FEATURES, '--instrument', join(dir, 'set.wasm'), '-o', join(dir, 'out.wasm')]);
});

test('binaryen 108 exports the wrong table; the mend points it back at the externref table', async () => {
  const original = assemble(MODULE);
  tableFillToSet(original);
  writeFileSync(join(dir, 'in.wasm'), original);
  // Debian's wasm-split writes every module with the bug; instrumenting is the quickest.
  tool(WASM_SPLIT, [...FEATURES, '--instrument', join(dir, 'in.wasm'), '-o', join(dir, 'out.wasm')]);
  const output = Uint8Array.from(readFileSync(join(dir, 'out.wasm')));
  const broken = await instantiate(output);
  assert.ok(broken.refs instanceof WebAssembly.Table);
  assert.throws(() => broken.refs.set(0, 'text'), 'the exported table holds functions (the bug)');

  assert.deepEqual(mendTableExports(original, output), ['refs']);
  const mended = await instantiate(output);
  mended.refs.set(1, 'text');
  assert.equal(mended.load(1), 'text', 'the export and the code see the same table');
  assert.deepEqual(mendTableExports(original, output), [], 'nothing left to mend');
});

test('unnamed functions are listed by their index among defined functions', () => {
  // As in the app: the import comes first in the index space; wasm-opt's merged functions
  // have no name in the name section.
  const wat = `(module
    (import "env" "f" (func $imported))
    (func $named (call $imported))
    (func (nop))
    (func $also_named (nop))
    (func (drop (i32.const 1))))`;
  assert.deepEqual(unnamedFunctions(assemble(wat, true)), ['1', '3']);
  assert.deepEqual(unnamedFunctions(assemble(wat, false)), ['0', '1', '2', '3'], 'no name section: all unnamed');
});
