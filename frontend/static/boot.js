// Starts the staff app without inline script (the content security policy forbids it): imports
// the wasm-bindgen glue named by trunk in this script's data attributes, then registers the
// service worker that makes the app work offline. The stock-list screen is a wasm of its own,
// imported and opened the first time its navigation entry (`data-screen="stock-list"`) is
// pressed. `carpriceQuotes(operation, ...arguments)` runs an operation of the saved quotes' storage
// (quotes.js), loading that module on first use. The rollout telemetry sender (telemetry.js) is
// imported only during a rollout or while quotes wait in the queue. A car link opened in the tab
// reloads the page. On the first visit it gives
// the device its anonymous id for a rollout's canary buckets (128 random bits as hex,
// `carprice.device`).
try {
  if (!localStorage.getItem("carprice.device")) {
    localStorage.setItem("carprice.device", Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(""));
  }
} catch {
  // Storage is disabled: every such device has the same bucket.
}
addEventListener("carprice-telemetry", () => {
  try {
    if (sessionStorage.getItem("carprice.telemetry.pending") !== null || localStorage.getItem("carprice.telemetry.v1")?.includes("{")) {
      import("./telemetry.js");
    }
  } catch {
    // Storage is disabled: nothing is recorded.
  }
});
// A car link opened in this tab, or Back to another car's address, reloads the page, which reads
// the car from the address (the app changes its address with replaceState, which does not fire
// hashchange): the screen always prices the car its address names.
addEventListener("hashchange", () => location.reload());
globalThis.carpriceQuotes = (operation, ...args) => import("./quotes.js").then((quotes) => quotes[operation](...args));
const boot = document.querySelector("script[data-carprice-js]");
const { default: init } = await import(boot.dataset.carpriceJs);
await init({ module_or_path: boot.dataset.carpriceWasm });
// index.html's loading screen, shown while the wasm downloads, makes way for the app: the app's
// first render is queued as a microtask by its start, so both happen before the next frame.
document.getElementById("boot-shell")?.remove();

// The service worker registers once the first price is on screen (the app's only performance
// mark, `carprice:first-price`): its install downloads every asset to keep, which would compete
// with the first price for the network and the main thread.
new PerformanceObserver((_, observer) => {
  observer.disconnect();
  navigator.serviceWorker?.register("sw.js").catch((error) => {
    console.warn("carprice: offline support unavailable:", error);
  });
}).observe({ type: "mark", buffered: true });

document.addEventListener("click", async (event) => {
  if (event.target instanceof Element && event.target.closest("[data-screen=stock-list]")) {
    const stockList = await import("./stock_list.js");
    await stockList.default();
    stockList.openStockList();
  }
});
