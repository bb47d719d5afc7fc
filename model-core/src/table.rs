//! Tables of cars read from CSV, with errors that point at the line, column and value.

use crate::car::{AttributeValue, CarDescription};
use crate::digest::hex_sha256;
use crate::error::DataError;

/// Largest CSV accepted, in bytes: room for a million-row table of a few dozen columns.
pub const MAX_TABLE_BYTES: usize = 512 * 1024 * 1024;

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
    /// Reads a CSV document with a header row.
    ///
    /// # Errors
    /// [`DataError`] for malformed CSV (with its line), a repeated header, or no data rows.
    pub fn from_csv(bytes: &[u8]) -> Result<CarTable, DataError> {
        if bytes.len() > MAX_TABLE_BYTES {
            return Err(DataError::Csv {
                line: 0,
                message: format!(
                    "the file is {} bytes, more than the {MAX_TABLE_BYTES}-byte limit",
                    bytes.len()
                ),
            });
        }
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let columns: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_string)
            .collect();
        if columns.iter().all(String::is_empty) {
            return Err(DataError::Empty);
        }
        for (i, column) in columns.iter().enumerate() {
            if columns[..i].contains(column) {
                return Err(DataError::DuplicateColumn {
                    column: column.clone(),
                });
            }
        }
        let mut text = String::new();
        let mut ends = Vec::new();
        let mut lines = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(csv_error)? {
            lines.push(record.position().map_or(0, |p| p.line()));
            for cell in &record {
                text.push_str(cell);
                ends.push(u32::try_from(text.len()).expect("MAX_TABLE_BYTES < 4 GiB"));
            }
        }
        if lines.is_empty() {
            return Err(DataError::Empty);
        }
        Ok(CarTable {
            columns,
            text,
            ends,
            lines,
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
                        problem: "is not a number".into(),
                    })
            })
            .collect()
    }

    /// A data row as a car description, leaving out the named columns (e.g. `price`).
    pub fn description(&self, row: usize, leave_out: &[&str]) -> CarDescription {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, column)| !leave_out.contains(&column.as_str()))
            .map(|(i, column)| {
                (
                    column.clone(),
                    AttributeValue::Text(self.cell(row, i).to_string()),
                )
            })
            .collect()
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

fn csv_error(error: csv::Error) -> DataError {
    let line = error.position().map_or(0, csv::Position::line);
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
