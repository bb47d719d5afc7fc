//! Wire formats read back as written: a quote served as JSON is the quote the model gave.

mod common;

use common::tiny_document;
use model_core::{CarDescription, Model, Quote};

#[test]
fn a_served_quote_reads_back_as_the_model_gave_it() {
    let model = Model::try_from(tiny_document()).unwrap();
    let mut car = CarDescription::new();
    car.set("make", "bmw");
    car.set("horsepower", 400.0);
    let quote = model.quote(&model.car(&car).unwrap()).unwrap();
    assert!(!quote.extrapolations.is_empty());
    let served = serde_json::to_string(&quote).unwrap();
    assert_eq!(Quote::from_json(&served), Ok(quote.into_owned()));
    assert_eq!(
        Quote::from_json(r#"{"model_version": "1"}"#)
            .unwrap_err()
            .to_string(),
        "`price` is missing"
    );
}
