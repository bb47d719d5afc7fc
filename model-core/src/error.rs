//! Error types: one enum per thing that can be wrong, each message saying what and how to fix it.
//!
//! Numbers in messages go through [`format_number`], not `f64`'s `Display`, which would add core's
//! float formatter to the web app.

use thiserror::Error;

use crate::json::JsonError;
use crate::number::format_number;
use crate::version::VersionError;

/// A model document that cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The file's bytes are not UTF-8 text, so they cannot be a model document.
    #[error("model file is not UTF-8 text (invalid byte at offset {offset}); is this really a carprice model?")]
    NotUtf8 {
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// The text is not JSON of the model's shape.
    #[error("model JSON is malformed at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// The document is larger than any real model.
    #[error("model document is {bytes} bytes, more than the {limit}-byte limit; is this really a carprice model?")]
    TooLarge {
        /// Size of the document.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// `format` is not a carprice model.
    #[error(
        "`format` is \"{found}\", expected \"carprice-model\"; this file is not a carprice model"
    )]
    UnsupportedFormat {
        /// The value found.
        found: String,
    },
    /// `format_version` has a major version this build cannot read.
    #[error("`format_version` is \"{found}\", but this build reads only {supported}.x; upgrade carprice to read it")]
    UnsupportedVersion {
        /// The value found.
        found: String,
        /// The major version this build reads.
        supported: u32,
    },
    /// A number is NaN or infinite.
    #[error("`{field}` is not a finite number")]
    NonFinite {
        /// JSON path of the field, e.g. `terms[3].weight`.
        field: String,
    },
    /// Two lists that must line up do not.
    #[error("`{field}` has {found} entries, expected {expected}")]
    LengthMismatch {
        /// JSON path of the list.
        field: String,
        /// Entries required.
        expected: usize,
        /// Entries found.
        found: usize,
    },
    /// A name appears twice where names must be unique.
    #[error("`{field}` lists \"{name}\" twice")]
    Duplicate {
        /// JSON path of the list.
        field: String,
        /// The repeated name.
        name: String,
    },
    /// A required text or list is empty.
    #[error("`{field}` is empty")]
    Empty {
        /// JSON path of the field.
        field: String,
    },
    /// A transform name this build does not know.
    #[error("`{field}` is \"{found}\"; known transforms are \"identity\" and \"log\"")]
    UnknownTransform {
        /// JSON path of the field.
        field: String,
        /// The value found.
        found: String,
    },
    /// More weights than any sensible model has.
    #[error("model has {count} weights, more than the limit of {limit}")]
    TooManyWeights {
        /// Weights counted.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Any other inconsistency, with the field and the problem.
    #[error("`{field}` {problem}")]
    Invalid {
        /// JSON path of the field.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl From<JsonError> for ModelError {
    fn from(error: JsonError) -> Self {
        match error {
            JsonError::Syntax {
                line,
                column,
                message,
            } => ModelError::Json {
                line,
                column,
                message: message.to_string(),
            },
            JsonError::Shape { field, problem } => ModelError::Invalid { field, problem },
        }
    }
}

/// A car description that the model cannot price.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CarError {
    /// The model needs this attribute and the car does not give it.
    #[error("`{attribute}` is missing; the model needs a value for it")]
    Missing {
        /// Attribute name.
        attribute: String,
    },
    /// The car gives an attribute the model does not know.
    #[error("`{attribute}` is not an attribute of this model (known: {known})")]
    UnknownAttribute {
        /// Attribute name given.
        attribute: String,
        /// Comma-separated known attribute names.
        known: String,
    },
    /// A categorical value outside the model's categories.
    #[error("`{attribute}` is \"{value}\", which the model does not know (known: {known})")]
    UnknownCategory {
        /// Attribute name.
        attribute: String,
        /// Value given.
        value: String,
        /// Comma-separated known categories.
        known: String,
    },
    /// A numeric attribute given something that is not a number.
    #[error("`{attribute}` must be a number, got \"{value}\"")]
    NotANumber {
        /// Attribute name.
        attribute: String,
        /// Value given.
        value: String,
    },
    /// A categorical attribute given a number.
    #[error(
        "`{attribute}` must be one of the model's categories, got the number {}",
        format_number(*.value)
    )]
    NotACategory {
        /// Attribute name.
        attribute: String,
        /// Value given.
        value: f64,
    },
    /// A yes/no attribute given something else.
    #[error("`{attribute}` must be yes or no (also true/false, 1/0), got \"{value}\"")]
    NotYesNo {
        /// Attribute name.
        attribute: String,
        /// Value given.
        value: String,
    },
    /// A physically positive quantity given zero or less (or a log transform cannot take it).
    #[error("`{attribute}` must be greater than 0, got {}", format_number(*.value))]
    NotPositive {
        /// Attribute name.
        attribute: String,
        /// Value given.
        value: f64,
    },
    /// The value is so far outside the training range that no finite price results.
    #[error(
        "`{attribute}` = {} is too far outside the model's range ({} to {}) to price",
        format_number(*.value),
        format_number(*.min),
        format_number(*.max)
    )]
    OutOfBounds {
        /// Attribute name.
        attribute: String,
        /// Value given.
        value: f64,
        /// Training minimum.
        min: f64,
        /// Training maximum.
        max: f64,
    },
}

