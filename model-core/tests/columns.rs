//! Pricing a table column by column (`Model::price_columns`) against pricing it car by car
//! (`Model::price` of `Model::car`): the same bits for every row, the same error for the first row
//! that fails. Native only: proptest does not build for the browser.
#![cfg(not(target_arch = "wasm32"))]

use model_core::{
    AttributeKind, AttributeValue, CarDescription, CarError, CheckedValue, Column, ColumnsError,
    Model,
};
use proptest::prelude::*;

const DEFAULT_MODEL: &str = include_str!("../../assets/model.json");

fn model() -> Model {
    Model::from_json(DEFAULT_MODEL).unwrap()
}

/// The default model with three interaction terms (one of each factor pairing) and every
/// attribute imputed when missing: the pricing paths a plain model does not take.
fn interaction_model_imputing() -> Model {
    let model = Model::from_json(include_str!("interaction-model.json")).unwrap();
    let mut document = model.document().clone();
    for attribute in &mut document.attributes {
        attribute.imputed = true;
    }
    Model::try_from(document).unwrap()
}

/// One generated cell: a kind of value and where in (or beyond) the training range it lies.
#[derive(Debug, Clone, Copy)]
enum Cell {
    /// Inside the range (numbers) or a known category, `fraction` of the way along.
    Valid(f64),
    /// Far outside the range, `by` times its width past an end (numbers only).
    Far(f64),
    /// Zero, negative, infinite, or an unknown category.
    Invalid(u8),
    Missing,
}

/// Cells of which about one in `1 + rare / 3` is not a valid value.
fn cell(rare: u32) -> impl Strategy<Value = Cell> {
    prop_oneof![
        rare => prop_oneof![(0..8u8).prop_map(|k| f64::from(k) / 7.0), 0.0..=1.0f64].prop_map(Cell::Valid),
        1 => prop_oneof![(-1e4..-1.0f64), (1.0..1e4f64)].prop_map(Cell::Far),
        1 => (0..4u8).prop_map(Cell::Invalid),
        1 => Just(Cell::Missing),
    ]
}

/// The value of a cell for one attribute (`None`: missing).
fn value(model: &Model, attribute: usize, cell: Cell) -> Option<AttributeValue> {
    let attribute = model.attributes().nth(attribute).unwrap();
    match (&attribute.kind, cell) {
        (_, Cell::Missing) => None,
        (AttributeKind::Numeric { min, max, .. }, Cell::Valid(f)) => {
            Some((min + f * (max - min)).into())
        }
        (AttributeKind::Numeric { min, max, .. }, Cell::Far(by)) => {
            let end = if by < 0.0 { min } else { max };
            Some((end + by * (max - min)).into())
        }
        (AttributeKind::Numeric { .. }, Cell::Invalid(k)) => {
            Some([0.0, -3.5, f64::INFINITY, f64::NEG_INFINITY][k as usize].into())
        }
        (AttributeKind::Categorical { categories, .. }, Cell::Valid(f)) => {
            let i = ((f * categories.len() as f64) as usize).min(categories.len() - 1);
            Some(categories[i].as_str().into())
        }
        (AttributeKind::Categorical { .. }, Cell::Far(_) | Cell::Invalid(_)) => {
            Some("no-such-category".into())
        }
        (AttributeKind::YesNo { .. }, Cell::Valid(f)) => {
            Some(if f >= 0.5 { "yes" } else { "no" }.into())
        }
        (AttributeKind::YesNo { .. }, Cell::Far(_) | Cell::Invalid(_)) => Some("maybe".into()),
    }
}

/// A coded column: per row a code, and the distinct values checked.
type Coded = (Vec<u32>, Vec<Result<CheckedValue, CarError>>);

/// A table's columns in model order: numeric attributes as numbers (NaN: missing), except every
/// third one, which is coded like the categorical ones.
struct Table {
    names: Vec<String>,
    numbers: Vec<Vec<f64>>,
    codes: Vec<Coded>,
}

