// Time from navigation to the first price on screen, in headless Chromium, cold (a fresh browser
// context per run: no HTTP cache, no service worker, no saved model). Reads the
// `carprice:first-price` mark the app sets (Performance API, relative to navigation start).
// One load of each URL before the timed runs is not counted: the first page a newly launched
// browser shows also pays the browser's own first start (its renderer and network code read from
// disk and started), which a staff tablet whose browser is running does not; it is printed as
// "untimed".
// With --throttle, Chromium's network emulation (DevTools protocol
// `Network.emulateNetworkConditions`) slows every run to 1.6 Mbit/s down, 750 kbit/s up and
// 150 ms round trip (DevTools' "Fast 3G" figures).
//
//   node scripts/first-price.mjs http://127.0.0.1:8080/ [runs] [--throttle]
// Prints one JSON line: {"runs": [...ms], "median": ms, "max": ms, "untimed": ms}.
// Given several URLs (builds to compare, each served on its own port), it loads them in turn, one
// run of each per round, so that the machine's changing load falls on all alike, and prints one
// line per URL: {"url": ..., "runs": ..., "median": ..., "max": ..., "untimed": ...}.
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
const throttle = args.includes("--throttle");
const urls = args.filter((a) => /^https?:/.test(a));
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 7);
if (urls.length === 0) {
  console.error("usage: node scripts/first-price.mjs URL [URL...] [runs] [--throttle]");
  process.exit(2);
}
const SLOW = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
});
// One cold load of `url`: ms from navigation start to the first price.
async function firstPrice(url) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
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
    return Math.round(mark);
  } finally {
    await context.close();
  }
}

const untimed = [];
const times = urls.map(() => []);
try {
  for (const url of urls) untimed.push(await firstPrice(url));
  for (let i = 0; i < runs * urls.length; i++) {
    times[i % urls.length].push(await firstPrice(urls[i % urls.length]));
  }
} finally {
  await browser.close();
}
urls.forEach((url, u) => {
  const sorted = [...times[u]].sort((a, b) => a - b);
  const summary = { runs: times[u], median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1), untimed: untimed[u] };
  console.log(JSON.stringify(urls.length > 1 ? { url, ...summary } : summary));
});
