//! The compiled pricing form of a model: attributes and terms reduced to the arithmetic pricing does.

use crate::car::{AttributeValue, Car, Slot};
use crate::document::{Attribute, AttributeKind};
use crate::error::CarError;
use crate::number::format_number;
use crate::transform::Transform;

/// An attribute with what pricing needs to check a value quickly.
#[derive(Debug, Clone)]
pub(crate) struct CompiledAttribute {
    pub(crate) name: String,
    /// Numbers must be > 0 (physically positive, or read by a log term).
    pub(crate) must_be_positive: bool,
    pub(crate) range: Option<(f64, f64)>,
    /// Per category: whether no training row had it.
    pub(crate) untrained: Vec<bool>,
}

impl CompiledAttribute {
    /// The training range of a numeric attribute.
    pub(crate) fn range(&self) -> Option<(f64, f64)> {
        self.range
    }

    /// Whether a category had no training rows.
    pub(crate) fn is_untrained(&self, category: u32) -> bool {
        self.untrained
            .get(category as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Checks one described value.
    pub(crate) fn slot(
        &self,
        attribute: &Attribute,
        value: &AttributeValue,
    ) -> Result<Slot, CarError> {
        match (&attribute.kind, value) {
            (AttributeKind::Numeric { .. }, AttributeValue::Number(x)) => {
                self.number(*x, || format_number(*x))
            }
            (AttributeKind::Numeric { .. }, AttributeValue::Text(text)) => {
                let x = crate::parse_number(text.trim()).ok_or_else(|| CarError::NotANumber {
                    attribute: self.name.clone(),
                    value: text.clone(),
                })?;
                self.number(x, || text.clone())
            }
            (AttributeKind::Categorical { categories, .. }, AttributeValue::Text(text)) => {
                categories
                    .iter()
                    .position(|c| c == text)
                    .map(|i| Slot::Category(i as u32))
                    .ok_or_else(|| CarError::UnknownCategory {
                        attribute: self.name.clone(),
                        value: text.clone(),
                        known: categories.join(", "),
                    })
            }
            (AttributeKind::Categorical { .. }, AttributeValue::Number(x)) => {
                Err(CarError::NotACategory {
                    attribute: self.name.clone(),
                    value: *x,
                })
            }
        }
    }

    fn number(&self, x: f64, text: impl FnOnce() -> String) -> Result<Slot, CarError> {
        if !x.is_finite() {
            return Err(CarError::NotANumber {
                attribute: self.name.clone(),
                value: text(),
            });
        }
        if self.must_be_positive && x <= 0.0 {
            return Err(CarError::NotPositive {
                attribute: self.name.clone(),
                value: x,
            });
        }
        Ok(Slot::Number(x))
    }
}

/// A term reduced to the arithmetic pricing does.
#[derive(Debug, Clone)]
pub(crate) enum CompiledTerm {
    /// `slope * (transform(x) - center)` with `slope = weight / scale`.
    Numeric {
        attribute: usize,
        transform: Transform,
        center: f64,
        slope: f64,
    },
    /// `weights[category]`.
    Categorical { attribute: usize, weights: Vec<f64> },
}

impl CompiledTerm {
    pub(crate) fn attribute(&self) -> usize {
        match self {
            CompiledTerm::Numeric { attribute, .. }
            | CompiledTerm::Categorical { attribute, .. } => *attribute,
        }
    }

    /// The term's input for a car: the transformed number, or the category index.
    pub(crate) fn input(&self, slots: &[Slot]) -> f64 {
        self.input_of(slots[self.attribute()])
    }

    /// The term's input for its attribute's checked value.
    #[inline]
    pub(crate) fn input_of(&self, slot: Slot) -> f64 {
        match (self, slot) {
            (CompiledTerm::Numeric { transform, .. }, Slot::Number(x)) => transform.apply(x),
            (CompiledTerm::Categorical { .. }, Slot::Category(i)) => f64::from(i),
            _ => unreachable!(
                "slots are built from the attribute kinds the terms were checked against"
            ),
        }
    }

    /// This term's addition to the linear predictor, given its input.
    #[inline]
    pub(crate) fn effect(&self, input: f64) -> f64 {
        match self {
            CompiledTerm::Numeric { center, slope, .. } => slope * (input - center),
            CompiledTerm::Categorical { weights, .. } => weights[input as usize],
        }
    }
}

/// Completes a car from its checked slots by computing every term's input.
pub(crate) fn assemble(terms: &[CompiledTerm], slots: Vec<Slot>) -> Car {
    let inputs = terms.iter().map(|term| term.input(&slots)).collect();
    Car { slots, inputs }
}
