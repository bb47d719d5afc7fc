//! Saved quotes in this browser's IndexedDB: database `carprice`, object store `quotes`, one JSON
//! text per quote keyed by its save time, at most [`LIMIT`] quotes. The storage itself is
//! the small ES module `static/quotes.js` (on the npm library idb-keyval), loaded only when a quote
//! is saved or the saved quotes screen (which the module draws) is shown, so that IndexedDB's
//! bindings and the screen stay out of the first-load wasm (the README's budgets say what that
//! saves).

use js_sys::Promise;
use wasm_bindgen::{prelude::wasm_bindgen, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{SavedQuote, StoreError, LIMIT};

#[wasm_bindgen]
extern "C" {
    /// `quotes.js`'s `operation` with its arguments (`boot.js` loads the module on first use).
    #[wasm_bindgen(js_name = carpriceQuotes, catch)]
    fn quotes(operation: &str, text: JsValue, limit: JsValue) -> Result<Promise, JsValue>;
}

/// Runs an operation of `quotes.js`; its failure in words.
async fn run(operation: &str, text: &str) -> Result<JsValue, StoreError> {
    let failed =
        || StoreError("The saved quotes could not be loaded: reload the page.".to_string());
    let promise = quotes(operation, text.into(), LIMIT.into()).map_err(|_| failed())?;
    JsFuture::from(promise)
        .await
        .map_err(|error| error.as_string().map_or_else(failed, StoreError))
}

/// Saves a quote ([`super::to_fields`]), unless [`LIMIT`] are saved already; how many are saved
/// then.
///
/// # Errors
/// [`StoreError`] saying why not (the limit, a full device, a browser that keeps nothing).
pub async fn save(fields: &str) -> Result<f64, StoreError> {
    Ok(run("save", fields).await?.as_f64().unwrap_or(1.0))
}

/// Shows the saved quotes screen in the app's empty `#saved` section (`quotes.js` draws the
/// list, deletes and exports, and says what came of each); the quote chosen with Reopen, once
/// one is.
///
/// # Errors
/// [`StoreError`] when the module does not load.
pub async fn show() -> Result<SavedQuote, StoreError> {
    let text = run("show", "").await?.as_string().unwrap_or_default();
    SavedQuote::from_fields(&text)
        .ok_or_else(|| StoreError(format!("The saved quote did not read: {text}")))
}
