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
