//! A quote the app can keep and show: owned, so it can come from the browser's model or, in
//! endpoint mode, from `POST /api/score` (the JSON of a `model_core::Quote`).

use model_core::json::{write_string, Fields, Json, JsonError};
use model_core::{format_number, AttributeValue, CarDescription, Effect, Extrapolation, Quote};

/// A priced car, as shown on screen.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeView {
    /// Coverage, e.g. 0.8.
    pub level: f64,
    /// Lower end in dollars.
    pub low: f64,
    /// Upper end in dollars.
    pub high: f64,
}

/// How one attribute moves the price.
#[derive(Debug, Clone, PartialEq)]
pub struct ContributionView {
    /// Attribute name.
    pub attribute: String,
    /// The effect, as in `model_core::Effect`.
    pub effect: EffectView,
}

/// The owned, readable twin of `model_core::Effect`.
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// The owned, readable twin of `model_core::Extrapolation`.
#[derive(Debug, Clone, PartialEq)]
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

impl QuoteView {
    /// Reads a quote as `POST /api/score` serves it (the JSON of a `model_core::Quote`).
    ///
    /// # Errors
    /// [`JsonError::Shape`] naming the first missing or mistyped field.
    pub fn from_fields(fields: &Fields) -> Result<QuoteView, JsonError> {
        let model_version = fields.text("model_version")?;
        let price = fields.number("price")?;
        let range = fields.object("interval")?;
        let interval = RangeView {
            level: range.number("level")?,
            low: range.number("low")?,
            high: range.number("high")?,
        };
        let reference_price = fields.number("reference_price")?;
        let mut contributions = Vec::new();
        for item in fields.objects("contributions")? {
            contributions.push(contribution(&item)?);
        }
        let mut extrapolations = Vec::new();
        for item in fields.objects("extrapolations")? {
            extrapolations.push(extrapolation(&item)?);
        }
        Ok(QuoteView {
            model_version: model_version.into(),
            price,
            interval,
            reference_price,
            contributions,
            extrapolations,
        })
    }
}

fn contribution(fields: &Fields) -> Result<ContributionView, JsonError> {
    let effect = match fields.optional_number("factor")? {
        Some(factor) => EffectView::Factor(factor),
        None => EffectView::Dollars(fields.number("dollars")?),
    };
    Ok(ContributionView {
        attribute: fields.text("attribute")?.into(),
        effect,
    })
}

fn extrapolation(fields: &Fields) -> Result<ExtrapolationView, JsonError> {
    let attribute = fields.text("attribute")?;
    match fields.text("kind")? {
        "out_of_range" => Ok(ExtrapolationView::OutOfRange {
            value: fields.number("value")?,
            min: fields.number("min")?,
            max: fields.number("max")?,
            attribute: attribute.into(),
        }),
        "untrained_category" => Ok(ExtrapolationView::UntrainedCategory {
            category: fields.text("category")?.into(),
            attribute: attribute.into(),
        }),
        other => Err(JsonError::Shape {
            field: fields.path("kind"),
            problem: format!("is \"{other}\"; expected \"out_of_range\" or \"untrained_category\""),
        }),
    }
}

/// Body of `POST /api/score` in its named form for one car: `{"cars": [{"make": "audi", ...}]}`.
/// Numbers are sent as JSON numbers that read back as exactly the same `f64` (up to 9 decimals).
pub fn score_request(car: &CarDescription) -> String {
    let mut body = String::from("{\"cars\":[{");
    for (i, (name, value)) in car.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        write_string(&mut body, name);
        body.push(':');
        match value {
            AttributeValue::Text(text) => write_string(&mut body, text),
            // Reads back as exactly `x` for numbers with up to 9 decimals, i.e. anything typed.
            AttributeValue::Number(x) => body.push_str(&format_number(*x)),
        }
    }
    body.push_str("}]}");
    body
}

/// The first quote of a `POST /api/score` answer: `{"model_version": ..., "quotes": [...]}`.
///
/// # Errors
/// [`JsonError`] when the answer is not JSON of that shape.
pub fn first_quote(answer: &str) -> Result<Option<QuoteView>, JsonError> {
    let json = Json::parse(answer)?;
    let fields = Fields::of(&json, "")?;
    // Every quote is read, so a malformed answer is refused whole.
    let mut first = None;
    for item in fields.objects("quotes")? {
        let quote = QuoteView::from_fields(&item)?;
        first.get_or_insert(quote);
    }
    Ok(first)
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
        assert_eq!(first_quote(&served), Ok(Some(QuoteView::from(&quote))));
        assert_eq!(first_quote(r#"{"quotes": []}"#), Ok(None));
        assert_eq!(
            first_quote(r#"{"quotes": [{"model_version": "1"}]}"#)
                .unwrap_err()
                .to_string(),
            "`quotes[0].price` is missing"
        );
    }

    #[test]
    fn a_score_request_sends_every_value_as_it_was() {
        let model = model();
        let mut car = model.default_description();
        car.set(numeric(&model, 0, false).0, 2.345);
        car.set("note \"quoted\"", "x");
        let body: serde_json::Value = serde_json::from_str(&score_request(&car)).unwrap();
        let sent = &body["cars"][0];
        assert_eq!(
            sent.as_object().unwrap().len(),
            model.attributes().len() + 1
        );
        // Numbers go as JSON numbers that read back to the same bits; texts as strings.
        let sent: model_core::CarDescription = serde_json::from_value(sent.clone()).unwrap();
        for (name, value) in car.iter() {
            assert_eq!(sent.get(name), Some(value), "{name}");
        }
    }
}
