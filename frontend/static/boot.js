// Starts the staff app without inline script (the content security policy forbids it): imports
// the wasm-bindgen glue named by trunk in this script's data attributes, then registers the
// service worker that makes the app work offline. The stock-list screen is a wasm of its own,
// imported the first time a `data-open-stock-list` button is pressed. `carpriceQuotes(operation,
// ...arguments)` runs an operation of the saved quotes' storage (quotes.js), loading that module on
// first use. The rollout telemetry sender (telemetry.js) is imported only during a rollout or while
// quotes wait in the queue.
addEventListener("carprice-telemetry", () => {
  try {
    if (sessionStorage.getItem("carprice.telemetry.pending") !== null || localStorage.getItem("carprice.telemetry.v1")?.includes("{")) {
      import("./telemetry.js");
    }
  } catch {
    // Storage is disabled: nothing is recorded.
  }
});
globalThis.carpriceQuotes = (operation, ...args) => import("./quotes.js").then((quotes) => quotes[operation](...args));
const boot = document.querySelector("script[data-carprice-js]");
const { default: init } = await import(boot.dataset.carpriceJs);
await init({ module_or_path: boot.dataset.carpriceWasm });

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("sw.js").catch((error) => {
    console.warn("carprice: offline support unavailable:", error);
  });
}

document.addEventListener("click", async (event) => {
  if (event.target instanceof Element && event.target.closest("[data-open-stock-list]")) {
    await import("./stock_list_loader.js");
    document.getElementById("stock-list")?.scrollIntoView();
  }
});
