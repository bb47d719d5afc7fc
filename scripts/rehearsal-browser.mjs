// The browser steps of the release rehearsal (scripts/rehearse-release.sh): Chromium on the site
// as deployed, staff pricing cars through the form, on "devices" that keep their storage (a
// browser profile each, service worker and localStorage included) from one step to the next.
// Prints one line per check, `rehearsal-browser: ok: …` or `… FAILED: …` (the rehearsal counts them); exits 1 after a
// failed check (the checks after it in the step depend on it).
//
// Usage: node scripts/rehearsal-browser.mjs STEP SITE_URL ARGS…
//   serves SITE VERSION
//       a new visitor's page shows model VERSION (or, during a canary, the challenger when the
//       visitor's random device id falls in its share)
//   shadow SITE CHAMPION CHALLENGER TELEMETRY_CONTAINER [OUT]
//       the device `staff` prices the sample cars; each is priced by the champion and its quote,
//       with both prices, reaches the telemetry container once; a reload sends nothing again;
//       OUT receives the stored quotes (JSON)
//   canary SITE CHAMPION CHALLENGER PERCENT TELEMETRY_CONTAINER
//       the devices `in-canary` and `outside` (ids chosen so that their buckets for the
//       challenger fall either side of PERCENT) show the challenger's and the champion's price,
//       each the same after a reload; their quotes reach telemetry marked with the model shown
//   halt SITE CHAMPION CHALLENGER
//       the device `in-canary` opens the site during the canary and prices a car with the
//       challenger; the step then says `rehearsal-browser: waiting` and waits for a line on its
//       input (the halted release is deployed meanwhile); then, the page left open, its next
//       release check (time moved on by the site's release_check_seconds) switches it to the
//       champion alone, the car still on the form, priced by the champion
//   alone SITE MODEL DEVICE…
//       each device, on its next visit, shows MODEL alone (no rollout) and prices with it
// CHAMPION, CHALLENGER and MODEL are model files; `carprice predict` (CARPRICE_BIN) gives the
// expected prices. REHEARSAL_DEVICES is the folder of the device profiles. The telemetry container
// is Azurite's (read with scripts/azurite-dev.mjs).
import { chromium, expect } from "@playwright/test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import config from "../playwright/playwright.config.mjs";
import { CARS, canaryBucket, carWith, cliQuote, deviceInBucket, expectPrice, fillCar, known } from "../playwright/fixtures.mjs";
import { listBlobs, readBlob } from "./azurite-dev.mjs";

const DEVICE_KEY = "carprice.device";
const QUEUE_KEY = "carprice.telemetry.v1";
/** Where telemetry blobs are stored in the container: `telemetry/<day>/<batch>.json`. */
const TELEMETRY_PREFIX = "telemetry/";
const DEVICES = process.env.REHEARSAL_DEVICES;

/** A model file: its document and its text (for `carprice predict`). */
function modelFile(path) {
  const text = readFileSync(path, "utf8");
  return { text, version: JSON.parse(text).version, document: JSON.parse(text) };
}

class CheckFailed extends Error {}

/** Runs one check: prints `ok: what` or `FAILED: what: why` (and stops the step). */
async function check(what, body) {
  try {
    await body();
  } catch (error) {
    console.log(`rehearsal-browser: FAILED: ${what}: ${String(error.message ?? error).split("\n").slice(0, 6).join(" ")}`);
    throw new CheckFailed();
  }
  console.log(`rehearsal-browser: ok: ${what}`);
}

/** A device: a Chromium profile kept in REHEARSAL_DEVICES/NAME; a new one gets the device id
 * `id` before the app's first visit (as if it had chosen that id itself). */
