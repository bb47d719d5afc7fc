//! Car tables from CSV: errors name the line, column and value.

use model_core::{parse_row_list, CarTable, DataError};

#[test]
fn reads_a_table_and_its_columns() {
    let table =
        CarTable::from_csv(b"make,horsepower,price\naudi,102,13950\nbmw, 121 ,16430\n").unwrap();
    assert_eq!(table.len(), 2);
    assert_eq!(table.columns(), ["make", "horsepower", "price"]);
    assert_eq!(table.numbers("horsepower").unwrap(), [102.0, 121.0]);
    assert_eq!(table.texts("make").unwrap(), ["audi", "bmw"]);
    assert_eq!(table.line(1), 3);
    assert_eq!(table.sha256().len(), 64);
}

#[test]
fn empty_csv_is_refused() {
    assert_eq!(CarTable::from_csv(b""), Err(DataError::Empty));
    assert_eq!(CarTable::from_csv(b"make,price\n"), Err(DataError::Empty));
}

#[test]
fn missing_column_is_named() {
    let table = CarTable::from_csv(b"make,horsepower\naudi,102\n").unwrap();
    assert_eq!(
        table.numbers("price"),
        Err(DataError::MissingColumn {
            column: "price".into(),
            columns: "make, horsepower".into()
        })
    );
}

#[test]
fn bad_cells_give_line_column_and_value() {
    let table = CarTable::from_csv(b"make,horsepower\naudi,102\nbmw,?\n").unwrap();
    assert_eq!(
        table.numbers("horsepower"),
        Err(DataError::BadValue {
            line: 3,
            column: "horsepower".into(),
            value: "?".into(),
            problem: "is not a number".into()
        })
    );
}

#[test]
fn ragged_rows_and_duplicate_headers_are_refused() {
    assert_eq!(
        CarTable::from_csv(b"make,horsepower\naudi,102\nbmw\n"),
        Err(DataError::Csv {
            line: 3,
            message: "row has 1 fields, but the header has 2".into()
        })
    );
    assert_eq!(
        CarTable::from_csv(b"make,make\naudi,bmw\n"),
        Err(DataError::DuplicateColumn {
            column: "make".into()
        })
    );
}

#[test]
fn row_lists_are_checked() {
    assert_eq!(parse_row_list("2\n# held out\n5\n\n").unwrap(), [2, 5]);
    assert!(matches!(
        parse_row_list("2\nx\n"),
        Err(DataError::BadRowList { .. })
    ));
    assert!(matches!(
        parse_row_list("2\n2\n"),
        Err(DataError::BadRowList { .. })
    ));
    assert!(matches!(
        parse_row_list(""),
        Err(DataError::BadRowList { .. })
    ));
    let table = CarTable::from_csv(b"make,price\naudi,1\nbmw,2\n").unwrap();
    assert!(matches!(
        table.select(&[5]),
        Err(DataError::BadRowList { .. })
    ));
}
