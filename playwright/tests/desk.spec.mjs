// The staff desk around the pricing screen: its navigation, figures for people, the car kept in
// the link and across reloads, saved quotes (IndexedDB), the printed quote sheet, accessibility (axe-core) and
// screenshots of every screen.
import { chromium } from "@playwright/test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  test, expect, CARS, defaultModel, carWith, cliQuote, fillCar, known, kinds, otherCategory, within,
  expectPrice, headline, dollars, expectAccessible, screenshots, pdfText, waitForServiceWorker,
} from "../fixtures.mjs";

const model = defaultModel();
const labelled = model.attributes.find((a) => a.kind === "categorical" && a.labels?.length);
/** CARS[0] described with the model's attributes only. */
const bmw = carWith(model, known(model, CARS[0]));
const labelOf = (attribute, category) => attribute.labels[attribute.categories.indexOf(category)];

/** Round outwards to $100, as the range is shown. */
const rangeText = (low, high) => `${headline(Math.floor(low / 100) * 100, 1)} – ${headline(Math.ceil(high / 100) * 100, 1)}`;

async function saveQuote(page) {
  await page.getByTestId("save-quote").click();
  await expect(page.getByTestId("outcome")).toContainText("Quote saved");
}

/** Saves the BMW, then the same car with its first number at 80% of its range, and shows the
 * saved quotes screen with both; returns the first's quote, the second car and that number. */
async function saveTwoQuotes(page, site) {
  await page.goto(site.url);
  await fillCar(page, bmw);
  const first = cliQuote(bmw);
  await expectPrice(page, first.price);
  await saveQuote(page);
  const [number] = kinds(model).numeric;
  const second = { ...bmw, [number.name]: within(number, 0.8) };
  await fillCar(page, { [number.name]: second[number.name] });
  await expectPrice(page, cliQuote(second).price);
  await saveQuote(page);
  await showSaved(page);
  await expect(page.getByTestId("saved-quote")).toHaveCount(2);
  return { first, second, number };
}

async function showSaved(page) {
  await page.getByRole("button", { name: "Saved quotes" }).click();
  await expect(page.getByTestId("saved-screen")).toBeVisible();
}

test("the navigation lists the desk's screens in order and marks the one shown", async ({ page, site }) => {
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  const tabs = page.getByRole("navigation", { name: "Screens" }).getByRole("button");
  await expect(tabs).toHaveText(["Price a car", "Saved quotes", "Price a stock list"]);
  const current = () => page.locator("nav.screens [aria-current=page]");
  await expect(current()).toHaveText("Price a car");
  await showSaved(page);
  await expect(current()).toHaveText("Saved quotes");
  await tabs.nth(2).click();
  await expect(current()).toHaveText("Price a stock list");
  await expect(page.getByTestId("stock-file")).toBeVisible();
  await expect(page.getByTestId("saved-screen")).toHaveCount(0);
  await tabs.nth(0).click();
  await expect(page.getByTestId("price")).toBeVisible();
  await expect(page.getByTestId("stock-list")).toBeHidden();
});

test("the headline price is rounded to the site's step and the range to $100; exact figures stay in the page", async ({ page, site }) => {
  await page.goto(site.url);
  await fillCar(page, bmw);
  const expected = cliQuote(bmw);
  await expectPrice(page, expected.price);
  const range = page.getByTestId("range");
  await expect(range).toContainText(rangeText(expected.interval.low, expected.interval.high));
  expect(Number(await range.getAttribute("data-low"))).toBe(Math.round(expected.interval.low * 100) / 100);
  expect(Number(await range.getAttribute("data-high"))).toBe(Math.round(expected.interval.high * 100) / 100);
  await expect(range).toHaveAttribute("title", `Exactly ${dollars(expected.interval.low)} – ${dollars(expected.interval.high)}`);
  // Categories read as words, in the form and in the chart.
  await expect(page.locator(`#field-${labelled.name} option:checked`)).toHaveText(labelOf(labelled, bmw[labelled.name]));
  await expect(page.locator(`[data-testid=chart] [data-attribute=${labelled.name}]`).first()).toBeVisible();
  await expect(page.getByTestId("chart")).toContainText(`${labelled.label}: ${labelOf(labelled, bmw[labelled.name])}`);
  // Another step from config.json.
  site.setConfig({ pricing: "browser", price_step: 100 });
  await page.reload();
  await expectPrice(page, expected.price, 100);
});

