//! `carprice._carprice`: model-core for Python. Pricing, training, metrics and the model format
//! are model-core's own code, publishing is carprice-registry's (as in the CLI); this crate only converts values at the boundary (see the package
//! `carprice` for the public API and its documentation).

mod batch;
mod errors;
mod model;
mod publish;
mod schema;
mod values;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use errors::{data_error, metrics_error, train_error};

/// Accuracy of predicted against actual prices: `{"rows", "r2", "mae", "rmse", "mape"}`.
///
/// `actual` and `predicted` are float64 buffers of equal length, in dollars; MAPE is in percent.
#[pyfunction]
fn metrics<'py>(
    py: Python<'py>,
    actual: Vec<f64>,
    predicted: Vec<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let measured = model_core::Metrics::measure(&actual, &predicted).map_err(metrics_error)?;
    metrics_dict(py, &measured)
}

pub(crate) fn metrics_dict<'py>(
    py: Python<'py>,
    m: &model_core::Metrics,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("rows", m.rows)?;
    dict.set_item("r2", m.r2)?;
    dict.set_item("mae", m.mae)?;
    dict.set_item("rmse", m.rmse)?;
    dict.set_item("mape", m.mape)?;
    Ok(dict)
}

/// Checks that `created` is an RFC 3339 time, as `carprice train --created` does.
#[pyfunction]
fn check_created(created: &str) -> PyResult<()> {
    humantime::parse_rfc3339(created).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "created {created:?} is not an RFC 3339 time in UTC (ending in Z), such as 2026-11-27T00:00:00Z"
        ))
    })?;
    Ok(())
}

/// Trains a model on CSV bytes exactly as `carprice train` does on a file with these bytes;
/// `missing` is `"refuse"`, `"drop-rows"` or `"impute"`, as `carprice train --missing`.
#[pyfunction]
#[pyo3(signature = (csv, test_rows, *, name, version, created, target, ignore, missing, schema=None))]
#[allow(clippy::too_many_arguments)]
fn train(
    py: Python<'_>,
    csv: &[u8],
    test_rows: Vec<usize>,
    name: String,
    version: String,
    created: String,
    target: String,
    ignore: Vec<String>,
    missing: &str,
    schema: Option<std::path::PathBuf>,
) -> PyResult<model::NativeModel> {
    check_created(&created)?;
    let missing = match missing {
        "refuse" => model_core::MissingValues::Refuse,
        "drop-rows" => model_core::MissingValues::DropRows,
        "impute" => model_core::MissingValues::Impute,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "missing={other:?} is not one of \"refuse\", \"drop-rows\" or \"impute\""
            )))
        }
    };
    let schema = schema::read(schema.as_deref())?;
    let table = model_core::CarTable::from_csv(csv).map_err(data_error)?;
    let options = model_core::TrainOptions {
        name,
        version,
        created,
        target,
        ignore,
        missing,
        schema,
        ..model_core::TrainOptions::default()
    };
    let trained = py
        .detach(|| model_core::train(&table, &test_rows, &options))
        .map_err(train_error)?;
    Ok(model::NativeModel::new(trained))
}

/// Reads a list of 0-based row numbers, one per line, as `carprice train --test-rows` does.
#[pyfunction]
fn parse_row_list(text: &str) -> PyResult<Vec<usize>> {
    model_core::parse_row_list(text).map_err(data_error)
}

#[pymodule]
fn _carprice(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CarError", py.get_type::<errors::CarError>())?;
    m.add("ModelError", py.get_type::<errors::ModelError>())?;
    m.add("DataError", py.get_type::<errors::DataError>())?;
    m.add("TrainError", py.get_type::<errors::TrainError>())?;
    m.add("PublishError", py.get_type::<errors::PublishError>())?;
    m.add("StorageError", py.get_type::<errors::StorageError>())?;
    m.add("SchemaError", py.get_type::<errors::SchemaError>())?;
    m.add("FORMAT_VERSION", model_core::FORMAT_VERSION)?;
    m.add("TRAINER_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<model::NativeModel>()?;
    m.add_function(wrap_pyfunction!(metrics, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(check_created, m)?)?;
    m.add_function(wrap_pyfunction!(parse_row_list, m)?)?;
    m.add_function(wrap_pyfunction!(schema::schema_attributes, m)?)?;
    m.add_function(wrap_pyfunction!(publish::publish, m)?)?;
    Ok(())
}
