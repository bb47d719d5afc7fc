//! Tables of cars read from CSV, with errors that point at the line, column and value.

use crate::car::{AttributeValue, CarDescription};
use crate::digest::hex_sha256;
use crate::error::DataError;

/// Largest CSV accepted, in bytes: far more than any dealership's stock list.
pub const MAX_TABLE_BYTES: usize = 64 * 1024 * 1024;

/// A CSV table of cars: a header row and data rows of text cells (trimmed).
#[derive(Debug, Clone, PartialEq)]
pub struct CarTable {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
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
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            lines.push(record.position().map_or(0, |p| p.line()));
            rows.push(record.iter().map(str::to_string).collect());
        }
        if rows.is_empty() {
            return Err(DataError::Empty);
        }
        Ok(CarTable {
            columns,
            rows,
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
        self.rows.len()
    }

    /// Whether there are no data rows (never true for a table read by [`CarTable::from_csv`]).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
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
        Ok(self.rows.iter().map(|row| row[index].as_str()).collect())
    }

    /// The cells of one column as finite numbers.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`], or [`DataError::BadValue`] naming the line and cell that is not a
    /// finite number.
    pub fn numbers(&self, column: &str) -> Result<Vec<f64>, DataError> {
        let index = self.column_index(column)?;
        self.rows
            .iter()
            .enumerate()
            .map(|(row, cells)| {
                let text = &cells[index];
                crate::parse_number(text)
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| DataError::BadValue {
                        line: self.lines[row],
                        column: column.to_string(),
                        value: text.clone(),
                        problem: "is not a number".into(),
                    })
            })
            .collect()
    }

    /// A data row as a car description, leaving out the named columns (e.g. `price`).
    pub fn description(&self, row: usize, leave_out: &[&str]) -> CarDescription {
        self.columns
            .iter()
            .zip(&self.rows[row])
            .filter(|(column, _)| !leave_out.contains(&column.as_str()))
            .map(|(column, cell)| (column.clone(), AttributeValue::Text(cell.clone())))
            .collect()
    }

    /// The table restricted to the given rows, in the given order (fingerprint kept).
    ///
    /// # Errors
    /// [`DataError::BadRowList`] for an index past the end.
    pub fn select(&self, rows: &[usize]) -> Result<CarTable, DataError> {
        if let Some(bad) = rows.iter().find(|&&r| r >= self.rows.len()) {
            return Err(DataError::BadRowList {
                problem: format!(
                    "row {bad} does not exist; the table has rows 0 to {}",
                    self.rows.len() - 1
                ),
            });
        }
        Ok(CarTable {
            columns: self.columns.clone(),
            rows: rows.iter().map(|&r| self.rows[r].clone()).collect(),
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
        let kept: Vec<usize> = (0..self.rows.len())
            .filter(|r| !held_out.contains(r))
            .collect();
        Ok((self.select(&kept)?, test))
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
