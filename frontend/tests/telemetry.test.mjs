// Unit tests of the telemetry sender module (frontend/static/telemetry.js): the queue's text, its
// batches, how the server's answers settle them, and the record of a quote priced by both models.
// Run with `node --test frontend/tests/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BATCH_BYTES, CAPACITY, LAST_KEY, QUEUE_KEY, answerOf, body, isNewQuote, modelTexts, nextBatch, push, read, record, recordOf, remember, sender, settle, write } from "../static/telemetry.js";

const quote = (n) => `{"n":${n}}`;
const numbers = (batch) => batch.quotes.map((q) => JSON.parse(q).n);
function ids() {
  let next = 0;
  return () => `b${++next}`;
}
function queueOf(count) {
  return read(Array.from({ length: count }, (_, n) => quote(n)).join("\n"));
}

test("a stored queue reads back with its batch ids", () => {
  const queue = queueOf(5);
  const sealed = structuredClone(nextBatch(queue, () => "first"));
  queue.waiting.push(quote(5));
  const again = read(write(queue));
  assert.deepEqual(again, queue);
  // The sealed batch is sent again under the same id: the server dedups the resend.
  assert.deepEqual(nextBatch(again, () => assert.fail("no new batch")), sealed);
  assert.deepEqual(again.waiting, [quote(5)]);
});

test("the queue is bounded and drops the oldest", () => {
  const queue = read("");
  const id = ids();
  for (let n = 0; n < 300; n++) push(queue, quote(n));
  nextBatch(queue, id);
  for (let n = 300; n < CAPACITY + 100; n++) push(queue, quote(n));
  assert.equal(queue.batches[0].quotes.length + queue.waiting.length, CAPACITY);
  // The oldest 100 went from the sealed batch, which keeps its id.
  const first = nextBatch(queue, id);
  assert.equal(first.id, "b1");
  assert.deepEqual(numbers(first), Array.from({ length: 100 }, (_, i) => 100 + i));
  for (let n = CAPACITY + 100; n < CAPACITY + 250; n++) push(queue, quote(n));
  // Emptied, the batch is gone; the oldest waiting quotes go next.
  const next = nextBatch(queue, id);
  assert.equal(next.id, "b2");
  assert.equal(numbers(next)[0], 250);
  assert.equal(read(write(queue)).waiting.length + next.quotes.length, CAPACITY);
});

test("damaged text loses only its own lines", () => {
  const queue = read('batch a\n{"n":1}\ngarbage\nbatch empty\nwaiting\n{"n":2}\n{"n":3');
  assert.deepEqual(queue, { batches: [{ id: "a", quotes: ['{"n":1}'] }], waiting: ['{"n":2}', '{"n":3'] });
  assert.deepEqual(read(""), { batches: [], waiting: [] });
  assert.deepEqual(read(null), { batches: [], waiting: [] });
  assert.deepEqual(numbers(nextBatch(read('{"n":7}\n'), () => "x")), [7]);
});

test("batches hold at most 200 quotes and 64 KiB", () => {
  const queue = queueOf(450);
  const id = ids();
  const sizes = [];
  for (let batch; (batch = nextBatch(queue, id)); ) {
    sizes.push(batch.quotes.length);
    settle(queue, batch.id, "accepted", id);
  }
  assert.deepEqual(sizes, [200, 200, 50]);
  // Bytes, not characters: 20,000 two-byte characters are 40,000 bytes.
  const big = `{"car":"${"é".repeat(10_000)}"}`;
  for (let i = 0; i < 7; i++) queue.waiting.push(big);
  const batch = nextBatch(queue, id);
  assert.equal(batch.quotes.length, 3);
  assert.ok(new TextEncoder().encode(body(batch)).length <= BATCH_BYTES);
});

test("a batch is removed only when accepted or refused", () => {
  const queue = queueOf(1);
  const id = ids();
  const batch = structuredClone(nextBatch(queue, id));
  assert.deepEqual(JSON.parse(body(batch)), { batch: "b1", quotes: [{ n: 0 }] });
  queue.waiting.push(quote(1));
  // Unknown ids (an answer about a batch already settled) change nothing.
  settle(queue, "elsewhere", "accepted", id);
  assert.deepEqual(nextBatch(queue, id), batch);
  settle(queue, batch.id, "refused", id);
  const next = nextBatch(queue, id);
  assert.deepEqual([next.id, numbers(next)], ["b2", [1]]);
  settle(queue, next.id, "accepted", id);
  assert.equal(nextBatch(queue, id), null);
  assert.deepEqual(queue, { batches: [], waiting: [] });
});

