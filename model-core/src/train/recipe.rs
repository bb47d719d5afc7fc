//! The modelling recipe: which terms go into the model and how hard they are penalised, all chosen
//! by exact leave-one-out cross-validation (mean absolute error in dollars) on the training rows.
//!
//! 1. Start from every attribute: categories one-hot (each indicator scaled to unit variance),
//!    numbers log-transformed when always positive (identity otherwise), standardised.
//! 2. Choose the ridge penalty λ (17 values, 10⁻² to 10², quarter decades) and the extra factor on
//!    indicator columns (0.25, 0.5, 1, 2, 4); the first strict minimum wins.
//! 3. Screen once at that setting: rank the attributes whose removal alone lowers the error, most
//!    helpful removal first.
//! 4. Remove the first k ranked attributes for the k with the lowest error (k = 0 if none helps).
//! 5. Choose λ and the factor again for the remaining attributes.

use ndarray::ArrayView1;

use super::design::{self, Candidate, Column, Design};
use super::loo::{dollar_mae, Fit, LooProblem};
use crate::error::TrainError;
use crate::transform::Transform;

/// Ridge penalties tried: 10^-2 .. 10^2 in quarter decades.
pub(crate) fn penalties() -> Vec<f64> {
    (0..=16)
        .map(|i| 10f64.powf(-2.0 + 0.25 * f64::from(i)))
        .collect()
}

/// Extra penalty factors tried on indicator (one-hot) columns.
const CATEGORY_PENALTIES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// The settled model: its terms, their design, the fit and its settings.
pub(crate) struct Choice {
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) design: Design,
    pub(crate) fit: Fit,
    pub(crate) lambda: f64,
    pub(crate) category_penalty: f64,
    /// Leave-one-out mean absolute error of the final setting, in dollars.
    pub(crate) score: f64,
    /// Attributes removed by screening, in removal order.
    pub(crate) dropped: Vec<usize>,
}

/// The best penalty setting for one set of terms.
struct Setting {
    score: f64,
    lambda: f64,
    category_penalty: f64,
    fit: Fit,
}

/// Runs the recipe on log-price targets `y`.
pub(crate) fn choose(columns: &[Column], y: ArrayView1<f64>) -> Result<Choice, TrainError> {
    let all: Vec<Candidate> = columns
        .iter()
        .enumerate()
        .map(|(attribute, column)| match column {
            Column::Numeric(values) => Candidate::Numeric {
                attribute,
                transform: if values.iter().all(|v| *v > 0.0) {
                    Transform::Log
                } else {
                    Transform::Identity
                },
            },
            Column::Categorical { .. } => Candidate::OneHot { attribute },
        })
        .collect();

    let first = best_setting(&all, columns, y)?;
    let without = |removed: &[usize]| -> Vec<Candidate> {
        all.iter()
            .copied()
            .filter(|c| !removed.contains(&c.attribute()))
            .collect()
    };
    let score_at = |candidates: &[Candidate]| -> Result<f64, TrainError> {
        let design = design::build(candidates, columns);
        let fit = LooProblem::new(design.x.view(), y)
            .fit(first.lambda, design.penalty(first.category_penalty).view())?;
        Ok(dollar_mae(y, fit.held_out.view()))
    };

    let mut ranked = Vec::new();
    for attribute in 0..columns.len() {
        let score = score_at(&without(&[attribute]))?;
        if score < first.score {
            ranked.push((score - first.score, attribute));
        }
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let ranked: Vec<usize> = ranked.into_iter().map(|(_, attribute)| attribute).collect();

    let (mut keep_dropped, mut best) = (0, first.score);
    for k in 1..=ranked.len() {
        let score = score_at(&without(&ranked[..k]))?;
        if score < best {
            (keep_dropped, best) = (k, score);
        }
    }
    let dropped = ranked[..keep_dropped].to_vec();
    let candidates = without(&dropped);
    let setting = best_setting(&candidates, columns, y)?;
    Ok(Choice {
        design: design::build(&candidates, columns),
        candidates,
        fit: setting.fit,
        lambda: setting.lambda,
        category_penalty: setting.category_penalty,
        score: setting.score,
        dropped,
    })
}

/// Scores every (category penalty, λ) pair; the first strict minimum wins.
fn best_setting(
    candidates: &[Candidate],
    columns: &[Column],
    y: ArrayView1<f64>,
) -> Result<Setting, TrainError> {
    let design = design::build(candidates, columns);
    let problem = LooProblem::new(design.x.view(), y);
    let mut best: Option<Setting> = None;
    for category_penalty in CATEGORY_PENALTIES {
        let penalty = design.penalty(category_penalty);
        for lambda in penalties() {
            let fit = problem.fit(lambda, penalty.view())?;
            let score = dollar_mae(y, fit.held_out.view());
            if best.as_ref().is_none_or(|b| score < b.score) {
                best = Some(Setting {
                    score,
                    lambda,
                    category_penalty,
                    fit,
                });
            }
        }
    }
    Ok(best.expect("the grids are not empty"))
}
