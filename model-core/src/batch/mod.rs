//! Pricing a CSV table of cars row by row (feature `csv`): the same rows plus `price`,
//! `price_low`, `price_high` and `flags`, with a problem (line, attribute, message) for each row
//! the model cannot price.
//!
//! One record is read, priced and written at a time, so a table of any size prices in a few
//! kilobytes of memory. `carprice predict --cars IN --out OUT` and the web app's stock-list
//! pricing both run this code, so their files agree to the byte.
//!
//! ```
//! use model_core::batch::{RowOutcome, TablePricer};
//! use model_core::{format_number, AttributeValue, Model};
//!
//! let model = Model::from_json(include_str!("../../../assets/model.json")).unwrap();
//! // A table of one row: the model's reference car.
//! let reference = model.default_description();
//! let (names, cells): (Vec<&str>, Vec<String>) = reference
//!     .iter()
//!     .map(|(name, value)| match value {
//!         AttributeValue::Number(x) => (name, format_number(*x)),
//!         AttributeValue::Text(text) => (name, text.clone()),
//!     })
//!     .unzip();
//! let table = format!("{}\n{}\n", names.join(","), cells.join(","));
//! let mut pricer = TablePricer::new(&model, table.as_bytes(), Vec::new(), b',').unwrap();
//! assert_eq!(pricer.price_next().unwrap(), Some(RowOutcome::Priced));
//! assert_eq!(pricer.price_next().unwrap(), None);
//! let priced = String::from_utf8(pricer.finish().unwrap()).unwrap();
//! assert!(priced.lines().next().unwrap().ends_with(",price,price_low,price_high,flags"));
//! //! ```

mod lines;

use std::fmt::Write as _;
use std::io::{Read, Write};

use thiserror::Error;

use crate::car::{AttributeValue, CarDescription};
use crate::cells::is_missing;
use crate::error::DataError;
use crate::model::Model;
use crate::quote::{Extrapolation, Quote};
use lines::LineNumbered;

/// The columns added after the input's.
pub const ADDED_COLUMNS: [&str; 4] = ["price", "price_low", "price_high", "flags"];

/// Field separators recognised when a header evidently uses another one than asked for.
const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];

/// Why a table cannot be priced at all (a row that cannot be priced is a [`RowProblem`]).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The header row is not CSV text.
    #[error("cannot read the header row: {0}")]
    Header(String),
    /// An input column has the name of a column the output adds (and is not the model's target,
    /// whose actual prices are replaced).
    #[error(
        "the table has a column `{column}`, which the output adds: rename or remove it \
         (price, price_low, price_high and flags are added)"
    )]
    AddedColumn {
        /// The column's name.
        column: String,
    },
    /// The header does not suit the model: another delimiter, a repeated column, a column the
    /// model needs is absent.
    #[error(transparent)]
    Columns(#[from] DataError),
    /// The input could not be read.
    #[error("cannot read the table")]
    Read(#[source] std::io::Error),
    /// The output could not be written (a closed pipe is one).
    #[error("cannot write the priced table")]
    Write(#[source] std::io::Error),
}

/// A row the model cannot price; it is left out of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based line of the row in the input, as a text editor counts (`\n`, `\r\n` or `\r`).
    pub line: u64,
    /// The attribute at fault, when one is.
    pub attribute: Option<String>,
    /// What is wrong, e.g. "`make` is \"trabant\", which the model does not know (known: …)".
    pub message: String,
}

/// What became of one input row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// Priced and written to the output.
    Priced,
    /// Not priced, not written.
    Refused(RowProblem),
}

/// Rows priced and refused so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows written to the output.
    pub priced: u64,
    /// Rows left out, each with a [`RowProblem`].
    pub refused: u64,
}

