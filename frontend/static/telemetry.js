// The rollout telemetry sender of the staff app: records the quotes the app offers into a
// bounded queue in localStorage and sends the queue to POST /api/telemetry. boot.js imports this
// module only during a rollout (a release with a challenger) or while quotes wait in the queue,
// so a site without a rollout never runs it. The app (frontend/src/telemetry.rs) offers the car
// on screen in this tab's sessionStorage (PENDING_KEY: JSON with the car's link text, empty while
// nothing is to be recorded, which model the device shows, the release and both models' URLs;
// absent without a rollout) and the endpoint's URL (URL_KEY), and fires "carprice-telemetry" on
// window when either changes. This module prices the car with both models through the stock-list
// wasm's export telemetryQuote (loaded with the first offer) and records the quote.
//
// A quote is recorded once it has stayed the same for 2 s (typing records one quote, not one per
// keystroke; a quote left within that time is not recorded), and only when it differs from the
// last quote recorded on the device (LAST_KEY): the car kept across a reload, shown again, is not
// a new quote. The queue is sent at start-up, when
// a quote is recorded, when the browser comes back online and every minute; one batch at a time,
// never delaying pricing. A batch leaves the queue only when the server answers 202; 400 and 415
// drop it (logged) so the other batches still go; 413 splits it (a single quote too large is
// dropped); 429 pauses sending for retry-after seconds (the first send after the pause goes
// ahead); anything else (offline, 404 from a site without the endpoint, 5xx) keeps it for the
// next attempt. Pages in several tabs share the queue; a batch sent twice is stored once (same id).
//
// The queue's text, one item per line: `batch <id>` opens a sealed batch (its id is kept for
// every resend), `waiting` opens the quotes not yet in a batch, and a line starting with `{` is a
// quote of the section above it. Anything else is ignored, so damaged text costs only its lines.

export const QUEUE_KEY = "carprice.telemetry.v1";
const PENDING_KEY = "carprice.telemetry.pending";
const URL_KEY = "carprice.telemetry.url";
/** localStorage key of the last offer recorded on this device (PENDING_KEY's text). */
export const LAST_KEY = "carprice.telemetry.last";
/** Most quotes kept; recording one more drops the oldest. */
export const CAPACITY = 1000;
/** How long a quote must stay the same before it is recorded. */
const STABLE_MILLIS = 2_000;
/** Most quotes in one batch (the server's limit). */
export const BATCH_QUOTES = 200;
/** Most bytes of one batch's body (the server's limit, 64 KiB). */
export const BATCH_BYTES = 64 * 1024;
const SEND_MILLIS = 60_000;
/** The pause after a 429 without a retry-after in seconds. */
const RETRY_SECONDS = 60;

const utf8 = new TextEncoder();

/** Reads the stored text: `{ batches: [{ id, quotes }], waiting: [quote] }`, oldest first. */
export function read(text) {
  const queue = { batches: [], waiting: [] };
  let batch = null;
  for (const line of (text ?? "").split("\n")) {
    if (line.startsWith("batch ")) {
      batch = { id: line.slice(6), quotes: [] };
      queue.batches.push(batch);
    } else if (line === "waiting") {
      batch = null;
    } else if (line.startsWith("{")) {
      (batch ? batch.quotes : queue.waiting).push(line);
    }
  }
  queue.batches = queue.batches.filter((b) => b.quotes.length > 0);
  return queue;
}

/** The text to store. */
export function write(queue) {
  const lines = queue.batches.flatMap((b) => [`batch ${b.id}`, ...b.quotes]);
  return [...lines, "waiting", ...queue.waiting].join("\n") + "\n";
}

/** Adds a quote to the waiting quotes, dropping the oldest beyond CAPACITY (a sealed batch losing
 * quotes keeps its id; one losing all of them is dropped). */
export function push(queue, quote) {
  queue.waiting.push(quote);
  let excess = queue.batches.reduce((n, b) => n + b.quotes.length, queue.waiting.length) - CAPACITY;
  for (const batch of queue.batches) {
    const dropped = batch.quotes.splice(0, Math.max(0, excess));
    excess -= dropped.length;
  }
  queue.batches = queue.batches.filter((b) => b.quotes.length > 0);
  queue.waiting.splice(0, Math.max(0, excess));
}

/** The body of POST /api/telemetry: {"batch": id, "quotes": [...]}. */
export function body(batch) {
  return `{"batch":"${batch.id}","quotes":[${batch.quotes.join(",")}]}`;
}

