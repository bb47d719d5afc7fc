//! Tests of row-by-row table pricing on the default model.

use super::*;
use crate::car::AttributeValue;
use crate::number::format_number;

fn model() -> Model {
    Model::from_json(include_str!("../../../assets/model.json")).unwrap()
}

/// Header and one row of the model's reference car, with `changes` applied (name, cell).
fn table(model: &Model, rows: &[&[(&str, &str)]]) -> String {
    let reference: Vec<(String, String)> = model
        .default_description()
        .iter()
        .map(|(name, value)| {
            let cell = match value {
                AttributeValue::Number(x) => format_number(*x),
                AttributeValue::Text(text) => text.clone(),
            };
            (name.to_string(), cell)
        })
        .collect();
    let mut text = reference
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(",");
    for changes in rows {
        let cells: Vec<&str> = reference
            .iter()
            .map(|(name, cell)| {
                changes
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(cell.as_str(), |(_, c)| c)
            })
            .collect();
        text.push('\n');
        text.push_str(&cells.join(","));
    }
    text.push('\n');
    text
}

/// Every outcome and the output text.
fn price_all(model: &Model, input: &str) -> (Vec<RowOutcome>, String) {
    let mut pricer = TablePricer::new(model, input.as_bytes(), Vec::new(), b',').unwrap();
    let mut outcomes = Vec::new();
    while let Some(outcome) = pricer.price_next().unwrap() {
        outcomes.push(outcome);
    }
    (
        outcomes,
        String::from_utf8(pricer.finish().unwrap()).unwrap(),
    )
}

#[test]
fn good_rows_carry_the_quote_to_the_last_bit_and_bad_rows_their_line_and_attribute() {
    let model = model();
    let input = table(
        &model,
        &[&[], &[("make", "trabant")], &[("curb-weight", "lots")], &[]],
    );
    let (outcomes, output) = price_all(&model, &input);
    assert_eq!(outcomes[0], RowOutcome::Priced);
    assert_eq!(outcomes[3], RowOutcome::Priced);
    let RowOutcome::Refused(problem) = &outcomes[1] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(problem.line, 3);
    assert_eq!(problem.attribute.as_deref(), Some("make"));
    assert!(problem.message.contains("\"trabant\""), "{problem:?}");
    let RowOutcome::Refused(problem) = &outcomes[2] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(
        (problem.line, problem.attribute.as_deref()),
        (4, Some("curb-weight"))
    );

    let quote = model
        .quote(&model.car(&model.default_description()).unwrap())
        .unwrap();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert!(lines[0].ends_with(",price,price_low,price_high,flags"));
    let cells: Vec<&str> = lines[1].split(',').collect();
    let n = cells.len();
    let number = |i: usize| cells[i].parse::<f64>().unwrap().to_bits();
    assert_eq!(number(n - 4), quote.price.to_bits());
    assert_eq!(number(n - 3), quote.interval.low.to_bits());
    assert_eq!(number(n - 2), quote.interval.high.to_bits());
    assert_eq!(cells[n - 1], "");
    assert_eq!(lines[1], lines[2]);
}

#[test]
fn a_row_of_another_length_is_refused_with_its_line() {
    let model = model();
    let mut input = table(&model, &[&[]]);
    input.push_str("1,2,3\n");
    let (outcomes, _) = price_all(&model, &input);
    assert_eq!(
        outcomes[1],
        RowOutcome::Refused(RowProblem {
            line: 3,
            attribute: None,
            message: format!(
                "row has 3 fields, but the header has {}",
                model.default_description().len()
            ),
        })
    );
}

