// Where the time to the first price goes, for one cold load in headless Chromium (a fresh
// context, as scripts/first-price.mjs measures): the DevTools protocol's Network events and a
// trace (Tracing domain) of the page. Prints every request (start, first byte, end in ms from
// navigation start, bytes on the wire, content type and coding, and whether any URL was fetched
// twice), the browser's warnings (e.g. a preload not used), the wasm's streaming compilation and
// instantiation, and the main thread's work from instantiation to the `carprice:first-price` mark
// (script, style and layout, paint, idle). With --throttle, the same network emulation as
// first-price.mjs; --trace FILE keeps the whole trace (chrome://tracing, DevTools' Performance).
//   node scripts/first-price-profile.mjs URL [--throttle] [--trace FILE]
import { chromium } from "@playwright/test";
import { writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const throttle = args.includes("--throttle");
const traceFile = args.includes("--trace") ? args[args.indexOf("--trace") + 1] : null;
const url = args.find((a) => /^https?:/.test(a));
if (!url) {
  console.error("usage: node scripts/first-price-profile.mjs URL [--throttle] [--trace FILE]");
  process.exit(2);
}
const SLOW = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
});
try {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const warnings = new Set();
  page.on("console", (m) => m.type() !== "log" && warnings.add(`${m.type()}: ${m.text()}`));
  await cdp.send("Network.enable");
  if (throttle) await cdp.send("Network.emulateNetworkConditions", SLOW);
  const requests = new Map();
  cdp.on("Network.requestWillBeSent", (e) => requests.set(e.requestId, { url: new URL(e.request.url).pathname, sent: e.timestamp, initiator: e.initiator.type }));
  cdp.on("Network.responseReceived", (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { firstByte: e.timestamp, type: e.response.mimeType, coding: e.response.headers["content-encoding"] ?? "identity" });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength });
  });
  const events = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  const traced = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", {
    transferMode: "ReportEvents",
    traceConfig: { includedCategories: ["devtools.timeline", "blink.user_timing", "v8.wasm", "disabled-by-default-v8.wasm", "loading", "v8.execute"] },
  });
  await page.goto(url);
  await page.waitForSelector("[data-testid=price]", { timeout: 30_000 });
  const timing = await page.evaluate(() => ({
    // Network timestamps are in seconds on the monotonic clock: the navigation's own start.
    origin: performance.timeOrigin,
    mark: performance.getEntriesByName("carprice:first-price")[0]?.startTime,
    html: performance.getEntriesByType("navigation")[0].responseEnd,
  }));
  await cdp.send("Tracing.end");
  await traced;
  if (traceFile) writeFileSync(traceFile, JSON.stringify({ traceEvents: events }));

  const page0 = [...requests.values()].find((r) => r.initiator === "other" && r.url === new URL(url).pathname);
  const ms = (t) => (t === undefined ? "-" : String(Math.round((t - page0.sent) * 1000)));
  console.log(`first price ${Math.round(timing.mark)} ms after navigation start; page received at ${Math.round(timing.html)} ms`);
  console.log("requests (ms from the page's request: sent, first byte, end; bytes on the wire):");
  const seen = new Map();
  for (const r of [...requests.values()].sort((a, b) => a.sent - b.sent)) {
    seen.set(r.url, (seen.get(r.url) ?? 0) + 1);
    console.log(`  ${ms(r.sent).padStart(5)} ${ms(r.firstByte).padStart(5)} ${ms(r.end).padStart(5)} ${String(r.bytes ?? "-").padStart(7)}  ${r.initiator.padEnd(7)} ${(r.type ?? "").padEnd(17)} ${(r.coding ?? "").padEnd(8)} ${r.url}`);
  }
  const twice = [...seen].filter(([, n]) => n > 1).map(([u]) => u);
  console.log(`fetched more than once: ${twice.length ? twice.join(", ") : "none"}`);
  console.log(`browser warnings: ${warnings.size ? "\n  " + [...warnings].join("\n  ") : "none"}`);

  // Trace timestamps (µs) relative to navigation start; main thread = the thread of the
  // first-price mark.
  const markEvent = events.find((e) => e.name === "carprice:first-price");
  const nav = events.find((e) => e.name === "navigationStart" && e.tid === markEvent?.tid) ?? events.find((e) => e.name === "navigationStart");
  const at = (e) => (e.ts - nav.ts) / 1000;
  const first = (name) => events.find((e) => e.name === name && e.tid === markEvent?.tid);
  const streaming = first("wasm.StartStreamingCompilation");
  const finished = first("wasm.FinishStreaming");
  const instantiated = first("wasm.SyncInstantiate") ?? first("wasm.AsyncInstantiate");
  if (!markEvent || !instantiated) {
    console.log("trace: no first-price mark or wasm instantiation on the main thread");
  } else {
    console.log(`wasm: streaming compilation ${streaming ? at(streaming).toFixed(0) : "-"} → ${finished ? at(finished).toFixed(0) : "-"} ms, instantiated at ${at(instantiated).toFixed(0)} ms`);
    const from = instantiated.ts;
    const to = markEvent.ts;
    const sum = (pattern) => events
      .filter((e) => e.tid === markEvent.tid && e.ph === "X" && pattern.test(e.name) && e.ts >= from && e.ts < to)
      .reduce((total, e) => total + Math.min(e.dur ?? 0, to - e.ts), 0) / 1000;
    const script = sum(/^(FunctionCall|TimerFire|EventDispatch|v8\.callFunction)$/);
    const style = sum(/^(UpdateLayoutTree|Layout)$/);
    const paint = sum(/^(Paint|PrePaint|Layerize|UpdateLayer)$/);
    const total = (to - from) / 1000;
    console.log(`main thread, instantiation → first price: ${total.toFixed(0)} ms = script (app start, renders, pricing) ${script.toFixed(0)}, style and layout ${style.toFixed(0)}, paint ${paint.toFixed(0)}, other or idle ${(total - script - style - paint).toFixed(0)}`);
  }
} finally {
  await browser.close();
}