test("a batch too large is split and a single quote too large is dropped", () => {
  const queue = queueOf(5);
  const id = ids();
  settle(queue, nextBatch(queue, id).id, "too-large", id);
  const first = nextBatch(queue, id);
  assert.deepEqual([first.id, numbers(first)], ["b1", [0, 1]]);
  settle(queue, "b1", "accepted", id);
  const second = nextBatch(queue, id);
  assert.deepEqual([second.id, numbers(second)], ["b2", [2, 3, 4]]);
  settle(queue, "b2", "too-large", id);
  assert.deepEqual(numbers(nextBatch(queue, id)), [2]);
  settle(queue, "b2", "too-large", id);
  const last = nextBatch(queue, id);
  assert.deepEqual([last.id, numbers(last)], ["b3", [3, 4]]);
});

/** localStorage as a Map. */
function memoryStorage(text) {
  const items = new Map(text === undefined ? [] : [[QUEUE_KEY, text]]);
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)) };
}

/** A fetch answering each request with the next of `statuses` (a number, or [status, headers]). */
function server(statuses) {
  const requests = [];
  const fetch = async (url, init) => {
    const body = JSON.parse(init.body);
    requests.push({ url, contentType: init.headers["content-type"], body });
    const next = statuses.shift();
    if (next === undefined || next === "offline") throw new TypeError("Failed to fetch");
    const [status, headers = {}] = Array.isArray(next) ? next : [next];
    return { status, headers: { get: (name) => headers[name] ?? null } };
  };
  return { fetch, requests };
}

test("the sender sends every batch until the queue is empty, and a refused one is dropped", async () => {
  const storage = memoryStorage("batch broken\n{\"not\":1}\nwaiting\n" + [0, 1].map(quote).join("\n"));
  const { fetch, requests } = server([400, 202]);
  await sender("/api/telemetry", storage, { fetch })();
  assert.deepEqual(
    requests.map((r) => [r.url, r.contentType, r.body.quotes.length]),
    [
      ["/api/telemetry", "application/json", 1],
      ["/api/telemetry", "application/json", 2],
    ],
  );
  assert.equal(requests[0].body.batch, "broken");
  assert.match(requests[1].body.batch, /^[0-9a-f]{32}$/);
  assert.equal(storage.getItem(QUEUE_KEY), "waiting\n");
});

test("a batch id the server holds with other quotes (409) is dropped like any refusal", () => {
  assert.equal(answerOf(409), "refused");
  assert.deepEqual([202, 400, 413, 415, 500].map(answerOf), ["accepted", "refused", "too-large", "refused", null]);
});

test("a lost answer keeps the batch, resent under the same id", async () => {
  const storage = memoryStorage(quote(0));
  const { fetch, requests } = server(["offline", 500, 202]);
  const send = sender("/t", storage, { fetch });
  await send();
  await send();
  assert.deepEqual(read(storage.getItem(QUEUE_KEY)).batches.map(numbers), [[0]]);
  await send();
  assert.equal(requests.length, 3);
  assert.equal(new Set(requests.map((r) => r.body.batch)).size, 1);
  assert.deepEqual(read(storage.getItem(QUEUE_KEY)), { batches: [], waiting: [] });
});

test("413 splits the batch, and each half goes", async () => {
  const storage = memoryStorage([0, 1, 2].map(quote).join("\n"));
  const { fetch, requests } = server([413, 202, 202]);
  await sender("/t", storage, { fetch })();
  assert.deepEqual(
    requests.map((r) => r.body.quotes.map((q) => q.n)),
    [[0, 1, 2], [0], [1, 2]],
  );
  assert.equal(requests[1].body.batch, requests[0].body.batch);
  assert.deepEqual(read(storage.getItem(QUEUE_KEY)), { batches: [], waiting: [] });
});

test("429 pauses sending for retry-after seconds, then the same batch goes first", async () => {
  let clock = 1_000;
  const storage = memoryStorage(quote(0));
  const { fetch, requests } = server([[429, { "retry-after": "4" }], 202, 202]);
  const send = sender("/t", storage, { fetch, now: () => clock });
  await send();
  storage.setItem(QUEUE_KEY, storage.getItem(QUEUE_KEY) + quote(1) + "\n");
  clock += 3_999;
  await send();
  assert.equal(requests.length, 1);
  clock += 1;
  await send();
  assert.deepEqual(
    requests.map((r) => [r.body.batch, r.body.quotes.map((q) => q.n)]),
    [
      [requests[0].body.batch, [0]],
      [requests[0].body.batch, [0]],
      [requests[2].body.batch, [1]],
    ],
  );
});

test("a recorded quote is queued after any sealed batch and sent", async () => {
  const storage = memoryStorage('batch old\n{"n":0}\nwaiting\n');
  const { fetch, requests } = server(["offline", 202, 202]);
  const send = sender("/t", storage, { fetch });
  await send.record(quote(1));
  assert.deepEqual(read(storage.getItem(QUEUE_KEY)), { batches: [{ id: "old", quotes: [quote(0)] }], waiting: [quote(1)] });
  await send.record(quote(2));
  assert.deepEqual(
    requests.map((r) => [r.body.batch, r.body.quotes.map((q) => q.n)]),
    [
      ["old", [0]],
      ["old", [0]],
      [requests[2].body.batch, [1, 2]],
    ],
  );
});

