//! k-fold cross-validation of a set of candidate terms over a grid of ridge penalties.

use ndarray::Array1;

use super::design::{self, Candidate, Column};
use super::ridge::NormalEquations;
use crate::error::TrainError;

/// The outcome of cross-validating one set of terms.
#[derive(Debug, Clone)]
pub(crate) struct CvResult {
    /// The penalty with the lowest cross-validated error.
    pub(crate) lambda: f64,
    /// Mean absolute error, in dollars, of the out-of-fold prices at that penalty.
    pub(crate) mae: f64,
    /// Out-of-fold predictions of the log target at that penalty, one per row.
    pub(crate) out_of_fold: Vec<f64>,
}

/// Deterministic fold assignment: row `i` is held out in fold `i % folds`.
pub(crate) fn fold_rows(rows: usize, folds: usize, fold: usize) -> (Vec<usize>, Vec<usize>) {
    (0..rows).partition(|i| i % folds != fold)
}

/// Cross-validates `candidates` on log-price targets `y` for every penalty in `lambdas`.
/// Ties go to the larger penalty (the simpler model).
pub(crate) fn cross_validate(
    candidates: &[Candidate],
    columns: &[Column],
    y: &[f64],
    folds: usize,
    lambdas: &[f64],
    one_hot_penalty: f64,
) -> Result<CvResult, TrainError> {
    let n = y.len();
    let mut predictions = vec![vec![0.0; n]; lambdas.len()];
    for fold in 0..folds {
        let (fit_rows, held_rows) = fold_rows(n, folds, fold);
        let fit = design::build(candidates, columns, &fit_rows, &fit_rows, one_hot_penalty);
        let held = design::build(candidates, columns, &held_rows, &fit_rows, one_hot_penalty);
        let y_fit: Array1<f64> = fit_rows.iter().map(|&r| y[r]).collect();
        let equations = NormalEquations::new(fit.x.view(), y_fit.view());
        for (l, &lambda) in lambdas.iter().enumerate() {
            let predicted = equations.solve(lambda, fit.penalty_scale.view())?.predict(held.x.view());
            for (&row, p) in held_rows.iter().zip(predicted) {
                predictions[l][row] = p;
            }
        }
    }
    let mut best: Option<CvResult> = None;
    for (lambda, out_of_fold) in lambdas.iter().zip(predictions) {
        let mae = dollar_mae(y, &out_of_fold);
        if best.as_ref().is_none_or(|b| mae <= b.mae) {
            best = Some(CvResult {
                lambda: *lambda,
                mae,
                out_of_fold,
            });
        }
    }
    best.ok_or_else(|| TrainError::Options("the penalty grid is empty".into()))
}

/// Mean absolute error in dollars between log-price targets and log-price predictions.
fn dollar_mae(y: &[f64], predicted: &[f64]) -> f64 {
    y.iter()
        .zip(predicted)
        .map(|(a, p)| (libm::exp(*a) - libm::exp(*p)).abs())
        .sum::<f64>()
        / y.len() as f64
}
