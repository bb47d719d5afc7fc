//! Pricing: hand-computed prices, explanations that rebuild the price, flags and input errors.

mod common;

use common::tiny_document;
use model_core::{CarDescription, CarError, Effect, Extrapolation, Model};

fn tiny() -> Model {
    Model::try_from(tiny_document()).unwrap()
}

fn car(make: &str, horsepower: f64) -> CarDescription {
    [
        ("make", model_core::AttributeValue::from(make)),
        ("horsepower", horsepower.into()),
    ]
    .into_iter()
    .collect()
}

#[test]
fn prices_match_the_hand_computed_formula() {
    let model = tiny();
    let quote = model
        .quote(&model.car(&car("bmw", 200.0)).unwrap())
        .unwrap();
    let expected = 10000.0 * (0.5 * 2f64.ln() + 0.4).exp();
    assert!((quote.price - expected).abs() < 1e-9 * expected);
    assert!((quote.reference_price - 10000.0).abs() < 1e-9);
    assert!((quote.interval.low - quote.price * (-0.1f64).exp()).abs() < 1e-6);
    assert!((quote.interval.high - quote.price * 0.1f64.exp()).abs() < 1e-6);
    assert_eq!(quote.interval.level, 0.8);
}

#[test]
fn contributions_multiply_up_to_the_price() {
    let model = tiny();
    let quote = model
        .quote(&model.car(&car("audi", 75.0)).unwrap())
        .unwrap();
    let rebuilt = quote
        .contributions
        .iter()
        .fold(quote.reference_price, |p, c| match c.effect {
            Effect::Factor(f) => p * f,
            Effect::Dollars(_) => panic!("log-target models explain with factors"),
        });
    assert!((rebuilt - quote.price).abs() < 1e-9 * quote.price);
    assert_eq!(quote.contributions[0].attribute, "make");
    assert!((quote.contributions[0].effect.signed_size() - (0.2f64.exp() - 1.0)).abs() < 1e-12);
}

#[test]
fn identity_target_contributions_add_up() {
    let mut document = tiny_document();
    document.target.transform = "identity".into();
    document.intercept = 10000.0;
    document.terms[0] = model_core::Term::Categorical {
        attribute: "make".into(),
        weights: vec![500.0, 900.0, 0.0],
    };
    document.interval = model_core::Interval {
        level: 0.8,
        lower: -1000.0,
        upper: 1000.0,
    };
    let model = Model::try_from(document).unwrap();
    let quote = model
        .quote(&model.car(&car("bmw", 150.0)).unwrap())
        .unwrap();
    let rebuilt: f64 = quote.reference_price
        + quote
            .contributions
            .iter()
            .map(|c| match c.effect {
                Effect::Dollars(d) => d,
                Effect::Factor(_) => panic!("identity-target models explain with dollars"),
            })
            .sum::<f64>();
    assert!((rebuilt - quote.price).abs() < 1e-6);
    assert!((quote.interval.high - quote.price - 1000.0).abs() < 1e-9);
}

#[test]
fn values_outside_the_training_range_are_priced_and_flagged() {
    let model = tiny();
    let quote = model
        .quote(&model.car(&car("audi", 400.0)).unwrap())
        .unwrap();
    assert!(quote.price.is_finite());
    assert_eq!(
        quote.extrapolations,
        vec![Extrapolation::OutOfRange {
            attribute: "horsepower".into(),
            value: 400.0,
            min: 50.0,
            max: 200.0
        }]
    );
    let inside = model
        .quote(&model.car(&car("audi", 120.0)).unwrap())
        .unwrap();
    assert!(inside.extrapolations.is_empty());
}

