// Saved quotes' storage, loaded only when a quote is saved or the saved quotes screen opens (boot.js
// `carpriceQuotes`), so IndexedDB costs nothing on first load: database `carprice`, object store
// `quotes`, one JSON text per quote keyed by its save time, through the idb-keyval library (copied
// beside this file by frontend/hooks/post_build.mjs). Failures reject with a code the app puts in
// words (frontend/src/saved/store.rs): "full", "quota", "unavailable" or the browser's own message.
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
