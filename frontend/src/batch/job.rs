//! One stock list priced from start to end, as the worker runs it: model-core's row-by-row
//! [`TablePricer`] (the rows of `carprice predict --cars --out`), progress every few thousand
//! rows, every problem kept for the problems file. Plain Rust over `Read`/`Write`, so it is
//! tested natively; the worker only supplies the file, the output and the clock.

use std::io::{Read, Write};

use model_core::batch::{BatchError, RowOutcome, RowProblem, TablePricer};
use model_core::{DataError, Model};

use super::summary::{Problem, Summary, SHOWN_PROBLEMS};

/// Rows between two progress reports.
pub const PROGRESS_EVERY: u64 = 1 << 13;

/// A priced table: its summary (without the time) and every problem.
#[derive(Debug)]
pub struct Priced<W> {
    /// The priced file.
    pub output: W,
    /// Counts and the first problems.
    pub summary: Summary,
    /// Every problem, in file order.
    pub problems: Vec<RowProblem>,
}

/// Prices `input` into `output` with `delimiter`, calling `progress(bytes_read, rows)` every
/// [`PROGRESS_EVERY`] rows.
///
/// # Errors
/// [`BatchError`] when the table cannot be priced at all (it is empty, its header does not suit
/// the model, or the file cannot be read), or cannot be read past a row (a quote never closed, a
/// row over 1 MiB).
pub fn price_table<R: Read, W: Write>(
    model: &Model,
    input: R,
    output: W,
    delimiter: u8,
    mut progress: impl FnMut(u64, u64),
) -> Result<Priced<W>, BatchError> {
    let mut pricer = TablePricer::new(model, input, output, delimiter)?;
    let mut problems = Vec::new();
    let mut rows = 0u64;
    while let Some(outcome) = pricer.price_next()? {
        if let RowOutcome::Refused(problem) = outcome {
            problems.push(problem);
        }
        rows += 1;
        if rows.is_multiple_of(PROGRESS_EVERY) {
            progress(pricer.bytes_read(), rows);
        }
    }
    let counts = pricer.counts();
    let summary = Summary {
        priced: counts.priced,
        refused: counts.refused,
        problems: problems
            .iter()
            .take(SHOWN_PROBLEMS)
            .map(|p| Problem {
                line: p.line,
                attribute: p.attribute.clone().unwrap_or_default(),
                message: p.message.clone(),
            })
            .collect(),
        delimiter: char::from(delimiter),
        millis: 0.0,
    };
    Ok(Priced {
        output: pricer.finish()?,
        summary,
        problems,
    })
}

/// The delimiter to read a table with again when its header is evidently separated by another
/// one than asked for (a semicolon-separated export, say): the one it uses.
pub fn other_delimiter(error: &BatchError) -> Option<u8> {
    match error {
        BatchError::Columns(DataError::Delimiter { found, .. }) => u8::try_from(*found).ok(),
        _ => None,
    }
}

/// The problems file: `line,attribute,problem`, one row per refused input row.
pub fn problems_csv(problems: &[RowProblem]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = writer.write_record(["line", "attribute", "problem"]);
    for p in problems {
        let line = p.line.to_string();
        let _ = writer.write_record([&line, p.attribute.as_deref().unwrap_or(""), &p.message]);
    }
    writer.into_inner().unwrap_or_default()
}

/// An error and its causes, as one line ("cannot read the table: …").
pub fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::model;

    fn sample(rows: usize) -> String {
        let model = model();
        let reference: Vec<(String, String)> = model
            .default_description()
            .iter()
            .map(|(n, v)| {
                let cell = match v {
                    model_core::AttributeValue::Number(x) => model_core::format_number(*x),
                    model_core::AttributeValue::Text(t) => t.clone(),
                };
                (n.to_string(), cell)
            })
            .collect();
        let header: Vec<&str> = reference.iter().map(|(n, _)| n.as_str()).collect();
        let row: Vec<&str> = reference.iter().map(|(_, c)| c.as_str()).collect();
        let mut text = header.join(",");
        for i in 0..rows {
            text.push('\n');
            if i % 10 == 3 {
                text.push_str(&row.join(",").replacen(row[0], "trabant", 1));
            } else {
                text.push_str(&row.join(","));
            }
        }
        text
    }

    #[test]
    fn a_table_prices_with_progress_and_keeps_every_problem() {
        let model = model();
        let rows = 2 * PROGRESS_EVERY as usize + 5;
        let input = sample(rows);
        let mut reports = Vec::new();
        let priced = price_table(&model, input.as_bytes(), Vec::new(), b',', |bytes, rows| {
            reports.push((bytes, rows))
        })
        .unwrap();
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[1].1, 2 * PROGRESS_EVERY);
        assert!(reports[0].0 < reports[1].0 && reports[1].0 < input.len() as u64);
        let refused = (0..rows).filter(|i| i % 10 == 3).count() as u64;
        assert_eq!(priced.summary.refused, refused);
        assert_eq!(priced.summary.priced, rows as u64 - refused);
        assert_eq!(priced.problems.len() as u64, refused);
        assert_eq!(priced.summary.problems.len(), SHOWN_PROBLEMS);
        assert_eq!(priced.summary.problems[0].line, 5);
        assert_eq!(
            priced.summary.problems[0].attribute,
            model.attributes().next().unwrap().name
        );
        let output = String::from_utf8(priced.output).unwrap();
        assert_eq!(output.lines().count() as u64, 1 + priced.summary.priced);
    }

    #[test]
    fn a_semicolon_table_names_its_delimiter() {
        let model = model();
        let input = sample(3).replace(',', ";");
        let error = price_table(&model, input.as_bytes(), Vec::new(), b',', |_, _| {}).unwrap_err();
        assert_eq!(other_delimiter(&error), Some(b';'));
        let priced = price_table(&model, input.as_bytes(), Vec::new(), b';', |_, _| {}).unwrap();
        assert_eq!(priced.summary.delimiter, ';');
        assert!(String::from_utf8(priced.output)
            .unwrap()
            .contains(";price;price_low;"));
    }

    #[test]
    fn the_problems_file_quotes_messages() {
        let problems = [RowProblem {
            line: 4,
            attribute: Some("make".to_string()),
            message: "`make` is \"trabant\", which the model does not know (known: audi, bmw)"
                .to_string(),
        }];
        assert_eq!(
            String::from_utf8(problems_csv(&problems)).unwrap(),
            "line,attribute,problem\n4,make,\"`make` is \"\"trabant\"\", which the model does not know (known: audi, bmw)\"\n"
        );
    }

    #[test]
    fn a_stock_list_with_an_unclosed_quote_or_no_header_stops_as_the_command_line_does() {
        let model = model();
        let input = sample(5);
        // A quote opened at the start of the first row and never closed.
        let open = input.replacen("\n", "\n\"", 1);
        let error = price_table(&model, open.as_bytes(), Vec::new(), b',', |_, _| {}).unwrap_err();
        assert!(
            matches!(error, BatchError::UnclosedQuote { line: 2 }),
            "{error:?}"
        );
        assert!(
            describe(&error).starts_with("CSV line 2: a quote opened in this row is not closed")
        );
        let error = price_table(&model, &b""[..], Vec::new(), b',', |_, _| {}).unwrap_err();
        assert!(matches!(error, BatchError::Empty { .. }), "{error:?}");
    }

    #[test]
    fn an_error_reads_with_its_causes() {
        let error = BatchError::Read(std::io::Error::other("the file was removed"));
        assert_eq!(
            describe(&error),
            "cannot read the table: the file was removed"
        );
    }
}
