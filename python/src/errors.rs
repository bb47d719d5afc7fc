//! model-core's typed errors turned into Python exceptions, once, at the boundary.

use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    carprice,
    CarError,
    PyValueError,
    "A car the model cannot price. Attributes: `attribute` (name) and `row` (the 0-based position in the table, not its index label; None for one car)."
);
create_exception!(
    carprice,
    ModelError,
    PyValueError,
    "A model document that is not valid; the message names the field."
);
create_exception!(
    carprice,
    DataError,
    PyValueError,
    "A car table that cannot be read (CSV line and column in the message)."
);
create_exception!(
    carprice,
    TrainError,
    PyValueError,
    "Training could not produce a model (bad options, too few rows, bad target)."
);
create_exception!(
    carprice,
    SchemaError,
    PyValueError,
    "An attribute schema (TOML) that cannot be read; the message names the file and the line."
);

create_exception!(
    carprice,
    PublishError,
    PyValueError,
    "The registry refused a publication: invalid model, unusable test data, or a version already published with other files."
);
create_exception!(
    carprice,
    StorageError,
    PyOSError,
    "Blob storage could not be used: bad container URL, access denied, container missing, or unreachable."
);

/// A `CarError` for one car (`row` None) or a row of a table, with `attribute` and `row` set.
pub fn car_error(py: Python<'_>, error: &model_core::CarError, row: Option<usize>) -> PyErr {
    let message = match row {
        Some(row) => format!("row {row}: {error}"),
        None => error.to_string(),
    };
    let err = CarError::new_err(message);
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail.
    let _ = value.setattr("attribute", error.attribute());
    let _ = value.setattr("row", row);
    err
}

/// An error's message followed by its causes', as the command line prints them ("cannot measure
/// the model on the held-out rows: all actual values are equal, …").
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    message
}

/// A `ModelError`.
pub fn model_error(error: model_core::ModelError) -> PyErr {
    ModelError::new_err(with_causes(&error))
}

/// A `DataError`.
pub fn data_error(error: model_core::DataError) -> PyErr {
    DataError::new_err(with_causes(&error))
}

/// A `TrainError`, with its causes; advice to run `carprice train --missing …` names `train`'s
/// `missing=` instead.
pub fn train_error(error: model_core::TrainError) -> PyErr {
    let message = with_causes(&error);
    let message = match error {
        model_core::TrainError::MissingValues { .. } => message
            .replace(
                "(carprice train --missing drop-rows)",
                "(train(..., missing=\"drop-rows\"))",
            )
            .replace("(--missing impute)", "(missing=\"impute\")"),
        _ => message,
    };
    TrainError::new_err(message)
}

/// Metrics errors are bad arguments: `ValueError`.
pub fn metrics_error(error: model_core::MetricsError) -> PyErr {
    PyValueError::new_err(error.to_string())
}
