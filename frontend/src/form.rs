//! The pricing form as typed, and what a model makes of it: a pure function of (model, form),
//! tested natively. The checks themselves are model-core's; this module only maps its errors to
//! the field they concern and to words for the person typing.

use model_core::{
    format_number, AttributeKind, AttributeValue, CarDescription, CarError, Model, Quote,
};
use thiserror::Error;

/// How far beyond its training range (in multiples of the range's width) the form still prices a
/// number. Further out it is a typo, not a car: a linear model would still return a finite but
/// meaningless price (e.g. a curb weight of 1e300 lb), so the form asks for a fix instead.
const PLAUSIBLE_SPANS: f64 = 2.0;

/// How many times smaller than the smallest training value (when that is above 0) a number may be
/// before the form takes it for a typo (a curb weight of 0.001, or 2.765 for 2,765, was priced at
/// $0 to $170).
const PLAUSIBLE_FACTOR: f64 = 3.0;

/// The text of every field, by attribute name, exactly as typed (or picked), in the model's
/// attribute order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormState {
    values: Vec<(String, String)>,
}

impl FormState {
    /// The form for the model's reference car.
    pub fn for_model(model: &Model) -> FormState {
        let values = model
            .default_description()
            .into_iter()
            .map(|(name, value)| (name, value_text(&value)))
            .collect();
        FormState { values }
    }

    /// The text of one field (empty when unknown).
    pub fn value(&self, attribute: &str) -> &str {
        self.text(attribute).unwrap_or("")
    }

    fn text(&self, attribute: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(name, _)| name == attribute)
            .map(|(_, text)| text.as_str())
    }

    /// Replaces the text of one field.
    pub fn set(&mut self, attribute: impl Into<String>, text: impl Into<String>) {
        let (attribute, text) = (attribute.into(), text.into());
        match self.values.iter_mut().find(|(name, _)| *name == attribute) {
            Some((_, slot)) => *slot = text,
            None => self.values.push((attribute, text)),
        }
    }

    /// This form moved onto another model: fields the model has keep their text (a category
    /// only while the model still knows it); new fields start at the model's defaults and
    /// fields it no longer has are dropped.
    pub fn carried_over(&self, model: &Model) -> FormState {
        let mut next = FormState::for_model(model);
        for attribute in model.attributes() {
            let Some(text) = self.text(&attribute.name) else {
                continue;
            };
            let keep = match &attribute.kind {
                AttributeKind::Categorical { categories, .. } => {
                    categories.iter().any(|c| c == text)
                }
                AttributeKind::Numeric { .. } | AttributeKind::YesNo { .. } => true,
            };
            if keep {
                next.set(attribute.name.clone(), text);
            }
        }
        next
    }

    /// The form as a car description (every value as typed text; model-core reads numeric text).
    fn description(&self) -> CarDescription {
        self.values
            .iter()
            .map(|(name, text)| (name.clone(), AttributeValue::Text(text.trim().to_string())))
            .collect()
    }
}

/// Form text for a value: numbers read back exactly (so the default form prices the reference car).
fn value_text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::Number(x) => format_number(*x),
        AttributeValue::Text(text) => text.clone(),
    }
}

/// What is wrong with one field, in words for the person typing.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum FieldProblem {
    /// Nothing entered.
    #[error("Enter a value.")]
    Empty,
    /// Text that is not a number.
    #[error("Enter a number, e.g. {example}.")]
    NotANumber {
        /// A valid example (the model's default).
        example: String,
    },
    /// Zero or less for a quantity that must be positive.
    #[error("Must be greater than 0.")]
    NotPositive,
    /// So far outside the training range that no price results.
    #[error(
        "Too far outside the range the model knows ({} to {}) to price.",
        format_number(*.min),
        format_number(*.max)
    )]
    TooFar {
        /// Training minimum.
        min: f64,
        /// Training maximum.
        max: f64,
    },
    /// A category the model does not know.
    #[error("Pick one of the listed options.")]
    UnknownCategory,
    /// Anything else model-core refuses, in its words.
    #[error("{0}")]
    Other(String),
}

/// What the form gives with one model: a quote, or the problems that prevent one.
#[derive(Debug, Clone, PartialEq)]
pub enum Pricing {
    /// Every field is valid: the car, as the model understood it, and its quote.
    Priced {
        /// The checked car with numbers as numbers (what endpoint mode sends).
        car: CarDescription,
        /// The quote from the browser's model.
        quote: Quote<'static>,
    },
    /// At least one field is invalid; no price until it is fixed.
    Invalid {
        /// Problems by attribute name, in attribute order.
        problems: Vec<(String, FieldProblem)>,
    },
}

