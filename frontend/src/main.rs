//! Entry point of the carprice staff web app (built for the browser by trunk).

fn main() {
    #[cfg(target_arch = "wasm32")]
    frontend::start();
}
