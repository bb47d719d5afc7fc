//! Quotes: a price with its range, the reasons for it, and warnings about extrapolation.

use serde::Serialize;

use crate::car::{Car, Slot};
use crate::document::AttributeKind;
use crate::error::CarError;
use crate::model::Model;
use crate::transform::Transform;

/// What the model says about one car.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote<'m> {
    /// Model version that priced the car.
    pub model_version: &'m str,
    /// The price.
    pub price: f64,
    /// The prediction interval around the price.
    pub interval: PriceRange,
    /// Price of the model's reference car (every attribute at its default).
    pub reference_price: f64,
    /// How the price follows from the reference price: one entry per attribute, in model order.
    /// For a log-target model the factors multiply (`price = reference_price × Π factor`); for an
    /// identity target the dollar amounts add. An attribute's entry is the change of its terms from
    /// the reference car; an interaction term's change is split in equal halves between its two
    /// attributes (half to the first factor's, the exact remainder to the second's), so the entries
    /// still rebuild the price.
    pub contributions: Vec<Contribution<'m>>,
    /// Values unlike anything seen in training: the price is an extrapolation.
    pub extrapolations: Vec<Extrapolation<'m>>,
}

/// A range the true price falls in with the stated probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PriceRange {
    /// Coverage, e.g. 0.8 for 80%.
    pub level: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// How one attribute moves the price away from the reference car's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Contribution<'m> {
    /// Attribute name.
    pub attribute: &'m str,
    /// The effect.
    #[serde(flatten)]
    pub effect: Effect,
}

/// The size of a contribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Multiplies the price (log-target models); 1.0 means no change.
    Factor(f64),
    /// Adds to the price (identity-target models); 0.0 means no change.
    Dollars(f64),
}

impl Effect {
    /// The effect as a signed fraction of the price it acts on when multiplicative (`0.12` = +12%),
    /// or in dollars when additive: a single number to rank and chart contributions by.
    pub fn signed_size(self) -> f64 {
        match self {
            Effect::Factor(f) => f - 1.0,
            Effect::Dollars(d) => d,
        }
    }
}

/// A value unlike the training data, so the price is an extrapolation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Extrapolation<'m> {
    /// A number outside the training range.
    OutOfRange {
        /// Attribute name.
        attribute: &'m str,
        /// Value given.
        value: f64,
        /// Smallest training value.
        min: f64,
        /// Largest training value.
        max: f64,
    },
    /// A category of the data set that no training row had; it moves the price by nothing.
    UntrainedCategory {
        /// Attribute name.
        attribute: &'m str,
        /// The category.
        category: &'m str,
    },
}

impl Extrapolation<'_> {
    /// The attribute concerned.
    pub fn attribute(&self) -> &str {
        match self {
            Extrapolation::OutOfRange { attribute, .. }
            | Extrapolation::UntrainedCategory { attribute, .. } => attribute,
        }
    }
}

impl Model {
    /// Prices a checked car and explains the price.
    ///
    /// # Errors
    /// [`CarError::OutOfBounds`] when the price is not a finite positive number.
    pub fn quote(&self, car: &Car) -> Result<Quote<'_>, CarError> {
        let (eta, deltas) = self.explain(car);
        let price = self.price_from_predictor(car, eta)?;
        let document = self.document();
        let transform = self.target();
        let interval = PriceRange {
            level: document.interval.level,
            low: transform.invert(eta + document.interval.lower),
            high: transform.invert(eta + document.interval.upper),
        };
        let contributions = deltas
            .into_iter()
            .zip(&document.attributes)
            .map(|(delta, attribute)| Contribution {
                attribute: &attribute.name,
                effect: match transform {
                    Transform::Log => Effect::Factor(libm::exp(delta)),
                    Transform::Identity => Effect::Dollars(delta),
                },
            })
            .collect();
        let extrapolations = self
            .compiled_attributes()
            .iter()
            .zip(&car.slots)
            .zip(&document.attributes)
            .filter_map(|((compiled, slot), attribute)| {
                match (slot, compiled.range(), &attribute.kind) {
                    (Slot::Number(x), Some((min, max)), _) if *x < min || *x > max => {
                        Some(Extrapolation::OutOfRange {
                            attribute: &attribute.name,
                            value: *x,
                            min,
                            max,
                        })
                    }
                    (Slot::Category(i), _, AttributeKind::Categorical { categories, .. })
                        if compiled.is_untrained(*i) =>
                    {
                        Some(Extrapolation::UntrainedCategory {
                            attribute: &attribute.name,
                            category: &categories[*i as usize],
                        })
                    }
                    _ => None,
                }
            })
            .collect();
        Ok(Quote {
            model_version: &document.version,
            price,
            interval,
            reference_price: self.reference_price(),
            contributions,
            extrapolations,
        })
    }
}