impl Pricing {
    /// The problem of one field, if any.
    pub fn problem(&self, attribute: &str) -> Option<&FieldProblem> {
        match self {
            Pricing::Priced { .. } => None,
            Pricing::Invalid { problems } => problems
                .iter()
                .find(|(name, _)| name == attribute)
                .map(|(_, problem)| problem),
        }
    }
}

/// Prices the form with a model, or says which fields stop it and why.
pub fn price(model: &Model, form: &FormState) -> Pricing {
    let reference = model.default_description();
    let problems: Vec<(String, FieldProblem)> = model
        .attributes()
        .filter_map(|attribute| {
            let text = form.value(&attribute.name).trim();
            if text.is_empty() {
                return Some((attribute.name.clone(), FieldProblem::Empty));
            }
            // Check the field alone, on the reference car, so every bad field gets its message.
            let mut alone = reference.clone();
            alone.set(attribute.name.clone(), text);
            if let Err(error) = model.car(&alone) {
                return Some((attribute.name.clone(), field_problem(model, error)));
            }
            implausible(&attribute.kind, text).map(|problem| (attribute.name.clone(), problem))
        })
        .collect();
    if !problems.is_empty() {
        return Pricing::Invalid { problems };
    }
    let quoted = model.car(&form.description()).and_then(|car| {
        model
            .quote(&car)
            .map(|quote| (model.describe(&car), quote.into_owned()))
    });
    match quoted {
        Ok((car, quote)) => Pricing::Priced { car, quote },
        Err(error) => Pricing::Invalid {
            problems: vec![(error.attribute().to_string(), field_problem(model, error))],
        },
    }
}

/// [`FieldProblem::TooFar`] for a number too far outside the training range to be meant.
fn implausible(kind: &AttributeKind, text: &str) -> Option<FieldProblem> {
    let AttributeKind::Numeric { min, max, .. } = kind else {
        return None;
    };
    let x = model_core::parse_number(text)?;
    let margin = (max - min).abs().max(1.0) * PLAUSIBLE_SPANS;
    // Where every trained value is above 0, no less than a PLAUSIBLE_FACTOR-th of the smallest
    // (above `min - margin` only for a range wide for its values, as the curb weight's).
    let low = if *min > 0.0 {
        (min - margin).max(min / PLAUSIBLE_FACTOR)
    } else {
        min - margin
    };
    (x < low || x > max + margin).then_some(FieldProblem::TooFar {
        min: *min,
        max: *max,
    })
}

