//! carprice staff web app (placeholder until the web app lands).
fn main() {}
