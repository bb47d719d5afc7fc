//! Pricing a CSV table of cars row by row (feature `csv`): the same rows plus `price`,
//! `price_low`, `price_high` and `flags`, with a problem (line, attribute, message) for each row
//! the model cannot price.
//!
//! A row is defined once, by [`RowWriter`]: checked and priced with [`crate::RowPricer`] (no
//! car description, no full quote), written with its flags, or refused with a [`RowProblem`].
//! [`TablePricer`] runs it one row at a time (the web app's stock-list worker), in a few hundred
//! kilobytes of memory whatever the table's size; `carprice predict --cars IN --out OUT` runs it
//! in several threads on [`Chunks`] of the text. So their files agree to the byte. Both stop at a
//! record they cannot tell the end of: one spanning more than [`MAX_RECORD_BYTES`]
//! ([`BatchError::RecordTooLong`]) or one the input ends inside quotes of
//! ([`BatchError::UnclosedQuote`]), reading no more than that much of it.
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

mod chunks;
mod lines;
mod number;
mod row;

use std::io::{Read, Write};

use thiserror::Error;

use crate::error::DataError;
use crate::model::Model;
use chunks::quote_left_open;
pub use chunks::{Chunk, Chunks, CHUNK_BYTES};
use lines::LineNumbered;
pub use row::RowWriter;

/// The columns added after the input's.
pub const ADDED_COLUMNS: [&str; 4] = ["price", "price_low", "price_high", "flags"];

/// The most bytes one record may span in the input (its line end and any blank lines before it
/// included). A car's row is a few hundred bytes; a longer record is refused rather than read
/// into memory, whatever it is (a quote left open makes the rest of the file one record).
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// The first [`MAX_RECORD_BYTES`] of a record's text: a quote open at their end is never closed
/// as far as the reading goes.
fn limited(text: &[u8]) -> &[u8] {
    &text[..text.len().min(MAX_RECORD_BYTES)]
}

/// Field separators recognised when a header evidently uses another one than asked for.
const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];

/// Why a table cannot be priced at all (a row that cannot be priced is a [`RowProblem`]).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The input is empty, or its first line names no columns (only spaces).
    #[error(
        "the table has no header row: it is empty, or its first line holds only spaces; its first \
         line must name the columns, the model's at least: {needed}"
    )]
    Empty {
        /// The columns the model needs, comma-separated.
        needed: String,
    },
    /// A quote opened in a record is not closed before the end of the input or within
    /// [`MAX_RECORD_BYTES`]: every later line would be part of one cell, so no later row can be
    /// told apart reliably and reading stops.
    #[error(
        "CSV line {line}: a quote opened in this row is not closed (before the end of the file \
         or within 1 MiB, the most a row may span), so every later line would be part of one \
         cell: close the quote, and write a quote inside a quoted cell twice (\"\")"
    )]
    UnclosedQuote {
        /// The line where the record starts.
        line: u64,
    },
    /// A record spans more than [`MAX_RECORD_BYTES`]; reading stops there.
    #[error(
        "CSV line {line}: the row is longer than 1 MiB, the most a row may span (a car's row is a \
         few hundred bytes): check that the file is a CSV table with one car a line"
    )]
    RecordTooLong {
        /// The line where the record starts.
        line: u64,
    },
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

/// Characters of a long message shown before and after what [`OneLine`] leaves out of it (a
/// cell's value of a megabyte is not repeated whole on stderr; the end of a message says what is
/// wrong and what is known).
const SHOWN_FIRST: usize = 150;
const SHOWN_LAST: usize = 350;

/// A message written on one line for a terminal or a log: control characters (a line end in a
/// quoted cell's value, an escape sequence) are written escaped, as `\n`, `\r`, `\t` or
/// `\u{…}`, and of a message over 500 characters the first 150 and the last 350 are shown, with
/// the count of those left out between.
pub struct OneLine<'a>(pub &'a str);

impl std::fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        let length = self.0.chars().count();
        let left_out = length.saturating_sub(SHOWN_FIRST + SHOWN_LAST);
        for (i, c) in self.0.chars().enumerate() {
            if left_out > 0 && i == SHOWN_FIRST {
                write!(f, "…[{left_out} characters left out]…")?;
            }
            if left_out > 0 && (SHOWN_FIRST..SHOWN_FIRST + left_out).contains(&i) {
                continue;
            }
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}') {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

impl std::fmt::Display for RowProblem {
    /// `CSV line N: message`, the message as [`OneLine`] writes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CSV line {}: {}", self.line, OneLine(&self.message))
    }
}

/// Where a record was read, and why it is not a record if it is not (a row with such a problem
/// is refused).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowRead {
    /// 1-based line of the record in the input.
    pub line: u64,
    /// Why the row could not be read as a CSV record, if so.
    pub problem: Option<String>,
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

