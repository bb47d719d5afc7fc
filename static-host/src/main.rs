//! carprice static host (placeholder until it lands).
fn main() {}
