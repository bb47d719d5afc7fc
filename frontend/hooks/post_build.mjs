// trunk post_build hook for the staff app (runs in the staging directory before it becomes dist/):
// 0. in release builds, gives the wasm module's imports short names (short-imports.mjs), minifies
//    wasm-bindgen's JavaScript glue (terser; trunk leaves it as is) and updates both files'
//    subresource-integrity hashes in index.html;
// 0b. moves index.html's preloads of the app's JSON files after trunk's links to the app's script
//    and wasm, so that the wasm is requested among the first six;
// 0c. removes the integrity attribute browsers ignore from the wasm's preload;
// 1. copies the idb-keyval library (npm, pinned in package.json) beside quotes.js, which loads it
//    when saved quotes are first used; both minified in release builds, and boot.js (its comments
//    were a fifth of the first load's JavaScript) and telemetry.js too; the web app manifest
//    without its whitespace;
// 2. fills the service worker's asset list and its cache version (a hash of every asset's content,
//    taken after wasm-opt, unlike trunk's file-name hashes), so the lazy modules work offline too.
// release.json is not written here: `carprice stage` (model_core::release, the one definition of
// the manifest) writes it with the model after the build (scripts/build-site.sh, the release
// workflow). The service worker fetches both from the network first, so it needs no rebuild for a
// new model.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { minify } from "terser";
import { shortenImports } from "./short-imports.mjs";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("post_build: TRUNK_STAGING_DIR is not set; run this through trunk");
  process.exit(1);
}

// 0. the JavaScript glue and the wasm module: short import names, then terser on the glue
//    (a third of its transfer size is whitespace and long local names)
if (process.env.TRUNK_PROFILE === "release") {
  const integrity = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");
  const htmlPath = join(staging, "index.html");
  let html = readFileSync(htmlPath, "utf8");
  const replaceIntegrity = (name, before, after) => {
    if (!html.includes(integrity(before))) {
      console.error(`post_build: index.html has no integrity hash for ${name}`);
      process.exit(1);
    }
    html = html.replaceAll(integrity(before), integrity(after));
  };
  for (const name of readdirSync(staging).filter((n) => /^frontend-[0-9a-f]+\.js$/.test(n))) {
    const jsPath = join(staging, name);
    const wasmPath = join(staging, name.replace(/\.js$/, "_bg.wasm"));
    const source = readFileSync(jsPath, "utf8");
    const module = readFileSync(wasmPath);
    const short = shortenImports(module, source);
    const { code } = await minify(short.js, {
      module: true,
      compress: { passes: 2 },
      format: { comments: false },
    });
    writeFileSync(jsPath, code);
    writeFileSync(wasmPath, short.wasm);
    replaceIntegrity(name, Buffer.from(source), Buffer.from(code));
    replaceIntegrity(wasmPath, module, short.wasm);
    console.log(
      `post_build: ${short.renamed} imports renamed; ${name} ${source.length} -> ${code.length} bytes, ` +
        `wasm ${module.length} -> ${short.wasm.length} bytes`,
    );
  }
  writeFileSync(htmlPath, html);
}

// 0b. Over HTTP/1.1 a browser opens at most six connections to a site, and the page asks for seven
//     files at once: the one asked for last waits for a free connection, a round trip more. Trunk
//     puts its links (glue, wasm) at the end of <head>, after the JSON preloads, which made the
//     wasm, the largest file and the last to arrive, the one that waited (about 0.1 s of the
//     first price at 150 ms round trip, README "Budgets"). With the JSON preloads last, the one
//     that waits is a small file needed only once the wasm runs.
{
  const htmlPath = join(staging, "index.html");
  const html = readFileSync(htmlPath, "utf8");
  const jsonPreload = /<link(?=[^>]*\brel="?preload\b)(?=[^>]*\bhref="?[\w./-]+\.json\b)[^>]*>/g;
  const preloads = html.match(jsonPreload) ?? [];
  if (preloads.length === 0 || !html.includes("</head>")) {
    console.error("post_build: index.html has no JSON preloads or no </head>");
    process.exit(1);
  }
  writeFileSync(htmlPath, html.replace(jsonPreload, "").replace("</head>", `${preloads.join("")}</head>`));
  console.log(`post_build: ${preloads.length} JSON preloads moved after the app's script and wasm`);
}

