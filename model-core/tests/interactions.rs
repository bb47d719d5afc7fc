//! Interaction terms (format 1.1): reading, writing, validation, pricing and contributions.

mod common;

use common::tiny_document;
use model_core::{AttributeValue, CarDescription, Factor, Model, ModelDocument, ModelError, Term};

/// The tiny model plus `0.3 · (ln hp − ln 100) · (1[make = bmw] − 0.25) / 0.5`.
fn with_interaction() -> ModelDocument {
    let mut document = tiny_document();
    document.terms.push(Term::Interaction {
        factors: vec![
            Factor::Numeric {
                attribute: "horsepower".into(),
                transform: "log".into(),
                center: 100f64.ln(),
                scale: 1.0,
            },
            Factor::Indicator {
                attribute: "make".into(),
                category: "bmw".into(),
                center: 0.25,
                scale: 0.5,
            },
        ],
        weight: 0.3,
    });
    document
}

fn car(make: &str, horsepower: f64) -> CarDescription {
    [
        ("make".to_string(), AttributeValue::Text(make.into())),
        ("horsepower".to_string(), AttributeValue::Number(horsepower)),
    ]
    .into_iter()
    .collect()
}

fn invalid(document: ModelDocument) -> String {
    match Model::try_from(document) {
        Err(e @ (ModelError::Invalid { .. } | ModelError::LengthMismatch { .. })) => e.to_string(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn an_interaction_adds_weight_times_the_product_of_its_factors() {
    let model = Model::try_from(with_interaction()).unwrap();
    let price = model
        .price(&model.car(&car("bmw", 200.0)).unwrap())
        .unwrap();
    let hp = 200f64.ln() - 100f64.ln();
    let expected = (10000f64.ln() + 0.4 + 0.5 * hp + 0.3 * hp * (1.0 - 0.25) / 0.5).exp();
    assert!(
        (price - expected).abs() < 1e-9 * expected,
        "{price} vs {expected}"
    );
    // Another make: the indicator is 0, so the factor is −0.25 / 0.5.
    let price = model
        .price(&model.car(&car("audi", 200.0)).unwrap())
        .unwrap();
    let expected = (10000f64.ln() + 0.2 + 0.5 * hp + 0.3 * hp * (-0.5)).exp();
    assert!(
        (price - expected).abs() < 1e-9 * expected,
        "{price} vs {expected}"
    );
}

#[test]
fn an_interactions_effect_is_split_in_halves_and_contributions_rebuild_the_price() {
    let model = Model::try_from(with_interaction()).unwrap();
    let quote = model
        .quote(&model.car(&car("bmw", 200.0)).unwrap())
        .unwrap();
    let rebuilt = quote
        .contributions
        .iter()
        .fold(quote.reference_price, |p, c| {
            p * (1.0 + c.effect.signed_size())
        });
    assert!((rebuilt - quote.price).abs() < 1e-9 * quote.price);
    // The reference car is a toyota at 100 hp, where the product is 0, so the whole change is
    // 0.3 · ln 2 · 0.75 / 0.5, half of it on each attribute.
    let hp = 200f64.ln() - 100f64.ln();
    let change = 0.3 * hp * 0.75 / 0.5;
    let make = quote
        .contributions
        .iter()
        .find(|c| c.attribute == "make")
        .unwrap();
    let horsepower = quote
        .contributions
        .iter()
        .find(|c| c.attribute == "horsepower")
        .unwrap();
    assert!((make.effect.signed_size() - ((0.4 + change / 2.0).exp() - 1.0)).abs() < 1e-12);
    assert!(
        (horsepower.effect.signed_size() - ((0.5 * hp + change / 2.0).exp() - 1.0)).abs() < 1e-12
    );
}

#[test]
fn interaction_terms_round_trip_through_json() {
    let model = Model::try_from(with_interaction()).unwrap();
    let text = model.to_json();
    assert!(text.contains("\"kind\": \"interaction\""), "{text}");
    assert!(text.contains("\"format_version\": \"1.1\""), "{text}");
    let again = Model::from_json(&text).unwrap();
    assert_eq!(again, model);
    assert_eq!(again.to_json(), text);
}

#[test]
fn a_factor_with_both_transform_and_category_is_refused() {
    let text = Model::try_from(with_interaction())
        .unwrap()
        .to_json()
        .replace(
            "\"category\": \"bmw\"",
            "\"category\": \"bmw\", \"transform\": \"log\"",
        );
    let error = Model::from_json(&text).unwrap_err().to_string();
    assert!(error.contains("exactly one of `transform`"), "{error}");
}

#[test]
fn interactions_need_two_factors_of_two_attributes_of_the_right_kinds() {
    let mut document = with_interaction();
    let Some(Term::Interaction { factors, .. }) = document.terms.last_mut() else {
        unreachable!()
    };
    factors.pop();
    let error = invalid(document);
    assert!(error.contains("terms[2].factors"), "{error}");

    let mut document = with_interaction();
    let Some(Term::Interaction { factors, .. }) = document.terms.last_mut() else {
        unreachable!()
    };
    factors[1] = factors[0].clone();
    assert!(invalid(document).contains("two different attributes"));

    let mut document = with_interaction();
    let Some(Term::Interaction { factors, .. }) = document.terms.last_mut() else {
        unreachable!()
    };
    if let Factor::Indicator { category, .. } = &mut factors[1] {
        *category = "lada".into();
    }
    let error = invalid(document);
    assert!(
        error.contains("terms[2].factors[1].category") && error.contains("lada"),
        "{error}"
    );

    let mut document = with_interaction();
    let Some(Term::Interaction { factors, .. }) = document.terms.last_mut() else {
        unreachable!()
    };
    if let Factor::Indicator { attribute, .. } = &mut factors[1] {
        *attribute = "horsepower".into();
    }
    assert!(invalid(document).contains("not of the factor's kind"));

    let mut document = with_interaction();
    let Some(Term::Interaction { factors, .. }) = document.terms.last_mut() else {
        unreachable!()
    };
    if let Factor::Numeric { scale, .. } = &mut factors[0] {
        *scale = 0.0;
    }
    assert!(invalid(document).contains("terms[2].factors[0].scale"));
}

#[test]
fn a_log_factor_refuses_a_non_positive_number() {
    let mut document = with_interaction();
    document.terms.remove(1); // horsepower is now read only by the interaction's log factor
    let model = Model::try_from(document).unwrap();
    let error = model.car(&car("bmw", 0.0)).unwrap_err().to_string();
    assert!(error.contains("horsepower"), "{error}");
}
