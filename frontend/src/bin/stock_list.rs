//! Entry point of the stock-list wasm, built by trunk beside the app and fetched only when needed
//! (the service worker precaches it after the first visit): `openStockList()` shows the
//! stock-list screen on the page, the Web Worker it starts prices a list (see `frontend::batch`),
//! and during a rollout `static/telemetry.js` prices the car on screen with both models through
//! `telemetryQuote` (see `frontend::rollout`). None of it is in the first load. It keeps the
//! standard allocator: pricing a long list allocates a lot.

fn main() {
    #[cfg(target_arch = "wasm32")]
    frontend::batch::start();
}

/// `openStockList()`: shows the stock-list screen (once).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = openStockList)]
pub fn open_stock_list() {
    frontend::batch::screen::mount();
}

/// `telemetryQuote(modelText, sha256, link)`: the car of `link` (the app's link text) priced by
/// the model `modelText` for a rollout's telemetry ([`frontend::rollout::telemetry_quote`]'s
/// JSON).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = telemetryQuote)]
pub fn telemetry_quote(model_text: &str, sha256: &str, link: &str) -> String {
    let pairs = frontend::share::pairs(link).into_iter().flatten();
    frontend::rollout::telemetry_quote(model_text, sha256, pairs)
}
