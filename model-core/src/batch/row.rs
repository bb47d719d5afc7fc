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
    /// How many they are when they are the first ones (`0..n`, n > 0), else `None`.
    kept_prefix: Option<usize>,
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
            kept_prefix: (!kept.is_empty() && kept.iter().copied().eq(0..kept.len()))
                .then_some(kept.len()),
            delimiter,
            format,
            cells: Vec::with_capacity(columns.len()),
            numbers: Default::default(),
            spill: Default::default(),
            flags: String::new(),
        }
    }

    /// The table's field separator.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
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
        let written = self.write_record(record, &mut cells, out);
        self.cells = recycle(cells);
        written.map_err(|(attribute, message)| problem(attribute, message))
    }

    /// Checks and prices one line of a table's text that holds no `"` and no `\r` (a line the
    /// `csv` reader would read as its fields split at the delimiter, the line end left off), read
    /// at `line`, and appends its output row to `out`, or says why the row cannot be priced. The
    /// same row, problem and bytes as [`Self::write`] of that line's record. `text` is the line
    /// as text, or the error of reading its bytes as UTF-8 (a chunk of text is checked at once,
    /// and only a chunk that is not text line by line).
    ///
    /// # Errors
    /// As [`Self::write`].
    pub fn write_line(
        &mut self,
        line: u64,
        text: Result<&str, std::str::Utf8Error>,
        out: &mut Vec<u8>,
    ) -> Result<(), RowProblem> {
        let mut cells = recycle(std::mem::take(&mut self.cells));
        let written = match text {
            // Fields split at an ASCII delimiter are text if the line is.
            Ok(text) => {
                let mut start = 0;
                let mut trimmed = false;
                let mut cell = |end: usize| {
                    let cell = &text[start..end];
                    let kept = trim(cell);
                    trimmed |= kept.len() != cell.len();
                    cells.push(kept);
                    start = end + 1;
                };
                each_offset(text.as_bytes(), self.delimiter, &mut cell);
                cell(text.len());
                // A line whose cells need no trimming is copied as it is up to its last kept cell.
                let copy = (!trimmed).then_some(text);
                self.write_cells(&mut cells, copy, false, out)
            }
            Err(_) => Err((None, NOT_TEXT.to_string())),
        };
        self.cells = recycle(cells);
        written.map_err(|(attribute, message)| RowProblem {
            line,
            attribute,
            message,
        })
    }

    /// [`Self::write`] with `cells` as scratch space; the error is (attribute, message).
    fn write_record<'r>(
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
                .ok_or_else(|| (None, NOT_TEXT.to_string()))?;
            cells.push(trim(cell));
        }
        let quoting = needs_quotes(self.delimiter, record.as_slice());
        self.write_cells(cells, None, quoting, out)
    }

    /// Checks, prices and writes a row of trimmed `cells`. `line`, when given, is the row's
    /// input line with the cells untrimmed and no byte needing quotes (its kept cells can be
    /// copied at once); `quoting` says whether a cell holds a byte that needs quoting.
    fn write_cells(
        &mut self,
        cells: &mut [&str],
        line: Option<&str>,
        quoting: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), (Option<String>, String)> {
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
        let flags_quoting = needs_quotes(self.delimiter, self.flags.as_bytes());
        // Trimmed cells are parts of the record's text, so if neither holds a byte that needs
        // quoting, no field does and the row is its fields joined; else the `csv` writer quotes.
        if quoting || flags_quoting {
            let fields = self.kept.iter().map(|&i| cells[i]).chain(added);
            let mut row = self.format.from_writer(out);
            row.write_record(fields)
                .and_then(|()| row.flush().map_err(csv::Error::from))
                .expect("writing CSV to memory");
            return Ok(());
        }
        match (line, self.kept_prefix) {
            // The kept cells are the line's first ones, untrimmed: the line up to the last.
            (Some(line), Some(kept)) => {
                let last = cells[kept - 1];
                let end = last.as_ptr() as usize - line.as_ptr() as usize + last.len();
                out.extend_from_slice(&line.as_bytes()[..end]);
                for field in added {
                    out.push(self.delimiter);
                    out.extend_from_slice(field.as_bytes());
                }
            }
            _ => {
                let fields = self.kept.iter().map(|&i| cells[i]).chain(added);
                for (i, field) in fields.enumerate() {
                    if i > 0 {
                        out.push(self.delimiter);
                    }
                    out.extend_from_slice(field.as_bytes());
                }
            }
        }
        out.push(b'\n');
        Ok(())
    }
}

/// The message for a row that is not text.
const NOT_TEXT: &str = "the row is not valid UTF-8 text";

/// Calls `found` with the offset of each `byte` in `text`, in order. Cells are short, so rather
/// than a `memchr` call per cell, eight bytes are compared at a time in a `u64`.
fn each_offset(text: &[u8], byte: u8, mut found: impl FnMut(usize)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = ONES * u64::from(byte);
    let words = text.chunks_exact(8);
    let tail = words.remainder();
    for (i, word) in words.enumerate() {
        let x = u64::from_le_bytes(word.try_into().expect("8 bytes")) ^ pattern;
        // Per byte of `x`, the high bit is set iff the byte is zero (no carry crosses bytes:
        // a byte's low seven bits plus 0x7f is at most 0xfe).
        let mut zero = !(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN);
        while zero != 0 {
            found(i * 8 + (zero.trailing_zeros() / 8) as usize);
            zero &= zero - 1;
        }
    }
    let base = text.len() - tail.len();
    for (i, _) in tail.iter().enumerate().filter(|(_, &b)| b == byte) {
        found(base + i);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_offset_finds_every_byte_of_the_value_and_no_other() {
        // Every byte value around the one sought, in every position of a word.
        let text: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
        for byte in [b',', b';', b'\t', b'|', 0, 0x7f, 0x80, 0xff] {
            for start in 0..9 {
                let part = &text[start..start + 300];
                let mut found = Vec::new();
                each_offset(part, byte, |at| found.push(at));
                let expected: Vec<usize> = (0..part.len()).filter(|&i| part[i] == byte).collect();
                assert_eq!(found, expected, "byte {byte}");
            }
        }
    }
}
