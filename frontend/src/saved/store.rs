//! Saved quotes in this browser's IndexedDB: database `carprice`, object store `quotes`, one JSON
//! text per quote keyed by its [`SavedQuote::id`], at most [`LIMIT`] quotes. The storage itself is
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
    fn quotes(
        operation: &str,
        id: JsValue,
        text: JsValue,
        limit: JsValue,
    ) -> Result<Promise, JsValue>;
}

/// Runs an operation of `quotes.js`; its failure codes in words.
async fn run(operation: &str, id: f64, text: &str, limit: u32) -> Result<JsValue, StoreError> {
    let promise = quotes(operation, id.into(), text.into(), limit.into())
        .map_err(|_| StoreError::Unavailable("the page did not start".to_string()))?;
    JsFuture::from(promise)
        .await
        .map_err(|error| match error.as_string().as_deref() {
            Some("full") => StoreError::Full,
            Some("quota") => StoreError::Quota,
            Some("unavailable") => StoreError::Unavailable("IndexedDB is turned off".to_string()),
            Some(why) => StoreError::Refused(why.to_string()),
            None => StoreError::Refused("the saved quotes did not load".to_string()),
        })
}

/// Saves a quote, unless [`LIMIT`] are saved already; how many are saved then.
///
/// # Errors
/// [`StoreError::Full`], [`StoreError::Quota`], or why the browser refused.
pub async fn save(quote: &SavedQuote) -> Result<f64, StoreError> {
    let count = run("save", quote.id, &quote.to_json(), LIMIT).await?;
    Ok(count.as_f64().unwrap_or(1.0))
}

/// Shows the saved quotes screen in the app's empty `#saved` section (`quotes.js` draws the
/// list, deletes and exports, and says what came of each); the quote chosen with Reopen, once
/// one is.
///
/// # Errors
/// [`StoreError`] when the module does not load.
pub async fn show() -> Result<SavedQuote, StoreError> {
    let text = run("show", 0.0, "", LIMIT)
        .await?
        .as_string()
        .unwrap_or_default();
    SavedQuote::from_json(&text).map_err(|error| StoreError::Refused(error.to_string()))
}
