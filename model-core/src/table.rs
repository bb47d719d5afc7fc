//! Tables of cars read from CSV, with errors that point at the line, column and value.

use crate::car::{AttributeValue, CarDescription};
use crate::cells::is_missing;
use crate::digest::hex_sha256;
use crate::error::DataError;

/// How a missing cell is described in errors.
pub(crate) const MISSING_PROBLEM: &str =
    "is missing (empty, ?, NA, N/A, null and NaN mean missing)";

/// Largest CSV accepted, in bytes: room for a million-row table of a few dozen columns.
pub const MAX_TABLE_BYTES: usize = 512 * 1024 * 1024;

/// Field separators recognised when a header evidently uses another one than asked for.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A CSV table of cars: a header row and data rows of text cells (trimmed).
///
/// The cells are stored back to back in one string (about the file's size plus 4 bytes a cell),
/// so a million-row table costs little more memory than its file.
#[derive(Debug, Clone, PartialEq)]
pub struct CarTable {
    columns: Vec<String>,
    /// Every cell's text, row after row.
    text: String,
    /// Where each cell ends in `text`, row after row (`columns.len()` a row).
    ends: Vec<u32>,
    /// 1-based line of each row in the source file (header is line 1).
    lines: Vec<u64>,
    sha256: String,
}

impl CarTable {
    /// Reads a comma-separated document with a header row; see [`CarTable::from_csv_with`].
    ///
    /// # Errors
    /// As [`CarTable::from_csv_with`].
    pub fn from_csv(bytes: &[u8]) -> Result<CarTable, DataError> {
        CarTable::from_csv_with(bytes, b',')
    }

    /// Reads a CSV document with a header row and the given field separator. Lines end in `\n`,
    /// `\r\n` or `\r`; every line number in errors and [`CarTable::line`] counts them as a text
    /// editor does.
    ///
    /// # Errors
    /// [`DataError`] for malformed CSV (with its line), a header that is evidently separated by
    /// another delimiter, a repeated header, or no data rows.
    pub fn from_csv_with(bytes: &[u8], delimiter: u8) -> Result<CarTable, DataError> {
        if bytes.len() > MAX_TABLE_BYTES {
            return Err(DataError::Csv {
                line: 0,
                message: format!(
                    "the file is {} bytes, more than the {MAX_TABLE_BYTES}-byte limit",
                    bytes.len()
                ),
            });
        }
        let lines = LineIndex::new(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let columns: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(&e, &lines))?
            .iter()
            .map(str::to_string)
            .collect();
        if columns.iter().all(String::is_empty) {
            return Err(DataError::NoHeader);
        }
        if let [only] = columns.as_slice() {
            if let Some(&found) = DELIMITERS
                .iter()
                .find(|&&d| d != delimiter && only.contains(char::from(d)))
            {
                return Err(DataError::Delimiter {
                    found: char::from(found),
                    expected: char::from(delimiter),
                });
            }
        }
        let mut seen = std::collections::HashSet::with_capacity(columns.len());
        if let Some(column) = columns.iter().find(|&column| !seen.insert(column)) {
            return Err(DataError::DuplicateColumn {
                column: column.clone(),
            });
        }
        let mut text = String::new();
        let mut ends = Vec::new();
        let mut row_lines = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader
            .read_record(&mut record)
            .map_err(|e| csv_error(&e, &lines))?
        {
            row_lines.push(record.position().map_or(0, |p| lines.line(p.byte())));
            for cell in &record {
                text.push_str(cell);
                ends.push(u32::try_from(text.len()).expect("MAX_TABLE_BYTES < 4 GiB"));
            }
        }
        if row_lines.is_empty() {
            return Err(DataError::Empty);
        }
        Ok(CarTable {
            columns,
            text,
            ends,
            lines: row_lines,
            sha256: hex_sha256(bytes),
        })
    }

    /// Column names in file order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no data rows (never true for a table read by [`CarTable::from_csv`]).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The text of one cell.
    fn cell(&self, row: usize, column: usize) -> &str {
        let i = row * self.columns.len() + column;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// sha256 (hex) of the bytes the table was read from.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The 1-based source line of a data row.
    pub fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    /// Fails unless every named column is present.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`] naming the first absent column.
    pub fn require_columns<'a>(
        &self,
        needed: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), DataError> {
        match needed
            .into_iter()
            .find(|c| !self.columns.iter().any(|have| have == c))
        {
            Some(column) => Err(DataError::MissingColumn {
                column: column.to_string(),
                columns: self.columns.join(", "),
            }),
            None => Ok(()),
        }
    }

    fn column_index(&self, column: &str) -> Result<usize, DataError> {
        self.require_columns([column])?;
        Ok(self
            .columns
            .iter()
            .position(|c| c == column)
            .expect("checked above"))
    }

    /// The cells of one column as text.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`].
    pub fn texts(&self, column: &str) -> Result<Vec<&str>, DataError> {
        let index = self.column_index(column)?;
        Ok((0..self.len()).map(|row| self.cell(row, index)).collect())
    }

