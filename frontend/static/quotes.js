// Saved quotes, loaded only when a quote is saved or the saved quotes screen opens (boot.js
// `carpriceQuotes`), so they cost nothing on first load: storage in IndexedDB (database
// `carprice`, object store `quotes`, one JSON text per quote keyed by its save time, through the
// idb-keyval library, copied beside this file by frontend/hooks/post_build.mjs), the CSV export,
// and the saved quotes screen itself, drawn from what each record kept when saved (headline,
// range, car summary). Between the app and this module a quote travels as fields separated by
// U+001F (frontend/src/saved/mod.rs), so that the wasm holds no JSON of saved quotes; a reopened
// quote goes back to the app, which prices it then and now. Failures reject with words for the
// person at the desk.
import { createStore, del, keys, set, values } from "./idb-keyval.js";

const SEPARATOR = "\x1f";
let store;
const quotes = () => (store ??= createStore("carprice", "quotes"));

/** Why an operation failed, in words; `limit` is the most quotes kept. */
function words(error, limit) {
  if (error === "full") return `${limit} quotes are saved, the most this browser keeps: export and delete some to save more.`;
  if (typeof indexedDB === "undefined")
    return "This browser does not let the price desk keep quotes (IndexedDB is turned off). Turn site storage on, or use a normal window.";
  if (error?.name === "QuotaExceededError")
    return "This device's storage is full, so the quote was not saved: export and delete some saved quotes.";
  return `The browser refused: ${error ? `${error.name}: ${error.message}` : "unknown error"}`;
}
/** `work()`'s promise, its failure (also one thrown at once, as without IndexedDB) in words. */
const worded = (work, limit) =>
  Promise.resolve()
    .then(work)
    .catch((error) => Promise.reject(words(error, limit)));

/** Every saved quote's JSON text, oldest first. */
const list = () => values(quotes());

/**
 * Saves a quote from the app's fields (model version, price, low, high, car, headline, range,
 * summary, drivers...) with the time, unless `limit` quotes are saved already; resolves to how
 * many are saved.
 */
export function save(fields, limit) {
  const [model_version, price, low, high, car, headline, range, summary, ...drivers] = fields.split(SEPARATOR);
  const now = new Date();
  const record = { id: now.getTime(), saved_at: now.toISOString(), model_version, price: +price, low: +low, high: +high, car, headline, range, summary, drivers };
  return worded(
    () =>
      keys(quotes()).then((saved) =>
        saved.length >= limit ? Promise.reject("full") : set(record.id, JSON.stringify(record), quotes()).then(() => saved.length + 1),
      ),
    limit,
  );
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. Text a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return, and not a plain number such as `-1` or `+2800`) is kept as text by a leading `'`, as
 * OWASP's "CSV Injection" advice has it.
 */
export const csvCell = (text) => {
  const formula = /^[=+\-@\t\r]/.test(text) && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text);
  const safe = formula ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** A car's link text (`make=audi&curb-weight=2337`) as [name, value] pairs; malformed ones skipped. */
function pairs(car) {
  return car.split("&").flatMap((pair) => {
    if (!pair) return [];
    const at = pair.indexOf("=");
    try {
      return [[decodeURIComponent(at < 0 ? pair : pair.slice(0, at)), at < 0 ? "" : decodeURIComponent(pair.slice(at + 1))]];
    } catch {
      return [];
    }
  });
}

/**
 * Downloads every saved quote as `carprice-quotes.csv` (UTF-8 with a byte order mark), newest
 * first: when, model, price, low, high (to the cent), drivers, then one column per attribute in
 * order of first appearance.
 * Resolves to the number of quotes exported.
 */
async function exportCsv() {
  const quotes = (await list())
    .flatMap((text) => {
      try {
        return [JSON.parse(text)];
      } catch {
        return []; // a record that does not read, skipped as the list skips it
      }
    })
    .reverse();
  const cars = quotes.map((quote) => new Map(pairs(quote.car)));
  const columns = [...new Set(cars.flatMap((car) => [...car.keys()]))];
  const cents = (amount) => (Math.round(amount * 100) / 100).toFixed(2);
  const lines = [["saved_at", "model_version", "price", "price_low", "price_high", "drivers", ...columns.map(csvCell)].join(",")];
  quotes.forEach((quote, i) => {
    const amounts = [quote.price, quote.low, quote.high].map(cents);
    const values = columns.map((column) => csvCell(cars[i].get(column) ?? ""));
    lines.push([csvCell(quote.saved_at), csvCell(quote.model_version), ...amounts, csvCell(quote.drivers.join("; ")), ...values].join(","));
  });
  // A byte order mark first: Excel reads a CSV file as UTF-8 only with one (the drivers' "−").
  const text = "\uFEFF" + lines.map((line) => line + "\r\n").join("");
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "carprice-quotes.csv";
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000); // once the download has started
  return quotes.length;
}

