// Benchmark of stock-list pricing in headless Chromium: a CSV of ROWS cars (the sample data's rows
// repeated, all 25 columns) is chosen on the page, and the time from the file input's `change`
// event to the result on screen (priced file ready to download) is measured on the page's clock.
// One warm-up run (it fetches and compiles the worker), then RUNS timed runs in the same page.
//
//   node scripts/stock-list-time.mjs http://127.0.0.1:8080/ CARS.csv [rows] [runs]
// Prints one JSON line: {"rows": n, "runs": [...ms], "median": ms, "worker_median": ms}, where
// the worker's time is the pricing alone (first byte read to priced file made).
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

const [url, sample, rowsArg, runsArg] = process.argv.slice(2);
const rows = Number(rowsArg ?? 100_000);
const runs = Number(runsArg ?? 5);
const [header, ...cars] = readFileSync(sample, "utf8").split(/\r?\n/).filter((line) => line !== "");
const lines = [header];
for (let i = 0; i < rows; i++) lines.push(cars[i % cars.length]);
const buffer = Buffer.from(lines.join("\n") + "\n");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
});
const times = [];
const workerTimes = [];
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector("[data-testid=price]", { timeout: 15_000 });
  await page.getByRole("button", { name: "Price a stock list" }).click();
  await page.waitForSelector("[data-testid=stock-file]");
  for (let i = 0; i <= runs; i++) {
    // Start the clock at the input's change event and stop it when the result is on screen.
    const timing = page.evaluate(
      () =>
        new Promise((done) => {
          let start = null;
          let cleared = false; // the previous run's result has left the screen
          document.addEventListener("change", () => (start = performance.now()), { capture: true, once: true });
          const observer = new MutationObserver(() => {
            const result = document.querySelector("[data-testid=stock-done]");
            cleared ||= start !== null && !result;
            if (cleared && result) {
              observer.disconnect();
              done({ ms: performance.now() - start, worker: Number(result.dataset.millis), priced: Number(result.dataset.priced) });
            }
          });
          observer.observe(document.body, { childList: true, subtree: true });
        }),
    );
    await page.getByTestId("stock-file").setInputFiles({ name: `stock-${i}.csv`, mimeType: "text/csv", buffer });
    const result = await timing;
    if (result.priced !== rows) throw new Error(`${result.priced} of ${rows} rows priced`);
    if (i > 0) {
      times.push(Math.round(result.ms));
      workerTimes.push(result.worker);
    }
  }
} finally {
  await browser.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ rows, runs: times, median: median(times), worker_median: median(workerTimes) }));
