// Champion and challenger in the browser: shadow pricing, canary buckets per device, a halted
// rollout, and the telemetry queue (recorded on the device, kept across a restart, sent once).
//
// The site copies are staged here as `carprice stage` stages a rollout: `challenger.json` beside
// `model.json`, and release.json's `challenger` naming its version and sha256.
//
// POST /api/telemetry: the tests watch every request with `context.route`. With
// TELEMETRY_ENDPOINT=static-host the requests are forwarded to the site's server (static-host's
// real endpoint) and its answers used; otherwise the route answers as the contract says (202
// `{"accepted": n}`, a batch id stored once), for servers without the endpoint.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test, expect, expectPrice, defaultModel, carWith, cliQuote, sha256, kinds, within, waitForServiceWorker, deviceInBucket } from "../fixtures.mjs";

const REAL_ENDPOINT = process.env.TELEMETRY_ENDPOINT === "static-host";
const QUEUE_KEY = "carprice.telemetry.v1";
const DEVICE_KEY = "carprice.device";

/** The default model as a challenger: another version, prices 10% higher. */
function challengerModel() {
  const model = defaultModel();
  const next = structuredClone(model);
  next.version = `${model.version.split(".")[0]}.50.0`;
  next.intercept += Math.log(1.1);
  return { model: next, text: JSON.stringify(next, null, 2) + "\n" };
}

/** Rolls a challenger out in a site copy: challenger.json first, then the manifest. */
function rollOut(site, challenger, mode, percent) {
  site.write("challenger.json", challenger.text);
  const release = JSON.parse(site.read("release.json"));
  release.challenger = { model_version: challenger.model.version, model_sha256: sha256(challenger.text), mode, percent };
  site.write("release.json", JSON.stringify(release, null, 2) + "\n");
}

/** Halts the rollout: the manifest without a challenger (the file may stay). */
function halt(site) {
  const release = JSON.parse(site.read("release.json"));
  delete release.challenger;
  site.write("release.json", JSON.stringify(release, null, 2) + "\n");
}

/** A browser context whose device id is `device` (as if an earlier visit had stored it). */
function contextOf(browser, site, storage) {
  const origin = site.url.replace(/\/$/, "");
  return browser.newContext({ storageState: { cookies: [], origins: [{ origin, localStorage: storage }] } });
}

/** Watches POST /api/telemetry in a context: `sent` has every request body with its answer's
 * status; `stored()` the quotes of each batch id answered 202, once per id (what the server
 * keeps). `loseAnswers` answers are dropped after the server got the batch (a lost connection). */
async function watchTelemetry(context, { loseAnswers = 0 } = {}) {
  const sent = [];
  const stored = new Map();
  await context.route("**/api/telemetry", async (route) => {
    const body = route.request().postDataJSON();
    const exchange = { body, status: 0 };
    sent.push(exchange);
    let answer;
    if (REAL_ENDPOINT) {
      const response = await route.fetch();
      answer = { status: response.status(), headers: response.headers(), body: await response.text() };
    } else {
      answer = { status: 202, contentType: "application/json", body: JSON.stringify({ accepted: stored.has(body.batch) ? 0 : body.quotes.length }) };
    }
    exchange.status = answer.status;
    if (answer.status === 202 && !stored.has(body.batch)) stored.set(body.batch, body.quotes);
    if (loseAnswers > 0) {
      loseAnswers -= 1;
      exchange.lost = true;
      await route.abort("connectionreset");
    } else {
      await route.fulfill(answer);
    }
  });
  return { sent, stored: () => [...stored.values()].flat() };
}

/** Whether the page fetched what recording needs offline: the stock-list wasm and both models. */
function telemetryWarm(page) {
  return page.evaluate(() => {
    const fetched = performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname);
    return ["/stock_list_bg.wasm", "/model.json", "/challenger.json"].every((path) => fetched.includes(path));
  });
}

