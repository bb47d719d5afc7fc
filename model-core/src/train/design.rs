//! Candidate terms and the design matrices built from them.

use ndarray::{Array1, Array2};

use crate::validation::Transform;

/// The values of one attribute over the training rows, ready to encode.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// Numbers.
    Numeric(Vec<f64>),
    /// Category indices into `categories`.
    Categorical {
        categories: Vec<String>,
        codes: Vec<usize>,
    },
}

impl Column {
    /// The column restricted to some rows; the category list (vocabulary) is kept whole.
    pub(crate) fn subset(&self, rows: &[usize]) -> Column {
        match self {
            Column::Numeric(values) => Column::Numeric(rows.iter().map(|&r| values[r]).collect()),
            Column::Categorical { categories, codes } => Column::Categorical {
                categories: categories.clone(),
                codes: rows.iter().map(|&r| codes[r]).collect(),
            },
        }
    }
}

/// A term the trainer may put into the model: an attribute index and how it enters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Candidate {
    /// `(transform(x) - center) / scale`.
    Numeric { attribute: usize, transform: Transform },
    /// One-hot columns, one per category.
    OneHot { attribute: usize },
}

impl Candidate {
    pub(crate) fn attribute(self) -> usize {
        match self {
            Candidate::Numeric { attribute, .. } | Candidate::OneHot { attribute } => attribute,
        }
    }

    /// Number of design columns.
    pub(crate) fn width(self, columns: &[Column]) -> usize {
        match (self, &columns[self.attribute()]) {
            (Candidate::OneHot { .. }, Column::Categorical { categories, .. }) => categories.len(),
            _ => 1,
        }
    }
}

/// Centre and scale of a numeric term on the rows it was fitted on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Standardisation {
    pub(crate) center: f64,
    pub(crate) scale: f64,
}

impl Standardisation {
    /// Mean and population standard deviation; a constant column gets scale 1 so it encodes as 0.
    pub(crate) fn of(values: impl Iterator<Item = f64> + Clone) -> Self {
        let n = values.clone().count() as f64;
        let center = values.clone().sum::<f64>() / n;
        let variance = values.map(|v| (v - center) * (v - center)).sum::<f64>() / n;
        let scale = variance.sqrt();
        Standardisation {
            center,
            scale: if scale > 0.0 { scale } else { 1.0 },
        }
    }
}

/// A design matrix with the standardisation of each numeric term (None for one-hot terms).
pub(crate) struct Design {
    pub(crate) x: Array2<f64>,
    pub(crate) standardisations: Vec<Option<Standardisation>>,
    /// Penalty multiplier per design column.
    pub(crate) penalty_scale: Array1<f64>,
}

/// Transformed value of a numeric candidate for one row.
fn transformed(candidate: Candidate, columns: &[Column], row: usize) -> f64 {
    match (candidate, &columns[candidate.attribute()]) {
        (Candidate::Numeric { transform, .. }, Column::Numeric(values)) => transform.apply(values[row]),
        _ => unreachable!("numeric candidates are built only for numeric columns"),
    }
}

/// Builds the design for `rows`, standardising with `fit_rows` (the rows the fit learns from).
pub(crate) fn build(
    candidates: &[Candidate],
    columns: &[Column],
    rows: &[usize],
    fit_rows: &[usize],
    one_hot_penalty: f64,
) -> Design {
    let width: usize = candidates.iter().map(|c| c.width(columns)).sum();
    let mut x = Array2::zeros((rows.len(), width));
    let mut penalty_scale = Array1::ones(width);
    let mut standardisations = Vec::with_capacity(candidates.len());
    let mut offset = 0;
    for &candidate in candidates {
        match (candidate, &columns[candidate.attribute()]) {
            (Candidate::Numeric { .. }, _) => {
                let s = Standardisation::of(fit_rows.iter().map(|&r| transformed(candidate, columns, r)));
                for (i, &row) in rows.iter().enumerate() {
                    x[[i, offset]] = (transformed(candidate, columns, row) - s.center) / s.scale;
                }
                standardisations.push(Some(s));
            }
            (Candidate::OneHot { .. }, Column::Categorical { codes, .. }) => {
                for (i, &row) in rows.iter().enumerate() {
                    x[[i, offset + codes[row]]] = 1.0;
                }
                for j in 0..candidate.width(columns) {
                    penalty_scale[offset + j] = one_hot_penalty;
                }
                standardisations.push(None);
            }
            (Candidate::OneHot { .. }, Column::Numeric(_)) => {
                unreachable!("one-hot candidates are built only for categorical columns")
            }
        }
        offset += candidate.width(columns);
    }
    Design {
        x,
        standardisations,
        penalty_scale,
    }
}
