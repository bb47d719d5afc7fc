// Starts the staff app without inline script (the content security policy forbids it): imports
// the wasm-bindgen glue named by trunk in this script's data attributes, then registers the
// service worker that makes the app work offline. The stock-list screen is a wasm of its own,
// imported the first time its navigation entry (`data-screen="stock-list"`) is pressed.
// `carpriceQuotes(operation, ...arguments)` runs an operation of the saved quotes' storage
// (quotes.js), loading that module on first use.
globalThis.carpriceQuotes = (operation, ...args) => import("./quotes.js").then((quotes) => quotes[operation](...args));
const boot = document.querySelector("script[data-carprice-js]");
const { default: init } = await import(boot.dataset.carpriceJs);
await init({ module_or_path: boot.dataset.carpriceWasm });

// The service worker registers once the first price is on screen (the app's only performance
// mark, `carprice:first-price`): its install downloads every asset to keep, which would compete
// with the first price for the network and the main thread.
new PerformanceObserver((_, observer) => {
  observer.disconnect();
  navigator.serviceWorker?.register("sw.js").catch((error) => {
    console.warn("carprice: offline support unavailable:", error);
  });
}).observe({ type: "mark", buffered: true });

document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-screen=stock-list]")) import("./stock_list_loader.js");
});
