//! Browser signals: online status and the performance mark the budget script reads.

/// Name of the mark set when the first price is on screen (read by `scripts/budgets.sh`).
pub const FIRST_PRICE_MARK: &str = "carprice:first-price";

/// Whether the browser believes it is online.
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Records the first-price mark on the Performance timeline (relative to navigation start).
pub fn mark_first_price() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(FIRST_PRICE_MARK);
    }
}

/// Offers text as a file download (a CSV export), named `file_name`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&text.into());
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = window
        .document()
        .ok_or("no document")?
        .create_element("a")?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Revoked once the browser has started the download.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Opens the browser's print dialog (the print style sheet shows the quote sheet).
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
