//! Attribute schemas (TOML, as `carprice train --schema` reads them) for training and for models
//! converted from scikit-learn: the same `model_core::Schema` type, the same defaults.

use std::path::{Path, PathBuf};

use model_core::Schema;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::SchemaError;

/// Reads an attribute schema file; no path is the empty schema (every column gets the defaults).
pub fn read(path: Option<&Path>) -> PyResult<Schema> {
    let Some(path) = path else {
        return Ok(Schema::default());
    };
    let bytes = std::fs::read(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        SchemaError::new_err(format!("schema {} is not UTF-8 text", path.display()))
    })?;
    toml::from_str(text)
        .map_err(|e| SchemaError::new_err(format!("invalid schema {}: {e}", path.display())))
}

/// What the schema at `path` (or no schema) says about each column, with training's defaults for
/// columns it does not list: `{"label", "group", "unit", "description", "labels", "position"}` per
/// column, the label defaulting to the column name, the group to `other`, the unit to `""`, the
/// description to None and the category display labels (`{category: label}`) to none; `position`
/// is the column's place in the schema (columns it does not list share the last), by which
/// training orders a model's attributes (then by their place in the table).
#[pyfunction]
#[pyo3(signature = (path, columns))]
pub fn schema_attributes<'py>(
    py: Python<'py>,
    path: Option<PathBuf>,
    columns: Vec<String>,
) -> PyResult<Bound<'py, PyList>> {
    let schema = read(path.as_deref())?;
    let list = PyList::empty(py);
    for column in &columns {
        let entry = schema.attribute(column);
        let text = |field: fn(&model_core::AttributeSchema) -> &Option<String>| {
            entry.and_then(|e| field(e).clone())
        };
        let dict = PyDict::new(py);
        dict.set_item(
            "label",
            text(|e| &e.label).unwrap_or_else(|| column.clone()),
        )?;
        dict.set_item(
            "group",
            text(|e| &e.group).unwrap_or_else(|| "other".into()),
        )?;
        dict.set_item("unit", text(|e| &e.unit).unwrap_or_default())?;
        dict.set_item("description", text(|e| &e.description))?;
        let labels = PyDict::new(py);
        if let Some(entry) = entry {
            for (category, label) in &entry.labels {
                labels.set_item(category, label)?;
            }
        }
        dict.set_item("labels", labels)?;
        dict.set_item("position", schema.position(column))?;
        list.append(dict)?;
    }
    Ok(list)
}
