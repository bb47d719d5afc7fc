// Saved quotes' storage, loaded only when a quote is saved or the saved quotes screen opens (boot.js
// `carpriceQuotes`), so IndexedDB costs nothing on first load: database `carprice`, object store
// `quotes`, one JSON text per quote keyed by its save time, through the idb-keyval library (copied
// beside this file by frontend/hooks/post_build.mjs). Failures reject with a code the app puts in
// words (frontend/src/saved/store.rs): "full", "quota", "unavailable" or the browser's own message.
// The CSV export is here too (`exportCsv`), for the same reason.
import { createStore, del, keys, set, values } from "./idb-keyval.js";

let store;
const quotes = () => (store ??= createStore("carprice", "quotes"));

function code(error) {
  if (error === "full") return error;
  if (typeof indexedDB === "undefined") return "unavailable";
  if (error?.name === "QuotaExceededError") return "quota";
  return error ? `${error.name}: ${error.message}` : "unknown error";
}
const coded = (work) => work.catch((error) => Promise.reject(code(error)));

/** Every saved quote's JSON text, oldest first. */
export const list = () => coded(values(quotes()));

/** Saves a quote's JSON text under `id`, unless `limit` quotes are saved already. */
export const save = (id, text, limit) =>
  coded(keys(quotes()).then((saved) => (saved.length >= limit ? Promise.reject("full") : set(id, text, quotes()))));

/** Deletes the quote saved under `id`. */
export const remove = (id) => coded(del(id, quotes()));

/** One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. */
const cell = (text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

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
 * Downloads every saved quote as `carprice-quotes.csv`, newest first: when, model, price, low,
 * high (to the cent), drivers, then one column per attribute in order of first appearance.
 * Resolves to the number of quotes exported.
 */
export async function exportCsv() {
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
  const lines = [["saved_at", "model_version", "price", "price_low", "price_high", "drivers", ...columns.map(cell)].join(",")];
  quotes.forEach((quote, i) => {
    const amounts = [quote.price, quote.low, quote.high].map(cents);
    const values = columns.map((column) => cell(cars[i].get(column) ?? ""));
    lines.push([cell(quote.saved_at), cell(quote.model_version), ...amounts, cell(quote.drivers.join("; ")), ...values].join(","));
  });
  const url = URL.createObjectURL(new Blob([lines.map((line) => line + "\r\n").join("")], { type: "text/csv" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "carprice-quotes.csv";
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000); // once the download has started
  return quotes.length;
}
