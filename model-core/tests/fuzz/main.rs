//! Differential fuzzing of model-core's hand-written readers: the JSON reader against serde_json,
//! the number parser against `str::parse::<f64>`, car descriptions against setting names one by
//! one, model versions and row lists against plain readings of their grammars, and CSV tables
//! that must never panic.
//!
//! Each property runs `CARPRICE_FUZZ_CASES` generated or mutated inputs (default 64, so the test
//! command stays fast). The long run is in the README ("Fuzzing"):
//!
//! ```text
//! CARPRICE_FUZZ_CASES=50000 cargo test --release -p model-core --test fuzz
//! ```
#![cfg(not(target_arch = "wasm32"))]

mod car;
mod csv;
mod json;
mod numbers;
mod texts;

use proptest::test_runner::Config;

/// Inputs tried per property when `CARPRICE_FUZZ_CASES` is not set.
const DEFAULT_CASES: u32 = 64;

/// The property-test settings: the case count from `CARPRICE_FUZZ_CASES`, no files written.
fn config() -> Config {
    let cases = std::env::var("CARPRICE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}