impl CarError {
    /// The attribute the error is about.
    pub fn attribute(&self) -> &str {
        match self {
            CarError::Missing { attribute }
            | CarError::UnknownAttribute { attribute, .. }
            | CarError::UnknownCategory { attribute, .. }
            | CarError::NotANumber { attribute, .. }
            | CarError::NotACategory { attribute, .. }
            | CarError::NotYesNo { attribute, .. }
            | CarError::NotPositive { attribute, .. }
            | CarError::OutOfBounds { attribute, .. } => attribute,
        }
    }
}

/// Metrics that cannot be computed from the given numbers.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum MetricsError {
    /// No rows.
    #[error("cannot measure a model on zero rows")]
    Empty,
    /// Actual and predicted lists differ in length.
    #[error("{actual} actual values but {predicted} predictions")]
    LengthMismatch {
        /// Actual values.
        actual: usize,
        /// Predictions.
        predicted: usize,
    },
    /// A value is NaN or infinite.
    #[error("row {row}: {which} value is not a finite number")]
    NonFinite {
        /// 0-based row.
        row: usize,
        /// `actual` or `predicted`.
        which: &'static str,
    },
    /// MAPE is undefined when an actual value is zero.
    #[error("row {row}: actual value is 0, so the percentage error is undefined")]
    ZeroActual {
        /// 0-based row.
        row: usize,
    },
    /// R² is undefined when every actual value is the same.
    #[error("all actual values are equal, so R² is undefined; measure on more varied rows")]
    ConstantActual,
}

/// `s` for plural counts.
fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// Line numbers as `4, 9, 12`.
fn join_lines(lines: &[u64]) -> String {
    lines
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A separator as written on a command line (`\t` for a tab).
fn shown(delimiter: char) -> String {
    delimiter.escape_default().to_string()
}

/// A car table (CSV) that cannot be read.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DataError {
    /// The CSV itself is broken.
    #[error("CSV line {line}: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The header row is evidently separated by another delimiter than the one asked for.
    #[error(
        "the header row is separated by `{0}`, not `{1}`: read the table with `{0}` as the delimiter (carprice: --delimiter '{0}')",
        shown(*.found),
        shown(*.expected)
    )]
    Delimiter {
        /// The separator the header uses.
        found: char,
        /// The separator asked for.
        expected: char,
    },
    /// The first line names no columns.
    #[error(
        "the car table has no header row: it is empty, or its first line holds only spaces; its \
         first line must name the columns"
    )]
    NoHeader,
    /// A header and no data rows.
    #[error("the car table has no data rows")]
    Empty,
    /// A column the caller needs is absent.
    #[error("the car table has no `{column}` column (columns: {columns})")]
    MissingColumn {
        /// Column needed.
        column: String,
        /// Comma-separated columns present.
        columns: String,
    },
    /// A header name appears twice.
    #[error("the car table has two `{column}` columns")]
    DuplicateColumn {
        /// The repeated column.
        column: String,
    },
    /// A cell that cannot be used.
    #[error("CSV line {line}, column `{column}`: \"{value}\" {problem}")]
    BadValue {
        /// 1-based line in the file (the header is line 1).
        line: u64,
        /// Column name.
        column: String,
        /// Cell text.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A row index list names a row that does not exist.
    #[error("row list: {problem}")]
    BadRowList {
        /// What is wrong.
        problem: String,
    },
}