#[test]
fn a_row_that_is_not_utf8_is_refused_with_its_line_and_a_quoted_padded_cell_is_trimmed() {
    let model = model();
    let input = table(&model, &[&[], &[]]);
    let (header, rows) = input.split_once('\n').unwrap();
    let row = rows.lines().next().unwrap();
    let (first, rest) = row.split_once(',').unwrap();
    let mut bytes = format!("{header}\r\n{row}\r\n{first}").into_bytes();
    // 0xff (a Latin-1 letter) is not UTF-8.
    bytes.push(0xff);
    bytes.extend_from_slice(format!(",{rest}\r\n\" {first} \",{rest}\r\n").as_bytes());
    let mut pricer = TablePricer::new(&model, &bytes[..], Vec::new(), b',').unwrap();
    let mut outcomes = Vec::new();
    while let Some(outcome) = pricer.price_next().unwrap() {
        outcomes.push(outcome);
    }
    let output = String::from_utf8(pricer.finish().unwrap()).unwrap();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[0], RowOutcome::Priced);
    assert_eq!(
        outcomes[1],
        RowOutcome::Refused(RowProblem {
            line: 3,
            attribute: None,
            message: "the row is not valid UTF-8 text".to_string(),
        })
    );
    // A quoted, padded cell is read trimmed and priced as the plain one.
    assert_eq!(outcomes[2], RowOutcome::Priced);
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert_eq!(lines[1], lines[2]);
}

#[test]
fn flags_name_extrapolated_attributes() {
    let model = model();
    let width = model.attributes().find(|a| a.name == "width").unwrap();
    let crate::AttributeKind::Numeric { max, .. } = width.kind else {
        panic!("width is a number")
    };
    let far = format_number(max + 1.0);
    let (outcomes, output) = price_all(&model, &table(&model, &[&[("width", &far)]]));
    assert_eq!(outcomes, [RowOutcome::Priced]);
    assert!(
        output
            .lines()
            .nth(1)
            .unwrap()
            .ends_with(",out_of_range:width"),
        "{output}"
    );
}

#[test]
fn the_target_column_is_replaced_and_other_added_names_are_refused() {
    let model = model();
    let input = table(&model, &[&[]]);
    let (header, row) = input.split_once('\n').unwrap();
    let with_price = format!("{header},price\n{},12345\n", row.trim_end());
    let (outcomes, output) = price_all(&model, &with_price);
    assert_eq!(outcomes, [RowOutcome::Priced]);
    assert!(!output.contains("12345"), "{output}");
    assert_eq!(
        output.lines().next().unwrap(),
        format!("{header},price,price_low,price_high,flags")
    );

    let with_flags = format!("{header},flags\n{},x\n", row.trim_end());
    let error = TablePricer::new(&model, with_flags.as_bytes(), Vec::new(), b',').err();
    assert!(
        matches!(&error, Some(BatchError::AddedColumn { column }) if column == "flags"),
        "{error:?}"
    );
}

#[test]
fn a_header_that_does_not_suit_the_model_is_refused() {
    let model = model();
    let semicolons = table(&model, &[&[]]).replace(',', ";");
    let error = TablePricer::new(&model, semicolons.as_bytes(), Vec::new(), b',').err();
    assert!(
        matches!(
            error,
            Some(BatchError::Columns(DataError::Delimiter { found: ';', .. }))
        ),
        "{error:?}"
    );
    let error = TablePricer::new(&model, "make\naudi\n".as_bytes(), Vec::new(), b',').err();
    assert!(
        matches!(
            error,
            Some(BatchError::Columns(DataError::MissingColumn { .. }))
        ),
        "{error:?}"
    );
}

#[test]
fn bytes_read_follow_the_rows() {
    let model = model();
    let input = table(&model, &[&[], &[]]);
    let mut pricer = TablePricer::new(&model, input.as_bytes(), Vec::new(), b',').unwrap();
    let after_header = pricer.bytes_read();
    pricer.price_next().unwrap();
    let after_row = pricer.bytes_read();
    assert!(
        0 < after_header && after_header < after_row,
        "{after_header} {after_row}"
    );
    while pricer.price_next().unwrap().is_some() {}
    assert_eq!(pricer.bytes_read(), input.len() as u64);
    assert_eq!(
        pricer.counts(),
        Counts {
            priced: 2,
            refused: 0
        }
    );
}
