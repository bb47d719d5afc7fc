// Test fixtures: a private copy of the built site per test, served on 127.0.0.1 by a server
// that is started and stopped with the test, plus helpers to publish or corrupt a model and to
// ask the `carprice` CLI for reference quotes.
//
// The server is static-host (the production-like server: Static Web Apps routing and headers,
// plus the scoring API) whenever its binary is built; the small Node server of this folder is
// only a fallback for developers who have not built it.
//
// Environment:
//   CARPRICE_SITE      built site to copy (default: dist)
//   CARPRICE_STATIC_HOST  the static-host binary
//                      (default: $CARGO_TARGET_DIR/debug/static-host, else target/debug/static-host)
//   CARPRICE_SITE_SERVER  server command with {dir} and {port} placeholders
//                      (default: "<static-host> --dir {dir} --port {port}" when the binary
//                       exists, else "node playwright/server.mjs --dir {dir} --port {port}")
//   CARPRICE_BIN       the carprice CLI (default: $CARGO_TARGET_DIR/debug/carprice, else
//                      target/debug/carprice)
import { test as base, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SITE = resolve(ROOT, process.env.CARPRICE_SITE ?? "dist");
const TARGET = resolve(ROOT, process.env.CARGO_TARGET_DIR || "target");
/** The carprice CLI. */
export const CLI = resolve(ROOT, process.env.CARPRICE_BIN ?? join(TARGET, "debug", "carprice"));

/** The static-host binary (it may not be built). */
export const STATIC_HOST = resolve(ROOT, process.env.CARPRICE_STATIC_HOST ?? join(TARGET, "debug", "static-host"));
/** static-host serving a site copy: its files, its staticwebapp.config.json and `/api/*` scoring
 * with the copy's model.json. */
export const STATIC_HOST_SERVER = `${STATIC_HOST} --dir {dir} --port {port}`;
/** The test server of this folder (no API; reads the configuration on every request). */
export const NODE_SERVER = "node playwright/server.mjs --dir {dir} --port {port}";
/** The server of every test that does not choose one. */
export const SERVER = process.env.CARPRICE_SITE_SERVER ?? (existsSync(STATIC_HOST) ? STATIC_HOST_SERVER : NODE_SERVER);

export const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

function accepts(port) {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => socket.end(() => done(true)));
    socket.once("error", () => done(false));
  });
}

/** Starts a server on a copy of the built site: SERVER (above) unless `server` is given;
 * `extra` arguments are appended to the command; `prepare(dir)` may change the copy first (a
 * server may read staticwebapp.config.json only when it starts). */
