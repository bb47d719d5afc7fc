//! Training on small hand-made tables and, when the sample data set is present, on the seed split.

use model_core::{
    train, AttributeKind, AttributeSchema, CarError, CarTable, KindOverride, MissingValues, Model,
    Schema, TrainError, TrainOptions,
};

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
fn training_a_table_of_only_the_target_panicked() {
    let prices: String = (0..40).map(|i| format!("{}\n", 10_000 + 137 * i)).collect();
    let only_prices = CarTable::from_csv(format!("price\n{prices}").as_bytes()).unwrap();
    let error = train(&only_prices, &[], &TrainOptions::default()).unwrap_err();
    assert_eq!(
        error,
        TrainError::NoAttributes {
            target: "price".to_string()
        }
    );
    assert!(error.to_string().contains("no attribute column"), "{error}");
    // Every other column ignored: the same.
    let with_id: String = (0..40)
        .map(|i| format!("{i},{}\n", 10_000 + 137 * i))
        .collect();
    let table = CarTable::from_csv(format!("stock,price\n{with_id}").as_bytes()).unwrap();
    let options = TrainOptions {
        ignore: vec!["stock".to_string()],
        ..TrainOptions::default()
    };
    assert!(matches!(
        train(&table, &[], &options),
        Err(TrainError::NoAttributes { .. })
    ));
}