/// A table's header checked against the model: its columns (names trimmed), the ones written
/// out, and the output's header.
#[derive(Debug, Clone)]
pub struct Table {
    columns: Vec<String>,
    /// Input columns written out: all but those named like an added one.
    kept: Vec<usize>,
    delimiter: u8,
}

impl Table {
    /// Checks a header (`columns`, trimmed) against the model.
    ///
    /// # Errors
    /// [`BatchError::AddedColumn`], or [`BatchError::Columns`] for another delimiter evidently
    /// used, a repeated column or a column the model needs absent.
    pub fn new(model: &Model, columns: Vec<String>, delimiter: u8) -> Result<Self, BatchError> {
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
        // The target column (actual prices, if any) is kept under its own name unless it is
        // `price`, which the output's predicted price replaces.
        let kept = (0..columns.len())
            .filter(|&i| !ADDED_COLUMNS.contains(&columns[i].as_str()))
            .collect();
        Ok(Table {
            columns,
            kept,
            delimiter,
        })
    }

    /// The input's column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The output's header row (kept columns, then [`ADDED_COLUMNS`]), with its line end.
    pub fn header_row(&self) -> Vec<u8> {
        let mut header = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .from_writer(Vec::new());
        header
            .write_record(
                self.kept
                    .iter()
                    .map(|&i| self.columns[i].as_str())
                    .chain(ADDED_COLUMNS),
            )
            .and_then(|()| header.flush().map_err(csv::Error::from))
            .expect("writing CSV to memory");
        header.into_inner().expect("writing CSV to memory")
    }

    /// A writer of this table's rows priced by `model` (one per thread).
    pub fn row_writer<'m>(&self, model: &'m Model) -> RowWriter<'m> {
        RowWriter::new(model, &self.columns, &self.kept, self.delimiter)
    }
}

/// The records of a CSV table, each with its line, after a header checked against the model.
///
/// A record that spans more than [`MAX_RECORD_BYTES`], or that the input ends inside a quoted
/// field of, ends the reading with [`BatchError::RecordTooLong`] or
/// [`BatchError::UnclosedQuote`]: only a few kilobytes are ever read ahead of the record.
pub struct Records<R> {
    reader: csv::Reader<LineNumbered<R>>,
    delimiter: u8,
}

/// The `csv` reader's buffer.
const READ_BUFFER: usize = 1 << 16;

impl<R: Read> Records<R> {
    /// Reads the header of `input` and checks it against the model.
    ///
    /// # Errors
    /// [`BatchError`] when the header cannot be read or does not suit the model.
    pub fn new(model: &Model, input: R, delimiter: u8) -> Result<(Self, Table), BatchError> {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .buffer_capacity(READ_BUFFER)
            .from_reader(LineNumbered::new(input));
        let mut records = Records { reader, delimiter };
        // Names are trimmed as cells are.
        let (columns, start): (Vec<String>, u64) = match records.reader.headers() {
            Ok(header) => (
                header.iter().map(|c| c.trim().to_string()).collect(),
                header.position().map_or(0, csv::Position::byte),
            ),
            Err(e) => return Err(records.failure(e)),
        };
        records.check_record(start)?;
        if columns.iter().all(String::is_empty) {
            let needed: Vec<&str> = model.attributes().map(|a| a.name.as_str()).collect();
            return Err(BatchError::Empty {
                needed: needed.join(", "),
            });
        }
        let table = Table::new(model, columns, delimiter)?;
        Ok((records, table))
    }

    /// Reads records from `input`, a part of a table's text after its header that starts where
    /// a record may start, with a line ending on line `line`.
    fn continuing(input: R, delimiter: u8, line: u64) -> Self {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(READ_BUFFER)
            .from_reader(LineNumbered::from_line_end(input, line));
        Records { reader, delimiter }
    }

