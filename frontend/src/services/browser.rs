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

/// Opens the browser's print dialog (the print style sheet shows the quote sheet).
pub fn print() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
