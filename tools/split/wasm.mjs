// Byte-level helpers for tools/split: read a wasm module's sections, and mend the two
// things Debian's binaryen (version 108, whose wasm-split we use) cannot do with
// current wasm-bindgen output. Both mends keep every byte offset, so nothing else moves.

/** Read an unsigned LEB128 at `at.pos`, advancing it. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at.pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return value;
}

/** The module's sections, as { id, start, end } of each section's contents. */
export function sections(bytes) {
  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (!magic.every((b, i) => bytes[i] === b)) throw new Error('not a wasm module');
  const out = [];
  const at = { pos: 8 };
  while (at.pos < bytes.length) {
    const id = bytes[at.pos++];
    const size = leb(bytes, at);
    out.push({ id, start: at.pos, end: at.pos + size });
    at.pos += size;
  }
  return out;
}

const CODE = 10;
const IMPORT = 2;
const TABLE = 4;
const EXPORT = 7;
const TABLE_KIND = 1;

/**
 * Rewrite `ref.null extern; i32.const 1; table.fill T` as `ref.null extern; table.set T`
 * plus three `nop`s, in place. wasm-bindgen's externref shims clear one slot with
 * table.fill, which binaryen 108 cannot parse; for a count of one both do the same.
 * Returns how many were rewritten.
 */
export function tableFillToSet(bytes) {
  const code = sections(bytes).find((s) => s.id === CODE);
  if (!code) throw new Error('no code section');
  let count = 0;
  for (let i = code.start; i + 7 <= code.end; i++) {
    const match =
      bytes[i] === 0xd0 && bytes[i + 1] === 0x6f && // ref.null extern
      bytes[i + 2] === 0x41 && bytes[i + 3] === 0x01 && // i32.const 1
      bytes[i + 4] === 0xfc && bytes[i + 5] === 0x11 && // table.fill
      bytes[i + 6] < 0x80; // a one-byte table index
    if (!match) continue;
    const table = bytes[i + 6];
    bytes.set([0x26, table, 0x01, 0x01, 0x01], i + 2); // table.set T; nop; nop; nop
    count++;
  }
  return count;
}

/**
 * The import section's entries, in order, as { kind } (0 function, 1 table, 2 memory,
 * 3 global), with `elementType` for tables.
 */
function imports(bytes) {
  const out = [];
  const s = sections(bytes).find((x) => x.id === IMPORT);
  if (!s) return out;
  const at = { pos: s.start };
  for (let n = leb(bytes, at); n > 0; n--) {
    skipName(bytes, at); // module
    skipName(bytes, at); // field
    const kind = bytes[at.pos++];
    if (kind === 0) {
      leb(bytes, at); // type index
      out.push({ kind });
    } else if (kind === TABLE_KIND) {
      out.push({ kind, elementType: bytes[at.pos++] });
      limits(bytes, at);
    } else if (kind === 2) {
      limits(bytes, at);
      out.push({ kind });
    } else if (kind === 3) {
      at.pos += 2; // value type, mutability
      out.push({ kind });
    } else throw new Error(`unknown import kind ${kind}`);
  }
  return out;
}

/** Element type (0x70 funcref, 0x6f externref) of each table, imported ones first. */
function tableTypes(bytes) {
  const types = imports(bytes).filter((i) => i.kind === TABLE_KIND).map((i) => i.elementType);
  const s = sections(bytes).find((x) => x.id === TABLE);
  if (s) {
    const at = { pos: s.start };
    for (let n = leb(bytes, at); n > 0; n--) {
      types.push(bytes[at.pos++]);
      limits(bytes, at);
    }
  }
  return types;
}

function readName(bytes, at) {
  const length = leb(bytes, at);
  const name = new TextDecoder().decode(bytes.subarray(at.pos, at.pos + length));
  at.pos += length;
  return name;
}

function skipName(bytes, at) {
  const length = leb(bytes, at);
  at.pos += length;
}

function limits(bytes, at) {
  const flags = bytes[at.pos++];
  leb(bytes, at);
  if (flags & 1) leb(bytes, at);
}

/** Table exports: [{ name, index, at }] where `at` is the offset of the index byte. */
function tableExports(bytes) {
  const out = [];
  const s = sections(bytes).find((x) => x.id === EXPORT);
  if (!s) return out;
  const at = { pos: s.start };
  for (let n = leb(bytes, at); n > 0; n--) {
    const name = readName(bytes, at);
    const kind = bytes[at.pos++];
    const indexAt = at.pos;
    const index = leb(bytes, at);
    if (kind === TABLE_KIND) out.push({ name, index, at: indexAt, width: at.pos - indexAt });
  }
  return out;
}

/**
 * Point each table export of `output` at the table of the element type that the export of
 * the same name has in `original`. binaryen 108 writes every table export as table 0; the
 * app has one funcref and one externref table, so the type says which one is meant.
 * Exports that `original` lacks (the table wasm-split exports for the late module) must
 * be the funcref table. Returns the names it mended.
 */
export function mendTableExports(original, output) {
  const wantedType = new Map();
  const originalTypes = tableTypes(original);
  for (const e of tableExports(original)) wantedType.set(e.name, originalTypes[e.index]);
  const types = tableTypes(output);
  const mended = [];
  for (const e of tableExports(output)) {
    const want = wantedType.get(e.name) ?? 0x70;
    if (types[e.index] === want) continue;
    const matches = types.flatMap((t, i) => (t === want ? [i] : []));
    if (matches.length !== 1 || matches[0] > 0x7f || e.width !== 1) {
      throw new Error(`cannot mend table export ${e.name}: tables ${types.join(',')}`);
    }
    output[e.at] = matches[0];
    mended.push(e.name);
  }
  return mended;
}

const FUNCTION = 3;

/**
 * binaryen's names for the module's unnamed functions: their index among the defined
 * functions. wasm-opt -Oz makes a few (from merging similar functions); their index moves
 * with every change, so keep.txt cannot name them and split.mjs keeps them all.
 */
export function unnamedFunctions(bytes) {
  const all = sections(bytes);
  const imported = imports(bytes).filter((i) => i.kind === 0).length;
  const functionSection = all.find((s) => s.id === FUNCTION);
  const defined = functionSection ? leb(bytes, { pos: functionSection.start }) : 0;
  const named = new Set();
  for (const s of all.filter((x) => x.id === 0)) {
    const at = { pos: s.start };
    if (readName(bytes, at) !== 'name') continue;
    while (at.pos < s.end) {
      const id = bytes[at.pos++];
      const size = leb(bytes, at);
      const end = at.pos + size;
      if (id === 1) {
        for (let n = leb(bytes, at); n > 0; n--) {
          named.add(leb(bytes, at));
          skipName(bytes, at);
        }
      }
      at.pos = end;
    }
  }
  const out = [];
  for (let i = 0; i < defined; i++) if (!named.has(imported + i)) out.push(String(i));
  return out;
}
