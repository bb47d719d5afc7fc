// Time from navigation to the first price on screen, in headless Chromium, cold (a fresh browser
// context per run: no HTTP cache, no service worker, no saved model). Reads the
// `carprice:first-price` mark the app sets (Performance API, relative to navigation start).
// With --throttle, Chromium's network emulation (DevTools protocol
// `Network.emulateNetworkConditions`) slows every run to 1.6 Mbit/s down, 750 kbit/s up and
// 150 ms round trip (DevTools' "Fast 3G" figures).
//
//   node scripts/first-price.mjs http://127.0.0.1:8080/ [runs] [--throttle]
// Prints one JSON line: {"runs": [...ms], "median": ms, "max": ms}.
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
const throttle = args.includes("--throttle");
const [url, runsArg] = args.filter((a) => a !== "--throttle");
const runs = Number(runsArg ?? 7);
const SLOW = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
});
const times = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ serviceWorkers: "block" });
    const page = await context.newPage();
    if (throttle) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", SLOW);
    }
    await page.goto(url);
    await page.waitForSelector("[data-testid=price]", { timeout: 30_000 });
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
