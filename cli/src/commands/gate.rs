//! `carprice gate`: may a candidate model replace production? Decided with the pipeline's own
//! measurement on the candidate's test data, never with the metrics a model claims.
//!
//! The rule, MAE first:
//! - against production: candidate MAE ≤ production MAE × 1.02, R² ≥ production R² − 0.01 and
//!   MAPE ≤ production MAPE + 0.5 percentage points (room for noise on ~60 rows, no room for a
//!   model that prices worse);
//! - with nothing in production: the floor set by the legacy production model on the seed test
//!   split (label-encoded linear regression: MAE $2,124, R² 0.873, MAPE 17.1%).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use model_core::{format_dollars, Metrics, Model};

use crate::files;
use carprice_registry::{measure, MODEL_FILE, TEST_DATA_FILE};

/// Relative MAE a candidate may add over production.
const MAE_TOLERANCE: f64 = 0.02;
/// R² a candidate may lose against production.
const R2_TOLERANCE: f64 = 0.01;
/// MAPE (percentage points) a candidate may add over production.
const MAPE_TOLERANCE: f64 = 0.5;
/// Exit code of a refusal (1 is an error: the gate could not decide).
const REFUSED: u8 = 2;

/// The metrics a candidate must reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Largest acceptable MAE (dollars).
    pub mae_max: f64,
    /// Smallest acceptable R².
    pub r2_min: f64,
    /// Largest acceptable MAPE (percent).
    pub mape_max: f64,
}

/// The bar with nothing in production: the legacy model's figures on the seed test split.
pub const FLOOR: Bar = Bar {
    mae_max: 2124.0,
    r2_min: 0.873,
    mape_max: 17.1,
};

impl Bar {
    /// The bar set by production's metrics on the same rows.
    pub fn against(production: &Metrics) -> Bar {
        Bar {
            mae_max: production.mae * (1.0 + MAE_TOLERANCE),
            r2_min: production.r2 - R2_TOLERANCE,
            mape_max: production.mape + MAPE_TOLERANCE,
        }
    }

    /// Why `candidate` falls short of the bar; empty when it passes.
    pub fn shortfalls(&self, candidate: &Metrics) -> Vec<String> {
        let mut why = Vec::new();
        if candidate.mae > self.mae_max {
            why.push(format!(
                "MAE {} > {}",
                format_dollars(candidate.mae),
                format_dollars(self.mae_max)
            ));
        }
        if candidate.r2 < self.r2_min {
            why.push(format!("R² {:.3} < {:.3}", candidate.r2, self.r2_min));
        }
        if candidate.mape > self.mape_max {
            why.push(format!(
                "MAPE {:.1}% > {:.1}%",
                candidate.mape, self.mape_max
            ));
        }
        why
    }
}

/// Measures both models on the candidate's test data, prints them side by side, and exits 2 when
/// the candidate is refused.
pub fn run(candidate_dir: &Path, production_dir: Option<&Path>) -> Result<ExitCode> {
    let candidate = files::read_model(&candidate_dir.join(MODEL_FILE))?;
    let test_path = candidate_dir.join(TEST_DATA_FILE);
    let table = files::read_table(&test_path)?;
    let candidate_metrics = measure(&candidate, &table).with_context(|| {
        format!(
            "candidate {} on {}",
            candidate.version(),
            test_path.display()
        )
    })?;
    let production = production_dir
        .map(|dir| -> Result<(Model, Metrics)> {
            let model = files::read_model(&dir.join(MODEL_FILE))?;
            let metrics = measure(&model, &table).with_context(|| {
                format!("production {} on {}", model.version(), test_path.display())
            })?;
            Ok((model, metrics))
        })
        .transpose()?;

    let bar = production
        .as_ref()
        .map_or(FLOOR, |(_, metrics)| Bar::against(metrics));
    let against = production.as_ref().map_or_else(
        || "the floor (nothing in production)".to_string(),
        |(m, _)| format!("production {}", m.version()),
    );
    println!(
        "gate: candidate {} against {against}, on the candidate's test data ({} rows)",
        candidate.version(),
        candidate_metrics.rows
    );
    print!(
        "{}",
        side_by_side(
            &candidate_metrics,
            production.as_ref().map(|(_, m)| m),
            &bar
        )
    );

    let shortfalls = bar.shortfalls(&candidate_metrics);
    if shortfalls.is_empty() {
        println!(
            "gate: passed: candidate {} may replace {against}",
            candidate.version()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "gate: refused: candidate {}: {}",
            candidate.version(),
            shortfalls.join("; ")
        );
        Ok(ExitCode::from(REFUSED))
    }
}

/// The metrics table: candidate, production (if any) and the required value.
fn side_by_side(candidate: &Metrics, production: Option<&Metrics>, bar: &Bar) -> String {
    let column = |f: &dyn Fn(&Metrics) -> String| production.map_or_else(|| "-".to_string(), f);
    let rows = [
        (
            "MAE",
            format_dollars(candidate.mae),
            column(&|m| format_dollars(m.mae)),
            format!("≤ {}", format_dollars(bar.mae_max)),
        ),
        (
            "R²",
            format!("{:.3}", candidate.r2),
            column(&|m| format!("{:.3}", m.r2)),
            format!("≥ {:.3}", bar.r2_min),
        ),
        (
            "MAPE",
            format!("{:.1}%", candidate.mape),
            column(&|m| format!("{:.1}%", m.mape)),
            format!("≤ {:.1}%", bar.mape_max),
        ),
    ];
    let mut text = format!(
        "  {:<6}{:>14}{:>14}{:>16}\n",
        "", "candidate", "production", "required"
    );
    for (name, c, p, required) in rows {
        text.push_str(&format!("  {name:<6}{c:>14}{p:>14}{required:>16}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(mae: f64, r2: f64, mape: f64) -> Metrics {
        Metrics {
            rows: 58,
            r2,
            mae,
            rmse: mae * 1.4,
            mape,
        }
    }

    #[test]
    fn a_better_or_equal_candidate_passes() {
        let production = metrics(1400.0, 0.91, 10.0);
        assert!(Bar::against(&production).shortfalls(&production).is_empty());
        assert!(Bar::against(&production)
            .shortfalls(&metrics(1300.0, 0.93, 9.0))
            .is_empty());
    }

    #[test]
    fn noise_within_the_tolerance_passes_and_beyond_it_is_refused() {
        let bar = Bar::against(&metrics(1000.0, 0.90, 10.0));
        assert!(bar.shortfalls(&metrics(1019.0, 0.891, 10.4)).is_empty());
        let why = bar.shortfalls(&metrics(1021.0, 0.889, 10.6));
        assert_eq!(why.len(), 3, "{why:?}");
        assert!(why[0].starts_with("MAE"), "MAE is reported first: {why:?}");
    }

    #[test]
    fn without_production_the_legacy_model_is_the_floor() {
        assert!(FLOOR.shortfalls(&metrics(1326.0, 0.916, 9.6)).is_empty());
        assert!(!FLOOR.shortfalls(&metrics(2200.0, 0.90, 12.0)).is_empty());
    }

    #[test]
    fn the_table_shows_dashes_without_production() {
        let table = side_by_side(&metrics(1326.0, 0.916, 9.6), None, &FLOOR);
        assert!(table.contains("MAE") && table.contains('-'), "{table}");
    }
}