#[test]
fn untrained_categories_are_priced_and_flagged() {
    let mut document = tiny_document();
    if let model_core::AttributeKind::Categorical { untrained, .. } =
        &mut document.attributes[0].kind
    {
        *untrained = vec!["bmw".into()];
    }
    let model = Model::try_from(document).unwrap();
    let quote = model
        .quote(&model.car(&car("bmw", 100.0)).unwrap())
        .unwrap();
    assert_eq!(
        quote.extrapolations,
        vec![Extrapolation::UntrainedCategory {
            attribute: "make".into(),
            category: "bmw".into()
        }]
    );
}

#[test]
fn unknown_make_is_refused_naming_the_attribute() {
    let model = tiny();
    let error = model.car(&car("tesla", 100.0)).unwrap_err();
    assert_eq!(error.attribute(), "make");
    assert_eq!(
        error,
        CarError::UnknownCategory {
            attribute: "make".into(),
            value: "tesla".into(),
            known: "audi, bmw, toyota".into()
        }
    );
}

#[test]
fn negative_horsepower_into_a_log_transform_is_refused() {
    let model = tiny();
    assert_eq!(
        model.car(&car("audi", -5.0)).unwrap_err(),
        CarError::NotPositive {
            attribute: "horsepower".into(),
            value: -5.0
        }
    );
    assert_eq!(
        model.car(&car("audi", 0.0)).unwrap_err(),
        CarError::NotPositive {
            attribute: "horsepower".into(),
            value: 0.0
        }
    );
}

#[test]
fn missing_unknown_and_non_numeric_values_are_refused() {
    let model = tiny();
    let mut description = car("audi", 100.0);
    description.remove("horsepower");
    assert_eq!(
        model.car(&description).unwrap_err(),
        CarError::Missing {
            attribute: "horsepower".into()
        }
    );

    let mut description = car("audi", 100.0);
    description.set("colour", "red");
    assert!(
        matches!(model.car(&description), Err(CarError::UnknownAttribute { attribute, .. }) if attribute == "colour")
    );

    let mut description = car("audi", 100.0);
    description.set("colour-code", "anything");
    assert!(
        model.car(&description).is_ok(),
        "attributes the model ignores are accepted"
    );

    let mut description = car("audi", 100.0);
    description.set("horsepower", "lots");
    assert_eq!(
        model.car(&description).unwrap_err(),
        CarError::NotANumber {
            attribute: "horsepower".into(),
            value: "lots".into()
        }
    );
    let mut description = car("audi", 100.0);
    description.set("horsepower", " 120 ");
    assert!(model.car(&description).is_ok(), "numeric text is accepted");

    let mut description = car("audi", 100.0);
    description.set("make", 3.0);
    assert_eq!(
        model.car(&description).unwrap_err(),
        CarError::NotACategory {
            attribute: "make".into(),
            value: 3.0
        }
    );
}

#[test]
fn absurd_values_give_an_error_not_an_infinite_price() {
    let mut document = tiny_document();
    if let model_core::Term::Numeric {
        transform,
        center,
        scale,
        ..
    } = &mut document.terms[1]
    {
        *transform = "identity".into();
        *center = 100.0;
        *scale = 10.0;
    }
    let model = Model::try_from(document).unwrap();
    let error = model
        .price(&model.car(&car("audi", 1e300)).unwrap())
        .unwrap_err();
    assert!(matches!(error, CarError::OutOfBounds { attribute, .. } if attribute == "horsepower"));
}

#[test]
fn the_default_car_prices_at_the_reference_price() {
    let model = tiny();
    let quote = model.quote(&model.default_car()).unwrap();
    assert_eq!(quote.price, quote.reference_price);
    assert!(quote
        .contributions
        .iter()
        .all(|c| c.effect == Effect::Factor(1.0)));
    assert_eq!(
        model.car(&model.default_description()).unwrap(),
        model.default_car()
    );
}

#[test]
fn descriptions_deserialise_from_json_with_numbers_and_names() {
    let model = tiny();
    let description: CarDescription =
        serde_json::from_str(r#"{"make": "audi", "horsepower": 110}"#).unwrap();
    assert!(model.quote(&model.car(&description).unwrap()).is_ok());
}