test("the car survives a reload, and a shared link reproduces the price on a fresh browser", async ({ page, site, browser }) => {
  await page.goto(site.url);
  await fillCar(page, bmw);
  const expected = cliQuote(bmw);
  await expectPrice(page, expected.price);
  await page.reload();
  await expectPrice(page, expected.price);
  await expect(page.locator(`#field-${labelled.name}`)).toHaveValue(bmw[labelled.name]);
  // A restart of the browser keeps it too (localStorage), with a bare address.
  await page.goto(site.url);
  await expectPrice(page, expected.price);
  const link = page.url();
  expect(link).toContain(`#`);
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    await expectPrice(other, expected.price);
    await expect(other.getByTestId("notices")).not.toContainText("could not be used");
  } finally {
    await fresh.close();
  }
});

test("a quote export's cells keep formulas as text and numbers as they are", async ({ page, site }) => {
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  const cells = await page.evaluate(async () => {
    const { csvCell } = await import("/quotes.js");
    return ["=1+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "\tx", "-1", "+2800", "1e3", "a,\"b\"", "plain"].map(csvCell);
  });
  expect(cells).toEqual(["'=1+1", "'@SUM(A1)", "'-2+3+cmd|' /C calc'!A0", "'\tx", "-1", "+2800", "1e3", '"a,""b"""', "plain"]);
});

test("a quote export mangled a signed number", async ({ page, site }) => {
  const [number] = kinds(model).numeric;
  const value = String(within(number, 0.5));
  await page.goto(site.url);
  await fillCar(page, { ...bmw, [number.name]: `+${value}` });
  await expectPrice(page, cliQuote({ ...bmw, [number.name]: value }).price);
  await saveQuote(page);
  await showSaved(page);
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const [header, row] = readFileSync(await (await download).path(), "utf8").slice(1).trim().split("\r\n");
  const column = header.split(",").indexOf(number.name);
  expect(row.split(",")[column]).toBe(`+${value}`);
});

test("a link value with spaces showed another make than it priced", async ({ page, site }) => {
  const category = otherCategory(labelled);
  await page.goto(`${site.url}#${labelled.name}=%20${category}%09`);
  await expectPrice(page, cliQuote(carWith(model, { [labelled.name]: category })).price);
  await expect(page.locator(`#field-${labelled.name}`)).toHaveValue(category);
  await expect(page.locator(`#field-${labelled.name} option:checked`)).toHaveText(labelOf(labelled, category));
  await expect(page.locator("[data-kind=notice-dropped]")).toHaveCount(0);
});

test("a new link opened in the tab, or Back, left the car on screen unlike the address", async ({ page, site }) => {
  const link = (car) => Object.entries(car).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");
  const category = [0, 1, 2].map((n) => otherCategory(labelled, n)).find((c) => c !== bmw[labelled.name]);
  const other = carWith(model, { [labelled.name]: category });
  await page.goto(`${site.url}#${link(bmw)}`);
  await expectPrice(page, cliQuote(bmw).price);
  // A colleague's link pasted into the address bar of the open tab: a new history entry.
  await page.goto(`${site.url}#${link(other)}`);
  await expectPrice(page, cliQuote(other).price);
  await expect(page.locator(`#field-${labelled.name}`)).toHaveValue(other[labelled.name]);
  await page.goBack();
  await expectPrice(page, cliQuote(bmw).price);
  await expect(page.locator(`#field-${labelled.name}`)).toHaveValue(bmw[labelled.name]);
});

test.describe("in a time zone far from UTC", () => {
  test.use({ timezoneId: "Pacific/Kiritimati" });

  test("the printed quote sheet was dated in UTC", async ({ page, site }) => {
    await page.goto(site.url);
    await expectPrice(page, cliQuote(carWith(model, {})).price);
    // UTC+14: the showroom's date, not UTC's (which differs for ten hours of each day).
    const today = await page.evaluate(() => new Date().toDateString());
    await expect(page.getByTestId("print-heading")).toContainText(`price quote of ${today}`);
  });
});

