//! Pricing a stock list (a CSV of cars) in the browser, with nothing uploaded and offline too.
//!
//! None of this is in the app's first load: `src/bin/stock_list.rs` is a wasm of its own that
//! the page imports when the navigation's "Price a stock list" is first pressed
//! (`static/boot.js`), and that the service worker keeps for offline use. The same wasm runs in two places ([`start`]):
//! - on the page, [`screen`]: choose or drop a file, progress, downloads, the rows not priced;
//! - in the Web Worker the screen starts for each list, [`worker`]: reads the file and prices it
//!   with [`job`], so the page stays responsive.
//!
//! [`job`] runs model-core's [`model_core::batch::TablePricer`], whose rows are those of
//! `carprice predict --cars --out` (both write them with [`model_core::batch::RowWriter`]), so the
//! downloaded file is the CLI's to the byte; [`summary`]
//! is what the worker tells the page at the end.

pub mod job;
pub mod screen;
pub mod summary;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// Starts the stock-list wasm: in a worker, the pricer; on a page nothing, until the screen is
/// opened ([`screen::mount`]).
#[cfg(target_arch = "wasm32")]
pub fn start() {
    use wasm_bindgen::JsCast;
    if js_sys::global().dyn_ref::<web_sys::Window>().is_none() {
        worker::start();
    }
}