/**
 * The batch to send next: the oldest sealed one, or the oldest waiting quotes sealed into a new
 * batch of id newId() (at most BATCH_QUOTES quotes and BATCH_BYTES of body). null when empty.
 */
export function nextBatch(queue, newId) {
  if (queue.batches.length === 0 && queue.waiting.length > 0) {
    const id = newId();
    let bytes = id.length + 24;
    let count = 0;
    for (const quote of queue.waiting.slice(0, BATCH_QUOTES)) {
      bytes += utf8.encode(quote).length + 1;
      if (count > 0 && bytes > BATCH_BYTES) break;
      count += 1;
    }
    queue.batches.push({ id, quotes: queue.waiting.splice(0, count) });
  }
  return queue.batches[0] ?? null;
}

/**
 * Applies the server's answer about batch `id`: "accepted" (202) and "refused" (400, 415) remove
 * it; "too-large" (413) splits it in two, the first half keeping `id` (the server stored nothing
 * of it) and the second getting newId(); a single quote too large is removed. A batch no longer
 * queued is left alone.
 */
export function settle(queue, id, answer, newId) {
  const at = queue.batches.findIndex((b) => b.id === id);
  if (at < 0) return;
  const batch = queue.batches[at];
  if (answer === "too-large" && batch.quotes.length > 1) {
    const second = batch.quotes.splice(Math.floor(batch.quotes.length / 2));
    queue.batches.splice(at + 1, 0, { id: newId(), quotes: second });
  } else {
    queue.batches.splice(at, 1);
  }
}

/**
 * Whether `offer` (what the app offered: the car's link text, which model the device shows, the
 * release) is a new quote: not the last offer recorded on this device (LAST_KEY in `storage`, see
 * remember). The same car priced by the same models, offered again (the car kept across a
 * reload, a field changed and changed back) is recorded once. Storage that cannot be read
 * remembers nothing: every offer is new.
 */
export function isNewQuote(storage, offer) {
  try {
    return storage.getItem(LAST_KEY) !== offer;
  } catch {
    return true;
  }
}

/** Keeps `offer` as the last one recorded on this device (storage that is disabled or full:
 * nothing kept). */
export function remember(storage, offer) {
  try {
    storage.setItem(LAST_KEY, offer);
  } catch {
    // A reload may then record the same car again.
  }
}

/** 128 random bits as 32 lower-case hex digits. */
export function randomId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What an HTTP status means for a batch: an answer for settle, or null to stop sending. */
export function answerOf(status) {
  if (status === 202) return "accepted";
  if (status === 400 || status === 409 || status === 415) return "refused";
  if (status === 413) return "too-large";
  return null;
}

/**
 * The sender of one page: sends the queue in `storage` to `url` (a URL, or a function giving it or
 * null while unknown) with `fetch`. Returns send(); send.record(quote) queues a quote and sends.
 */
export function sender(url, storage, { fetch = globalThis.fetch, now = Date.now, online = () => true } = {}) {
  let sending = false;
  let notBefore = 0;
  const load = () => read(storage.getItem(QUEUE_KEY));
  const save = (queue) => {
    try {
      storage.setItem(QUEUE_KEY, write(queue));
    } catch {
      // Storage that is full or disabled loses what was not stored.
    }
  };
  async function send() {
    const target = typeof url === "function" ? url() : url;
    if (sending || !target || !online() || now() < notBefore) return;
    sending = true;
    try {
      for (;;) {
        const queue = load();
        const batch = nextBatch(queue, randomId);
        if (!batch) break;
        // The batch's id is stored before it is sent, so a resend after a lost answer reuses it.
        save(queue);
        let response;
        try {
          response = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: body(batch) });
        } catch {
          break;
        }
        if (response.status === 429) {
          const seconds = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
          // The next send after the pause (periodic, online, a new quote) goes ahead.
          notBefore = now() + (Number.isFinite(seconds) && seconds >= 0 ? seconds : RETRY_SECONDS) * 1000;
          break;
        }
        const answer = answerOf(response.status);
        if (!answer) break;
        if (answer === "refused") console.warn(`carprice: telemetry batch ${batch.id} refused (HTTP ${response.status}); dropped`);
        // Read again: quotes may have been recorded while the batch was on its way.
        const latest = load();
        settle(latest, batch.id, answer, randomId);
        save(latest);
      }
    } finally {
      sending = false;
    }
  }
  send.record = (quote) => {
    const queue = load();
    push(queue, quote);
    save(queue);
    return send();
  };
  return send;
}

