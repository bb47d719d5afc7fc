// Time from navigation to the first price on screen, in headless Chromium, cold (a fresh browser
// context per run: no HTTP cache, no service worker, no saved model). Reads the
// `carprice:first-price` mark the app sets (Performance API, relative to navigation start).
//
//   node scripts/first-price.mjs http://127.0.0.1:8080/ [runs]
// Prints one JSON line: {"runs": [...ms], "median": ms, "max": ms}.
import { chromium } from "@playwright/test";

const [url, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 7);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
});
const times = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ serviceWorkers: "block" });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector("[data-testid=price]", { timeout: 15_000 });
    const mark = await page.evaluate(() => performance.getEntriesByName("carprice:first-price")[0]?.startTime ?? null);
    if (mark === null) throw new Error("the app set no carprice:first-price mark");
    times.push(Math.round(mark));
    await context.close();
  }
} finally {
  await browser.close();
}
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ runs: times, median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) }));
