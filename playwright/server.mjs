// A small static server for the end-to-end tests: serves a built site the way Azure Static Web
// Apps would, as far as the app depends on it (globalHeaders, route headers, mimeTypes,
// navigationFallback with exclude), reading staticwebapp.config.json and files on every request
// so tests can swap site files while it runs. The tests use static-host whenever it is built
// (see fixtures.mjs); this server is the fallback for developers who have not built it.
//
//   node playwright/server.mjs --dir dist --port 8080 [--cors]
//
// Binds 127.0.0.1. `--cors` answers every origin (for a site reading its model from "a CDN").
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const root = resolve(option("dir", "dist"));
const port = Number(option("port", "8080"));
const cors = args.includes("--cors");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
};

async function siteConfig() {
  try {
    return JSON.parse(await readFile(join(root, "staticwebapp.config.json"), "utf8"));
  } catch {
    return {};
  }
}

/** Azure-style route/glob matching: `*` matches anything, `{a,b}` alternatives. */
function globToRegExp(glob) {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") source += ".*";
    else if (c === "{") {
      const end = glob.indexOf("}", i);
      source += `(?:${glob.slice(i + 1, end).split(",").map((s) => s.replace(/[.+?^$()|[\]\\]/g, "\\$&")).join("|")})`;
      i = end;
    } else source += c.replace(/[.+?^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "i");
}

async function file(path) {
  const full = normalize(join(root, decodeURIComponent(path)));
  if (full !== root && !full.startsWith(root + sep)) return null;
  try {
    const info = await stat(full);
    if (info.isDirectory()) return file(join(path, "index.html"));
    return { full, body: await readFile(full) };
  } catch {
    return null;
  }
}

const server = createServer(async (request, response) => {
  const config = await siteConfig();
  const url = new URL(request.url, "http://127.0.0.1");
  const headers = { ...(config.globalHeaders ?? {}) };
  if (cors) {
    headers["access-control-allow-origin"] = "*";
    headers["access-control-allow-headers"] = "*";
  }
  if (request.method === "OPTIONS") {
    response.writeHead(204, headers).end();
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { ...headers, allow: "GET, HEAD" }).end();
    return;
  }
  let path = url.pathname;
  let found = await file(path);
  const fallback = config.navigationFallback;
  if (!found && fallback) {
    const excluded = (fallback.exclude ?? []).some((glob) => globToRegExp(glob).test(path));
    if (!excluded) {
      path = fallback.rewrite;
      found = await file(path);
    }
  }
  if (!found) {
    response.writeHead(404, { ...headers, "content-type": "text/plain" }).end("not found");
    return;
  }
  for (const route of config.routes ?? []) {
    if (globToRegExp(route.route).test(url.pathname) || globToRegExp(route.route).test(path)) {
      Object.assign(headers, route.headers ?? {});
      break;
    }
  }
  const ext = extname(found.full);
  headers["content-type"] = config.mimeTypes?.[ext] ?? TYPES[ext] ?? "application/octet-stream";
  headers["content-length"] = found.body.length;
  response.writeHead(200, headers);
  response.end(request.method === "HEAD" ? undefined : found.body);
});

server.listen(port, "127.0.0.1", () => {
  console.log(`serving ${root} on http://127.0.0.1:${server.address().port}/`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