impl Table {
    fn new(model: &Model, rows: &[Vec<Option<AttributeValue>>]) -> Table {
        let mut table = Table {
            names: vec![],
            numbers: vec![],
            codes: vec![],
        };
        for (index, attribute) in model.attributes().enumerate() {
            table.names.push(attribute.name.clone());
            let column = rows.iter().map(|row| row[index].clone());
            if matches!(attribute.kind, AttributeKind::Numeric { .. }) && index % 3 != 0 {
                table.numbers.push(
                    column
                        .map(|v| match v {
                            Some(AttributeValue::Number(x)) => x,
                            _ => f64::NAN,
                        })
                        .collect(),
                );
            } else {
                let mut distinct: Vec<Option<AttributeValue>> = vec![];
                let codes = column
                    .map(|v| match distinct.iter().position(|d| *d == v) {
                        Some(code) => code as u32,
                        None => {
                            distinct.push(v);
                            distinct.len() as u32 - 1
                        }
                    })
                    .collect();
                let values = distinct
                    .iter()
                    .map(|v| model.check_value(&attribute.name, v.as_ref()))
                    .collect();
                table.codes.push((codes, values));
            }
        }
        table
    }

    fn columns(&self, model: &Model) -> Vec<(&str, Column<'_>)> {
        let (mut numbers, mut codes) = (self.numbers.iter(), self.codes.iter());
        model
            .attributes()
            .enumerate()
            .map(|(index, attribute)| {
                let column = match attribute.kind {
                    AttributeKind::Numeric { .. } if index % 3 != 0 => {
                        Column::Numbers(numbers.next().unwrap())
                    }
                    _ => {
                        let (codes, values) = codes.next().unwrap();
                        Column::Codes { codes, values }
                    }
                };
                (self.names[index].as_str(), column)
            })
            .collect()
    }
}

/// Row by row: the price, or the error, of `Model::price` of `Model::car`.
fn car_by_car(model: &Model, rows: &[Vec<Option<AttributeValue>>]) -> Vec<Result<f64, CarError>> {
    rows.iter()
        .map(|row| {
            let description: CarDescription = model
                .attributes()
                .zip(row)
                .filter_map(|(a, v)| v.clone().map(|v| (a.name.clone(), v)))
                .collect();
            model.car(&description).and_then(|car| model.price(&car))
        })
        .collect()
}

/// Tables of up to 700 rows (a few blocks): all valid, or with a failing row every ~30 rows.
fn rows_strategy() -> impl Strategy<Value = Vec<Vec<Cell>>> {
    let width = model().attributes().len();
    // Few distinct values, as in car tables (and repeated inputs of log terms), or any.
    let valid = prop_oneof![(0..8u8).prop_map(|k| f64::from(k) / 7.0), 0.0..=1.0f64]
        .prop_map(Cell::Valid)
        .boxed();
    prop_oneof![
        prop::collection::vec(prop::collection::vec(valid, width), 1..700),
        prop::collection::vec(prop::collection::vec(cell(2000), width), 1..700),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
    ))]

    /// Every row priced column by column has the bits of its car's price; the first row a car
    /// refuses is the table's error, with the same `CarError`, and the rows before it are priced.
    #[test]
    fn columns_price_to_the_bits_of_car_by_car(
        cells in rows_strategy(),
        interactions_and_imputation in any::<bool>(),
    ) {
        let model = if interactions_and_imputation {
            interaction_model_imputing()
        } else {
            model()
        };
        let rows: Vec<Vec<Option<AttributeValue>>> = cells
            .iter()
            .map(|row| row.iter().enumerate().map(|(i, c)| value(&model, i, *c)).collect())
            .collect();
        let expected = car_by_car(&model, &rows);
        let table = Table::new(&model, &rows);
        let mut out = vec![0.0; rows.len()];
        let result = model.price_columns(&table.columns(&model), &mut out);
        let first_error = expected.iter().position(Result::is_err);
        match (result, first_error) {
            (Ok(()), None) => {}
            (Err(ColumnsError::Row { row, error }), Some(first)) => {
                prop_assert_eq!(row, first);
                prop_assert_eq!(&Err(error), &expected[first]);
            }
            (result, first) => prop_assert!(false, "got {result:?}, first failing row {first:?}"),
        }
        let priced = first_error.unwrap_or(rows.len());
        for (row, (price, expected)) in out.iter().zip(&expected).take(priced).enumerate() {
            prop_assert_eq!(price.to_bits(), expected.clone().unwrap().to_bits(), "row {}", row);
        }
    }
}

