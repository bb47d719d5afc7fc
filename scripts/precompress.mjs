// Writes a brotli copy (quality 11, `NAME.br`) beside each text file of a built site, for
// static-host to send to browsers that accept it (it takes a copy only when it is no older than the
// file, so a model staged again later is compressed on the fly until this runs again). Without the
// copies the local server compresses every response on the fly: 0.2–0.35 s for the app's wasm
// with a debug build of static-host and 18 KB more to send than quality 11, on the critical path
// of the first price (README, "Budgets"). Production (Azure Static Web Apps) compresses at its
// edge; the copies are not deployed.
//   node scripts/precompress.mjs DIST
import { brotliCompressSync, constants } from "node:zlib";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/precompress.mjs DIST");
  process.exit(2);
}
if (!existsSync(join(dir, "index.html"))) {
  console.error(`precompress: no built site in ${dir} (run scripts/build-site.sh)`);
  process.exit(2);
}
const TEXT = /\.(html|js|mjs|wasm|css|json|webmanifest|svg)$/;
let count = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!TEXT.test(name) || name === "staticwebapp.config.json" || !statSync(path).isFile()) continue;
  const bytes = readFileSync(path);
  const compressed = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  writeFileSync(`${path}.br`, compressed);
  count++;
}
console.log(`precompress: ${count} files in ${dir} have a brotli copy`);
