// Shortens the names under which the web app's wasm module imports its JavaScript functions.
//
// wasm-bindgen names each import like `__wbg_addEventListener_3acb0aad4483804c`: the hash makes
// the names unique across crates, and the app has about 120 of them, written once in the wasm
// import section and once in the JavaScript glue. Random hex does not compress, so the names
// cost about 3 KB of the brotli download. This renames every import of the glue module to a
// short unique name (`a`, `b`, ..., `aa`, ...) in both files; nothing else changes.
//
//   import { shortenImports } from "./short-imports.mjs";
//   const { wasm, js, renamed } = shortenImports(wasmBytes, jsText);
//
// Throws when the files do not look like a wasm-bindgen pair (an import kind it cannot copy, or an
// import name missing from the glue), so a change in wasm-bindgen fails the build, not the app.

/** Reads an unsigned LEB128 number at `at`; returns [value, next offset]. */
function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return [value >>> 0, at];
    shift += 7;
    if (shift > 28) throw new Error("short-imports: malformed LEB128 number in the wasm module");
  }
}

/** Encodes an unsigned LEB128 number. */
function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return Buffer.from(out);
}

function readName(bytes, at) {
  const [length, start] = readU32(bytes, at);
  return [bytes.subarray(start, start + length).toString("utf8"), start + length];
}

function name(text) {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([u32(bytes.length), bytes]);
}

/** Offset just past an import's description (function, table, memory or global). */
function skipDescription(bytes, kind, at) {
  const limits = (at) => {
    const flags = bytes[at];
    let [, next] = readU32(bytes, at + 1);
    if (flags & 1) [, next] = readU32(bytes, next);
    return next;
  };
  switch (kind) {
    case 0: return readU32(bytes, at)[1]; // function: type index
    case 1: return limits(at + 1); // table: element type, limits
    case 2: return limits(at); // memory: limits
    case 3: return at + 2; // global: value type, mutability
    default: throw new Error(`short-imports: import kind ${kind} is not supported`);
  }
}

/** The n-th short name: a..z, A..Z, then two letters and so on. */
function shortName(n) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let text = "";
  do {
    text = letters[n % letters.length] + text;
    n = Math.floor(n / letters.length) - 1;
  } while (n >= 0);
  return text;
}

export function shortenImports(wasm, js) {
  if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error("short-imports: not a wasm module");
  const parts = [wasm.subarray(0, 8)];
  const renames = new Map();
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = readU32(wasm, at + 1);
    const end = start + size;
    if (id !== 2) {
      parts.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    const [count, first] = readU32(wasm, start);
    const entries = [u32(count)];
    let cursor = first;
    for (let i = 0; i < count; i++) {
      const [module, afterModule] = readName(wasm, cursor);
      const [field, afterField] = readName(wasm, afterModule);
      const kind = wasm[afterField];
      const next = skipDescription(wasm, kind, afterField + 1);
      let renamed = field;
      if (module.endsWith("_bg.js")) {
        if (!renames.has(field)) renames.set(field, shortName(renames.size));
        renamed = renames.get(field);
      }
      entries.push(name(module), name(renamed), wasm.subarray(afterField, next));
      cursor = next;
    }
    if (cursor !== end) throw new Error("short-imports: the import section did not parse to its end");
    const payload = Buffer.concat(entries);
    parts.push(Buffer.from([2]), u32(payload.length), payload);
    at = end;
  }
  let text = js;
  for (const [old, short] of renames) {
    const pattern = new RegExp(`\\b${old}\\b`, "g");
    if (!pattern.test(text)) throw new Error(`short-imports: ${old} is not in the JavaScript glue`);
    text = text.replace(pattern, short);
  }
  return { wasm: Buffer.concat(parts), js: text, renamed: renames.size };
}