/// Training could not produce a model.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TrainError {
    /// Too few rows for cross-validation and a fit.
    #[error("{rows} training rows is too few: need at least {needed}")]
    TooFewRows {
        /// Rows available.
        rows: usize,
        /// Rows needed.
        needed: usize,
    },
    /// A target value the target transform cannot take.
    #[error(
        "training row {row}: target {} must be > 0 for a log target",
        format_number(*.value)
    )]
    BadTarget {
        /// 0-based row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// The target column is also among the ignored ones.
    #[error(
        "`{target}` is the target (the price to learn), so it cannot be ignored as well: leave it \
         out of the ignored columns"
    )]
    TargetIgnored {
        /// The target column.
        target: String,
    },
    /// The table has no column to price from: only the target and ignored columns.
    #[error(
        "the table has no attribute column: every column is the target `{target}` or ignored, and \
         a model prices from at least one other column (a car's make, size, engine…)"
    )]
    NoAttributes {
        /// The target column.
        target: String,
    },
    /// The interval coverage asked for is not strictly between 0 and 1.
    #[error(
        "interval level must be between 0 and 1 (exclusive), got {}; use e.g. 0.8 for 80%",
        format_number(*.0)
    )]
    IntervalLevel(f64),
    /// The version to record is not a release version.
    #[error(transparent)]
    Version(#[from] VersionError),
    /// The car table cannot be trained on: a missing column, a bad cell, a bad row list.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A column has missing cells and the options say to refuse them.
    #[error(
        "column `{column}` has {count} missing cell{} (CSV line{} {}{}): fill {}, or train with missing values dropped (carprice train --missing drop-rows) or imputed (--missing impute)",
        plural(*.count), plural(lines.len()), join_lines(lines), if *.count > lines.len() { ", …" } else { "" },
        if *.count == 1 { "it in" } else { "them in" }
    )]
    MissingValues {
        /// Column name.
        column: String,
        /// How many cells are missing.
        count: usize,
        /// The first lines (1-based, header is line 1) with a missing cell.
        lines: Vec<u64>,
    },
    /// A column mixes numbers and other text, so it is neither a number nor a category column.
    #[error(
        "column `{column}` mixes numbers and text: CSV line {line} has \"{value}\"; fix the cell, mark it missing, or declare the column `kind = \"category\"` in the schema"
    )]
    MixedColumn {
        /// Column name.
        column: String,
        /// 1-based line of the first cell that is not a number.
        line: u64,
        /// Its text.
        value: String,
    },
    /// The attribute schema does not fit the table.
    #[error("schema: {0}")]
    Schema(String),
    /// The linear system could not be solved (e.g. a constant column with no penalty).
    #[error("the ridge system is singular; add rows or a larger penalty")]
    Singular,
    /// The trained document failed validation (a bug guard: training never writes an invalid model).
    #[error("training produced an invalid model; this is a bug, please report it")]
    Invalid(#[from] ModelError),
    /// A held-out row the trained model cannot price.
    #[error("held-out row at CSV line {line} cannot be priced")]
    TestCar {
        /// 1-based line of the row in the CSV file.
        line: u64,
        /// Why the model refused it.
        #[source]
        source: CarError,
    },
    /// Metrics on the held-out rows cannot be computed.
    #[error("cannot measure the model on the held-out rows")]
    Metrics(#[from] MetricsError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_read_as_typed() {
        let error = CarError::OutOfBounds {
            attribute: "curb-weight".into(),
            value: 1e300,
            min: 1488.0,
            max: 4066.5,
        };
        assert_eq!(
            error.to_string(),
            "`curb-weight` = 1e300 is too far outside the model's range (1488 to 4066.5) to price"
        );
        let error = CarError::NotPositive {
            attribute: "horsepower".into(),
            value: -0.5,
        };
        assert_eq!(
            error.to_string(),
            "`horsepower` must be greater than 0, got -0.5"
        );
        let error = TrainError::BadTarget { row: 3, value: 0.0 };
        assert!(error.to_string().contains("target 0 must be > 0"));
    }
}