/// Prices a CSV table of cars into a CSV table: the input's columns (cells trimmed; a column
/// named like an added one only when it is the model's target, whose actual prices it replaces),
/// then `price`, `price_low`, `price_high` (the quote's price and 80% range, written to the last
/// bit) and `flags` (space-separated `out_of_range:ATTRIBUTE`, `untrained:ATTRIBUTE=CATEGORY` and
/// `imputed:ATTRIBUTE`).
pub struct TablePricer<'m, R, W: Write> {
    model: &'m Model,
    reader: csv::Reader<LineNumbered<R>>,
    writer: csv::Writer<W>,
    columns: Vec<String>,
    /// Input columns written out.
    kept: Vec<usize>,
    /// Input columns that describe the car.
    priced: Vec<usize>,
    record: csv::StringRecord,
    description: CarDescription,
    flags: String,
    counts: Counts,
}

impl<'m, R: Read, W: Write> TablePricer<'m, R, W> {
    /// Reads the header of `input`, checks it against the model and writes the output's header.
    ///
    /// # Errors
    /// [`BatchError`] when the header cannot be read, does not suit the model, or the output
    /// cannot be written.
    pub fn new(model: &'m Model, input: R, output: W, delimiter: u8) -> Result<Self, BatchError> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(LineNumbered::new(input));
        let columns: Vec<String> = match reader.headers() {
            Ok(header) => header.iter().map(str::to_string).collect(),
            Err(e) if e.is_io_error() => return Err(BatchError::Read(io_error(e))),
            Err(e) => return Err(BatchError::Header(csv_problem(&e))),
        };
        let target = model.document().target.name.as_str();
        if let Some(clash) = columns
            .iter()
            .find(|c| ADDED_COLUMNS.contains(&c.as_str()) && c.as_str() != target)
        {
            return Err(BatchError::AddedColumn {
                column: clash.clone(),
            });
        }
        check_header(model, &columns, delimiter)?;
        let kept: Vec<usize> = (0..columns.len())
            .filter(|&i| !ADDED_COLUMNS.contains(&columns[i].as_str()))
            .collect();
        // All but the target and the columns the model ignores (which `Model::car` would accept
        // and skip), so unknown columns are still refused.
        let ignored = &model.document().ignored_attributes;
        let priced: Vec<usize> = (0..columns.len())
            .filter(|&i| columns[i] != target && !ignored.contains(&columns[i]))
            .collect();
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(output);
        writer
            .write_record(
                kept.iter()
                    .map(|&i| columns[i].as_str())
                    .chain(ADDED_COLUMNS),
            )
            .map_err(|e| BatchError::Write(io_error(e)))?;
        Ok(TablePricer {
            model,
            reader,
            writer,
            columns,
            kept,
            priced,
            record: csv::StringRecord::new(),
            description: CarDescription::new(),
            flags: String::new(),
            counts: Counts::default(),
        })
    }

