//! Reads a quote back from its JSON (as `POST /api/score` serves it) with the crate's JSON reader.

use std::borrow::Cow;

use super::{Contribution, Effect, Extrapolation, PriceRange, Quote};
use crate::json::{Fields, Json, JsonError};

impl Quote<'static> {
    /// Reads a quote from the JSON [`Quote`] serialises to.
    ///
    /// # Errors
    /// [`JsonError`] for text that is not JSON, or naming the first missing or mistyped field.
    pub fn from_json(text: &str) -> Result<Quote<'static>, JsonError> {
        let json = Json::parse(text)?;
        Quote::from_fields(&Fields::of(&json, "")?)
    }

    /// Reads a quote from a JSON object, e.g. one item of an answer's `quotes` list.
    ///
    /// # Errors
    /// [`JsonError::Shape`] naming the first missing or mistyped field.
    pub fn from_fields(fields: &Fields) -> Result<Quote<'static>, JsonError> {
        let model_version = fields.text("model_version")?;
        let price = fields.number("price")?;
        let range = fields.object("interval")?;
        let interval = PriceRange {
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
        Ok(Quote {
            model_version: owned(model_version),
            price,
            interval,
            reference_price,
            contributions,
            extrapolations,
        })
    }
}

fn owned(text: &str) -> Cow<'static, str> {
    Cow::Owned(text.to_string())
}

fn contribution(fields: &Fields) -> Result<Contribution<'static>, JsonError> {
    let effect = match fields.optional_number("factor")? {
        Some(factor) => Effect::Factor(factor),
        None => Effect::Dollars(fields.number("dollars")?),
    };
    Ok(Contribution {
        attribute: owned(fields.text("attribute")?),
        effect,
    })
}

fn extrapolation(fields: &Fields) -> Result<Extrapolation<'static>, JsonError> {
    let attribute = owned(fields.text("attribute")?);
    match fields.text("kind")? {
        "out_of_range" => Ok(Extrapolation::OutOfRange {
            value: fields.number("value")?,
            min: fields.number("min")?,
            max: fields.number("max")?,
            attribute,
        }),
        "untrained_category" => Ok(Extrapolation::UntrainedCategory {
            category: owned(fields.text("category")?),
            attribute,
        }),
        other => Err(JsonError::Shape {
            field: fields.path("kind"),
            problem: format!("is \"{other}\"; expected \"out_of_range\" or \"untrained_category\""),
        }),
    }
}
