//! Training on small hand-made tables and, when the sample data set is present, on the seed split.

use model_core::{train, CarTable, DataError, Model, TrainError, TrainOptions};

/// 40 cars whose log price is linear in log horsepower plus a make effect, with a little noise.
fn synthetic_table() -> CarTable {
    let mut csv = String::from("make,horsepower,doors,price\n");
    for i in 0..40 {
        let make = ["audi", "bmw", "toyota", "volvo"][i % 4];
        let effect = [0.2, 0.4, 0.0, 0.3][i % 4];
        let horsepower = 60.0 + 5.0 * i as f64;
        let noise = ((i * 7919) % 13) as f64 / 13.0 * 0.02 - 0.01;
        let price = (9.0 + 0.8 * horsepower.ln() + effect + noise).exp();
        let doors = if i % 3 == 0 { "two" } else { "four" };
        csv.push_str(&format!("{make},{horsepower},{doors},{price:.2}\n"));
    }
    CarTable::from_csv(csv.as_bytes()).unwrap()
}

#[test]
fn training_is_deterministic_to_the_byte() {
    let table = synthetic_table();
    let options = TrainOptions::default();
    let a = train(&table, &[], &options).unwrap().to_json();
    let b = train(&table, &[], &options).unwrap().to_json();
    assert_eq!(a, b);
}

#[test]
fn training_recovers_a_clean_relationship_and_records_provenance() {
    let table = synthetic_table();
    let held_out = [3, 10, 17, 24, 31];
    let model = train(&table, &held_out, &TrainOptions::default()).unwrap();
    let document = model.document();
    assert_eq!(document.training.rows, 35);
    assert_eq!(document.training.data_sha256, table.sha256());
    assert!(document.training.penalty > 0.0);
    let metrics = document
        .test_metrics
        .expect("held-out rows give test metrics");
    assert_eq!(metrics.rows, 5);
    assert!(metrics.mape < 5.0, "MAPE {}", metrics.mape);
    assert!(document.interval.lower < 0.0 && document.interval.upper > 0.0);
    // The written model reads back identically.
    assert_eq!(Model::from_json(&model.to_json()).unwrap(), model);
}

#[test]
fn training_refuses_bad_input() {
    let tiny = CarTable::from_csv(b"make,price\naudi,1\nbmw,2\n").unwrap();
    assert!(matches!(
        train(&tiny, &[], &TrainOptions::default()),
        Err(TrainError::TooFewRows { .. })
    ));

    let table = synthetic_table();
    let options = TrainOptions {
        interval_level: 1.5,
        ..TrainOptions::default()
    };
    assert!(matches!(
        train(&table, &[], &options),
        Err(TrainError::IntervalLevel(level)) if level == 1.5
    ));

    let mut csv = String::from("make,price\n");
    for i in 0..20 {
        csv.push_str(&format!("audi,{}\n", if i == 7 { -5 } else { 1000 + i }));
    }
    let negative = CarTable::from_csv(csv.as_bytes()).unwrap();
    assert_eq!(
        train(&negative, &[], &TrainOptions::default()).unwrap_err(),
        TrainError::BadTarget {
            row: 7,
            value: -5.0
        }
    );
}

#[test]
fn bad_csv_cell_is_not_reported_as_a_training_option() {
    let mut csv = String::from("make,horsepower,price\n");
    for i in 0..20 {
        let horsepower = if i == 1 {
            "fast".to_string()
        } else {
            (100 + i).to_string()
        };
        csv.push_str(&format!("audi,{horsepower},{}\n", 1000 + i));
    }
    let table = CarTable::from_csv(csv.as_bytes()).unwrap();
    let error = train(&table, &[], &TrainOptions::default()).unwrap_err();
    assert_eq!(
        error,
        TrainError::Data(DataError::BadValue {
            line: 3,
            column: "horsepower".into(),
            value: "fast".into(),
            problem: "is not a number".into(),
        })
    );
    assert_eq!(
        error.to_string(),
        "CSV line 3, column `horsepower`: \"fast\" is not a number"
    );
}

