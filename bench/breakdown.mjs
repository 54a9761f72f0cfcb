// Where the wasm's bytes go: code per group of functions, and data, read from a wasm file
// that keeps its function names (built by `./x size`: rustc with v0 symbol mangling, so a
// generic's name says its type parameters; wasm-bindgen; `wasm-opt -Oz -g`).
//
//   node bench/breakdown.mjs target/size/stagecraft.named.wasm [--top N]
//
// Sizes are raw bytes after wasm-opt, before compression (gzip shrinks code to about 40 %).
// Prints the groups, the largest functions, and our components one by one, so a size
// change can be traced to what caused it.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
if (!file) {
  console.error('usage: node bench/breakdown.mjs <wasm with a name section> [--top N]');
  process.exit(2);
}

const bytes = readFileSync(file);
let pos = 8;
const u8 = () => bytes[pos++];
function leb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = u8();
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return result;
  }
}
const str = () => {
  const n = leb();
  const s = bytes.toString('utf8', pos, pos + n);
  pos += n;
  return s;
};

let imported = 0;
const codeSizes = [];
const dataSizes = [];
const names = new Map();
const dataNames = new Map();
while (pos < bytes.length) {
  const id = u8();
  const size = leb();
  const end = pos + size;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      str();
      str();
      const kind = u8();
      if (kind === 0) { leb(); imported++; }
      else if (kind === 1) { u8(); const f = u8(); leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = u8(); leb(); if (f & 1) leb(); }
      else if (kind === 3) { u8(); u8(); }
      else { u8(); leb(); }
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) {
      const len = leb();
      codeSizes.push(len);
      pos += len;
    }
  } else if (id === 11) {
    for (let n = leb(); n > 0; n--) {
      const start = pos;
      const flags = leb();
      if (flags === 2) leb();
      if (flags !== 1) {
        // The offset: i32.const N or global.get N, then end (0x0b).
        u8();
        leb();
        u8();
      }
      const len = leb();
      pos += len;
      dataSizes.push(pos - start);
    }
  } else if (id === 0) {
    const name = str();
    if (name === 'name') {
      while (pos < end) {
        const sub = u8();
        const subEnd = leb() + pos;
        const target = sub === 1 ? names : sub === 9 ? dataNames : null;
        if (target) for (let n = leb(); n > 0; n--) { const i = leb(); target.set(i, str()); }
        pos = subEnd;
      }
    }
  }
  pos = end;
}
if (names.size === 0) {
  console.error(`${file} has no function names: build it with ./x size (wasm-opt -g)`);
  process.exit(1);
}

const clean = (n) => n.replace(/\[[0-9a-f]{16}\]/g, '');
// A function belongs to the code it was written in: a generic instantiated with our types
// (`<BTreeMap<StageId, _>>::insert`) counts as BTreeMap, serde's derived code as serde, a
// component's view (`CompStateInner<...::Station>::view`) as that component.
const OTHER = 'other (core, alloc, std, generics)';
const GROUPS = [
  ['our components (src/ui/components)', /^(stagecraft::ui::components::)/],
  ['rest of our UI (src/ui)', /^stagecraft::ui::/],
  ['JSON (src/lessons/json.rs)', /^stagecraft::lessons::json::/],
  ['lessons (src/lessons)', /^stagecraft::lessons::/],
  ['engine (src/sim)', /^stagecraft::sim::/],
  ['serde, serde_json and the derives', /^serde/],
  ['Yew', /^(yew|implicit_clone)/],
  ['BTreeMap / BTreeSet', /^alloc::collections::btree/],
  ['formatting (core::fmt, floats)', /^(core::fmt|core::num::flt2dec|FMT)/],
  ['wasm-bindgen, web-sys, js-sys, gloo', /^(wasm_bindgen|web_sys|js_sys|gloo|import )/],
  ['allocator', /^dlmalloc/],
];
function owner(name) {
  // Yew's wrappers around our components and our reducer.
  const ours = name.match(/(?:CompStateInner|HookProvider)<(stagecraft::[a-z_:]+)/i);
  if (ours) return ours[1];
  // serde's derives: `<stagecraft::sim::X as serde::de::Deserialize>::deserialize` and the
  // visitors they generate (`<…::__Visitor as serde::de::Visitor>::visit_map`).
  if (/ as serde(_core)?::|_serde::/.test(name)) return 'serde';
  if (/ as core::fmt::/.test(name)) return 'FMT';
  return name.replace(/^(<|&(mut )?)+/, '');
}
const groups = new Map(GROUPS.map(([g]) => [g, 0]));
groups.set(OTHER, 0);
const functions = [];
const components = new Map();
codeSizes.forEach((size, i) => {
  const name = clean(names.get(imported + i) ?? `function ${imported + i}`);
  functions.push([size, name]);
  const head = owner(name);
  const group = GROUPS.find(([, re]) => re.test(head))?.[0] ?? OTHER;
  groups.set(group, groups.get(group) + size);
  const m = head.match(/^stagecraft::ui::components::([a-z_]+)/);
  if (m) components.set(m[1], (components.get(m[1]) ?? 0) + size);
});
const data = dataSizes.reduce((a, b) => a + b, 0);
const code = codeSizes.reduce((a, b) => a + b, 0);

const kb = (n) => `${(n / 1024).toFixed(1).padStart(7)} KB`;
console.log(`${file}: ${kb(bytes.length)} with names; code ${kb(code)}, data ${kb(data)}\n`);
console.log('Code by group (raw bytes after wasm-opt -Oz)');
for (const [g, size] of [...groups].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${g.padEnd(40)} ${kb(size)}  ${((100 * size) / code).toFixed(1).padStart(5)} %`);
}
console.log(`  ${'data segments (text, tables, vtables)'.padEnd(40)} ${kb(data)}`);
console.log('\nOur components');
for (const [c, size] of [...components].sort((a, b) => b[1] - a[1])) console.log(`  ${c.padEnd(40)} ${kb(size)}`);
const others = functions.filter(([, n]) => !GROUPS.some(([, re]) => re.test(owner(n))));
console.log(`\nLargest in "${OTHER}"`);
for (const [size, name] of others.sort((a, b) => b[0] - a[0]).slice(0, 8)) {
  console.log(`  ${kb(size)}  ${name.length > 110 ? name.slice(0, 107) + '...' : name}`);
}
console.log(`\nLargest ${top} functions`);
for (const [size, name] of functions.sort((a, b) => b[0] - a[0]).slice(0, top)) {
  console.log(`  ${kb(size)}  ${name.length > 110 ? name.slice(0, 107) + '...' : name}`);
}