fn default_rows(model: &Model, rows: usize) -> Table {
    let row: Vec<Option<AttributeValue>> = model
        .default_description()
        .into_iter()
        .map(|(_, v)| Some(v))
        .collect();
    Table::new(model, &vec![row; rows])
}

#[test]
fn a_missing_column_is_named() {
    let model = model();
    let table = default_rows(&model, 3);
    let mut columns = table.columns(&model);
    let (name, _) = columns.remove(1);
    let error = model.price_columns(&columns, &mut [0.0; 3]).unwrap_err();
    assert_eq!(
        error,
        ColumnsError::Column(CarError::Missing {
            attribute: name.to_string()
        })
    );
    assert!(error.to_string().contains(name), "{error}");
}

#[test]
fn an_unknown_column_is_refused_and_an_ignored_one_skipped() {
    let model = model();
    let table = default_rows(&model, 2);
    let mut columns = table.columns(&model);
    let numbers = [1.0, 2.0];
    columns.push(("colour", Column::Numbers(&numbers)));
    let error = model.price_columns(&columns, &mut [0.0; 2]).unwrap_err();
    assert!(
        matches!(&error, ColumnsError::Column(CarError::UnknownAttribute { attribute, .. }) if attribute == "colour"),
        "{error:?}"
    );
    if let Some(ignored) = model.document().ignored_attributes.first() {
        columns.pop();
        columns.push((ignored.as_str(), Column::Numbers(&numbers)));
        model.price_columns(&columns, &mut [0.0; 2]).unwrap();
    }
}

#[test]
fn columns_of_different_lengths_are_refused() {
    let model = model();
    let table = default_rows(&model, 4);
    let error = model
        .price_columns(&table.columns(&model), &mut [0.0; 3])
        .unwrap_err();
    assert!(
        matches!(
            error,
            ColumnsError::Length {
                rows: 4,
                expected: 3,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_column_given_twice_is_refused() {
    let model = model();
    let table = default_rows(&model, 1);
    let mut columns = table.columns(&model);
    columns.push(columns[0]);
    let error = model.price_columns(&columns, &mut [0.0]).unwrap_err();
    assert_eq!(
        error,
        ColumnsError::Duplicate {
            attribute: columns[0].0.to_string()
        }
    );
}

#[test]
fn values_checked_for_another_attribute_are_refused() {
    let model = model();
    let table = default_rows(&model, 1);
    let mut columns = table.columns(&model);
    let make = model.check_value("make", Some(&"audi".into()));
    let foreign = [make];
    let index = columns
        .iter()
        .position(|(name, _)| *name == "fuel-type")
        .unwrap();
    columns[index].1 = Column::Codes {
        codes: &[0],
        values: &foreign,
    };
    let error = model.price_columns(&columns, &mut [0.0]).unwrap_err();
    assert_eq!(
        error,
        ColumnsError::ForeignValue {
            attribute: "fuel-type".into()
        }
    );
}

#[test]
fn a_code_past_the_values_is_a_missing_value() {
    let model = model();
    let table = default_rows(&model, 2);
    let mut columns = table.columns(&model);
    let make = [model.check_value("make", Some(&"audi".into()))];
    let index = columns
        .iter()
        .position(|(name, _)| *name == "make")
        .unwrap();
    columns[index].1 = Column::Codes {
        codes: &[0, u32::MAX],
        values: &make,
    };
    let error = model.price_columns(&columns, &mut [0.0; 2]).unwrap_err();
    assert_eq!(
        error,
        ColumnsError::Row {
            row: 1,
            error: CarError::Missing {
                attribute: "make".into()
            }
        }
    );
}

#[test]
fn check_value_refuses_an_unknown_attribute() {
    let error = model()
        .check_value("colour", Some(&"red".into()))
        .unwrap_err();
    assert!(
        matches!(error, CarError::UnknownAttribute { .. }),
        "{error:?}"
    );
}