test("nothing is sent while the endpoint is unknown, offline or while a batch is on its way", async () => {
  const storage = memoryStorage(quote(0));
  const { fetch, requests } = server([202]);
  await sender(() => null, storage, { fetch })();
  assert.equal(requests.length, 0);
  await sender("/t", storage, { fetch, online: () => false })();
  assert.equal(requests.length, 0);
  const send = sender(() => "/t", storage, { fetch });
  await Promise.all([send(), send()]);
  assert.equal(requests.length, 1);
});

const release = {
  model_version: "1.0.0",
  model_sha256: "aa",
  challenger: { model_version: "1.1.0", model_sha256: "bb", mode: "canary", percent: 50 },
};
const offerOf = (shown) => ({ shown, car: "make=bmw&doors=4", release, champion_url: "model.json", challenger_url: "challenger.json" });
const priced = {
  champion: { version: "1.0.0", price: 10000.5, extrapolated: ["width"], car: { make: "bmw", doors: 4 } },
  challenger: { version: "1.1.0", price: 11000.25, extrapolated: ["width", "height"], car: { make: "bmw", colour: "red" } },
};

test("a record has both prices, the shown model's car first and nothing else", () => {
  const quote = JSON.parse(recordOf(offerOf("challenger"), priced, "2026-11-30T07:00:00.000Z"));
  assert.deepEqual(quote, {
    at: "2026-11-30T07:00:00.000Z",
    champion: "1.0.0",
    challenger: "1.1.0",
    mode: "canary",
    shown: "challenger",
    champion_price: 10000.5,
    challenger_price: 11000.25,
    extrapolated: ["width", "height"],
    car: { make: "bmw", colour: "red", doors: 4 },
  });
});

test("nothing is recorded when a model cannot price the car, is not the release's version, or the rollout is over", () => {
  const at = "2026-11-30T07:00:00.000Z";
  assert.equal(recordOf(offerOf("champion"), { ...priced, challenger: { error: "this model cannot price the car" } }, at), null);
  assert.equal(recordOf(offerOf("champion"), { ...priced, champion: { ...priced.champion, version: "0.9.0" } }, at), null);
  assert.equal(recordOf({ ...offerOf("champion"), release: { ...release, challenger: undefined } }, priced, at), null);
});

test("record prices the offered car with the model files the release names, and gives up offline", async () => {
  const files = { "model.json": "champion text", "challenger.json": "challenger text" };
  const calls = [];
  const price = (text, sha256, car) => {
    calls.push([text, sha256, car]);
    return JSON.stringify(text === "champion text" ? priced.champion : priced.challenger);
  };
  let online = true;
  const fetch = async (url) => {
    if (!online) throw new TypeError("Failed to fetch");
    return { ok: true, status: 200, text: async () => files[url] };
  };
  const now = () => new Date("2026-11-30T07:00:00Z");
  const quote = JSON.parse(await record(offerOf("champion"), price, modelTexts(fetch), now));
  assert.equal(quote.shown, "champion");
  assert.equal(quote.champion_price, 10000.5);
  assert.deepEqual(calls.sort(), [
    ["challenger text", "bb", "make=bmw&doors=4"],
    ["champion text", "aa", "make=bmw&doors=4"],
  ]);
  assert.equal(await record({ ...offerOf("champion"), car: "" }, price, modelTexts(fetch), now), null);
  // Offline: the files fetched earlier in the page are kept; never fetched, nothing is recorded.
  const kept = modelTexts(fetch);
  await kept("model.json");
  await kept("challenger.json");
  online = false;
  assert.notEqual(await record(offerOf("champion"), price, kept, now), null);
  assert.equal(await record(offerOf("champion"), price, modelTexts(fetch), now), null);
  const missing = async () => ({ ok: false, status: 404, text: async () => "" });
  assert.equal(await record(offerOf("champion"), price, modelTexts(missing), now), null);
});

test("reload recorded the kept car again: the same offer as the last one recorded is not a new quote", () => {
  const values = new Map();
  const storage = { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => values.set(key, value) };
  const offer = (car) => JSON.stringify({ car, shown: "champion", release: { model_version: "1.0.0" } });
  assert.equal(isNewQuote(storage, offer("make=audi")), true);
  remember(storage, offer("make=audi"));
  // The page reloaded, the car kept on the form offered again.
  assert.equal(isNewQuote(storage, offer("make=audi")), false);
  assert.equal(isNewQuote(storage, offer("make=bmw")), true);
  remember(storage, offer("make=bmw"));
  // Another car in between: the first one priced again is a new quote.
  assert.equal(isNewQuote(storage, offer("make=audi")), true);
  assert.equal(values.get(LAST_KEY), offer("make=bmw"));
  // Storage that refuses: every offer is new, and remembering it does not throw.
  const refusing = { getItem: () => { throw new Error("disabled"); }, setItem: () => { throw new Error("full"); } };
  remember(refusing, offer("make=audi"));
  assert.equal(isNewQuote(refusing, offer("make=audi")), true);
});
