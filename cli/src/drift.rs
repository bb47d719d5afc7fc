//! Input drift: the population stability index (PSI) of the values quotes took for an attribute,
//! against the share of training rows the model recorded (its `deciles` for numbers, its
//! `frequencies` for categories and yes/no attributes).
//!
//! PSI = Σ over bins of (observed share − expected share) × ln(observed share / expected share)
//! (Siddiqi, *Credit Risk Scorecards*, Wiley 2006, ch. 8: below 0.1 no significant shift, 0.1 to
//! 0.25 a moderate one, above 0.25 a significant one). A share of 0 is counted as
//! [`EMPTY_SHARE`] so that an empty bin gives a large, finite index.

use model_core::{parse_number, parse_yes_no, AttributeKind};
use serde::Serialize;

use carprice_registry::telemetry::CarValue;

/// The share an empty bin counts as (observed or expected).
pub const EMPTY_SHARE: f64 = 1e-4;

/// The training distribution of one attribute as bins a value falls in.
#[derive(Debug, Clone, PartialEq)]
pub enum Bins {
    /// Numbers: bin `i` is `(edges[i-1], edges[i]]`, the first `(-∞, edges[0]]`, the last
    /// `(edges[last], ∞)`.
    Numeric {
        /// Distinct deciles, ascending.
        edges: Vec<f64>,
        /// Expected share per bin (`edges.len() + 1` bins).
        expected: Vec<f64>,
    },
    /// Categories, then one bin for values that are no category.
    Categorical {
        /// The model's categories.
        categories: Vec<String>,
        /// Expected share per category, then 0 for unknown values.
        expected: Vec<f64>,
    },
    /// No, yes.
    YesNo {
        /// Expected shares `[no, yes]`.
        expected: Vec<f64>,
    },
}

/// The PSI of one attribute and how many values it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    /// Values of the attribute found in the quotes (binned).
    pub values: usize,
    /// Values that could not be read for the attribute's kind (not binned).
    pub unreadable: usize,
    /// The index; `None` when no value was binned.
    pub psi: Option<f64>,
}

impl Bins {
    /// The bins of an attribute, or `None` when the model recorded no training distribution for
    /// it (a format 1.0 model).
    ///
    /// Numbers: deciles d1..d9 leave 10% of training rows in each of 10 bins; equal deciles
    /// (a value many rows share) merge their bins, whose expected share adds up.
    pub fn of(kind: &AttributeKind) -> Option<Bins> {
        match kind {
            AttributeKind::Numeric { deciles, .. } if deciles.len() == 9 => {
                let mut edges: Vec<f64> = Vec::new();
                let mut expected: Vec<f64> = Vec::new();
                let mut below = 0.0;
                for (k, &d) in deciles.iter().enumerate() {
                    let share_to_here = (k + 1) as f64 / 10.0;
                    if edges.last() == Some(&d) {
                        *expected.last_mut().expect("a bin per edge") += share_to_here - below;
                    } else {
                        edges.push(d);
                        expected.push(share_to_here - below);
                    }
                    below = share_to_here;
                }
                expected.push(1.0 - below);
                Some(Bins::Numeric { edges, expected })
            }
            AttributeKind::Categorical {
                categories,
                frequencies,
                ..
            } if !frequencies.is_empty() => Some(Bins::Categorical {
                categories: categories.clone(),
                expected: frequencies.iter().copied().chain([0.0]).collect(),
            }),
            AttributeKind::YesNo { frequencies, .. } if frequencies.len() == 2 => {
                Some(Bins::YesNo {
                    expected: frequencies.clone(),
                })
            }
            _ => None,
        }
    }

    /// The bin of a value, or `None` when it cannot be read as the attribute's kind (a text that
    /// is no number, for a number).
    pub fn bin(&self, value: &CarValue) -> Option<usize> {
        match self {
            Bins::Numeric { edges, .. } => {
                let x = match value {
                    CarValue::Number(x) => *x,
                    CarValue::Text(text) => parse_number(text.trim())?,
                    CarValue::Flag(_) => return None,
                };
                Some(edges.partition_point(|&edge| edge < x))
            }
            Bins::Categorical { categories, .. } => {
                let text = match value {
                    CarValue::Text(text) => text.clone(),
                    CarValue::Number(x) => model_core::format_number(*x),
                    CarValue::Flag(flag) => flag.to_string(),
                };
                Some(
                    categories
                        .iter()
                        .position(|c| *c == text)
                        .unwrap_or(categories.len()),
                )
            }
            Bins::YesNo { .. } => {
                let yes = match value {
                    CarValue::Flag(flag) => *flag,
                    CarValue::Text(text) => parse_yes_no(text)?,
                    CarValue::Number(x) if *x == 0.0 || *x == 1.0 => *x == 1.0,
                    CarValue::Number(_) => return None,
                };
                Some(usize::from(yes))
            }
        }
    }

