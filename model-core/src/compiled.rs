//! The compiled pricing form of a model: attributes and terms reduced to the arithmetic pricing does.

use crate::car::{AttributeValue, Car, Slot};
use crate::cells::{parse_yes_no, trim};
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
            (_, AttributeValue::Text(text)) => self.text_slot(attribute, text),
            (AttributeKind::Categorical { .. }, AttributeValue::Number(x)) => {
                Err(CarError::NotACategory {
                    attribute: self.name.clone(),
                    value: *x,
                })
            }
            (AttributeKind::YesNo { .. }, AttributeValue::Number(x)) => match *x {
                0.0 => Ok(Slot::Category(0)),
                1.0 => Ok(Slot::Category(1)),
                _ => Err(CarError::NotYesNo {
                    attribute: self.name.clone(),
                    value: format_number(*x),
                }),
            },
        }
    }

    /// Checks one value given as text (a numeric attribute reads numeric text, as in a CSV).
    pub(crate) fn text_slot(&self, attribute: &Attribute, text: &str) -> Result<Slot, CarError> {
        match &attribute.kind {
            AttributeKind::Numeric { .. } => {
                let x = crate::parse_number(trim(text)).ok_or_else(|| CarError::NotANumber {
                    attribute: self.name.clone(),
                    value: text.to_string(),
                })?;
                self.number(x, || text.to_string())
            }
            AttributeKind::Categorical { categories, .. } => categories
                .iter()
                .position(|c| c == text)
                .map(|i| Slot::Category(i as u32))
                .ok_or_else(|| CarError::UnknownCategory {
                    attribute: self.name.clone(),
                    value: text.to_string(),
                    known: categories.join(", "),
                }),
            AttributeKind::YesNo { .. } => parse_yes_no(text)
                .map(|yes| Slot::Category(u32::from(yes)))
                .ok_or_else(|| CarError::NotYesNo {
                    attribute: self.name.clone(),
                    value: text.to_string(),
                }),
        }
    }

    /// The slot of a cell's text (not missing) when [`Self::text_slot`] accepts it, else `None`
    /// (then [`Self::text_slot`] says why): the common case, without building an error.
    #[inline]
    pub(crate) fn valid_text_slot(&self, attribute: &Attribute, text: &str) -> Option<Slot> {
        match &attribute.kind {
            AttributeKind::Numeric { .. } => crate::parse_number(trim(text))
                .filter(|x| x.is_finite() && !(self.must_be_positive && *x <= 0.0))
                .map(Slot::Number),
            AttributeKind::Categorical { categories, .. } => categories
                .iter()
                .position(|c| c == text)
                .map(|i| Slot::Category(i as u32)),
            AttributeKind::YesNo { .. } => {
                parse_yes_no(text).map(|yes| Slot::Category(u32::from(yes)))
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
    /// `weight * f1 * f2`.
    Interaction {
        factors: [CompiledFactor; 2],
        weight: f64,
    },
}

/// One factor of an interaction: `(value - center) / scale`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompiledFactor {
    pub(crate) attribute: usize,
    pub(crate) value: FactorValue,
    pub(crate) center: f64,
    pub(crate) scale: f64,
}

/// What a factor reads from its attribute.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FactorValue {
    /// `transform(x)` of a number.
    Number(Transform),
    /// `1[x = category]`.
    Indicator(u32),
}

impl CompiledFactor {
    fn value(&self, slots: &[Slot]) -> f64 {
        self.value_of(slots[self.attribute])
    }

    /// The factor for its attribute's checked value.
    #[inline]
    pub(crate) fn value_of(&self, slot: Slot) -> f64 {
        let raw = match (self.value, slot) {
            (FactorValue::Number(transform), Slot::Number(x)) => transform.apply(x),
            (FactorValue::Indicator(category), Slot::Category(i)) => {
                f64::from(u8::from(i == category))
            }
            _ => unreachable!(
                "slots are built from the attribute kinds the factors were checked against"
            ),
        };
        (raw - self.center) / self.scale
    }
}

impl CompiledTerm {
    /// The attributes the term reads: one, or two for an interaction.
    pub(crate) fn attributes(&self) -> (usize, Option<usize>) {
        match self {
            CompiledTerm::Numeric { attribute, .. }
            | CompiledTerm::Categorical { attribute, .. } => (*attribute, None),
            CompiledTerm::Interaction { factors, .. } => {
                (factors[0].attribute, Some(factors[1].attribute))
            }
        }
    }

    /// The term's input for a car: the transformed number, the category index, or the product of
    /// an interaction's factors.
    pub(crate) fn input(&self, slots: &[Slot]) -> f64 {
        match self {
            CompiledTerm::Numeric {
                attribute,
                transform,
                ..
            } => match slots[*attribute] {
                Slot::Number(x) => transform.apply(x),
                Slot::Category(_) => unreachable!(
                    "slots are built from the attribute kinds the terms were checked against"
                ),
            },
            CompiledTerm::Categorical { attribute, .. } => match slots[*attribute] {
                Slot::Category(i) => f64::from(i),
                Slot::Number(_) => unreachable!(
                    "slots are built from the attribute kinds the terms were checked against"
                ),
            },
            CompiledTerm::Interaction { factors, .. } => {
                factors[0].value(slots) * factors[1].value(slots)
            }
        }
    }

    /// The input of a term for the checked values of its attributes (`second` is read only by an
    /// interaction).
    #[inline]
    pub(crate) fn input_of(&self, slot: Slot, second: Slot) -> f64 {
        match (self, slot) {
            (CompiledTerm::Interaction { factors, .. }, _) => {
                factors[0].value_of(slot) * factors[1].value_of(second)
            }
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
            CompiledTerm::Interaction { weight, .. } => weight * input,
        }
    }
}

/// Completes a car from its checked slots by computing every term's input.
pub(crate) fn assemble(terms: &[CompiledTerm], slots: Vec<Slot>) -> Car {
    let inputs = terms.iter().map(|term| term.input(&slots)).collect();
    Car {
        slots,
        inputs,
        imputed: Vec::new(),
    }
}