#[test]
fn the_target_given_as_an_ignored_column_was_accepted() {
    let options = TrainOptions {
        ignore: vec!["price".to_string()],
        ..TrainOptions::default()
    };
    assert_eq!(
        train(&synthetic_table(), &[], &options).unwrap_err(),
        TrainError::TargetIgnored {
            target: "price".to_string()
        }
    );
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

/// The synthetic table with a `?` in `horsepower` on the given data rows (0-based).
fn with_question_marks(rows: &[usize]) -> String {
    let mut csv = String::from("make,horsepower,doors,price\n");
    for i in 0..40 {
        let make = ["audi", "bmw", "toyota", "volvo"][i % 4];
        let horsepower = if rows.contains(&i) {
            "?".to_string()
        } else {
            (60 + 5 * i).to_string()
        };
        let doors = if i % 3 == 0 { "two" } else { "four" };
        csv.push_str(&format!(
            "{make},{horsepower},{doors},{}\n",
            10_000 + 250 * i
        ));
    }
    csv
}

#[test]
fn question_marks_in_a_number_column_are_refused_not_turned_into_categories() {
    // 18% of the cells are `?`, as in the UCI file's normalized-losses.
    let rows: Vec<usize> = (0..40).filter(|i| i % 6 == 1).collect();
    let table = CarTable::from_csv(with_question_marks(&rows).as_bytes()).unwrap();
    let error = train(&table, &[], &TrainOptions::default()).unwrap_err();
    assert_eq!(
        error,
        TrainError::MissingValues {
            column: "horsepower".into(),
            count: 7,
            lines: vec![3, 9, 15, 21, 27],
        }
    );
    let message = error.to_string();
    assert!(
        message.contains("7 missing cells (CSV lines 3, 9, 15, 21, 27, …)"),
        "{message}"
    );
    assert!(message.contains("--missing drop-rows"), "{message}");

    // Dropped: the column stays a number column, trained on the 33 complete rows.
    let options = TrainOptions {
        missing: MissingValues::DropRows,
        ..TrainOptions::default()
    };
    let model = train(&table, &[0, 1, 2], &options).unwrap();
    assert_eq!(model.document().training.rows, 40 - 7 - 2);
    assert!(model
        .attributes()
        .any(|a| a.name == "horsepower" && matches!(a.kind, AttributeKind::Numeric { .. })));
    assert_eq!(model.document().test_metrics.unwrap().rows, 2);
}

#[test]
fn mixed_number_and_text_column_names_the_first_non_number_cell() {
    let mut csv = with_question_marks(&[]);
    csv = csv.replacen("volvo,75,", "volvo,75hp,", 1);
    let table = CarTable::from_csv(csv.as_bytes()).unwrap();
    let error = train(&table, &[], &TrainOptions::default()).unwrap_err();
    assert_eq!(
        error,
        TrainError::MixedColumn {
            column: "horsepower".into(),
            line: 5,
            value: "75hp".into(),
        }
    );
    assert!(error
        .to_string()
        .starts_with("column `horsepower` mixes numbers and text: CSV line 5 has \"75hp\""));
    // Declared a category, the same column trains.
    let options = TrainOptions {
        schema: Schema {
            attributes: vec![AttributeSchema {
                name: "horsepower".into(),
                kind: Some(KindOverride::Category),
                ..AttributeSchema::default()
            }],
        },
        ..TrainOptions::default()
    };
    assert!(train(&table, &[], &options).is_ok());
}

#[test]
fn target_can_be_named_and_id_columns_ignored() {
    let mut csv = String::from("rownames,make,horsepower,msrp\n");
    for i in 0..30 {
        let make = ["audi", "bmw", "volvo"][i % 3];
        csv.push_str(&format!("{i},{make},{},{}\n", 60 + 5 * i, 10_000 + 300 * i));
    }
    let table = CarTable::from_csv(csv.as_bytes()).unwrap();
    let options = TrainOptions {
        target: "msrp".into(),
        ignore: vec!["rownames".into()],
        ..TrainOptions::default()
    };
    let model = train(&table, &[], &options).unwrap();
    assert_eq!(model.document().target.name, "msrp");
    let names: Vec<&str> = model.attributes().map(|a| a.name.as_str()).collect();
    assert!(
        !names.contains(&"rownames") && !names.contains(&"msrp"),
        "{names:?}"
    );
    // Without naming the target, the table has no `price` column; a wrong ignore is named.
    let error = train(&table, &[], &TrainOptions::default()).unwrap_err();
    assert!(error.to_string().contains("no `price` column"), "{error}");
    let wrong = TrainOptions {
        ignore: vec!["vin".into()],
        ..options
    };
    assert!(train(&table, &[], &wrong)
        .unwrap_err()
        .to_string()
        .contains("`vin`"));
}

#[test]
fn labels_units_and_groups_come_from_a_schema_not_from_code() {
    let table = synthetic_table();
    // Without a schema: the column name is the label, no unit, the `other` group.
    let plain = train(&table, &[], &TrainOptions::default()).unwrap();
    let make = plain.attributes().find(|a| a.name == "make").unwrap();
    assert_eq!(
        (make.label.as_str(), make.group.as_str()),
        ("make", "other")
    );

    let schema = Schema {
        attributes: vec![
            AttributeSchema {
                name: "horsepower".into(),
                label: Some("Power".into()),
                unit: Some("hp".into()),
                group: Some("engine".into()),
                ..AttributeSchema::default()
            },
            AttributeSchema {
                name: "make".into(),
                label: Some("Make".into()),
                group: Some("identity".into()),
                labels: [("bmw".to_string(), "BMW".to_string())].into(),
                ..AttributeSchema::default()
            },
        ],
    };
    let options = TrainOptions {
        schema: schema.clone(),
        ..TrainOptions::default()
    };
    let model = train(&table, &[], &options).unwrap();
    let attributes: Vec<_> = model.attributes().collect();
    // Schema order first.
    assert_eq!(attributes[0].name, "horsepower");
    assert_eq!(attributes[0].label, "Power");
    assert!(matches!(&attributes[0].kind, AttributeKind::Numeric { unit, .. } if unit == "hp"));
    assert_eq!(
        (attributes[1].label.as_str(), attributes[1].group.as_str()),
        ("Make", "identity")
    );

    // An entry for a column the table lacks, or a label for a category it lacks, is named.
    let schema_error = |schema: Schema| {
        let options = TrainOptions {
            schema,
            ..TrainOptions::default()
        };
        match train(&table, &[], &options) {
            Err(TrainError::Schema(message)) => message,
            other => panic!("expected a schema error, got {other:?}"),
        }
    };
    let mut wrong = schema.clone();
    wrong.attributes[0].name = "mileage".into();
    assert!(schema_error(wrong).contains("`mileage`"));
    let mut wrong = schema;
    wrong.attributes[1]
        .labels
        .insert("tesla".into(), "Tesla".into());
    assert!(schema_error(wrong).contains("\"tesla\""));
}

#[test]
fn imputed_values_are_recorded_in_the_model_and_named_in_quotes() {
    let rows: Vec<usize> = (0..40).filter(|i| i % 6 == 1).collect();
    let table = CarTable::from_csv(with_question_marks(&rows).as_bytes()).unwrap();
    let options = TrainOptions {
        missing: MissingValues::Impute,
        ..TrainOptions::default()
    };
    // Held-out rows with a `?` are priced too: imputed like any car.
    let model = train(&table, &[1, 2, 3], &options).unwrap();
    assert_eq!(model.document().training.rows, 37);
    let horsepower = model.attributes().find(|a| a.name == "horsepower").unwrap();
    assert!(horsepower.imputed);
    let AttributeKind::Numeric {
        default, deciles, ..
    } = &horsepower.kind
    else {
        panic!("horsepower stays a number column");
    };
    assert_eq!(deciles.len(), 9);
    assert!(deciles.windows(2).all(|w| w[0] <= w[1]));

    let mut car = model.default_description();
    car.set("horsepower", "N/A");
    let quote = model.quote(&model.car(&car).unwrap()).unwrap();
    assert_eq!(quote.imputed, ["horsepower"]);
    assert!(model.to_json().contains("\"imputed\": true"));
    let json = serde_json::to_string(&quote).unwrap();
    assert!(json.contains("\"imputed\":[\"horsepower\"]"), "{json}");
    car.remove("horsepower");
    let absent = model.quote(&model.car(&car).unwrap()).unwrap();
    assert_eq!(absent.price, quote.price);
    car.set("horsepower", *default);
    assert!(model
        .quote(&model.car(&car).unwrap())
        .unwrap()
        .imputed
        .is_empty());

    // A model that does not impute refuses a missing marker as missing, never as a bad number.
    let strict = train(&synthetic_table(), &[], &TrainOptions::default()).unwrap();
    assert!(strict.attributes().all(|a| !a.imputed));
    let mut car = strict.default_description();
    car.set("horsepower", "NA");
    assert_eq!(
        strict.car(&car).unwrap_err(),
        CarError::Missing {
            attribute: "horsepower".into()
        }
    );
}

#[test]
fn yes_no_columns_are_a_kind_of_their_own() {
    let mut csv = String::from("make,sunroof,automatic,price\n");
    for i in 0..40 {
        let make = ["audi", "bmw", "volvo"][i % 3];
        let sunroof = if i % 4 == 0 { "Yes" } else { "no" };
        let automatic = i % 2;
        let price = 10_000.0 * if i % 4 == 0 { 1.2 } else { 1.0 } * (1.0 + 0.1 * automatic as f64)
            + 37.0 * i as f64;
        csv.push_str(&format!("{make},{sunroof},{automatic},{price}\n"));
    }
    let table = CarTable::from_csv(csv.as_bytes()).unwrap();
    let model = train(&table, &[], &TrainOptions::default()).unwrap();
    let sunroof = model.attributes().find(|a| a.name == "sunroof").unwrap();
    assert_eq!(
        sunroof.kind,
        AttributeKind::YesNo {
            default: false,
            frequencies: vec![0.75, 0.25]
        }
    );
    let automatic = model.attributes().find(|a| a.name == "automatic").unwrap();
    assert!(matches!(automatic.kind, AttributeKind::YesNo { .. }));
    let json = model.to_json();
    assert!(json.contains("\"kind\": \"yes_no\""), "{json}");
    assert_eq!(Model::from_json(&json).unwrap(), model);

    // The same car as words, JSON booleans and numbers: one price.
    let prices: Vec<f64> = [
        r#"{"make": "audi", "sunroof": "yes", "automatic": "No"}"#,
        r#"{"make": "audi", "sunroof": true, "automatic": false}"#,
        r#"{"make": "audi", "sunroof": 1, "automatic": 0}"#,
    ]
    .iter()
    .map(|text| {
        let car: model_core::CarDescription = serde_json::from_str(text).unwrap();
        model.price(&model.car(&car).unwrap()).unwrap()
    })
    .collect();
    assert!(prices.iter().all(|p| *p == prices[0]), "{prices:?}");
    let mut car = model.default_description();
    assert_eq!(car.get("sunroof"), Some(&"no".into()));
    car.set("sunroof", 2.0);
    assert_eq!(
        model.car(&car).unwrap_err(),
        CarError::NotYesNo {
            attribute: "sunroof".into(),
            value: "2".into()
        }
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
