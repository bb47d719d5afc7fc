//! Saved quotes in this browser's IndexedDB: database `carprice`, object store `quotes`, one JSON
//! text per quote keyed by its [`SavedQuote::id`], at most [`LIMIT`] quotes. The storage itself is
//! the small ES module `static/quotes.js` (on the npm library idb-keyval), loaded only when a quote
//! is saved or listed, so that IndexedDB's bindings stay out of the first-load wasm (the README's
//! budgets say what that saves).

use js_sys::{Array, Promise};
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

/// Every saved quote, newest first (records that do not read are skipped).
///
/// # Errors
/// [`StoreError`] when the browser has no usable IndexedDB.
pub async fn list() -> Result<Vec<SavedQuote>, StoreError> {
    let all: Array = run("list", 0.0, "", 0).await?.into();
    let mut quotes: Vec<SavedQuote> = all
        .iter()
        .filter_map(|value| SavedQuote::from_json(&value.as_string()?).ok())
        .collect();
    quotes.reverse();
    Ok(quotes)
}

/// Saves a quote, unless [`LIMIT`] are saved already.
///
/// # Errors
/// [`StoreError::Full`], [`StoreError::Quota`], or why the browser refused.
pub async fn save(quote: &SavedQuote) -> Result<(), StoreError> {
    run("save", quote.id, &quote.to_json(), LIMIT)
        .await
        .map(drop)
}

/// Downloads every saved quote as `carprice-quotes.csv` (when, model, price, low, high to the
/// cent, drivers, then one column per attribute); the number of quotes exported.
///
/// # Errors
/// Why the browser refused.
pub async fn export_csv() -> Result<f64, StoreError> {
    Ok(run("exportCsv", 0.0, "", 0).await?.as_f64().unwrap_or(0.0))
}

/// Deletes one saved quote.
///
/// # Errors
/// Why the browser refused.
pub async fn delete(id: f64) -> Result<(), StoreError> {
    run("remove", id, "", 0).await.map(drop)
}
