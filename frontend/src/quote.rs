//! A quote the app can keep and show: owned, so it can come from the browser's model or, in
//! endpoint mode, from `POST /api/score` (the JSON of a `model_core::Quote`).

use model_core::{CarDescription, Effect, Extrapolation, Quote};
use serde::{Deserialize, Serialize};

/// A priced car, as shown on screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteView {
    /// Model version that priced the car.
    pub model_version: String,
    /// The price in dollars.
    pub price: f64,
    /// The prediction interval.
    pub interval: RangeView,
    /// Price of the model's reference car.
    pub reference_price: f64,
    /// Per-attribute effects, in model order.
    pub contributions: Vec<ContributionView>,
    /// Values unlike the training data.
    pub extrapolations: Vec<ExtrapolationView>,
}

/// A price range with its coverage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RangeView {
    /// Coverage, e.g. 0.8.
    pub level: f64,
    /// Lower end in dollars.
    pub low: f64,
    /// Upper end in dollars.
    pub high: f64,
}

/// How one attribute moves the price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContributionView {
    /// Attribute name.
    pub attribute: String,
    /// The effect, as in `model_core::Effect`.
    #[serde(flatten)]
    pub effect: EffectView,
}

/// The owned, deserialisable twin of `model_core::Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectView {
    /// Multiplies the price.
    Factor(f64),
    /// Adds dollars to the price.
    Dollars(f64),
}

impl From<EffectView> for Effect {
    fn from(effect: EffectView) -> Effect {
        match effect {
            EffectView::Factor(f) => Effect::Factor(f),
            EffectView::Dollars(d) => Effect::Dollars(d),
        }
    }
}

/// The owned, deserialisable twin of `model_core::Extrapolation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExtrapolationView {
    /// A number outside the training range.
    OutOfRange {
        /// Attribute name.
        attribute: String,
        /// Value given.
        value: f64,
        /// Smallest training value.
        min: f64,
        /// Largest training value.
        max: f64,
    },
    /// A category no training car had.
    UntrainedCategory {
        /// Attribute name.
        attribute: String,
        /// The category.
        category: String,
    },
}

impl ExtrapolationView {
    /// The attribute concerned.
    pub fn attribute(&self) -> &str {
        match self {
            ExtrapolationView::OutOfRange { attribute, .. }
            | ExtrapolationView::UntrainedCategory { attribute, .. } => attribute,
        }
    }
}

impl From<&Quote<'_>> for QuoteView {
    fn from(quote: &Quote<'_>) -> QuoteView {
        QuoteView {
            model_version: quote.model_version.to_string(),
            price: quote.price,
            interval: RangeView {
                level: quote.interval.level,
                low: quote.interval.low,
                high: quote.interval.high,
            },
            reference_price: quote.reference_price,
            contributions: quote
                .contributions
                .iter()
                .map(|c| ContributionView {
                    attribute: c.attribute.to_string(),
                    effect: match c.effect {
                        Effect::Factor(f) => EffectView::Factor(f),
                        Effect::Dollars(d) => EffectView::Dollars(d),
                    },
                })
                .collect(),
            extrapolations: quote
                .extrapolations
                .iter()
                .map(|e| match *e {
                    Extrapolation::OutOfRange {
                        attribute,
                        value,
                        min,
                        max,
                    } => ExtrapolationView::OutOfRange {
                        attribute: attribute.to_string(),
                        value,
                        min,
                        max,
                    },
                    Extrapolation::UntrainedCategory {
                        attribute,
                        category,
                    } => ExtrapolationView::UntrainedCategory {
                        attribute: attribute.to_string(),
                        category: category.to_string(),
                    },
                })
                .collect(),
        }
    }
}

/// Body of `POST /api/score` in its named form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRequest<'a> {
    /// The cars to price.
    pub cars: Vec<&'a CarDescription>,
}

/// Answer of `POST /api/score` to the named form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScoreResponse {
    /// Model version that priced the cars.
    pub model_version: String,
    /// One quote per car, in request order.
    pub quotes: Vec<QuoteView>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{categorical, model, numeric};

    #[test]
    fn a_served_quote_reads_back_as_the_local_one() {
        let model = model();
        let (category, value, untrained) = categorical(&model);
        let (name, _, max, _) = numeric(&model, 0, false);
        let mut car = model.default_description();
        car.set(category.name.clone(), untrained.unwrap_or(value).as_str());
        car.set(name, max * 1.2 + 1.0);
        let quote = model.quote(&model.car(&car).unwrap()).unwrap();
        assert!(!quote.extrapolations.is_empty());
        let served = format!(
            r#"{{"model_version": "{}", "quotes": [{}]}}"#,
            quote.model_version,
            serde_json::to_string(&quote).unwrap()
        );
        let response: ScoreResponse = serde_json::from_str(&served).unwrap();
        assert_eq!(response.quotes, vec![QuoteView::from(&quote)]);
        assert_eq!(response.model_version, quote.model_version);
    }

    #[test]
    fn a_score_request_names_every_attribute() {
        let model = model();
        let car = model.default_description();
        let body = serde_json::to_value(ScoreRequest { cars: vec![&car] }).unwrap();
        assert_eq!(
            body["cars"][0].as_object().unwrap().len(),
            model.attributes().len()
        );
    }
}
