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
    assert_eq!(CarTable::from_csv(b""), Err(DataError::NoHeader));
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
        table.numbers("make").unwrap_err().to_string(),
        "CSV line 2, column `make`: \"audi\" is not a number"
    );
    assert_eq!(
        table.numbers("horsepower"),
        Err(DataError::BadValue {
            line: 3,
            column: "horsepower".into(),
            value: "?".into(),
            problem: "is missing (empty, ?, NA, N/A, null and NaN mean missing)".into()
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

#[test]
fn csv_error_line_is_right_with_windows_line_endings() {
    // The bad row is on line 4 whatever ends the lines.
    for ending in ["\n", "\r\n", "\r"] {
        let csv = ["make,horsepower", "audi,102", "bmw,121", "volvo", ""].join(ending);
        assert_eq!(
            CarTable::from_csv(csv.as_bytes()),
            Err(DataError::Csv {
                line: 4,
                message: "row has 1 fields, but the header has 2".into()
            }),
            "line ending {ending:?}"
        );
        let good = ["make,horsepower", "audi,102", "bmw,?", ""].join(ending);
        let table = CarTable::from_csv(good.as_bytes()).unwrap();
        assert_eq!((table.line(0), table.line(1)), (2, 3), "{ending:?}");
    }
}

#[test]
fn semicolon_separated_csv_is_detected_and_its_error_lines_are_right() {
    let csv = b"make;horsepower;price\r\naudi;102;13950\r\nbmw;121\r\n";
    let error = CarTable::from_csv(csv).unwrap_err();
    assert_eq!(
        error,
        DataError::Delimiter {
            found: ';',
            expected: ','
        }
    );
    assert!(error.to_string().contains("--delimiter ';'"), "{error}");
    assert_eq!(
        CarTable::from_csv_with(csv, b';'),
        Err(DataError::Csv {
            line: 3,
            message: "row has 2 fields, but the header has 3".into()
        })
    );
    let table = CarTable::from_csv_with(b"make;price\naudi;1,5\n", b';').unwrap();
    assert_eq!(table.texts("price").unwrap(), ["1,5"]);
    let tabs = CarTable::from_csv(b"make\tprice\naudi\t1\n").unwrap_err();
    assert!(tabs.to_string().contains("--delimiter '\\t'"), "{tabs}");
}

#[test]
fn missing_cells_are_named_as_missing_and_left_out_of_descriptions() {
    let table = CarTable::from_csv(b"make,horsepower\naudi,NA\n?,121\n").unwrap();
    assert_eq!(table.missing_rows("horsepower").unwrap(), [0]);
    assert_eq!(table.missing_rows("make").unwrap(), [1]);
    assert!(table
        .numbers("horsepower")
        .unwrap_err()
        .to_string()
        .contains("\"NA\" is missing"));
    let description = table.description(1, &[]);
    assert_eq!(description.len(), 1);
    assert!(description.get("make").is_none());
}

#[test]
fn a_first_line_of_spaces_was_reported_as_a_table_without_rows() {
    let error = CarTable::from_csv(b" \nmake,price\naudi,1\n").unwrap_err();
    assert_eq!(error, DataError::NoHeader);
    assert!(error
        .to_string()
        .contains("its first line holds only spaces"));
}

#[test]
fn a_repeated_column_among_many_was_found_in_quadratic_time() {
    // Each column was compared with every one before it; a set finds the repeat at once (the
    // time is not asserted).
    let model = model_core::Model::from_json(include_str!("../../assets/model.json")).unwrap();
    let mut columns: Vec<String> = model.attributes().map(|a| a.name.clone()).collect();
    columns.extend((0..90_000).map(|i| format!("extra{i}")));
    columns.push("make".to_string());
    let error = model_core::batch::Table::new(&model, columns.clone(), b',')
        .err()
        .unwrap();
    assert!(error.to_string().contains("two `make` columns"), "{error}");
    // Repeated names that are not attributes (a spreadsheet's empty trailing columns, two VIN
    // columns) are copied through: a stock list exported with `,,` was refused whole.
    columns.pop();
    columns.extend(["", "", "vin", "vin"].map(String::from));
    assert!(model_core::batch::Table::new(&model, columns, b',').is_ok());
}
