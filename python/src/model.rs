//! The native model class: a validated model-core `Model` and the calls the Python `Model` makes.

use model_core::{AttributeKind, Model};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyTuple};

use crate::batch::{self, Column};
use crate::errors::{car_error, model_error};
use crate::values;

/// A validated carprice model (model-core's `Model`).
#[pyclass(frozen, module = "carprice._carprice", name = "NativeModel")]
pub struct NativeModel {
    model: Model,
}

impl NativeModel {
    pub fn new(model: Model) -> Self {
        NativeModel { model }
    }
}

#[pymethods]
impl NativeModel {
    /// Reads and validates a model document.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Model::from_json(text)
            .map(NativeModel::new)
            .map_err(model_error)
    }

    /// The document as pretty-printed JSON with a trailing newline.
    fn to_json(&self) -> String {
        self.model.to_json()
    }

    /// The model's release version.
    #[getter]
    fn version(&self) -> &str {
        self.model.version()
    }

    /// The model family name.
    #[getter]
    fn name(&self) -> &str {
        &self.model.document().name
    }

    /// The target column's name.
    #[getter]
    fn target(&self) -> &str {
        &self.model.document().target.name
    }

    /// Columns a car may give that the model ignores.
    #[getter]
    fn ignored_attributes(&self) -> Vec<String> {
        self.model.document().ignored_attributes.clone()
    }

    /// The attributes a car needs, in form order, as dicts.
    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for attribute in self.model.attributes() {
            let dict = PyDict::new(py);
            dict.set_item("name", &attribute.name)?;
            dict.set_item("label", &attribute.label)?;
            dict.set_item("group", &attribute.group)?;
            match &attribute.kind {
                AttributeKind::Numeric {
                    unit,
                    min,
                    max,
                    default,
                    integer,
                    positive,
                } => {
                    dict.set_item("kind", "numeric")?;
                    dict.set_item("unit", unit)?;
                    dict.set_item("range", (*min, *max))?;
                    dict.set_item("categories", py.None())?;
                    dict.set_item("default", *default)?;
                    dict.set_item("integer", *integer)?;
                    dict.set_item("positive", *positive)?;
                }
                AttributeKind::Categorical {
                    categories,
                    default,
                    ..
                } => {
                    dict.set_item("kind", "categorical")?;
                    dict.set_item("unit", "")?;
                    dict.set_item("range", py.None())?;
                    dict.set_item("categories", categories.clone())?;
                    dict.set_item("default", default)?;
                    dict.set_item("integer", false)?;
                    dict.set_item("positive", false)?;
                }
            }
            list.append(dict)?;
        }
        Ok(list)
    }

    /// The quote for one car as `carprice predict --json` prints it.
    fn quote_json(&self, py: Python<'_>, car: &Bound<'_, PyDict>) -> PyResult<String> {
        let description = values::description(car)?;
        let quote = self
            .model
            .car(&description)
            .and_then(|car| {
                self.model
                    .quote(&car)
                    .map(|q| serde_json::to_string(&q).expect("quotes hold finite numbers"))
            })
            .map_err(|e| car_error(py, &e, None))?;
        Ok(quote)
    }

    /// Prices `rows` cars given one column per attribute, in `attributes()` order: each column is
    /// `("numbers", float64 bytes)` or `("codes", int64 bytes, distinct values)`. Returns the
    /// prices as float64 bytes.
    fn price_columns<'py>(
        &self,
        py: Python<'py>,
        columns: &Bound<'py, PyList>,
        rows: usize,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        let expected = self.model.attributes().len();
        if columns.len() != expected {
            return Err(PyValueError::new_err(format!(
                "{} columns given for {expected} attributes",
                columns.len()
            )));
        }
        let columns = columns
            .iter()
            .map(|c| column(&c, rows))
            .collect::<PyResult<Vec<_>>>()?;
        let prices = py
            .detach(|| batch::price(&self.model, &columns, rows))
            .map_err(|e| car_error(py, &e.error, Some(e.row)))?;
        let bytes: Vec<u8> = prices.iter().flat_map(|p| p.to_ne_bytes()).collect();
        Ok(PyByteArray::new(py, &bytes))
    }

    fn __repr__(&self) -> String {
        format!(
            "carprice.Model(name={:?}, version={:?}, attributes={})",
            self.model.document().name,
            self.model.version(),
            self.model.attributes().len()
        )
    }
}

/// One column from its Python form (see `price_columns`).
fn column(spec: &Bound<'_, PyAny>, rows: usize) -> PyResult<Column> {
    let spec = spec
        .cast::<PyTuple>()
        .map_err(|_| PyTypeError::new_err("a column is a tuple"))?;
    let kind: String = spec.get_item(0)?.extract()?;
    let buffer = spec.get_item(1)?;
    let bytes = buffer
        .cast::<PyBytes>()
        .map_err(|_| PyTypeError::new_err("column data must be bytes"))?
        .as_bytes();
    if bytes.len() != rows * 8 {
        return Err(PyValueError::new_err(format!(
            "a column has {} bytes, expected {} for {rows} rows",
            bytes.len(),
            rows * 8
        )));
    }
    let words = bytes
        .chunks_exact(8)
        .map(|w| w.try_into().expect("8 bytes"));
    match kind.as_str() {
        "numbers" => Ok(Column::Numbers(words.map(f64::from_ne_bytes).collect())),
        "codes" => {
            let values = spec
                .get_item(2)?
                .try_iter()?
                .map(|v| values::attribute_value(&v?))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(Column::Codes {
                codes: words.map(i64::from_ne_bytes).collect(),
                values,
            })
        }
        other => Err(PyValueError::new_err(format!(
            "unknown column kind {other:?}"
        ))),
    }
}