/** The quotes queued in the page's storage. */
async function queued(page) {
  const text = await page.evaluate((key) => localStorage.getItem(key) ?? "", QUEUE_KEY);
  return text.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

/** Sets a number field and waits until its quote is recorded (the car stable for 2 s). */
async function settle(page, attribute, value, count) {
  await page.locator(`#field-${attribute.name}`).fill(String(value));
  await expect.poll(async () => (await queued(page)).length, { timeout: 10_000 }).toBe(count);
}

test("shadow: the champion's price is shown, both prices are recorded once the car settles", async ({ page, context, site }) => {
  const model = defaultModel();
  const challenger = challengerModel();
  rollOut(site, challenger, "shadow", 0);
  const telemetry = await watchTelemetry(context);
  await page.goto(site.url);
  await expect(page.getByTestId("rollout")).toContainText(`challenger ${challenger.model.version}: in the shadow, never shown`);
  await expect(page.getByTestId("rollout")).toContainText("this device shows the champion");
  await expect(page.getByTestId("model-version")).toContainText(model.version);
  // Typing digit by digit records one quote, for the car it settled on.
  const [number] = kinds(model).numeric;
  const value = within(number, 0.4);
  const field = page.locator(`#field-${number.name}`);
  await field.fill("");
  await field.pressSequentially(String(value), { delay: 150 });
  const car = carWith(model, { [number.name]: value });
  const champion = cliQuote(car);
  const shadow = cliQuote(car, challenger.text);
  await expectPrice(page, champion.price);
  await expect(page.getByTestId("source")).toContainText(`Model ${model.version}`);
  await expect.poll(() => telemetry.stored().length, { timeout: 10_000 }).toBe(1);
  const [quote] = telemetry.stored();
  expect(Object.keys(quote).sort()).toEqual(["at", "car", "challenger", "challenger_price", "champion", "champion_price", "extrapolated", "mode", "shown"]);
  expect(quote).toMatchObject({ champion: model.version, challenger: challenger.model.version, mode: "shadow", shown: "champion", extrapolated: [] });
  expect(quote.champion_price).toBeCloseTo(champion.price, 6);
  expect(quote.challenger_price).toBeCloseTo(shadow.price, 6);
  expect(quote.car[number.name]).toBe(value);
  expect(Object.keys(quote.car).sort()).toEqual(model.attributes.map((a) => a.name).sort());
  expect(Date.parse(quote.at)).toBeGreaterThan(Date.now() - 60_000);
  await expect.poll(async () => (await queued(page)).length).toBe(0);
  expect(telemetry.sent.every((e) => e.body.batch.match(/^[A-Za-z0-9_-]{1,64}$/))).toBe(true);
});

test("reload recorded the kept car again: a reload records nothing new, a new car still is", async ({ page, context, site }) => {
  const model = defaultModel();
  rollOut(site, challengerModel(), "shadow", 0);
  const [number] = kinds(model).numeric;
  const telemetry = await watchTelemetry(context);
  await page.goto(site.url);
  await expect(page.getByTestId("rollout")).toBeVisible();
  await page.locator(`#field-${number.name}`).fill(String(within(number, 0.25)));
  await expect.poll(() => telemetry.stored().length, { timeout: 10_000 }).toBe(1);
  // The car is kept across the reload and priced again: the same quote, not a new one.
  await page.reload();
  await expect(page.locator(`#field-${number.name}`)).toHaveValue(String(within(number, 0.25)));
  await page.waitForTimeout(3_000);
  expect(telemetry.stored().length + (await queued(page)).length).toBe(1);
  await page.locator(`#field-${number.name}`).fill(String(within(number, 0.75)));
  await expect.poll(() => telemetry.stored().length, { timeout: 10_000 }).toBe(2);
  expect(telemetry.stored()[1].car[number.name]).toBe(within(number, 0.75));
});

test("canary 50%: devices in different buckets see different models, each stable on reload", async ({ browser, site }) => {
  const model = defaultModel();
  const challenger = challengerModel();
  rollOut(site, challenger, "canary", 50);
  const [number] = kinds(model).numeric;
  const value = within(number, 0.6);
  const car = carWith(model, { [number.name]: value });
  for (const [inCanary, version, expected] of [
    [true, challenger.model.version, cliQuote(car, challenger.text)],
    [false, model.version, cliQuote(car)],
  ]) {
    const device = deviceInBucket(challenger.model.version, 50, inCanary);
    const context = await contextOf(browser, site, [{ name: DEVICE_KEY, value: device }]);
    const telemetry = await watchTelemetry(context);
    const page = await context.newPage();
    try {
      await page.goto(site.url);
      for (const visit of ["first", "reload"]) {
        if (visit === "reload") await page.reload();
        await expect(page.getByTestId("model-version")).toContainText(version);
        await expect(page.getByTestId("rollout")).toContainText(`canary on 50% of devices; this device shows the ${inCanary ? "challenger" : "champion"}`);
        await page.locator(`#field-${number.name}`).fill(String(value));
        await expectPrice(page, expected.price);
        await expect(page.getByTestId("source")).toContainText(`Model ${version}`);
        await expect(page.getByTestId("status")).toContainText(`model ${version}`);
        expect(await page.evaluate((key) => localStorage.getItem(key), DEVICE_KEY)).toBe(device);
      }
      await expect.poll(() => telemetry.stored().length, { timeout: 10_000 }).toBeGreaterThan(0);
      const [quote] = telemetry.stored();
      expect(quote).toMatchObject({ mode: "canary", shown: inCanary ? "challenger" : "champion" });
    } finally {
      await context.close();
    }
  }
});

test("offline, a canary device keeps pricing with the challenger", async ({ page, context, site }) => {
  const model = defaultModel();
  const challenger = challengerModel();
  rollOut(site, challenger, "canary", 100);
  await page.goto(site.url);
  await expect(page.getByTestId("model-version")).toContainText(challenger.model.version);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("status")).toContainText(`Offline · pricing with saved model ${challenger.model.version}`);
  const [number] = kinds(model).numeric;
  const value = within(number, 0.55);
  await page.locator(`#field-${number.name}`).fill(String(value));
  await expectPrice(page, cliQuote(carWith(model, { [number.name]: value }), challenger.text).price);
  await expect(page.getByTestId("rollout")).toContainText("this device shows the challenger");
});

