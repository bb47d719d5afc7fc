// Pricing a stock list in the browser: a screen of the desk's navigation whose wasm is fetched on
// the first press only; a 10,000-row CSV generated here from the sample data, with bad rows,
// downloads exactly the file `carprice predict --cars --out` writes and lists the bad lines the
// CLI reports; it works offline after one visit; an axe-core pass and screenshots at three widths.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test, expect, CLI, ROOT, reloadOffline, expectAccessible, screenshots } from "../fixtures.mjs";

/** The sample car table (`CARPRICE_DATA`: the CSV or its folder; else ../shared/data beside the
 * checkout), as the CLI finds it. */
function sampleLines() {
  const given = process.env.CARPRICE_DATA;
  const place = given ? resolve(given) : resolve(ROOT, "..", "shared", "data");
  const file = existsSync(place) && statSync(place).isDirectory() ? join(place, "car-prices.csv") : place;
  return readFileSync(file, "utf8").split(/\r?\n/).filter((line) => line !== "");
}

/** A stock list of `rows` data rows cycling through the sample cars, with bad rows at fixed places
 * (an unknown make, a weight that is not a number, a short row) and a blank line. The returned
 * text has the sample's columns, the actual `price` included (the output replaces it). */
function stockList(rows) {
  const [header, ...cars] = sampleLines();
  const columns = header.split(",");
  const at = (name) => columns.indexOf(name);
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const cells = cars[i % cars.length].split(",");
    if (i % 997 === 13) cells[at("make")] = "trabant";
    if (i % 1499 === 700) cells[at("curb-weight")] = "lots";
    lines.push(i === 5000 ? "1,2,3" : cells.join(","));
    if (i === 2500) lines.push("");
  }
  return lines.join("\n") + "\n";
}

/** `carprice predict --cars IN --out OUT` on `text`: the output file, the refused lines from
 * stderr (`CSV line N: message`), and the exit code. */
function cliBatch(text, modelPath) {
  const dir = mkdtempSync(join(tmpdir(), "carprice-stock-"));
  const input = join(dir, "stock.csv");
  const output = join(dir, "priced.csv");
  writeFileSync(input, text);
  const run = spawnSync(CLI, ["predict", "--model", modelPath, "--cars", input, "--out", output], { encoding: "utf8" });
  const refused = [...run.stderr.matchAll(/CSV line (\d+): (.*)/g)].map((m) => ({ line: Number(m[1]), message: m[2] }));
  const priced = readFileSync(output, "utf8");
  rmSync(dir, { recursive: true, force: true });
  return { priced, refused, status: run.status };
}

/** The navigation's entry of the stock-list screen. */
const stockTab = (page) => page.getByRole("navigation", { name: "Screens" }).getByRole("button", { name: "Price a stock list" });

/** Opens the stock-list screen from the navigation (its wasm is imported on the first press). */
async function openStockList(page) {
  await expect(page.getByTestId("price")).toBeVisible();
  await stockTab(page).click();
  await expect(stockTab(page)).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("stock-file")).toBeVisible();
}