fn field_problem(model: &Model, error: CarError) -> FieldProblem {
    match error {
        CarError::Missing { .. } => FieldProblem::Empty,
        CarError::NotANumber { attribute, .. } => FieldProblem::NotANumber {
            example: model
                .default_description()
                .get(&attribute)
                .map(value_text)
                .unwrap_or_else(|| "100".to_string()),
        },
        CarError::NotPositive { .. } => FieldProblem::NotPositive,
        CarError::OutOfBounds { min, max, .. } => FieldProblem::TooFar { min, max },
        CarError::UnknownCategory { .. } | CarError::NotACategory { .. } => {
            FieldProblem::UnknownCategory
        }
        other => FieldProblem::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{categorical, model, numeric};
    use model_core::format_dollars;

    fn priced(pricing: &Pricing) -> &Quote<'static> {
        match pricing {
            Pricing::Priced { quote, .. } => quote,
            Pricing::Invalid { problems } => panic!("not priced: {problems:?}"),
        }
    }

    #[test]
    fn the_default_form_prices_the_reference_car() {
        let model = model();
        let pricing = price(&model, &FormState::for_model(&model));
        let quote = priced(&pricing);
        assert_eq!(quote.price, model.reference_price());
        assert!(quote.interval.low < quote.price && quote.price < quote.interval.high);
    }

    #[test]
    fn the_form_prices_exactly_as_model_core_does() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (first, min, max, _) = numeric(&model, 0, false);
        let (second, _, max2, _) = numeric(&model, 1, false);
        let x = (min + max) / 2.0;
        let mut form = FormState::for_model(&model);
        form.set(category.name.clone(), value.clone());
        form.set(first.clone(), format!(" {x} "));
        form.set(second.clone(), max2.to_string());
        let mut car = model.default_description();
        car.set(category.name.clone(), value.as_str());
        car.set(first, x);
        car.set(second, max2);
        let expected = model.quote(&model.car(&car).unwrap()).unwrap();
        let pricing = price(&model, &form);
        assert_eq!(priced(&pricing).price, expected.price);
        assert_eq!(
            format_dollars(priced(&pricing).price),
            format_dollars(expected.price)
        );
        match pricing {
            Pricing::Priced { car: checked, .. } => assert_eq!(checked, car),
            Pricing::Invalid { .. } => unreachable!(),
        }
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let model = model();
        let (category, _, _) = categorical(&model);
        let (empty, ..) = numeric(&model, 0, false);
        let (words, ..) = numeric(&model, 1, false);
        let (nan, ..) = numeric(&model, 2, false);
        let (positive, ..) = numeric(&model, 0, true);
        let mut form = FormState::for_model(&model);
        form.set(empty.clone(), "");
        form.set(words.clone(), "heavy");
        form.set(nan.clone(), "NaN");
        form.set(category.name.clone(), "trabant");
        let pricing = price(&model, &form);
        assert_eq!(pricing.problem(&empty), Some(&FieldProblem::Empty));
        assert!(matches!(
            pricing.problem(&words),
            Some(FieldProblem::NotANumber { .. })
        ));
        // NaN, like ?, NA and null, means missing (model-core's one rule).
        assert_eq!(pricing.problem(&nan), Some(&FieldProblem::Empty));
        assert_eq!(
            pricing.problem(&category.name),
            Some(&FieldProblem::UnknownCategory)
        );
        let mut form = FormState::for_model(&model);
        form.set(positive.clone(), "-5");
        assert_eq!(
            price(&model, &form).problem(&positive),
            Some(&FieldProblem::NotPositive)
        );
        assert!(FieldProblem::NotANumber {
            example: "111".into()
        }
        .to_string()
        .contains("111"));
    }

    #[test]
    fn a_typo_far_below_the_range_was_priced_at_0_dollars() {
        let model = model();
        // A positive attribute whose range is wide for its values (the curb weight), so that two
        // widths below it reach 0: only the factor keeps a typo out.
        let (positive, min, max, _) = (0..)
            .map(|n| numeric(&model, n, true))
            .find(|(_, min, max, _)| max - min > min / 3.0)
            .unwrap();
        let mut form = FormState::for_model(&model);
        // A third of the smallest trained value is still a car; a thousandth is a typo.
        form.set(positive.clone(), model_core::format_number(min / 2.9));
        assert!(matches!(price(&model, &form), Pricing::Priced { .. }));
        form.set(positive.clone(), model_core::format_number(min / 1000.0));
        assert_eq!(
            price(&model, &form).problem(&positive),
            Some(&FieldProblem::TooFar { min, max })
        );
    }

    #[test]
    fn numbers_in_messages_and_fields_read_as_typed() {
        let problem = FieldProblem::TooFar {
            min: 48.8,
            max: 1e300,
        };
        assert_eq!(
            problem.to_string(),
            "Too far outside the range the model knows (48.8 to 1e300) to price."
        );
        assert_eq!(value_text(&AttributeValue::Number(2548.0)), "2548");
        assert_eq!(value_text(&AttributeValue::Number(3.19)), "3.19");
        let model = model();
        let form = FormState::for_model(&model);
        for attribute in model.attributes() {
            if let AttributeKind::Numeric { default, .. } = attribute.kind {
                let text = form.value(&attribute.name);
                assert_eq!(text.parse::<f64>(), Ok(default), "{text}");
            }
        }
    }

    #[test]
    fn an_out_of_range_value_prices_with_a_warning() {
        let model = model();
        let (name, min, max, _) = numeric(&model, 0, false);
        let mut form = FormState::for_model(&model);
        form.set(name.clone(), (max + (max - min) / 2.0).to_string());
        let pricing = price(&model, &form);
        let quote = priced(&pricing);
        assert_eq!(quote.extrapolations.len(), 1);
        assert_eq!(quote.extrapolations[0].attribute(), name);
    }

    #[test]
    fn an_absurd_value_gets_a_message_not_a_meaningless_price() {
        let model = model();
        let (huge, ..) = numeric(&model, 0, false);
        let (far, min, max, _) = numeric(&model, 1, false);
        let mut form = FormState::for_model(&model);
        form.set(huge.clone(), "1e300");
        form.set(far.clone(), (max + 3.0 * (max - min).max(1.0)).to_string());
        let pricing = price(&model, &form);
        assert!(
            matches!(pricing.problem(&huge), Some(FieldProblem::TooFar { .. })),
            "{pricing:?}"
        );
        assert!(matches!(
            pricing.problem(&far),
            Some(FieldProblem::TooFar { .. })
        ));
    }

    #[test]
    fn a_new_model_keeps_what_was_typed() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (name, ..) = numeric(&model, 0, false);
        let mut form = FormState::for_model(&model);
        form.set(category.name.clone(), value.clone());
        form.set(name.clone(), "abc");
        form.set("retired-attribute", "x");
        let next = form.carried_over(&model);
        assert_eq!(next.value(&category.name), value);
        assert_eq!(next.value(&name), "abc");
        assert_eq!(next.value("retired-attribute"), "");
        form.set(category.name.clone(), "trabant");
        assert_eq!(
            form.carried_over(&model).value(&category.name),
            FormState::for_model(&model).value(&category.name)
        );
    }
}