test("a link with unknown or bad values opens the nearest valid car and says what was dropped", async ({ page, site }) => {
  const [number] = kinds(model).numeric;
  const kept = kinds(model).categorical.find((a) => a.name !== "make");
  const category = otherCategory(kept);
  await page.goto(`${site.url}#${kept.name}=${category}&colour=red&${number.name}=heavy&make=trabant&width=%zz`);
  const notice = page.locator("[data-kind=notice-dropped]");
  await expect(notice).toContainText("colour=red (not priced by this model)");
  await expect(notice).toContainText(`${number.name}=heavy`);
  await expect(notice).toContainText("make=trabant");
  await expect(page.locator(`#field-${number.name}`)).toHaveValue(String(number.default));
  await expect(page.locator("#field-make")).toHaveValue(model.attributes.find((a) => a.name === "make").default);
  await expect(notice).toContainText("width=%zz (not readable)");
  await expect(page.locator(`#field-${kept.name}`)).toHaveValue(category);
  await expectPrice(page, cliQuote(carWith(model, { [kept.name]: category })).price);
  // The address now holds the car as priced.
  expect(decodeURIComponent(page.url())).not.toContain("trabant");
});

test("a quote saved offline is still there after a restart", async ({ site }, testInfo) => {
  const profile = mkdtempSync(join(tmpdir(), "carprice-profile-"));
  const launch = () => chromium.launchPersistentContext(profile, { ...testInfo.project.use.launchOptions, serviceWorkers: "allow" });
  try {
    let context = await launch();
    let page = await context.newPage();
    await page.goto(site.url);
    await expect(page.getByTestId("price")).toBeVisible();
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await fillCar(page, bmw);
    const expected = cliQuote(bmw);
    await expectPrice(page, expected.price);
    await saveQuote(page);
    await context.close();
    context = await launch();
    await context.setOffline(true);
    page = await context.newPage();
    await page.goto(site.url);
    await expect(page.getByTestId("status")).toContainText("Offline");
    await showSaved(page);
    const saved = page.getByTestId("saved-quote");
    await expect(saved).toHaveCount(1);
    await expect(saved).toContainText(headline(expected.price));
    await expect(saved).toContainText(`model ${expected.model_version}`);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test("saved quotes reopen, delete and export as CSV", async ({ page, site }) => {
  const { first, second, number } = await saveTwoQuotes(page, site);
  await expect(page.getByTestId("saved-screen")).toContainText("2 of 500");
  // Newest first; its car reads by labels.
  await expect(page.getByTestId("saved-quote").first()).toContainText(headline(cliQuote(second).price));
  await expect(page.getByTestId("saved-quote").first()).toContainText(`Make: ${labelOf(model.attributes[0], bmw.make)}`);
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const file = await (await download).path();
  const exported = readFileSync(file, "utf8");
  expect(exported.startsWith("\uFEFF")).toBe(true);
  const [header, ...rows] = exported.slice(1).trim().split("\r\n");
  expect(header.split(",").slice(0, 6)).toEqual(["saved_at", "model_version", "price", "price_low", "price_high", "drivers"]);
  expect(header.split(",").slice(6)).toEqual(model.attributes.map((a) => a.name));
  expect(rows).toHaveLength(2);
  expect(rows[1]).toContain(`,${first.model_version},${(Math.round(first.price * 100) / 100).toFixed(2)},`);
  // Reopen the older one: the form and the price come back.
  await page.getByTestId("saved-quote").nth(1).getByRole("button", { name: /Reopen/ }).click();
  await expectPrice(page, first.price);
  await expect(page.locator(`#field-${number.name}`)).toHaveValue(String(bmw[number.name]));
  await expect(page.getByTestId("then")).toContainText(`${headline(first.price)} · model ${first.model_version}`);
  await expect(page.getByTestId("now")).toHaveText(`Now: ${headline(first.price)} · same model`);
  // Delete it.
  await showSaved(page);
  await page.getByTestId("saved-quote").nth(1).getByRole("button", { name: /Delete/ }).click();
  await expect(page.getByTestId("saved-quote")).toHaveCount(1);
  await page.reload();
  await showSaved(page);
  await expect(page.getByTestId("saved-quote")).toHaveCount(1);
});

test("a quote saved with an older model shows the price then and now, and which model made each; reprinted, it printed only today's price", async ({ page, site }) => {
  site.setConfig({ pricing: "browser", release_check_seconds: 1 });
  await page.goto(site.url);
  await fillCar(page, bmw);
  const then = cliQuote(bmw);
  await expectPrice(page, then.price);
  await saveQuote(page);
  const next = structuredClone(model);
  next.version = `${model.version.split(".")[0]}.98.0`;
  next.intercept += 0.04;
  const text = JSON.stringify(next, null, 2) + "\n";
  site.publish(text);
  await expect(page.getByTestId("model-version")).toContainText(next.version);
  await fillCar(page, { make: otherCategory(model.attributes[0], 4) });
  await showSaved(page);
  await page.getByRole("button", { name: /Reopen/ }).click();
  const now = cliQuote(bmw, text);
  await expectPrice(page, now.price);
  await expect(page.getByTestId("then")).toContainText(`${headline(then.price)} · model ${model.version}`);
  await expect(page.getByTestId("now")).toHaveText(`Now: ${headline(now.price)} · model ${next.version} (another model prices it now)`);
  // Reprinted, the sheet holds the price the customer was given then, beside today's.
  const printed = await pdfText(await page.pdf({ format: "A4" }));
  expect(printed).toContain(`${headline(then.price)} · model ${model.version}`);
  expect(printed).toContain(`Now: ${headline(now.price)} · model ${next.version}`);
});

test("the browser's print of the saved quotes screen printed its buttons", async ({ page, site }) => {
  await page.goto(site.url);
  await fillCar(page, bmw);
  await expectPrice(page, cliQuote(bmw).price);
  await saveQuote(page);
  await showSaved(page);
  await expect(page.getByTestId("saved-quote")).toHaveCount(1);
  const printed = await pdfText(await page.pdf({ format: "A4" }));
  expect(printed).toContain(headline(cliQuote(bmw).price));
  for (const control of ["Export CSV", "Reopen", "Delete"]) expect(printed).not.toContain(control);
});

test("deleting a quote left the keyboard's focus at the start of the page", async ({ page, site }) => {
  await saveTwoQuotes(page, site);
  await page.getByTestId("saved-quote").first().getByRole("button", { name: /Delete/ }).click();
  await expect(page.getByTestId("saved-quote")).toHaveCount(1);
  await expect(page.getByTestId("saved-quote").getByRole("button", { name: /Delete/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("saved-quote")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Saved quotes" })).toBeFocused();
});

test("a long link value widened the page past a phone's screen", async ({ page, site }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${site.url}#colour=${"x".repeat(400)}`);
  await expect(page.locator("[data-kind=notice-dropped]")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("without IndexedDB, saving advised a reload and the list said no quotes were saved yet", async ({ page, site }) => {
  await page.addInitScript(() => Object.defineProperty(window, "indexedDB", { value: undefined }));
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  await page.getByTestId("save-quote").click();
  await expect(page.getByTestId("outcome")).toContainText("IndexedDB is turned off");
  await showSaved(page);
  await expect(page.getByTestId("outcome")).toContainText("IndexedDB is turned off");
  await expect(page.locator("#saved")).not.toContainText("No saved quotes yet");
});

test("saving is refused with a clear message once 500 quotes are kept", async ({ page, site }) => {
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  await saveQuote(page); // creates the store the way the app does
  await page.evaluate(async () => {
    const db = await new Promise((done, fail) => {
      const open = indexedDB.open("carprice", 1);
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(open.error);
    });
    const tx = db.transaction("quotes", "readwrite");
    const store = tx.objectStore("quotes");
    for (let i = 1; i < 500; i++) {
      store.add(JSON.stringify({ id: i, price: 1000, low: 900, high: 1100, saved_at: "2026-01-01T00:00:00.000Z", model_version: "0.1.0", car: "", drivers: [] }), i);
    }
    await new Promise((done, fail) => { tx.oncomplete = done; tx.onabort = () => fail(tx.error); });
    db.close();
  });
  await page.getByTestId("save-quote").click();
  await expect(page.getByTestId("outcome")).toHaveText("500 quotes are saved, the most this browser keeps: export and delete some to save more.");
  await showSaved(page);
  await expect(page.getByTestId("saved-screen")).toContainText("500 of 500");
});

test("the printed quote sheet holds the dealer, the car, the price, the range and the model version", async ({ page, site }, testInfo) => {
  site.setConfig({ pricing: "browser", dealer_name: "Cars R Us · Leeds showroom" });
  await page.goto(site.url);
  await fillCar(page, bmw);
  const expected = cliQuote(bmw);
  await expectPrice(page, expected.price);
  const pdf = await page.pdf({ format: "A4" });
  await testInfo.attach("quote-sheet.pdf", { body: pdf, contentType: "application/pdf" });
  const text = await pdfText(pdf);
  // The device's own date, in its time zone (the browser's, the machine's here).
  const today = await page.evaluate(() => new Date().toDateString());
  expect(text).toContain(`Cars R Us · Leeds showroom · price quote of ${today}`);
  expect(text).toContain(headline(expected.price));
  expect(text).toContain(rangeText(expected.interval.low, expected.interval.high));
  expect(text).toContain(`Model ${expected.model_version}`);
  expect(text).toContain(`${model.name} ${expected.model_version}`);
  // The car by labels, every value as plain text.
  expect(text).toMatch(new RegExp(`${labelled.label}\\s+${labelOf(labelled, bmw[labelled.name])}`));
  const [number] = kinds(model).numeric;
  expect(text).toContain(number.label);
  expect(text).toContain(`${bmw[number.name]} ${number.unit}`);
  // The dealer heads the sheet.
  expect(text.indexOf("Cars R Us · Leeds showroom")).toBeLessThan(text.indexOf(headline(expected.price)));
  // No controls or form help on paper.
  for (const control of ["Save quote", "Print quote", "Saved quotes", "Trained on", "Describe the car"]) expect(text).not.toContain(control);
});

// axe-core and screenshots, one screen per test (each takes a while on a loaded machine).
test("the pricing screen passes axe-core; screenshots at 1280, 768 and 390 px", async ({ page, site }, testInfo) => {
  test.slow();
  await page.goto(site.url);
  await fillCar(page, bmw);
  await expect(page.locator("[data-testid=chart] g.bar").first()).toBeVisible();
  await expectAccessible(page, "the pricing screen");
  await screenshots(page, testInfo, "desk-pricing");
  await page.emulateMedia({ media: "print" });
  await expectAccessible(page, "the pricing screen as printed");
  await screenshots(page, testInfo, "desk-printed-quote");
});

test("the saved quotes screen and a reopened quote pass axe-core; screenshots at 1280, 768 and 390 px", async ({ page, site }, testInfo) => {
  test.slow();
  await page.goto(site.url);
  await fillCar(page, bmw);
  await saveQuote(page);
  await fillCar(page, { make: otherCategory(model.attributes[0], 1) });
  await saveQuote(page);
  await showSaved(page);
  await expect(page.getByTestId("saved-quote")).toHaveCount(2);
  await expectAccessible(page, "the saved quotes screen");
  await screenshots(page, testInfo, "desk-saved-quotes");
  await page.getByRole("button", { name: /Reopen/ }).first().click();
  await expect(page.getByTestId("reopened")).toBeVisible();
  await expectAccessible(page, "a reopened quote");
  await screenshots(page, testInfo, "desk-reopened-quote");
});

test("an empty saved quotes screen and a link with dropped values pass axe-core", async ({ page, site }, testInfo) => {
  test.slow();
  await page.goto(`${site.url}#make=trabant`);
  await expect(page.locator("[data-kind=notice-dropped]")).toBeVisible();
  await expectAccessible(page, "a link with a dropped value");
  await screenshots(page, testInfo, "desk-dropped-values");
  await showSaved(page);
  await expect(page.getByTestId("saved-screen")).toContainText("No saved quotes yet");
  await expectAccessible(page, "the empty saved quotes screen");
});