    fn expected(&self) -> &[f64] {
        match self {
            Bins::Numeric { expected, .. }
            | Bins::Categorical { expected, .. }
            | Bins::YesNo { expected } => expected,
        }
    }

    /// The drift of `values` (each value of the attribute found in a quote).
    pub fn drift<'a>(&self, values: impl IntoIterator<Item = &'a CarValue>) -> Drift {
        let expected = self.expected();
        let mut counts = vec![0usize; expected.len()];
        let mut unreadable = 0;
        for value in values {
            match self.bin(value) {
                Some(bin) => counts[bin] += 1,
                None => unreadable += 1,
            }
        }
        let binned: usize = counts.iter().sum();
        Drift {
            values: binned,
            unreadable,
            psi: (binned > 0).then(|| psi(expected, &counts)),
        }
    }
}

/// The population stability index of observed bin counts against expected bin shares.
pub fn psi(expected: &[f64], observed: &[usize]) -> f64 {
    let total: usize = observed.iter().sum();
    expected
        .iter()
        .zip(observed)
        .map(|(&e, &n)| {
            let e = e.max(EMPTY_SHARE);
            let o = (n as f64 / total as f64).max(EMPTY_SHARE);
            (o - e) * (o / e).ln()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(deciles: &[f64]) -> AttributeKind {
        AttributeKind::Numeric {
            unit: String::new(),
            min: 0.0,
            max: 100.0,
            default: 50.0,
            integer: false,
            positive: true,
            deciles: deciles.to_vec(),
        }
    }

    #[test]
    fn equal_deciles_merge_their_bins() {
        let bins = Bins::of(&numeric(&[1.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])).unwrap();
        let Bins::Numeric { edges, expected } = &bins else {
            panic!("numeric bins")
        };
        assert_eq!(edges, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        let rounded: Vec<f64> = expected.iter().map(|e| (e * 10.0).round() / 10.0).collect();
        assert_eq!(rounded, [0.1, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
        // A value on an edge belongs to the bin the edge closes.
        assert_eq!(bins.bin(&CarValue::Number(2.0)), Some(1));
        assert_eq!(bins.bin(&CarValue::Number(2.5)), Some(2));
        assert_eq!(bins.bin(&CarValue::Number(99.0)), Some(7));
        assert_eq!(bins.bin(&CarValue::Text("0.5".into())), Some(0));
        assert_eq!(bins.bin(&CarValue::Flag(true)), None);
    }

    #[test]
    fn psi_is_zero_for_the_training_shares_and_grows_with_a_shift() {
        assert_eq!(psi(&[0.25, 0.75], &[25, 75]), 0.0);
        // Hand computed: (0.5-0.25)ln(2) + (0.5-0.75)ln(2/3) = 0.1733 + 0.1014 = 0.2747.
        let shifted = psi(&[0.25, 0.75], &[50, 50]);
        assert!((shifted - 0.274_653).abs() < 1e-6, "{shifted}");
        // An empty bin counts as a share of 1e-4: (1e-4 - 0.5) ln(1e-4/0.5) + (1 - 0.5) ln(2).
        let empty = psi(&[0.5, 0.5], &[0, 10]);
        let expected = (1e-4 - 0.5) * (1e-4f64 / 0.5).ln() + 0.5 * 2f64.ln();
        assert!((empty - expected).abs() < 1e-12);
    }

    #[test]
    fn categories_and_yes_no_values_find_their_bins() {
        let kind = AttributeKind::Categorical {
            categories: vec!["audi".into(), "bmw".into()],
            default: "audi".into(),
            untrained: vec![],
            labels: vec![],
            frequencies: vec![0.5, 0.5],
        };
        let bins = Bins::of(&kind).unwrap();
        assert_eq!(bins.bin(&CarValue::Text("bmw".into())), Some(1));
        assert_eq!(bins.bin(&CarValue::Text("tesla".into())), Some(2));
        let yes_no = Bins::of(&AttributeKind::YesNo {
            default: false,
            frequencies: vec![0.8, 0.2],
        })
        .unwrap();
        assert_eq!(yes_no.bin(&CarValue::Flag(true)), Some(1));
        assert_eq!(yes_no.bin(&CarValue::Text("No".into())), Some(0));
        assert_eq!(yes_no.bin(&CarValue::Number(1.0)), Some(1));
        assert_eq!(yes_no.bin(&CarValue::Number(2.0)), None);
        let drift = yes_no.drift(&[CarValue::Flag(true), CarValue::Text("maybe".into())]);
        assert_eq!((drift.values, drift.unreadable), (1, 1));
    }
}
