//! Saved quotes in this browser's IndexedDB (web-sys): database `carprice`, object store
//! `quotes`, one JSON text per quote keyed by its [`SavedQuote::id`]. At most [`LIMIT`] quotes.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode,
};

use super::{SavedQuote, StoreError, LIMIT};

const DATABASE: &str = "carprice";
const STORE: &str = "quotes";

/// A promise settled by the callbacks `arm` installs (resolve, reject), awaited.
async fn settled(arm: impl FnOnce(&Function, &Function)) -> Result<(), ()> {
    let mut arm = Some(arm);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(arm) = arm.take() {
            arm(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await.map(drop).map_err(drop)
}

/// What a browser's error means for the person saving.
fn refused(error: Option<DomException>) -> StoreError {
    match error {
        Some(e) if e.name() == "QuotaExceededError" => StoreError::Quota,
        Some(e) => StoreError::Refused(format!("{}: {}", e.name(), e.message())),
        None => StoreError::Refused("unknown error".to_string()),
    }
}

fn thrown(error: JsValue) -> StoreError {
    refused(error.dyn_into::<DomException>().ok())
}

/// The result of a request, once it succeeds.
async fn request(request: IdbRequest) -> Result<JsValue, StoreError> {
    settled(|ok, fail| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(fail));
    })
    .await
    .map_err(|()| refused(request.error().ok().flatten()))?;
    request.result().map_err(thrown)
}

/// Opens the database, creating its store on first use.
async fn open() -> Result<IdbDatabase, StoreError> {
    let unavailable = |why: &str| StoreError::Unavailable(why.to_string());
    let factory = web_sys::window()
        .ok_or_else(|| unavailable("no window"))?
        .indexed_db()
        .ok()
        .flatten()
        .ok_or_else(|| unavailable("IndexedDB is turned off"))?;
    let opening = factory
        .open_with_u32(DATABASE, 1)
        .map_err(|_| unavailable("IndexedDB refused to open"))?;
    let upgrading = opening.clone();
    let upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result() {
            let _ = db
                .unchecked_into::<IdbDatabase>()
                .create_object_store(STORE);
        }
    });
    opening.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(request(opening.into()).await?.unchecked_into())
}

/// The store in a new transaction.
async fn store(mode: IdbTransactionMode) -> Result<(IdbTransaction, IdbObjectStore), StoreError> {
    let db = open().await?;
    let transaction = db
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(thrown)?;
    let store = transaction.object_store(STORE).map_err(thrown)?;
    Ok((transaction, store))
}

/// Waits until a transaction's writes are committed (quota errors show here).
async fn committed(transaction: &IdbTransaction) -> Result<(), StoreError> {
    settled(|ok, fail| {
        transaction.set_oncomplete(Some(ok));
        transaction.set_onabort(Some(fail));
    })
    .await
    .map_err(|()| refused(transaction.error()))
}

/// Every saved quote, newest first (records that do not read are skipped).
///
/// # Errors
/// [`StoreError`] when the browser has no usable IndexedDB.
pub async fn list() -> Result<Vec<SavedQuote>, StoreError> {
    let (_, store) = store(IdbTransactionMode::Readonly).await?;
    let all: Array = request(store.get_all().map_err(thrown)?)
        .await?
        .unchecked_into();
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
    let (_, counting) = store(IdbTransactionMode::Readonly).await?;
    let count = request(counting.count().map_err(thrown)?).await?;
    if count.as_f64().unwrap_or(0.0) >= f64::from(LIMIT) {
        return Err(StoreError::Full);
    }
    let (transaction, store) = store(IdbTransactionMode::Readwrite).await?;
    store
        .add_with_key(
            &JsValue::from_str(&quote.to_json()),
            &JsValue::from_f64(quote.id),
        )
        .map_err(thrown)?;
    committed(&transaction).await
}

/// Deletes one saved quote.
///
/// # Errors
/// Why the browser refused.
pub async fn delete(id: f64) -> Result<(), StoreError> {
    let (transaction, store) = store(IdbTransactionMode::Readwrite).await?;
    store.delete(&JsValue::from_f64(id)).map_err(thrown)?;
    committed(&transaction).await
}