test("a canary device whose challenger.json is missing, corrupted, invalid or of another version prices with the champion", async ({ browser, site }) => {
  const model = defaultModel();
  const challenger = challengerModel();
  rollOut(site, challenger, "canary", 100);
  const [number] = kinds(model).numeric;
  const value = within(number, 0.45);
  const otherVersion = challenger.text.replace(challenger.model.version, "9.9.9");
  /** challenger.json as `text`, and release.json naming its bytes (as the challenger's version). */
  const named = (text) => {
    site.write("challenger.json", text);
    const release = JSON.parse(site.read("release.json"));
    release.challenger.model_sha256 = sha256(text);
    site.write("release.json", JSON.stringify(release, null, 2) + "\n");
  };
  for (const broken of ["corrupted", "missing", "invalid, named by its sha256", "another version, named by its sha256"]) {
    if (broken === "corrupted") site.write("challenger.json", otherVersion);
    else if (broken === "missing") rmSync(join(site.dir, "challenger.json"));
    else if (broken.startsWith("invalid")) named(JSON.stringify({ format_version: "1.1", attributes: [] }));
    else named(otherVersion);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(site.url);
      await expect(page.getByTestId("model-version")).toContainText(model.version);
      await expect(page.getByTestId("rollout")).toContainText("this device shows the champion");
      await page.locator(`#field-${number.name}`).fill(String(value));
      await expectPrice(page, cliQuote(carWith(model, { [number.name]: value })).price);
    } finally {
      await context.close();
    }
  }
});

test("a new device gets a random id that stays across visits", async ({ page, site }) => {
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  const id = await page.evaluate((key) => localStorage.getItem(key), DEVICE_KEY);
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  await page.reload();
  await expect(page.getByTestId("price")).toBeVisible();
  expect(await page.evaluate((key) => localStorage.getItem(key), DEVICE_KEY)).toBe(id);
});

test("a halted rollout stops the challenger on the next release check", async ({ page, context, site }) => {
  const model = defaultModel();
  const challenger = challengerModel();
  site.setConfig({ pricing: "browser", release_check_seconds: 1 });
  rollOut(site, challenger, "canary", 100);
  const telemetry = await watchTelemetry(context);
  await page.goto(site.url);
  await expect(page.getByTestId("model-version")).toContainText(challenger.model.version);
  const [number] = kinds(model).numeric;
  const value = within(number, 0.3);
  await page.locator(`#field-${number.name}`).fill(String(value));
  await expectPrice(page, cliQuote(carWith(model, { [number.name]: value }), challenger.text).price);
  await expect.poll(() => telemetry.stored().length, { timeout: 10_000 }).toBe(1);
  expect(telemetry.stored()[0]).toMatchObject({ mode: "canary", shown: "challenger" });
  halt(site);
  await expect(page.locator("[data-kind=notice-updated]")).toContainText(`model ${model.version}`);
  await expect(page.getByTestId("model-version")).toContainText(model.version);
  await expect(page.getByTestId("rollout")).toHaveCount(0);
  // The form was kept, priced by the champion now; nothing more is recorded.
  await expect(page.locator(`#field-${number.name}`)).toHaveValue(String(value));
  await expectPrice(page, cliQuote(carWith(model, { [number.name]: value })).price);
  const recorded = telemetry.stored().length + (await queued(page)).length;
  await page.locator(`#field-${number.name}`).fill(String(within(number, 0.7)));
  await page.waitForTimeout(3_000);
  expect(telemetry.stored().length + (await queued(page)).length).toBe(recorded);
  // A reload stays on the champion (the stored release has no challenger either).
  await page.reload();
  await expect(page.getByTestId("model-version")).toContainText(model.version);
});

