//! Entry point of the stock-list wasm, built by trunk beside the app and fetched only when the
//! stock list is opened: on the page it shows the stock-list screen, in the Web Worker it starts
//! for a list it prices (see `frontend::batch`). It keeps the standard allocator: it is not part
//! of the first load, and pricing a long list allocates a lot.

fn main() {
    #[cfg(target_arch = "wasm32")]
    frontend::batch::start();
}