/** An element with properties (attributes when named with a dash or `aria`) and children. */
function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (/[-]/.test(name) || name === "role") element.setAttribute(name, value);
    else element[name] = value;
  }
  element.append(...children);
  return element;
}

/** `2026-11-30 07:15 UTC` from an RFC 3339 UTC time, as the app shows times. */
const when = (at) => (/^.{16}.*Z$/.test(at) ? `${at.slice(0, 10)} ${at.slice(11, 16)} UTC` : at || "unknown");

/**
 * Shows the saved quotes screen in the app's empty `#saved` section: newest first, with the
 * headline, range, car and model each record kept when saved; Export CSV and Delete work here.
 * Resolves to the fields of the quote chosen with Reopen (car, time, price, model version; the app
 * prices it then and now).
 */
export function show(_text, limit) {
  return new Promise((reopen) => {
    const outcome = h("p", { className: "outcome", role: "status", "data-testid": "outcome" });
    const say = (text, failed) => {
      outcome.className = failed ? "outcome outcome-error" : "outcome";
      outcome.textContent = text;
    };
    const render = async () => {
      const screen = document.getElementById("saved");
      if (!screen) return;
      let records;
      let unreadable = false;
      try {
        records = (await list()).flatMap((text) => {
          try {
            return [JSON.parse(text)];
          } catch {
            return []; // a record that does not read is skipped
          }
        });
      } catch (error) {
        records = [];
        unreadable = true;
        say(words(error, limit), true);
      }
      records.reverse();
      const exporter = h("button", { type: "button", className: "button button-quiet", "data-testid": "export-csv", disabled: !records.length, textContent: "Export CSV" });
      exporter.onclick = () =>
        exportCsv().then((count) => say(`Exported ${count} quotes to carprice-quotes.csv.`), (error) => say(words(error, limit), true));
      const items = records.map((quote, index) => {
        const title = when(quote.saved_at);
        const reopener = h("button", { type: "button", className: "button", "aria-label": `Reopen the quote of ${title}`, textContent: "Reopen" });
        reopener.onclick = () => reopen([quote.car, quote.saved_at, quote.price, quote.model_version].join(SEPARATOR));
        const deleter = h("button", { type: "button", className: "button button-quiet", "aria-label": `Delete the quote of ${title}`, textContent: "Delete" });
        // The keyboard's focus goes to the Delete of the quote now in its place (or the last),
        // or to the screen's title once none is left, not back to the page's start.
        const refocus = () => {
          const deleters = document.querySelectorAll("#saved .saved-quote .actions button:last-child");
          (deleters[Math.min(index, deleters.length - 1)] ?? document.getElementById("saved-title"))?.focus();
        };
        deleter.onclick = () =>
          del(quote.id, quotes()).then(() => render().then(() => (say("Quote deleted."), refocus())), (error) => say(words(error, limit), true));
        const headline = quote.headline ?? `$${Math.round(quote.price)}`;
        const range = quote.range ? ` · range ${quote.range}` : "";
        return h(
          "li",
          { className: "card saved-quote", "data-testid": "saved-quote" },
          h(
            "div",
            { className: "saved-quote-main" },
            h("p", { className: "saved-price", "data-price": quote.price.toFixed(2), textContent: headline + range }),
            h("p", { textContent: `${quote.summary ?? ""}${quote.summary ? " · " : ""}saved ${title} · model ${quote.model_version}` }),
          ),
          h("div", { className: "actions" }, reopener, deleter),
        );
      });
      screen.replaceChildren(
        h(
          "div",
          { className: "saved-head" },
          h(
            "div",
            {},
            h("h1", { id: "saved-title", tabIndex: -1, textContent: "Saved quotes" }),
            h("p", { className: "lede", textContent: `${records.length} of ${limit} kept in this browser, newest first.` }),
          ),
          exporter,
        ),
        outcome,
        ...(records.length || unreadable ? [] : [h("p", { className: "card empty", textContent: "No saved quotes yet. Price a car and choose “Save quote”." })]),
        h("ul", { className: "saved-list" }, ...items),
      );
    };
    requestAnimationFrame(render); // once the app has drawn the screen's section
  });
}
