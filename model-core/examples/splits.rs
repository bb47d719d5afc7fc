//! Does the training recipe generalise beyond the seed split? Trains on many random 135/58 splits
//! of the sample data and prints the mean test metrics.
//!
//! `cargo run --release -p model-core --example splits [SPLITS]` (default 40), reading
//! `$CARPRICE_DATA` or `../shared/data/car-prices.csv`.

use std::path::Path;

use model_core::{train, CarTable, TrainOptions};

/// SplitMix64: a tiny deterministic generator, so the splits are the same on every run.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let splits: u64 = std::env::args().nth(1).map_or(Ok(40), |s| s.parse())?;
    let path = model_core::data::sample_data_path(Path::new("."));
    let table =
        CarTable::from_csv(&std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?)?;
    let test_size = table.len() * 58 / 193;
    let (mut mae, mut mape, mut r2) = (0.0, 0.0, 0.0);
    for seed in 1..=splits {
        // Fisher–Yates shuffle of the row indices; the first `test_size` are held out.
        let mut rows: Vec<usize> = (0..table.len()).collect();
        let mut state = seed;
        for i in (1..rows.len()).rev() {
            let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
            rows.swap(i, j);
        }
        let model = train(&table, &rows[..test_size], &TrainOptions::default())?;
        let metrics = model
            .document()
            .test_metrics
            .expect("held-out rows give metrics");
        println!(
            "split {seed:>2}: MAE ${:>7.0}  MAPE {:>5.2}%  R² {:.3}",
            metrics.mae, metrics.mape, metrics.r2
        );
        mae += metrics.mae;
        mape += metrics.mape;
        r2 += metrics.r2;
    }
    let n = splits as f64;
    println!(
        "mean over {splits} splits: MAE ${:.0}  MAPE {:.2}%  R² {:.3}",
        mae / n,
        mape / n,
        r2 / n
    );
    Ok(())
}
