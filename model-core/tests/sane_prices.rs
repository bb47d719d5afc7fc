//! A model that validates prices every car inside its ranges with finite, positive numbers, and
//! refuses (with a typed error naming the attribute responsible) any car it cannot price so.
//! Native only: proptest does not build for the browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::tiny_document;
use model_core::{
    AttributeKind, AttributeValue, CarDescription, CarError, Effect, Model, ModelDocument,
    ModelError, Quote, Term,
};
use proptest::prelude::*;

const DEFAULT_MODEL: &str = include_str!("../../assets/model.json");

/// The default model with three hand-set interaction terms (one of each factor pairing).
const INTERACTION_MODEL: &str = include_str!("interaction-model.json");

fn default_document() -> ModelDocument {
    Model::from_json(DEFAULT_MODEL).unwrap().document().clone()
}

/// The field a refused document is blamed on.
fn refused_field(document: ModelDocument) -> (String, String) {
    match Model::try_from(document) {
        Err(ModelError::Invalid { field, problem }) => (field, problem),
        other => panic!("expected the document to be refused as invalid, got {other:?}"),
    }
}

fn categorical_weights<'d>(document: &'d mut ModelDocument, attribute: &str) -> &'d mut Vec<f64> {
    document
        .terms
        .iter_mut()
        .find_map(|term| match term {
            Term::Categorical {
                attribute: a,
                weights,
            } if a == attribute => Some(weights),
            _ => None,
        })
        .expect("the default model has this categorical term")
}

fn category_index(document: &ModelDocument, attribute: &str, category: &str) -> usize {
    document
        .attributes
        .iter()
        .find(|a| a.name == attribute)
        .and_then(|a| match &a.kind {
            AttributeKind::Categorical { categories, .. } => {
                categories.iter().position(|c| c == category)
            }
            AttributeKind::Numeric { .. } | AttributeKind::YesNo { .. } => None,
        })
        .expect("the default model has this category")
}

/// Every number of a quote is finite; price, interval ends and factors are above 0.
fn assert_sane(quote: &Quote<'_>) {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    assert!(positive(quote.price), "price {}", quote.price);
    assert!(positive(quote.interval.low), "low {}", quote.interval.low);
    assert!(
        positive(quote.interval.high),
        "high {}",
        quote.interval.high
    );
    assert!(positive(quote.reference_price));
    for contribution in &quote.contributions {
        match contribution.effect {
            Effect::Factor(f) => assert!(positive(f), "{}: factor {f}", contribution.attribute),
            Effect::Dollars(d) => assert!(d.is_finite(), "{}: {d}", contribution.attribute),
        }
    }
}

#[test]
fn infinite_upper_interval_end_is_refused_at_validation() {
    let mut document = default_document();
    document.interval.upper = 705.0;
    let (field, _) = refused_field(document);
    assert_eq!(field, "interval.upper");
}

#[test]
fn negative_lower_price_for_identity_target_is_refused_at_validation() {
    let mut document = tiny_document();
    document.target.transform = "identity".into();
    document.intercept = 10000.0;
    document.interval.lower = -20000.0;
    document.interval.upper = 1000.0;
    let (field, _) = refused_field(document);
    assert_eq!(field, "interval.lower");
}

#[test]
fn infinite_contribution_factor_is_refused_at_validation() {
    // A tiny reference price and one category worth e^1400 times more: every price is finite,
    // but that category's factor is not.
    let mut document = default_document();
    document.intercept = -700.0;
    let porsche = category_index(&document, "make", "porsche");
    categorical_weights(&mut document, "make")[porsche] = 1400.0;
    let (field, problem) = refused_field(document);
    assert_eq!(field, "terms[0]");
    assert!(problem.contains("(\"make\" = \"porsche\")"), "{problem}");
    assert!(problem.contains("contribution"), "{problem}");
}

#[test]
fn rear_engine_car_is_not_blamed_on_an_in_range_city_mpg() {
    // The document prices its front-engine reference car, but no rear-engine car: it is refused,
    // naming engine-location, not the last numeric attribute.
    let mut document = default_document();
    let rear = category_index(&document, "engine-location", "rear");
    categorical_weights(&mut document, "engine-location")[rear] = 800.0;
    let (field, problem) = refused_field(document);
    assert_eq!(field, "terms[2]");
    assert!(
        problem.contains("(\"engine-location\" = \"rear\")"),
        "{problem}"
    );
}

/// A car far outside the ranges of width, height and city-mpg: its price is finite, but width
/// alone would multiply it by more than any finite number.
fn wild_car(model: &Model) -> CarDescription {
    let mut car = model.default_description();
    car.set("width", 1e146);
    car.set("height", 1e300);
    car.set("city-mpg", 1e300);
    car
}

#[test]
fn out_of_range_car_with_an_infinite_factor_is_refused_not_quoted() {
    let model = Model::from_json(DEFAULT_MODEL).unwrap();
    let car = model.car(&wild_car(&model)).unwrap();
    assert!(model.price(&car).unwrap().is_finite());
    match model.quote(&car) {
        Err(CarError::OutOfBounds { attribute, .. }) => assert_eq!(attribute, "width"),
        other => panic!("expected width to be refused, got {other:?}"),
    }
}

