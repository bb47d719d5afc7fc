//! Candidate terms and the design matrices built from them.

use ndarray::{Array1, Array2};

use crate::transform::Transform;

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
    Numeric {
        attribute: usize,
        transform: Transform,
    },
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

/// Centre and scale of a design column on the training rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Standardisation {
    pub(crate) center: f64,
    pub(crate) scale: f64,
}

impl Standardisation {
    /// Mean and population standard deviation; a constant column gets scale 1 so it encodes as 0.
    pub(crate) fn of(values: &[f64]) -> Self {
        let n = values.len() as f64;
        let center = values.iter().sum::<f64>() / n;
        let variance = values
            .iter()
            .map(|v| (v - center) * (v - center))
            .sum::<f64>()
            / n;
        let scale = variance.sqrt();
        Standardisation {
            center,
            scale: if scale > 0.0 { scale } else { 1.0 },
        }
    }
}

/// How a candidate's design columns were scaled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Encoding {
    /// One standardised column of the transformed number.
    Numeric(Standardisation),
    /// One indicator column per category, each divided by its standard deviation (not centred here;
    /// the ridge fit centres every column and the intercept absorbs it).
    OneHot(Vec<f64>),
}

/// A design matrix over the training rows.
pub(crate) struct Design {
    pub(crate) x: Array2<f64>,
    pub(crate) encodings: Vec<Encoding>,
    /// Whether each design column is a category indicator.
    indicator: Vec<bool>,
}

impl Design {
    /// Per-column penalty factors: 1 for numbers, `category_penalty` for indicators.
    pub(crate) fn penalty(&self, category_penalty: f64) -> Array1<f64> {
        self.indicator
            .iter()
            .map(|&is| if is { category_penalty } else { 1.0 })
            .collect()
    }
}

/// Builds the design of `candidates` over every row of `columns`.
pub(crate) fn build(candidates: &[Candidate], columns: &[Column]) -> Design {
    let rows = match columns.first() {
        Some(Column::Numeric(values)) => values.len(),
        Some(Column::Categorical { codes, .. }) => codes.len(),
        None => 0,
    };
    let width: usize = candidates.iter().map(|c| c.width(columns)).sum();
    let mut x = Array2::zeros((rows, width));
    let mut indicator = vec![false; width];
    let mut encodings = Vec::with_capacity(candidates.len());
    let mut offset = 0;
    for &candidate in candidates {
        match (candidate, &columns[candidate.attribute()]) {
            (Candidate::Numeric { transform, .. }, Column::Numeric(values)) => {
                let transformed: Vec<f64> = values.iter().map(|v| transform.apply(*v)).collect();
                let s = Standardisation::of(&transformed);
                for (i, t) in transformed.iter().enumerate() {
                    x[[i, offset]] = (t - s.center) / s.scale;
                }
                encodings.push(Encoding::Numeric(s));
            }
            (Candidate::OneHot { .. }, Column::Categorical { categories, codes }) => {
                let scales: Vec<f64> = (0..categories.len())
                    .map(|c| {
                        let indicator: Vec<f64> =
                            codes.iter().map(|&k| f64::from(u8::from(k == c))).collect();
                        Standardisation::of(&indicator).scale
                    })
                    .collect();
                for (i, &code) in codes.iter().enumerate() {
                    x[[i, offset + code]] = 1.0 / scales[code];
                }
                indicator[offset..offset + categories.len()].fill(true);
                encodings.push(Encoding::OneHot(scales));
            }
            _ => unreachable!("candidates are built to match their column kinds"),
        }
        offset += candidate.width(columns);
    }
    Design {
        x,
        encodings,
        indicator,
    }
}