    /// The input's column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Rows priced and refused so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Bytes of the input read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Reads, prices and writes the next row; `None` at the end of the input.
    ///
    /// # Errors
    /// [`BatchError::Read`] or [`BatchError::Write`]; a row that cannot be priced is not an
    /// error but [`RowOutcome::Refused`].
    pub fn price_next(&mut self) -> Result<Option<RowOutcome>, BatchError> {
        let read = self.reader.read_record(&mut self.record);
        let byte = match &read {
            Ok(_) => self.record.position().map_or(0, csv::Position::byte),
            Err(e) => e.position().map_or(0, csv::Position::byte),
        };
        let line = self.reader.get_mut().line(byte);
        match read {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) if e.is_io_error() => return Err(BatchError::Read(io_error(e))),
            Err(e) => return Ok(Some(self.refuse(line, None, csv_problem(&e)))),
        }
        if self.record.len() != self.columns.len() {
            let message = format!(
                "row has {} fields, but the header has {}",
                self.record.len(),
                self.columns.len()
            );
            return Ok(Some(self.refuse(line, None, message)));
        }
        self.fill();
        let model = self.model;
        match model
            .car(&self.description)
            .and_then(|car| model.quote(&car))
        {
            Ok(quote) => {
                write_flags(&mut self.flags, &quote);
                let price = quote.price.to_string();
                let low = quote.interval.low.to_string();
                let high = quote.interval.high.to_string();
                let record = &self.record;
                self.writer
                    .write_record(self.kept.iter().map(|&i| &record[i]).chain([
                        price.as_str(),
                        low.as_str(),
                        high.as_str(),
                        self.flags.as_str(),
                    ]))
                    .map_err(|e| BatchError::Write(io_error(e)))?;
                self.counts.priced += 1;
                Ok(Some(RowOutcome::Priced))
            }
            Err(error) => {
                let attribute = Some(error.attribute().to_string());
                Ok(Some(self.refuse(line, attribute, error.to_string())))
            }
        }
    }

    /// Flushes the output and hands it back.
    ///
    /// # Errors
    /// [`BatchError::Write`] when the last bytes cannot be written.
    pub fn finish(self) -> Result<W, BatchError> {
        self.writer
            .into_inner()
            .map_err(|e| BatchError::Write(e.into_error()))
    }

    fn refuse(&mut self, line: u64, attribute: Option<String>, message: String) -> RowOutcome {
        self.counts.refused += 1;
        RowOutcome::Refused(RowProblem {
            line,
            attribute,
            message,
        })
    }

    /// Puts the record into the car description as `CarTable::description` would (missing
    /// cells left out), taking only the priced columns.
    fn fill(&mut self) {
        let (columns, record) = (&self.columns, &self.record);
        self.description = self
            .priced
            .iter()
            .map(|&i| (columns[i].as_str(), &record[i]))
            .filter(|&(_, cell)| !is_missing(cell))
            .map(|(column, cell)| (column, AttributeValue::Text(cell.to_string())))
            .collect();
    }
}

/// Refuses a header as `CarTable` does: another delimiter evidently used, a repeated column, or
/// a column the model needs absent.
fn check_header(model: &Model, columns: &[String], delimiter: u8) -> Result<(), DataError> {
    if let [only] = columns {
        if let Some(found) = DELIMITERS
            .into_iter()
            .find(|&d| d != char::from(delimiter) && only.contains(d))
        {
            return Err(DataError::Delimiter {
                found,
                expected: char::from(delimiter),
            });
        }
    }
    if let Some((_, column)) = columns
        .iter()
        .enumerate()
        .find(|(i, c)| columns[..*i].contains(c))
    {
        return Err(DataError::DuplicateColumn {
            column: column.clone(),
        });
    }
    match model.attributes().find(|a| !columns.contains(&a.name)) {
        Some(attribute) => Err(DataError::MissingColumn {
            column: attribute.name.clone(),
            columns: columns.join(", "),
        }),
        None => Ok(()),
    }
}

/// The I/O error inside a `csv` error (`From` would wrap it and lose its kind, so a closed pipe
/// would no longer be recognised).
fn io_error(error: csv::Error) -> std::io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// The message for a malformed record.
fn csv_problem(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8 text".to_string(),
        _ => error.to_string(),
    }
}

/// The flags column: `out_of_range:A`, `untrained:A=C`, `imputed:A`, separated by spaces.
fn write_flags(flags: &mut String, quote: &Quote<'_>) {
    flags.clear();
    for e in &quote.extrapolations {
        let _ = match e {
            Extrapolation::OutOfRange { attribute, .. } => {
                write!(flags, " out_of_range:{attribute}")
            }
            Extrapolation::UntrainedCategory {
                attribute,
                category,
            } => write!(flags, " untrained:{attribute}={category}"),
        };
    }
    for attribute in &quote.imputed {
        let _ = write!(flags, " imputed:{attribute}");
    }
    if flags.starts_with(' ') {
        flags.remove(0);
    }
}

#[cfg(test)]
mod tests;