test("telemetry queued offline survives a restart and is sent once online, without duplicates", async ({ browser, site }) => {
  const model = defaultModel();
  const challenger = challengerModel();
  rollOut(site, challenger, "shadow", 0);
  const [number] = kinds(model).numeric;
  const values = [0.2, 0.5, 0.8].map((f) => within(number, f));

  const before = await browser.newContext();
  const offline = await watchTelemetry(before);
  const page = await before.newPage();
  await page.goto(site.url);
  await expect(page.getByTestId("rollout")).toBeVisible();
  // The sender loads its pricer (the stock-list wasm) and both model files with the first offer.
  await expect.poll(() => telemetryWarm(page)).toBe(true);
  await before.setOffline(true);
  for (const [i, value] of values.entries()) await settle(page, number, value, i + 1);
  expect(offline.sent).toEqual([]);
  const storageState = await before.storageState();
  await before.close();

  // The restart: a new browser context with the same storage, online. The first answer is lost
  // after the server got the batch, so the batch goes again, under the same id, at the next start.
  const after = await browser.newContext({ storageState });
  const online = await watchTelemetry(after, { loseAnswers: 1 });
  const restarted = await after.newPage();
  try {
    await restarted.goto(site.url);
    await expect.poll(() => online.sent.length, { timeout: 10_000 }).toBe(1);
    expect(await queued(restarted)).toHaveLength(values.length);
    await restarted.reload();
    await expect.poll(async () => (await queued(restarted)).length, { timeout: 10_000 }).toBe(0);
    expect(online.sent.length).toBe(2);
    expect(online.sent[0].lost).toBe(true);
    expect(online.sent[1].body.batch).toBe(online.sent[0].body.batch);
    const stored = online.stored();
    expect(stored.map((q) => q.car[number.name])).toEqual(values);
    expect(stored.every((q) => q.shown === "champion" && q.challenger === challenger.model.version)).toBe(true);
    // Nothing is sent again later.
    await restarted.reload();
    await expect(restarted.getByTestId("price")).toBeVisible();
    await restarted.waitForTimeout(1_000);
    expect(online.sent.length).toBe(2);
  } finally {
    await after.close();
  }
});

test("a refused batch is dropped and the others still go", async ({ page, context, site }) => {
  const model = defaultModel();
  rollOut(site, challengerModel(), "shadow", 0);
  const [number] = kinds(model).numeric;
  await page.goto(site.url);
  await expect(page.getByTestId("rollout")).toBeVisible();
  // Queue two batches by hand: a malformed one first, then a recorded quote.
  await page.evaluate((key) => localStorage.setItem(key, 'batch broken\n{"not": "a quote"}\nwaiting\n'), QUEUE_KEY);
  const telemetry = await watchTelemetry(context);
  if (!REAL_ENDPOINT) {
    // The emulated server refuses what is not a quote, as static-host does (400).
    await context.route("**/api/telemetry", (route) =>
      route.request().postDataJSON().batch === "broken" ? route.fulfill({ status: 400, body: '{"error": "quotes[0]: `at` is missing"}' }) : route.fallback(),
    );
  }
  await page.locator(`#field-${number.name}`).fill(String(within(number, 0.45)));
  await expect.poll(() => telemetry.stored().length, { timeout: 10_000 }).toBe(1);
  await expect.poll(async () => (await queued(page)).length).toBe(0);
  expect(telemetry.stored()[0].car[number.name]).toBe(within(number, 0.45));
});

test("429: sending pauses for retry-after seconds, then the same batch goes first", async ({ page, context, site }) => {
  const model = defaultModel();
  rollOut(site, challengerModel(), "shadow", 0);
  const [number] = kinds(model).numeric;
  const values = [0.15, 0.35, 0.65].map((f) => within(number, f));
  const telemetry = await watchTelemetry(context);
  const limited = [];
  await context.route("**/api/telemetry", (route) => {
    if (limited.length > 0) return route.fallback();
    limited.push(route.request().postDataJSON().batch);
    return route.fulfill({ status: 429, headers: { "retry-after": "4" }, contentType: "application/json", body: '{"error": "too many requests"}' });
  });
  await page.goto(site.url);
  await expect(page.getByTestId("rollout")).toBeVisible();
  await page.locator(`#field-${number.name}`).fill(String(values[0]));
  await expect.poll(() => limited.length, { timeout: 10_000 }).toBe(1);
  // Recorded during the pause: queued, not sent.
  await settle(page, number, values[1], 2);
  expect(telemetry.sent).toEqual([]);
  await page.waitForTimeout(2_500);
  // After the pause the next send goes: the refused batch first, under its id, then the rest.
  await page.locator(`#field-${number.name}`).fill(String(values[2]));
  await expect.poll(async () => (await queued(page)).length, { timeout: 10_000 }).toBe(0);
  expect(telemetry.sent[0].body.batch).toBe(limited[0]);
  expect(telemetry.stored().map((q) => q.car[number.name])).toEqual(values);
});