export async function startSite({ server = SERVER, extra = [], prepare = () => {} } = {}) {
  if (server === STATIC_HOST_SERVER && !existsSync(STATIC_HOST)) {
    throw new Error(`this test needs static-host (${STATIC_HOST}): cargo build -p static-host`);
  }
  const dir = mkdtempSync(join(tmpdir(), "carprice-site-"));
  cpSync(SITE, dir, { recursive: true });
  prepare(dir);
  const port = await freePort();
  const [command, ...args] = server.replaceAll("{dir}", dir).replaceAll("{port}", String(port)).split(/\s+/);
  const child = spawn(command, [...args, ...extra], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`site server did not start on port ${port}: ${server}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const site = {
    dir,
    port,
    url: `http://127.0.0.1:${port}/`,
    read: (name) => readFileSync(join(dir, name), "utf8"),
    write: (name, text) => {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    },
    /** Puts a model into the site (or a folder of it) with a matching release.json, as
     * `carprice stage` does: the model first, then the manifest. */
    publish(modelText, folder = "") {
      const release = JSON.parse(site.read("release.json"));
      try {
        release.model_version = JSON.parse(modelText).version;
      } catch {
        release.model_version = "0.0.0"; // a broken model: the manifest still names its hash
      }
      release.model_sha256 = sha256(modelText);
      release.built_at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      site.write(`${folder}model.json`, modelText);
      site.write(`${folder}release.json`, JSON.stringify(release, null, 2) + "\n");
    },
    setConfig(config) {
      site.write("config.json", JSON.stringify(config));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return site;
}

/** A few realistic cars (UCI Automobile rows); trim them to a model's attributes with `known`. */
export const CARS = [
  { make: "bmw", "body-style": "sedan", "drive-wheels": "rwd", "num-of-cylinders": "six", "engine-size": 164, horsepower: 121, "curb-weight": 2765, width: 64.8, "city-mpg": 21, "highway-mpg": 28 },
  { make: "honda", "body-style": "hatchback", "num-of-doors": "two", "curb-weight": 1819, horsepower: 76, "engine-size": 92, width: 63.9, "city-mpg": 31, "highway-mpg": 38, "fuel-system": "1bbl" },
  { make: "porsche", "body-style": "hardtop", "num-of-doors": "two", "drive-wheels": "rwd", "engine-location": "rear", horsepower: 207, "peak-rpm": 5900, "curb-weight": 2756, "engine-size": 194, "num-of-cylinders": "six", width: 65 },
  { make: "mercury", aspiration: "turbo", horsepower: 175, "compression-ratio": 8, "curb-weight": 2910, "engine-size": 140, width: 68 },
];

/** The default model document (as built into the site). */
export function defaultModel() {
  return JSON.parse(readFileSync(join(SITE, "model.json"), "utf8"));
}

/** A full car: the model's defaults with some attributes changed. */
export function carWith(model, changes) {
  const car = {};
  for (const a of model.attributes) car[a.name] = a.default;
  return { ...car, ...changes };
}

/** The CLI's quote for a car (`carprice predict --json`, car on stdin). */
export function cliQuote(car, modelText) {
  const dir = mkdtempSync(join(tmpdir(), "carprice-model-"));
  const modelPath = join(dir, "model.json");
  writeFileSync(modelPath, modelText ?? readFileSync(join(SITE, "model.json"), "utf8"));
  const run = spawnSync(CLI, ["predict", "--model", modelPath, "--json"], { input: JSON.stringify(car), encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`carprice predict failed (${CLI}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n")[0]);
}

/** A price rounded to the cent, as the app's `data-price` attribute carries it. */
export const cents = (amount) => Math.round(amount * 100) / 100;

/** `model_core::format_dollars` for positive amounts: "$13,495.27". */
export function dollars(amount) {
  const cents = Math.round(amount * 100);
  const whole = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `$${whole}.${String(cents % 100).padStart(2, "0")}`;
}

/** The headline price as the app shows it: rounded to `step` dollars (config.json's
 * `price_step`, 10 by default), whole dollars, e.g. "$13,500". */
export function headline(amount, step = 10) {
  const rounded = Math.round(Math.round(amount / step) * step);
  return `$${rounded.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
}

/** The page shows `amount` as its price: the rounded headline, and to the cent in the
 * `data-price` attribute and the title. */
export async function expectPrice(page, amount, step = 10) {
  const price = page.getByTestId("price");
  await expect(price).toHaveText(headline(amount, step));
  expect(Number(await price.getAttribute("data-price"))).toBe(cents(amount));
  await expect(price).toHaveAttribute("title", `Exactly ${dollars(amount)}`);
}

/** Sets form fields: selects by value, text boxes by typing. */
export async function fillCar(page, changes) {
  for (const [name, value] of Object.entries(changes)) {
    const field = page.locator(`#field-${name}`);
    if ((await field.evaluate((e) => e.tagName)) === "SELECT") await field.selectOption(String(value));
    else await field.fill(String(value));
  }
}

/** `model_core::release::canary_bucket`: the first 4 bytes of sha256(`device:version`) as a
 * big-endian number, modulo 100. */
export function canaryBucket(device, version) {
  return createHash("sha256").update(`${device}:${version}`).digest().readUInt32BE(0) % 100;
}

/** The first of a fixed sequence of 128-bit hex device ids whose canary bucket for `version` is
 * below `percent` (`below`) or not: a device known to see the challenger, or known not to. */
export function deviceInBucket(version, percent, below) {
  for (let i = 0; ; i++) {
    const id = createHash("sha256").update(`device ${i}`).digest("hex").slice(0, 32);
    if (canaryBucket(id, version) < percent === below) return id;
  }
}

/** Waits until the service worker controls the page (after the first visit). */
export async function waitForServiceWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
    }
  });
}

/** One visit online (until the service worker controls the page), then the network cut and the
 * page reloaded: what a member of staff sees opening the app offline the next day. */
export async function reloadOffline(page, context, url) {
  await page.goto(url);
  await expect(page.getByTestId("price")).toBeVisible();
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("status")).toContainText("Offline");
}

export const test = base.extend({
  site: async ({}, use) => {
    const site = await startSite();
    await use(site);
    await site.stop();
  },
});
export { expect };

/** Model attributes by kind, so tests follow whatever attributes the model has. */
export function kinds(model) {
  return {
    categorical: model.attributes.filter((a) => a.kind === "categorical" && a.categories.length > 1),
    numeric: model.attributes.filter((a) => a.kind === "numeric"),
  };
}

/** The `n`th trained category of an attribute other than its default. */
export function otherCategory(attribute, n = 0) {
  const untrained = attribute.untrained ?? [];
  return attribute.categories.filter((c) => c !== attribute.default && !untrained.includes(c))[n % (attribute.categories.length - 1 - untrained.length)];
}

/** A number inside an attribute's training range, `fraction` of the way from min to max. */
export function within(attribute, fraction) {
  const x = attribute.min + (attribute.max - attribute.min) * fraction;
  return attribute.integer ? Math.round(x) : Math.round(x * 100) / 100;
}

/** Only the changes that name attributes of the model. */
export function known(model, changes) {
  const names = new Set(model.attributes.map((a) => a.name));
  return Object.fromEntries(Object.entries(changes).filter(([name]) => names.has(name)));
}

/** Attribute names in the order the form shows them (grouped by first appearance of a group). */
export function formOrder(model) {
  const groups = [...new Set(model.attributes.map((a) => a.group))];
  return groups.flatMap((g) => model.attributes.filter((a) => a.group === g).map((a) => a.name));
}

/** Fails with every serious or critical axe-core violation of the page as it is now. */
export async function expectAccessible(page, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), `axe-core on ${what}`).toEqual([]);
}

/** Screenshots of the page at desktop, tablet and phone widths, attached to the test; checks
 * that nothing overflows sideways. */
export async function screenshots(page, testInfo, name) {
  for (const [suffix, width, height] of [["", 1280, 900], ["-tablet", 768, 1024], ["-phone", 390, 844]]) {
    await page.setViewportSize({ width, height });
    const path = testInfo.outputPath(`${name}${suffix}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${name}${suffix}`, { path, contentType: "image/png" });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${width} px overflows`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The text of a PDF (pdf.js), pages joined, runs of white space as one space. */
export async function pdfText(bytes) {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  const pages = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => item.str).join(" "));
  }
  await pdf.destroy();
  return pages.join("\n").replace(/\s+/g, " ");
}
