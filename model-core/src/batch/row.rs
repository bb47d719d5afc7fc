//! One row of a priced table: the record checked, priced with [`RowPricer`] and written as the
//! output's CSV row (kept cells, price, range, flags), or the problem that keeps it out. The
//! single definition of a row that [`super::TablePricer`] and the CLI's pricing threads share.

use std::fmt::Write as _;

use crate::cells::trim;
use crate::model::Model;
use crate::quote::Extrapolation;
use crate::rows::{RowPricer, RowQuote};

use super::number::display_number;
use super::{RowProblem, RowRead};

/// Prices records of one table (the header a [`super::Table`] checked) into output rows.
/// Made by [`super::Table::row_writer`]; it keeps scratch space, so each thread has its own.
pub struct RowWriter<'m> {
    pricer: RowPricer<'m>,
    columns: usize,
    /// The input columns copied to the output.
    kept: Vec<usize>,
    delimiter: u8,
    /// The `csv` writer's settings, for rows that need quoting.
    format: csv::WriterBuilder,
    /// The row's trimmed cells (empty between rows; its allocation is reused).
    cells: Vec<&'static str>,
    numbers: [ryu::Buffer; 3],
    spill: [String; 3],
    flags: String,
}

impl<'m> RowWriter<'m> {
    pub(super) fn new(model: &'m Model, columns: &[String], kept: &[usize], delimiter: u8) -> Self {
        let header: Vec<&str> = columns.iter().map(String::as_str).collect();
        let mut format = csv::WriterBuilder::new();
        format.delimiter(delimiter);
        RowWriter {
            pricer: model.row_pricer(&header),
            columns: columns.len(),
            kept: kept.to_vec(),
            delimiter,
            format,
            cells: Vec::with_capacity(columns.len()),
            numbers: Default::default(),
            spill: Default::default(),
            flags: String::new(),
        }
    }

    /// Checks and prices the record read as `read` and appends its output row to `out`, or says
    /// why the row cannot be priced (then nothing is appended).
    ///
    /// # Errors
    /// The row's [`RowProblem`]: not a record, not UTF-8 text, another number of fields than
    /// the header, or what the model says of its values.
    pub fn write(
        &mut self,
        read: &RowRead,
        record: &csv::ByteRecord,
        out: &mut Vec<u8>,
    ) -> Result<(), RowProblem> {
        let problem = |attribute: Option<String>, message: String| RowProblem {
            line: read.line,
            attribute,
            message,
        };
        if let Some(message) = &read.problem {
            return Err(problem(None, message.clone()));
        }
        let mut cells = recycle(std::mem::take(&mut self.cells));
        let written = self.write_cells(record, &mut cells, out);
        self.cells = recycle(cells);
        written.map_err(|(attribute, message)| problem(attribute, message))
    }

    /// [`Self::write`] with `cells` as scratch space; the error is (attribute, message).
    fn write_cells<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        cells: &mut Vec<&'r str>,
        out: &mut Vec<u8>,
    ) -> Result<(), (Option<String>, String)> {
        // The record as text at once: its fields are text if it is and each ends on a character
        // boundary (what the `csv` reader checks of a text record, field by field).
        let text = std::str::from_utf8(record.as_slice());
        for i in 0..record.len() {
            let cell = text
                .ok()
                .zip(record.range(i))
                .and_then(|(text, range)| text.get(range))
                .ok_or_else(|| (None, "the row is not valid UTF-8 text".to_string()))?;
            cells.push(trim(cell));
        }
        if cells.len() != self.columns {
            let message = format!(
                "row has {} fields, but the header has {}",
                cells.len(),
                self.columns
            );
            return Err((None, message));
        }
        let quote = self
            .pricer
            .quote(cells)
            .map_err(|e| (Some(e.attribute().to_string()), e.to_string()))?;
        write_flags(&mut self.flags, &quote);
        let [price, low, high] = &mut self.numbers;
        let [price_text, low_text, high_text] = &mut self.spill;
        let added = [
            display_number(price, price_text, quote.price),
            display_number(low, low_text, quote.interval.low),
            display_number(high, high_text, quote.interval.high),
            self.flags.as_str(),
        ];
        let fields = self.kept.iter().map(|&i| cells[i]).chain(added);
        // Trimmed cells are parts of the record's text, so if neither holds a byte that needs
        // quoting, no field does and the row is its fields joined; else the `csv` writer quotes.
        if needs_quotes(self.delimiter, record.as_slice())
            || needs_quotes(self.delimiter, self.flags.as_bytes())
        {
            let mut row = self.format.from_writer(out);
            row.write_record(fields)
                .and_then(|()| row.flush().map_err(csv::Error::from))
                .expect("writing CSV to memory");
        } else {
            for (i, field) in fields.enumerate() {
                if i > 0 {
                    out.push(self.delimiter);
                }
                out.extend_from_slice(field.as_bytes());
            }
            out.push(b'\n');
        }
        Ok(())
    }
}

/// `cells` emptied, its allocation kept for cells of another lifetime (collecting into a vector
/// of the same element size reuses the allocation).
fn recycle<'a>(mut cells: Vec<&str>) -> Vec<&'a str> {
    cells.clear();
    cells.into_iter().map(|_| "").collect()
}

/// Whether `text` holds a byte that makes the `csv` writer quote a field (with its default
/// quoting, quotes doubled and `\n` line ends): the delimiter, `"`, `\r` or `\n`.
fn needs_quotes(delimiter: u8, text: &[u8]) -> bool {
    memchr::memchr3(delimiter, b'"', b'\n', text).is_some() || memchr::memchr(b'\r', text).is_some()
}

/// The flags column: `out_of_range:A`, `untrained:A=C`, `imputed:A`, separated by spaces.
fn write_flags(flags: &mut String, quote: &RowQuote<'_>) {
    flags.clear();
    for e in quote.extrapolations() {
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
    for attribute in quote.imputed() {
        let _ = write!(flags, " imputed:{attribute}");
    }
    if flags.starts_with(' ') {
        flags.remove(0);
    }
}