    /// The cells of one column as finite numbers.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`], or [`DataError::BadValue`] naming the line and cell that is not a
    /// finite number.
    pub fn numbers(&self, column: &str) -> Result<Vec<f64>, DataError> {
        let index = self.column_index(column)?;
        (0..self.len())
            .map(|row| {
                let text = self.cell(row, index);
                plain_decimal(text)
                    .or_else(|| crate::parse_number(text))
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| DataError::BadValue {
                        line: self.lines[row],
                        column: column.to_string(),
                        value: text.to_string(),
                        problem: if is_missing(text) {
                            MISSING_PROBLEM.into()
                        } else {
                            "is not a number".into()
                        },
                    })
            })
            .collect()
    }

    /// The rows (0-based) whose cell in a column is missing (see [`crate::is_missing`]).
    ///
    /// # Errors
    /// [`DataError::MissingColumn`].
    pub fn missing_rows(&self, column: &str) -> Result<Vec<usize>, DataError> {
        let index = self.column_index(column)?;
        Ok((0..self.len())
            .filter(|&row| is_missing(self.cell(row, index)))
            .collect())
    }

    /// A data row as a car description, leaving out the named columns (e.g. `price`) and the
    /// missing cells (so a model reports the attribute as missing, or imputes it).
    pub fn description(&self, row: usize, leave_out: &[&str]) -> CarDescription {
        self.columns
            .iter()
            .enumerate()
            .filter(|&(i, column)| {
                !leave_out.contains(&column.as_str()) && !is_missing(self.cell(row, i))
            })
            .map(|(i, column)| {
                (
                    column.clone(),
                    AttributeValue::Text(self.cell(row, i).to_string()),
                )
            })
            .collect()
    }

    /// The table as comma-separated text (header and rows; lines end in `\n`).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let width = self.columns.len();
        let written = writer.write_record(&self.columns).and_then(|()| {
            (0..self.len()).try_for_each(|row| {
                writer.write_record((0..width).map(|column| self.cell(row, column)))
            })
        });
        written
            .and_then(|()| writer.into_inner().map_err(|e| e.into_error().into()))
            .expect("writing to memory cannot fail")
    }

    /// The table restricted to the given rows, in the given order (fingerprint kept).
    ///
    /// # Errors
    /// [`DataError::BadRowList`] for an index past the end.
    pub fn select(&self, rows: &[usize]) -> Result<CarTable, DataError> {
        if let Some(bad) = rows.iter().find(|&&r| r >= self.len()) {
            return Err(DataError::BadRowList {
                problem: format!(
                    "row {bad} does not exist; the table has rows 0 to {}",
                    self.len() - 1
                ),
            });
        }
        let mut text = String::new();
        let mut ends = Vec::with_capacity(rows.len() * self.columns.len());
        for &row in rows {
            for column in 0..self.columns.len() {
                text.push_str(self.cell(row, column));
                ends.push(u32::try_from(text.len()).expect("no larger than the source table"));
            }
        }
        Ok(CarTable {
            columns: self.columns.clone(),
            text,
            ends,
            lines: rows.iter().map(|&r| self.lines[r]).collect(),
            sha256: self.sha256.clone(),
        })
    }

    /// Splits into (rows not listed, rows listed), each in table order.
    ///
    /// # Errors
    /// [`DataError::BadRowList`] for an index past the end.
    pub fn split(&self, held_out: &[usize]) -> Result<(CarTable, CarTable), DataError> {
        let test = self.select(held_out)?;
        let mut is_held_out = vec![false; self.len()];
        for &row in held_out {
            is_held_out[row] = true;
        }
        let kept: Vec<usize> = (0..self.len()).filter(|&r| !is_held_out[r]).collect();
        Ok((self.select(&kept)?, test))
    }
}

/// A plain decimal (`-12.5`, `3`), parsed by the standard library: correctly rounded like
/// [`crate::parse_number`] and much faster, which matters for a million-row table. Anything
/// else (exponents, `+`, a bare `.5`) is left to `parse_number`.
fn plain_decimal(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "1"));
    let plain = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if plain(whole) && plain(fraction) {
        text.parse().ok()
    } else {
        None
    }
}

/// Reads a list of 0-based row indices, one per line (blank lines and `#` comments ignored).
///
/// # Errors
/// [`DataError::BadRowList`] for a line that is not a row number, a repeated row or an empty list.
pub fn parse_row_list(text: &str) -> Result<Vec<usize>, DataError> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let row = line.parse::<usize>().map_err(|_| DataError::BadRowList {
            problem: format!("line {}: \"{line}\" is not a row number", i + 1),
        })?;
        if rows.contains(&row) {
            return Err(DataError::BadRowList {
                problem: format!("line {}: row {row} is listed twice", i + 1),
            });
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(DataError::BadRowList {
            problem: "no rows listed".into(),
        });
    }
    Ok(rows)
}

/// Where each line of a document starts, to turn the byte offsets the CSV reader gives into
/// 1-based line numbers. A line ends at `\n`, at `\r\n` or at a `\r` not followed by `\n`.
struct LineIndex<'a> {
    bytes: &'a [u8],
    starts: Vec<u64>,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> LineIndex<'a> {
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i as u64 + 1);
            }
        }
        LineIndex { bytes, starts }
    }

    /// The 1-based line of the record starting at a byte offset. The reader may place a record's
    /// start on the terminator of the line before (the `\n` of a `\r\n`), so line ends are
    /// skipped first: records never start with one, since the reader skips blank lines.
    fn line(&self, byte: u64) -> u64 {
        let skipped = self
            .bytes
            .iter()
            .skip(byte as usize)
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let byte = byte + skipped as u64;
        self.starts.partition_point(|&start| start <= byte) as u64
    }
}

fn csv_error(error: &csv::Error, lines: &LineIndex) -> DataError {
    let line = error.position().map_or(0, |p| lines.line(p.byte()));
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("row has {len} fields, but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8 text".to_string(),
        _ => error.to_string(),
    };
    DataError::Csv { line, message }
}