#[test]
fn identity_target_quote_never_has_a_negative_lower_price() {
    let mut document = tiny_document();
    document.target.transform = "identity".into();
    document.intercept = 10000.0;
    document.interval.lower = -5000.0;
    document.interval.upper = 5000.0;
    if let Term::Numeric {
        transform,
        center,
        scale,
        weight,
        ..
    } = &mut document.terms[1]
    {
        *transform = "identity".into();
        *center = 100.0;
        *scale = 1.0;
        *weight = 60.0;
    }
    let model = Model::try_from(document).unwrap();
    // 1 hp is below the range: price 4,060 but a lower end of -940.
    let mut car = CarDescription::new();
    car.set("make", "toyota");
    car.set("horsepower", 1.0);
    let car = model.car(&car).unwrap();
    assert!(model.price(&car).unwrap() > 0.0);
    match model.quote(&car) {
        Err(CarError::OutOfBounds { attribute, .. }) => assert_eq!(attribute, "horsepower"),
        other => panic!("expected horsepower to be refused, got {other:?}"),
    }
}

/// One change to a number of the default model.
#[derive(Debug, Clone)]
enum Mutation {
    Intercept(f64),
    Weight { term: usize, index: usize, by: f64 },
    Center { term: usize, by: f64 },
    Scale { term: usize, by: f64 },
    Lower(f64),
    Upper(f64),
    Identity,
}

fn factor() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-1.0),
        Just(1e-300),
        Just(1e300),
        (-1e3..1e3f64),
        (-30.0..30.0f64).prop_map(|e| 10f64.powf(e)),
        (-30.0..30.0f64).prop_map(|e| -(10f64.powf(e))),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        factor().prop_map(Mutation::Intercept),
        (0..14usize, 0..21usize, factor()).prop_map(|(term, index, by)| Mutation::Weight {
            term,
            index,
            by
        }),
        (0..14usize, factor()).prop_map(|(term, by)| Mutation::Center { term, by }),
        (0..14usize, factor()).prop_map(|(term, by)| Mutation::Scale { term, by }),
        factor().prop_map(Mutation::Lower),
        factor().prop_map(Mutation::Upper),
        Just(Mutation::Identity),
    ]
}

fn mutate(document: &mut ModelDocument, mutation: &Mutation) {
    let terms = document.terms.len();
    match *mutation {
        Mutation::Intercept(by) => document.intercept *= by,
        Mutation::Lower(by) => document.interval.lower *= by,
        Mutation::Upper(by) => document.interval.upper *= by,
        Mutation::Identity => document.target.transform = "identity".into(),
        Mutation::Weight { term, index, by } => match &mut document.terms[term % terms] {
            Term::Numeric { weight, .. } => *weight *= by,
            Term::Categorical { weights, .. } | Term::YesNo { weights, .. } => {
                let n = weights.len();
                weights[index % n] *= by;
            }
            Term::Interaction { weight, .. } => *weight *= by,
        },
        Mutation::Center { term, by } => {
            if let Term::Numeric { center, .. } = &mut document.terms[term % terms] {
                *center *= by;
            }
        }
        Mutation::Scale { term, by } => {
            if let Term::Numeric { scale, .. } = &mut document.terms[term % terms] {
                *scale *= by;
            }
        }
    }
}

/// A car inside the ranges: per attribute, a fraction of the way from min to max or a category.
fn in_range_car(document: &ModelDocument, picks: &[f64]) -> CarDescription {
    document
        .attributes
        .iter()
        .zip(picks.iter().cycle())
        .map(|(attribute, &pick)| {
            let value = match &attribute.kind {
                AttributeKind::Numeric { min, max, .. } => {
                    AttributeValue::Number((min + pick * (max - min)).clamp(*min, *max))
                }
                AttributeKind::Categorical { categories, .. } => {
                    let i = ((pick * categories.len() as f64) as usize).min(categories.len() - 1);
                    AttributeValue::Text(categories[i].clone())
                }
                AttributeKind::YesNo { .. } => AttributeValue::Number(pick.round()),
            };
            (attribute.name.clone(), value)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512)
    ))]

    /// Either the mutated document is refused, or every in-range car (the range corners included)
    /// gets a sane quote.
    #[test]
    fn a_model_that_validates_quotes_every_in_range_car_sanely(
        with_interactions in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..4),
        cars in prop::collection::vec(
            prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64], 14),
            8,
        ),
    ) {
        let mut document = if with_interactions {
            Model::from_json(INTERACTION_MODEL).unwrap().document().clone()
        } else {
            default_document()
        };
        for m in &mutations {
            mutate(&mut document, m);
        }
        let text = serde_json::to_string(&document).unwrap();
        let Ok(model) = Model::from_json(&text) else {
            return Ok(());
        };
        assert_sane(&model.quote(&model.default_car()).unwrap());
        for picks in &cars {
            let car = model.car(&in_range_car(&document, picks)).unwrap();
            let quote = model.quote(&car).unwrap();
            assert_sane(&quote);
            prop_assert_eq!(model.price(&car).unwrap(), quote.price);
        }
    }
}
