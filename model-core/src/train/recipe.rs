//! The modelling recipe: which terms go into the model, chosen by cross-validation.

use super::cv::{cross_validate, CvResult};
use super::design::{Candidate, Column};
use super::TrainOptions;
use crate::error::TrainError;
use crate::validation::Transform;

/// The terms and penalty the recipe settled on.
pub(crate) struct Choice {
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) cv: CvResult,
    pub(crate) notes: Vec<String>,
}

/// Chooses terms and penalty for log-price targets `y`.
pub(crate) fn choose(columns: &[Column], y: &[f64], options: &TrainOptions) -> Result<Choice, TrainError> {
    let candidates: Vec<Candidate> = columns
        .iter()
        .enumerate()
        .map(|(attribute, column)| match column {
            Column::Numeric(values) if values.iter().all(|v| *v > 0.0) => Candidate::Numeric {
                attribute,
                transform: Transform::Log,
            },
            Column::Numeric(_) => Candidate::Numeric {
                attribute,
                transform: Transform::Identity,
            },
            Column::Categorical { .. } => Candidate::OneHot { attribute },
        })
        .collect();
    let cv = cross_validate(&candidates, columns, y, options.folds, &options.penalties, 1.0)?;
    Ok(Choice {
        candidates,
        cv,
        notes: Vec::new(),
    })
}