/**
 * The record of a quote priced by both models (the contract's quote after `at`): `offer` is what
 * the app offered (frontend/src/rollout.rs `offer`: which model is shown, the release), `quotes`
 * the car priced by each model ({champion, challenger}: `telemetryQuote`'s JSON, parsed). The car
 * is the shown model's values, then any attribute only the other model prices. null when either
 * model could not price it or is not the version the release names.
 */
export function recordOf(offer, quotes, at) {
  const { release, shown } = offer;
  const { champion, challenger } = quotes;
  const named = release.challenger;
  if (!named || champion.error || challenger.error) return null;
  if (champion.version !== release.model_version || challenger.version !== named.model_version) return null;
  const [first, second] = shown === "challenger" ? [challenger, champion] : [champion, challenger];
  return JSON.stringify({
    at,
    champion: release.model_version,
    challenger: named.model_version,
    mode: named.mode,
    shown,
    champion_price: champion.price,
    challenger_price: challenger.price,
    extrapolated: [...new Set([...first.extrapolated, ...second.extrapolated])],
    car: { ...second.car, ...first.car },
  });
}

/**
 * Prices the offered car with both models and returns its record, or null. `price(modelText,
 * sha256, link)` is the stock-list wasm's export `telemetryQuote`, which checks each file
 * against the sha256 release.json names; `text(url)` gives a model file's text.
 */
export async function record(offer, price, text, now = () => new Date()) {
  const { release } = offer;
  const named = release.challenger;
  if (!named || !offer.car) return null;
  try {
    const priced = async (url, sha256) => JSON.parse(price(await text(url), sha256, offer.car));
    const [champion, challenger] = await Promise.all([priced(offer.champion_url, release.model_sha256), priced(offer.challenger_url, named.model_sha256)]);
    return recordOf(offer, { champion, challenger }, now().toISOString());
  } catch {
    // Offline without the model file: this quote is not recorded.
    return null;
  }
}

/**
 * Model files' text by URL, fetched (through the service worker) and kept for this page, so a
 * page that goes offline keeps recording: `text(url)` fetches again and falls back to the kept
 * copy when the network fails.
 */
export function modelTexts(fetch = globalThis.fetch) {
  const kept = new Map();
  return async (url) => {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
      kept.set(url, await response.text());
    } catch (error) {
      if (!kept.has(url)) throw error;
    }
    return kept.get(url);
  };
}

// In the page: record what the app offers, and send.
if (typeof document !== "undefined") {
  const send = sender(() => sessionStorage.getItem(URL_KEY), localStorage, { online: () => navigator.onLine });
  const text = modelTexts();
  // The stock-list wasm (not in the first load; precached by the service worker) prices for
  // telemetry. It and both model files are loaded with the first offer, while the page is
  // surely online, so that quotes are still recorded if the connection goes.
  let pricer;
  const warm = (offer) => {
    pricer ??= import("./stock_list.js").then(async (module) => {
      await module.default();
      return module.telemetryQuote;
    });
    text(offer.champion_url).catch(() => {});
    text(offer.challenger_url).catch(() => {});
    return pricer;
  };
  let pending;
  let endpoint;
  const changed = () => {
    clearTimeout(pending);
    const offered = sessionStorage.getItem(PENDING_KEY);
    if (offered) {
      const offer = JSON.parse(offered);
      const price = warm(offer);
      if (offer.car) {
        pending = setTimeout(async () => {
          if (sessionStorage.getItem(PENDING_KEY) === offered) sessionStorage.removeItem(PENDING_KEY);
          // The same offer as the last one recorded (the car kept across a reload) is no new quote.
          if (!isNewQuote(localStorage, offered)) return;
          const quote = await record(offer, await price, text);
          if (quote) {
            remember(localStorage, offered);
            send.record(quote);
          }
        }, STABLE_MILLIS);
      }
    }
    // At start-up (the endpoint is known now), not at every change of the quote.
    if (sessionStorage.getItem(URL_KEY) !== endpoint) {
      endpoint = sessionStorage.getItem(URL_KEY);
      send();
    }
  };
  addEventListener("carprice-telemetry", changed);
  addEventListener("online", send);
  setInterval(send, SEND_MILLIS);
  changed();
}
