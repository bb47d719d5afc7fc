//! The gate's rule: may a candidate model replace production (or be tried beside it as a
//! challenger)? Decided on the pipeline's own measurement ([`crate::measure`]) of both models on
//! the candidate's test data, never on the metrics a model claims.
//!
//! The rule, MAE first:
//! - against production: candidate MAE ≤ production MAE × 1.02, R² ≥ production R² − 0.01 and
//!   MAPE ≤ production MAPE + 0.5 percentage points (room for noise on ~60 rows, no room for a
//!   model that prices worse);
//! - with nothing in production: the floor set by the legacy production model on the seed test
//!   split (label-encoded linear regression: MAE $2,124, R² 0.873, MAPE 17.1%).

use model_core::{format_dollars, Metrics};

/// Relative MAE a candidate may add over production.
const MAE_TOLERANCE: f64 = 0.02;
/// R² a candidate may lose against production.
const R2_TOLERANCE: f64 = 0.01;
/// MAPE (percentage points) a candidate may add over production.
const MAPE_TOLERANCE: f64 = 0.5;

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
}