// 0c. The wasm's preload (`as=fetch`) without trunk's `integrity`: Chromium ignores integrity on
//     such preloads and warns on every load (crbug.com/981419), and a browser that honoured it
//     would not match the preload to the glue's `fetch`, which asks for no integrity, and fetch
//     the wasm twice. The glue's module preload keeps its integrity, which browsers check.
{
  const htmlPath = join(staging, "index.html");
  const html = readFileSync(htmlPath, "utf8");
  const wasmPreload = /(<link(?=[^>]*\bas="?fetch\b)(?=[^>]*\bhref="?[^" >]*_bg\.wasm\b)[^>]*?)\s+integrity=(?:"[^"]*"|[^\s>]+)([^>]*>)/;
  if (!wasmPreload.test(html)) {
    console.error("post_build: index.html has no wasm preload with an integrity attribute");
    process.exit(1);
  }
  // And trunk's copy of the stylesheet link's `data-integrity="none"` (index.html), which only
  // told trunk to write no hash.
  writeFileSync(htmlPath, html.replace(wasmPreload, "$1$2").replace(/\s+data-integrity=(?:"none"|none)\b/g, ""));
  console.log("post_build: the wasm preload's ignored integrity attribute removed");
}

// 1. the page's own modules (boot.js, in the first load; quotes.js and telemetry.js, loaded on
//    demand) and idb-keyval beside quotes.js, all minified in release builds
const modules = {
  "idb-keyval.js": readFileSync(new URL("../../node_modules/idb-keyval/dist/index.js", import.meta.url), "utf8"),
};
for (const name of ["boot.js", "quotes.js", "telemetry.js"]) {
  modules[name] = readFileSync(join(staging, name), "utf8");
}
for (const [name, source] of Object.entries(modules)) {
  const out =
    process.env.TRUNK_PROFILE === "release"
      ? (await minify(source, { module: true, compress: { passes: 2 }, format: { comments: false } })).code
      : source;
  writeFileSync(join(staging, name), out);
}

// 1b. the web app manifest (in the first load) without its whitespace, in release builds
if (process.env.TRUNK_PROFILE === "release") {
  const manifestPath = join(staging, "manifest.webmanifest");
  writeFileSync(manifestPath, JSON.stringify(JSON.parse(readFileSync(manifestPath, "utf8"))));
}

// 2. the service worker
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const skip = new Set(["sw.js", "staticwebapp.config.json"]);
const assets = files(staging)
  .map((path) => relative(staging, path).split(sep).join("/"))
  .filter((name) => !skip.has(name) && !/\.(br|gz|map)$/.test(name))
  .sort();
const version = createHash("sha256");
for (const name of assets) {
  version.update(name).update("\0").update(readFileSync(join(staging, name))).update("\0");
}
const cacheVersion = version.digest("hex").slice(0, 16);
// release.json comes with the model at staging, after this hook: precached all the same.
const precache = [...new Set([...assets, "release.json"])].sort();
const swPath = join(staging, "sw.js");
const sw = readFileSync(swPath, "utf8")
  .replace("__CARPRICE_CACHE_VERSION__", cacheVersion)
  .replace('["__CARPRICE_ASSETS__"]', JSON.stringify(precache));
if (sw.includes("__CARPRICE_")) {
  console.error("post_build: sw.js placeholders were not filled");
  process.exit(1);
}
writeFileSync(swPath, sw);
console.log(`post_build: sw.js cache ${cacheVersion}, ${precache.length} assets`);