/// `rows` cars whose log price has a horsepower slope that is steeper for convertibles (an
/// interaction), plus a make effect and a little noise; `weight` carries no signal.
fn interaction_table(rows: usize) -> CarTable {
    let mut csv = String::from("make,body,horsepower,weight,price\n");
    for i in 0..rows {
        let make = ["audi", "bmw", "toyota"][i % 3];
        let effect = [0.2, 0.4, 0.0][i % 3];
        let convertible = (i / 3) % 4 == 0;
        let body = if convertible { "convertible" } else { "sedan" };
        let horsepower = 60.0 + ((i * 37) % 150) as f64;
        let weight = 1800 + (i * 53) % 1500;
        let slope = if convertible { 1.6 } else { 0.6 };
        let noise = ((i * 7919) % 101) as f64 / 101.0 * 0.04 - 0.02;
        let price = (9.0 + slope * (horsepower / 100.0).ln() + effect + noise).exp();
        csv.push_str(&format!("{make},{body},{horsepower},{weight},{price:.2}\n"));
    }
    CarTable::from_csv(csv.as_bytes()).unwrap()
}

fn interactions(model: &Model) -> Vec<Vec<&str>> {
    model
        .document()
        .terms
        .iter()
        .filter(|t| matches!(t, model_core::Term::Interaction { .. }))
        .map(model_core::Term::attributes)
        .collect()
}

#[test]
fn interactions_are_kept_when_cross_validation_says_they_generalise() {
    let table = interaction_table(240);
    let held_out: Vec<usize> = (0..240).filter(|r| r % 5 == 0).collect();
    let model = train(&table, &held_out, &TrainOptions::default()).unwrap();
    let found = interactions(&model);
    assert!(
        found
            .iter()
            .any(|pair| pair.contains(&"horsepower") && pair.contains(&"body")),
        "{found:?}"
    );
    assert!(
        found.iter().all(|pair| !pair.contains(&"weight")),
        "{found:?}"
    );
    let metrics = model.document().test_metrics.unwrap();
    assert!(metrics.mape < 3.0, "{metrics:?}");
    // Contributions still rebuild every held-out car's price.
    for row in held_out {
        let car = model.car(&table.description(row, &["price"])).unwrap();
        let quote = model.quote(&car).unwrap();
        let factors: f64 = quote
            .contributions
            .iter()
            .map(|c| 1.0 + c.effect.signed_size())
            .product();
        assert!((quote.reference_price * factors / quote.price - 1.0).abs() < 1e-9);
    }
}

#[test]
fn interactions_that_do_not_beat_chance_stay_out() {
    // The same table without the interaction: no pair may be kept by luck.
    let mut csv = String::from("make,body,horsepower,weight,price\n");
    for i in 0..120 {
        let make = ["audi", "bmw", "toyota"][i % 3];
        let body = if (i / 3) % 4 == 0 {
            "convertible"
        } else {
            "sedan"
        };
        let horsepower = 60.0 + ((i * 37) % 150) as f64;
        let weight = 1800 + (i * 53) % 1500;
        let noise = ((i * 7919) % 101) as f64 / 101.0 * 0.3 - 0.15;
        let price = (9.0 + 0.6 * (horsepower / 100.0).ln() + noise).exp();
        csv.push_str(&format!("{make},{body},{horsepower},{weight},{price:.2}\n"));
    }
    let table = CarTable::from_csv(csv.as_bytes()).unwrap();
    let model = train(&table, &[], &TrainOptions::default()).unwrap();
    assert_eq!(interactions(&model), Vec::<Vec<&str>>::new());
}

#[test]
fn large_tables_are_cross_validated_by_folds_and_train_deterministically() {
    let table = interaction_table(2_400);
    let options = TrainOptions::default();
    let model = train(&table, &[], &options).unwrap();
    assert_eq!(model.document().training.cv_method, "5-fold");
    assert!(!interactions(&model).is_empty());
    assert_eq!(
        model.to_json(),
        train(&table, &[], &options).unwrap().to_json()
    );
}