async function device(name, id) {
  if (!DEVICES) throw new Error("REHEARSAL_DEVICES is not set: the folder of the device profiles");
  const dir = join(DEVICES, name);
  mkdirSync(dir, { recursive: true });
  const context = await chromium.launchPersistentContext(dir, {
    ...config.use.launchOptions,
    viewport: config.use.viewport,
    serviceWorkers: config.use.serviceWorkers,
  });
  if (id) {
    await context.addInitScript(
      ([key, value]) => {
        try {
          if (localStorage.getItem(key) === null) localStorage.setItem(key, value);
        } catch {
          // A document without storage (about:blank): nothing to seed.
        }
      },
      [DEVICE_KEY, id],
    );
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return { name, context, page };
}

/** The telemetry quotes stored in the container, by blob name. */
async function storedBatches(container) {
  const batches = new Map();
  for (const name of await listBlobs(container, TELEMETRY_PREFIX)) {
    batches.set(name, JSON.parse((await readBlob(`${container}/${name}`)).toString("utf8")));
  }
  return batches;
}

/** The quotes of the batches not in `before`. */
function newQuotes(batches, before) {
  return [...batches].filter(([name]) => !before.has(name)).flatMap(([, batch]) => batch.quotes);
}

/** The quotes waiting in a page's queue (recorded, not yet accepted by the server). */
async function queued(page) {
  const text = await page.evaluate((key) => localStorage.getItem(key) ?? "", QUEUE_KEY);
  return text.split("\n").filter((line) => line.startsWith("{")).length;
}

/** The sample cars, completed with the model's defaults (every field set). */
const cars = (model) => CARS.map((car) => carWith(model.document, known(model.document, car)));

/** A file of the served site, as JSON. */
async function served(site, name) {
  const response = await fetch(new URL(name, site));
  if (!response.ok) throw new Error(`${new URL(name, site)}: HTTP ${response.status}`);
  return response.json();
}

/** The page shows the price `model` gives `car` (rounded as the site's config.json says). */
async function showsPrice(page, car, model) {
  const { price_step: step } = await served(page.url(), "config.json");
  await expectPrice(page, cliQuote(car, model.text).price, step);
}

/** Fills the form with `car` and checks the price `shown` gives it, and the model card. */
async function pricesWith(page, car, shown) {
  await fillCar(page, car);
  await showsPrice(page, car, shown);
  await expect(page.getByTestId("source")).toContainText(`Model ${shown.version}`);
  await expect(page.getByTestId("model-version")).toContainText(shown.version);
}

async function serves(site, version) {
  const browser = await chromium.launch(config.use.launchOptions);
  try {
    const page = await browser.newPage();
    await page.goto(site);
    await expect(page.getByTestId("price")).toBeVisible({ timeout: 20_000 });
    // During a canary, a new visitor's random device id may fall in the challenger's share.
    const rollout = (await served(site, "release.json")).challenger;
    const id = await page.evaluate((key) => localStorage.getItem(key), DEVICE_KEY);
    const bucket = rollout ? canaryBucket(id, rollout.model_version) : 0;
    const [shown, why] =
      rollout?.mode === "canary" && bucket < rollout.percent
        ? [rollout.model_version, ` (challenger: this device's bucket ${bucket} < ${rollout.percent})`]
        : [version, ""];
    await check(`Chromium shows model ${shown}${why}`, () => expect(page.getByTestId("model-version")).toContainText(shown, { timeout: 20_000 }));
  } finally {
    await browser.close();
  }
}

async function shadow(site, championPath, challengerPath, container, out) {
  const champion = modelFile(championPath);
  const challenger = modelFile(challengerPath);
  const before = await storedBatches(container);
  const staff = await device("staff");
  const { page } = staff;
  try {
    await page.goto(site);
    await check(`shadow: the model card shows champion ${champion.version} with challenger ${challenger.version} in the shadow`, async () => {
      await expect(page.getByTestId("model-version")).toContainText(champion.version, { timeout: 20_000 });
      await expect(page.getByTestId("rollout")).toContainText(`challenger ${challenger.version}: in the shadow, never shown`);
      await expect(page.getByTestId("rollout")).toContainText("this device shows the champion");
    });
    const priced = cars(champion);
    for (const [i, car] of priced.entries()) {
      await check(`shadow: car ${i + 1} (${car.make}) priced by the champion through the form, its quote stored`, async () => {
        await pricesWith(page, car, champion);
        // Recorded once the car stays for 2 s, then sent at once.
        await expect.poll(async () => newQuotes(await storedBatches(container), before).length, { timeout: 15_000 }).toBe(i + 1);
      });
    }
    const stored = newQuotes(await storedBatches(container), before);
    await check(`shadow: telemetry holds exactly the ${priced.length} quotes, with both versions, both prices and shown = champion`, async () => {
      expect(stored).toHaveLength(priced.length);
      for (const [i, car] of priced.entries()) {
        const quote = stored.find((q) => q.car.make === car.make && q.car["curb-weight"] === car["curb-weight"]);
        expect(quote, `the quote of car ${i + 1}`).toBeDefined();
        expect(quote).toMatchObject({ champion: champion.version, challenger: challenger.version, mode: "shadow", shown: "champion" });
        expect(quote.car).toEqual(car);
        expect(quote.champion_price).toBeCloseTo(cliQuote(car, champion.text).price, 6);
        expect(quote.challenger_price).toBeCloseTo(cliQuote(car, challenger.text).price, 6);
      }
    });
    const names = [...(await storedBatches(container)).keys()];
    await page.reload();
    await expect(page.getByTestId("rollout")).toBeVisible({ timeout: 20_000 });
    // The queue is sent at start-up: give it time to go (it should be empty).
    await page.waitForTimeout(3_000);
    await check("shadow: after a reload the queue is empty and nothing was stored again", async () => {
      expect(await queued(page)).toBe(0);
      expect([...(await storedBatches(container)).keys()]).toEqual(names);
    });
    if (out) writeFileSync(out, JSON.stringify(stored, null, 2) + "\n");
    console.log(`rehearsal-browser: telemetry: ${stored.length} quotes in ${names.length - before.size} batches`);
  } finally {
    await staff.context.close();
  }
}

async function canary(site, championPath, challengerPath, percentText, container) {
  const champion = modelFile(championPath);
  const challenger = modelFile(challengerPath);
  const percent = Number(percentText);
  const before = await storedBatches(container);
  const car = cars(champion)[0];
  for (const [name, inCanary, shown] of [
    ["in-canary", true, challenger],
    ["outside", false, champion],
  ]) {
    const id = deviceInBucket(challenger.version, percent, inCanary);
    const role = inCanary ? "challenger" : "champion";
    const { context, page } = await device(name, id);
    try {
      await page.goto(site);
      for (const visit of ["first visit", "after a reload"]) {
        if (visit !== "first visit") await page.reload();
        await check(`canary ${percent}%: device ${name} (bucket ${inCanary ? "<" : "≥"} ${percent}), ${visit}: the ${role}'s price (${shown.version}), said so on the model card`, async () => {
          await expect(page.getByTestId("model-version")).toContainText(shown.version, { timeout: 20_000 });
          await expect(page.getByTestId("rollout")).toContainText(`canary on ${percent}% of devices; this device shows the ${role}`);
          await pricesWith(page, car, shown);
          expect(await page.evaluate((key) => localStorage.getItem(key), DEVICE_KEY)).toBe(id);
        });
      }
      await check(`canary ${percent}%: device ${name}'s quotes reach telemetry marked shown = ${role}`, async () => {
        await expect
          .poll(async () => newQuotes(await storedBatches(container), before).filter((q) => q.mode === "canary" && q.shown === role).length, { timeout: 15_000 })
          .toBeGreaterThan(0);
      });
    } finally {
      await context.close();
    }
  }
}

async function halt(site, championPath, challengerPath) {
  const champion = modelFile(championPath);
  const challenger = modelFile(challengerPath);
  const car = cars(champion)[2];
  const { context, page } = await device("in-canary");
  try {
    // The page's clock, so that the release check due in a minute can be brought forward.
    await context.clock.install();
    await page.goto(site);
    await check(`halt: device in-canary, open before the halt: the challenger (${challenger.version}) prices`, async () => {
      await expect(page.getByTestId("rollout")).toContainText("this device shows the challenger", { timeout: 20_000 });
      await pricesWith(page, car, challenger);
    });
    const seconds = (await served(site, "config.json")).release_check_seconds;
    console.log("rehearsal-browser: waiting");
    for await (const _ of createInterface({ input: process.stdin })) break;
    await page.clock.fastForward(seconds * 1000);
    await check(`halt: device in-canary, page left open: its next release check (every ${seconds} s) switches it to the champion (${champion.version}) alone, the car kept`, async () => {
      await expect(page.locator("[data-kind=notice-updated]")).toContainText(`model ${champion.version}`);
      await expect(page.getByTestId("model-version")).toContainText(champion.version);
      await expect(page.getByTestId("rollout")).toHaveCount(0);
      await showsPrice(page, car, champion);
      await expect(page.getByTestId("source")).toContainText(`Model ${champion.version}`);
    });
  } finally {
    await context.close();
  }
}

async function alone(site, modelPath, ...names) {
  const model = modelFile(modelPath);
  const car = cars(model)[1];
  for (const name of names) {
    const { context, page } = await device(name);
    try {
      await page.goto(site);
      await check(`device ${name}, next visit: model ${model.version} alone prices the car`, async () => {
        await expect(page.getByTestId("model-version")).toContainText(model.version, { timeout: 20_000 });
        await pricesWith(page, car, model);
        await expect(page.getByTestId("rollout")).toHaveCount(0);
      });
    } finally {
      await context.close();
    }
  }
}

const STEPS = { serves, shadow, canary, halt, alone };
const [step, ...args] = process.argv.slice(2);
if (!STEPS[step]) {
  console.error(`usage: node scripts/rehearsal-browser.mjs ${Object.keys(STEPS).join("|")} SITE_URL ARGS… (see the file's first lines)`);
  process.exit(2);
}
try {
  await STEPS[step](...args);
} catch (error) {
  if (!(error instanceof CheckFailed)) {
    console.log(`rehearsal-browser: FAILED: browser step ${step}: ${error.stack ?? error}`);
  }
  process.exitCode = 1;
}
