//! Quotes: a price with its range, the reasons for it, and warnings about extrapolation.
//!
//! A quote borrows its names from the model that priced it; one read from JSON (see
//! [`Quote::from_json`]) owns them, as [`Quote::into_owned`] makes any quote do.

mod read;

use std::borrow::Cow;

use serde::Serialize;

use crate::car::{Car, Slot};
use crate::document::AttributeKind;
use crate::error::CarError;
use crate::model::Model;
use crate::priceable::{pushes_up, sane};
use crate::transform::Transform;

/// What the model says about one car.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote<'m> {
    /// Model version that priced the car.
    pub model_version: Cow<'m, str>,
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
    /// Attributes whose value was missing and priced at the model's default (format 1.1; omitted
    /// when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imputed: Vec<Cow<'m, str>>,
}

impl Quote<'_> {
    /// The same quote, owning its names (to keep it beyond the model that priced it).
    pub fn into_owned(self) -> Quote<'static> {
        Quote {
            model_version: Cow::Owned(self.model_version.into_owned()),
            price: self.price,
            interval: self.interval,
            reference_price: self.reference_price,
            contributions: self
                .contributions
                .into_iter()
                .map(|c| Contribution {
                    attribute: Cow::Owned(c.attribute.into_owned()),
                    effect: c.effect,
                })
                .collect(),
            extrapolations: self
                .extrapolations
                .into_iter()
                .map(Extrapolation::into_owned)
                .collect(),
            imputed: self
                .imputed
                .into_iter()
                .map(|name| Cow::Owned(name.into_owned()))
                .collect(),
        }
    }
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution<'m> {
    /// Attribute name.
    pub attribute: Cow<'m, str>,
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Extrapolation<'m> {
    /// A number outside the training range.
    OutOfRange {
        /// Attribute name.
        attribute: Cow<'m, str>,
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
        attribute: Cow<'m, str>,
        /// The category.
        category: Cow<'m, str>,
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

    /// The same warning, owning its names.
    pub fn into_owned(self) -> Extrapolation<'static> {
        match self {
            Extrapolation::OutOfRange {
                attribute,
                value,
                min,
                max,
            } => Extrapolation::OutOfRange {
                attribute: Cow::Owned(attribute.into_owned()),
                value,
                min,
                max,
            },
            Extrapolation::UntrainedCategory {
                attribute,
                category,
            } => Extrapolation::UntrainedCategory {
                attribute: Cow::Owned(attribute.into_owned()),
                category: Cow::Owned(category.into_owned()),
            },
        }
    }
}

impl Model {
    /// Prices a checked car and explains the price.
    ///
    /// Every number in a quote is finite, and its price, interval ends and factors are above 0.
    ///
    /// # Errors
    /// [`CarError::OutOfBounds`], naming the attribute outside its range responsible, when the
    /// price, an interval end or a contribution would not be such a number.
    pub fn quote(&self, car: &Car) -> Result<Quote<'_>, CarError> {
        let (eta, deltas) = self.explain(car);
        let document = self.document();
        let transform = self.target();
        let price = transform.invert(eta);
        let low = transform.invert(eta + document.interval.lower);
        let high = transform.invert(eta + document.interval.upper);
        if let Some(bad) = [price, low, high].into_iter().find(|x| !sane(*x)) {
            return Err(self.out_of_bounds(car, &deltas, pushes_up(bad), None));
        }
        let mut contributions = Vec::with_capacity(deltas.len());
        for (i, (delta, attribute)) in deltas.iter().zip(&document.attributes).enumerate() {
            let effect = match transform {
                Transform::Log => Effect::Factor(libm::exp(*delta)),
                Transform::Identity => Effect::Dollars(*delta),
            };
            let fine = match effect {
                Effect::Factor(f) => sane(f),
                Effect::Dollars(d) => d.is_finite(),
            };
            if !fine {
                return Err(self.out_of_bounds(car, &deltas, pushes_up(*delta), Some(i)));
            }
            contributions.push(Contribution {
                attribute: Cow::Borrowed(&attribute.name),
                effect,
            });
        }
        let interval = PriceRange {
            level: document.interval.level,
            low,
            high,
        };
        let extrapolations = self.extrapolations(car).collect();
        Ok(Quote {
            model_version: Cow::Borrowed(&document.version),
            price,
            interval,
            reference_price: self.reference_price(),
            contributions,
            extrapolations,
            imputed: car
                .imputed
                .iter()
                .map(|&i| Cow::Borrowed(document.attributes[i].name.as_str()))
                .collect(),
        })
    }

    /// The car's values unlike anything seen in training, in model order: numbers outside their
    /// training range and categories no training row had.
    pub(crate) fn extrapolations<'m, 'c>(
        &'m self,
        car: &'c Car,
    ) -> impl Iterator<Item = Extrapolation<'m>> + use<'m, 'c> {
        let document = self.document();
        self.compiled_attributes()
            .iter()
            .zip(&car.slots)
            .zip(&document.attributes)
            .filter_map(|((compiled, slot), attribute)| {
                match (slot, compiled.range(), &attribute.kind) {
                    (Slot::Number(x), Some((min, max)), _) if *x < min || *x > max => {
                        Some(Extrapolation::OutOfRange {
                            attribute: Cow::Borrowed(&attribute.name),
                            value: *x,
                            min,
                            max,
                        })
                    }
                    (Slot::Category(i), _, AttributeKind::Categorical { categories, .. })
                        if compiled.is_untrained(*i) =>
                    {
                        Some(Extrapolation::UntrainedCategory {
                            attribute: Cow::Borrowed(&attribute.name),
                            category: Cow::Borrowed(&categories[*i as usize]),
                        })
                    }
                    _ => None,
                }
            })
    }
}
