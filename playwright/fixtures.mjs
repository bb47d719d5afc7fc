// Test fixtures: a private copy of the built site per test, served on 127.0.0.1 by a server
// that is started and stopped with the test, plus helpers to publish or corrupt a model and to
// ask the `carprice` CLI for reference quotes.
//
// Environment:
//   CARPRICE_SITE      built site to copy (default: dist)
//   CARPRICE_SITE_SERVER  server command with {dir} and {port} placeholders
//                      (default: node playwright/server.mjs --dir {dir} --port {port};
//                       e.g. "static-host --dir {dir} --port {port}")
//   CARPRICE_BIN       the carprice CLI (default: target/debug/carprice)
import { test as base, expect } from "@playwright/test";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SITE = resolve(ROOT, process.env.CARPRICE_SITE ?? "dist");
const SERVER = process.env.CARPRICE_SITE_SERVER ?? "node playwright/server.mjs --dir {dir} --port {port}";
const CLI = resolve(ROOT, process.env.CARPRICE_BIN ?? "target/debug/carprice");

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

/** The test server of this folder (also what stands in for a model CDN). */
export const NODE_SERVER = "node playwright/server.mjs --dir {dir} --port {port}";

/** Starts a server on a copy of the built site: CARPRICE_SITE_SERVER unless `server` is given;
 * `extra` arguments are appended to the command; `prepare(dir)` may change the copy first (a
 * server may read staticwebapp.config.json only when it starts). */
export async function startSite({ server = SERVER, extra = [], prepare = () => {} } = {}) {
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

/** `model_core::format_dollars` for positive amounts: "$13,495.27". */
export function dollars(amount) {
  const cents = Math.round(amount * 100);
  const whole = Math.floor(cents / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `$${whole}.${String(cents % 100).padStart(2, "0")}`;
}

/** Sets form fields: selects by value, text boxes by typing. */
export async function fillCar(page, changes) {
  for (const [name, value] of Object.entries(changes)) {
    const field = page.locator(`#field-${name}`);
    if ((await field.evaluate((e) => e.tagName)) === "SELECT") await field.selectOption(String(value));
    else await field.fill(String(value));
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