/** Chooses `text` as the stock list `name` and waits until it is priced. */
async function priceList(page, text, name = "stock.csv") {
  await page.getByTestId("stock-file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
  await expect(page.getByTestId("stock-done")).toBeVisible({ timeout: 30_000 });
}

/** The text of a download started by clicking `locator`. */
async function downloaded(page, locator) {
  const [download] = await Promise.all([page.waitForEvent("download"), locator.click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  return readFileSync(await download.path(), "utf8");
}

test("a 10,000-row stock list downloads the CLI's file and lists the bad lines", async ({ page, site }) => {
  const text = stockList(10_000);
  const cli = cliBatch(text, join(site.dir, "model.json"));
  expect(cli.status).toBe(1);
  expect(cli.refused.length).toBeGreaterThan(10);
  await page.goto(site.url);
  await openStockList(page);
  await priceList(page, text);

  const done = page.getByTestId("stock-done");
  const goodRows = cli.priced.trimEnd().split("\n").length - 1;
  await expect(done).toHaveAttribute("data-priced", String(goodRows));
  await expect(done).toHaveAttribute("data-refused", String(cli.refused.length));
  const priced = await downloaded(page, page.getByTestId("stock-download"));
  expect(priced).toBe(cli.priced);
  expect(priced.split("\n")[0]).toMatch(/,price,price_low,price_high,flags$/);

  // The screen lists each refused line with the CLI's line number and message.
  const rows = page.getByTestId("stock-problems").locator("tbody tr");
  await expect(rows).toHaveCount(cli.refused.length);
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  expect(shown.map(([line, , message]) => ({ line: Number(line), message }))).toEqual(cli.refused);
  expect(shown.find(([, , message]) => message.includes("trabant"))[1]).toBe("make");
  expect(shown.find(([, , message]) => message.includes("row has 3 fields"))[1]).toBe("");

  const problems = await downloaded(page, page.getByTestId("stock-problems-download"));
  expect(problems.trimEnd().split("\n")).toHaveLength(1 + cli.refused.length);
  expect(problems.startsWith("line,attribute,problem\n")).toBe(true);
});

test("the stock list is a screen of the navigation, fetched on its first press only, and keeps its list across screens", async ({ page, site }) => {
  const fetched = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  const stockFiles = () => fetched.filter((path) => /stock.list/.test(path));
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  expect(stockFiles(), "the first load fetches nothing of the stock list").toEqual([]);
  await expect(page.getByTestId("stock-list")).toHaveCount(0);

  await openStockList(page);
  expect(stockFiles()).toEqual(expect.arrayContaining(["/stock_list.js", "/stock-list.css"]));
  await expect(page.locator("#form-title")).toHaveCount(0);
  await priceList(page, stockList(200));
  const done = await page.getByTestId("stock-done").getAttribute("data-priced");

  // Pricing a car meanwhile, then back: the same screen with the same result, nothing fetched again.
  const before = stockFiles().length;
  await page.getByRole("button", { name: "Price a car" }).click();
  await expect(page.getByTestId("price")).toBeVisible();
  await expect(page.getByTestId("stock-list")).toBeHidden();
  await stockTab(page).click();
  await expect(page.getByTestId("stock-done")).toHaveAttribute("data-priced", done);
  await expect(page.getByTestId("stock-list")).toHaveCount(1);
  expect(stockFiles()).toHaveLength(before);
});

test("a stock list prices offline after one visit", async ({ page, context, site }) => {
  // The stock list was never opened online: the service worker precached it at the first visit.
  await reloadOffline(page, context, site.url);
  await openStockList(page);
  const text = stockList(300);
  await priceList(page, text);
  const priced = await downloaded(page, page.getByTestId("stock-download"));
  expect(priced).toBe(cliBatch(text, join(site.dir, "model.json")).priced);
});

test("a table without a column the model needs says which", async ({ page, site }) => {
  await page.goto(site.url);
  await openStockList(page);
  await page.getByTestId("stock-file").setInputFiles({ name: "lot.csv", mimeType: "text/csv", buffer: Buffer.from("make,colour\naudi,red\n") });
  await expect(page.getByTestId("stock-failed")).toContainText("lot.csv could not be priced");
  await expect(page.getByTestId("stock-failed")).toContainText("has no `");
});

test("the stock-list screen passes axe-core, empty and with a priced list; screenshots at 1280, 768 and 390 px", async ({ page, site }, testInfo) => {
  test.slow();
  await page.goto(site.url);
  await openStockList(page);
  await expectAccessible(page, "the empty stock-list screen");
  await priceList(page, stockList(1_000), "auction-lot-7.csv");
  await expectAccessible(page, "the stock-list screen with a priced list");
  await screenshots(page, testInfo, "stock-list");
});