    /// Reads the next record into `record`; `None` at the end of the input. A row that is not a
    /// CSV record is read with its problem, for [`RowWriter::write`] to refuse.
    ///
    /// # Errors
    /// [`BatchError::Read`] when the input cannot be read; [`BatchError::RecordTooLong`] or
    /// [`BatchError::UnclosedQuote`] for a record too long or left inside quotes at the end
    /// (reading stops there: no later record can be told apart reliably).
    pub fn read(&mut self, record: &mut csv::ByteRecord) -> Result<Option<RowRead>, BatchError> {
        let read = self.reader.read_byte_record(record);
        let byte = match &read {
            Ok(_) => record.position().map_or(0, csv::Position::byte),
            Err(e) => e.position().map_or(0, csv::Position::byte),
        };
        match read {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(RowRead {
                line: self.check_record(byte)?,
                problem: None,
            })),
            Err(e) if e.is_io_error() => Err(self.failure(e)),
            Err(e) => Ok(Some(RowRead {
                line: self.check_record(byte)?,
                problem: Some(csv_problem(&e)),
            })),
        }
    }

    /// Checks the record just read, placed at `byte` by the reader, and returns its line: it
    /// must not span more than [`MAX_RECORD_BYTES`] nor end inside quotes.
    fn check_record(&mut self, byte: u64) -> Result<u64, BatchError> {
        let end = self.reader.position().byte();
        let numbered = self.reader.get_mut();
        let line = numbered.line(byte);
        if end.saturating_sub(numbered.record_start()) > MAX_RECORD_BYTES as u64
            || (numbered.ended_at(end) && quote_left_open(numbered.pending(), self.delimiter))
        {
            return Err(self.too_long(line));
        }
        numbered.record_ended(end);
        Ok(line)
    }

    /// The error for a record starting on `line` that is too long or left inside quotes.
    fn too_long(&self, line: u64) -> BatchError {
        if quote_left_open(limited(self.reader.get_ref().pending()), self.delimiter) {
            BatchError::UnclosedQuote { line }
        } else {
            BatchError::RecordTooLong { line }
        }
    }

    /// The error for a failed read: the input's, or a record too long to read on.
    fn failure(&mut self, error: csv::Error) -> BatchError {
        let numbered = self.reader.get_mut();
        if numbered.overflowed() {
            let line = numbered.line(numbered.record_start());
            return self.too_long(line);
        }
        if error.is_io_error() {
            BatchError::Read(io_error(error))
        } else {
            BatchError::Header(csv_problem(&error))
        }
    }

    /// Bytes of the input read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Output bytes gathered before they are handed to the output.
const WRITE_BUFFER: usize = 1 << 16;

/// Prices a CSV table of cars into a CSV table, one row at a time: the input's columns (cells
/// trimmed; a column named like an added one only when it is the model's target, whose actual
/// prices it replaces), then `price`, `price_low`, `price_high` (the quote's price and 80% range,
/// written to the last bit) and `flags` (space-separated `out_of_range:ATTRIBUTE`,
/// `untrained:ATTRIBUTE=CATEGORY` and `imputed:ATTRIBUTE`).
pub struct TablePricer<'m, R, W: Write> {
    records: Records<R>,
    table: Table,
    row: RowWriter<'m>,
    record: csv::ByteRecord,
    output: W,
    /// Output rows not yet handed to `output`.
    text: Vec<u8>,
    counts: Counts,
}

impl<'m, R: Read, W: Write> TablePricer<'m, R, W> {
    /// Reads the header of `input`, checks it against the model and writes the output's header.
    ///
    /// # Errors
    /// [`BatchError`] when the header cannot be read or does not suit the model.
    pub fn new(model: &'m Model, input: R, output: W, delimiter: u8) -> Result<Self, BatchError> {
        let (records, table) = Records::new(model, input, delimiter)?;
        let mut text = Vec::with_capacity(WRITE_BUFFER);
        text.extend_from_slice(&table.header_row());
        Ok(TablePricer {
            records,
            row: table.row_writer(model),
            table,
            record: csv::ByteRecord::new(),
            output,
            text,
            counts: Counts::default(),
        })
    }

    /// The input's column names.
    pub fn columns(&self) -> &[String] {
        self.table.columns()
    }

    /// Rows priced and refused so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Bytes of the input read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.records.bytes_read()
    }

    /// Reads, prices and writes the next row; `None` at the end of the input.
    ///
    /// # Errors
    /// [`BatchError::Read`] or [`BatchError::Write`]; a row that cannot be priced is not an
    /// error but [`RowOutcome::Refused`].
    pub fn price_next(&mut self) -> Result<Option<RowOutcome>, BatchError> {
        let Some(read) = self.records.read(&mut self.record)? else {
            return Ok(None);
        };
        let outcome = match self.row.write(&read, &self.record, &mut self.text) {
            Ok(()) => {
                self.counts.priced += 1;
                RowOutcome::Priced
            }
            Err(problem) => {
                self.counts.refused += 1;
                RowOutcome::Refused(problem)
            }
        };
        if self.text.len() >= WRITE_BUFFER {
            self.output
                .write_all(&self.text)
                .map_err(BatchError::Write)?;
            self.text.clear();
        }
        Ok(Some(outcome))
    }

    /// Writes the last rows, flushes the output and hands it back.
    ///
    /// # Errors
    /// [`BatchError::Write`] when the last bytes cannot be written.
    pub fn finish(mut self) -> Result<W, BatchError> {
        self.output
            .write_all(&self.text)
            .and_then(|()| self.output.flush())
            .map_err(BatchError::Write)?;
        Ok(self.output)
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
    // A repeated attribute is refused (which of the two would be priced?); other repeated names
    // (a spreadsheet's empty trailing columns, two VIN columns) are copied through as they are.
    // A set, not a scan of the columns before each: a header may have many thousands.
    let mut seen = std::collections::HashSet::with_capacity(columns.len());
    if let Some(column) = columns
        .iter()
        .filter(|c| model.attributes().any(|a| a.name == **c))
        .find(|c| !seen.insert(c.as_str()))
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

#[cfg(test)]
mod tests;
