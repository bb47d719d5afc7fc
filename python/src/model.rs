//! The native model class: a validated model-core `Model` and the calls the Python `Model` makes.

use std::sync::atomic::AtomicBool;

use model_core::{AttributeKind, ColumnsError, Model};
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::batch::{self, TableColumn};
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
            dict.set_item("description", &attribute.description)?;
            dict.set_item("imputed", attribute.imputed)?;
            match &attribute.kind {
                AttributeKind::Numeric {
                    unit,
                    min,
                    max,
                    default,
                    integer,
                    positive,
                    ..
                } => {
                    dict.set_item("kind", "numeric")?;
                    dict.set_item("unit", unit)?;
                    dict.set_item("range", (*min, *max))?;
                    dict.set_item("categories", py.None())?;
                    dict.set_item("labels", py.None())?;
                    dict.set_item("default", *default)?;
                    dict.set_item("integer", *integer)?;
                    dict.set_item("positive", *positive)?;
                }
                AttributeKind::Categorical {
                    categories,
                    default,
                    labels,
                    ..
                } => {
                    dict.set_item("kind", "categorical")?;
                    dict.set_item("unit", "")?;
                    dict.set_item("range", py.None())?;
                    dict.set_item("categories", categories.clone())?;
                    // Display labels default to the category names themselves.
                    let labels = if labels.is_empty() {
                        categories
                    } else {
                        labels
                    };
                    dict.set_item("labels", labels.clone())?;
                    dict.set_item("default", default)?;
                    dict.set_item("integer", false)?;
                    dict.set_item("positive", false)?;
                }
                AttributeKind::YesNo { default, .. } => {
                    dict.set_item("kind", "yes_no")?;
                    dict.set_item("unit", "")?;
                    dict.set_item("range", py.None())?;
                    dict.set_item("categories", py.None())?;
                    dict.set_item("labels", py.None())?;
                    dict.set_item("default", *default)?;
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
    /// `("numbers", float64 or int64 array)` (NaN: missing), `("codes", uint32 array, distinct
    /// values)` (code 2**32 - 1: missing) or `("objects", object array)`, coded here by the
    /// objects' identity. Arrays are one-dimensional and contiguous, and read in place. Returns
    /// the prices as a float64 array.
    fn price_columns<'py>(
        &self,
        py: Python<'py>,
        columns: &Bound<'py, PyList>,
        rows: usize,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let expected = self.model.attributes().len();
        if columns.len() != expected {
            return Err(PyValueError::new_err(format!(
                "{} columns given for {expected} attributes",
                columns.len()
            )));
        }
        let arrays = columns
            .iter()
            .map(|c| Array::read(&c, rows))
            .collect::<PyResult<Vec<_>>>()?;
        let slices = arrays
            .iter()
            .map(Array::slice)
            .collect::<PyResult<Vec<_>>>()?;
        // Object columns' distinct objects are found first, all at once on all cores without
        // the GIL, then each one's value is checked.
        let distinct = py.detach(|| {
            std::thread::scope(|scope| {
                let finding: Vec<_> = slices
                    .iter()
                    .map(|slice| match slice {
                        Slice::Objects(objects) => {
                            Some(scope.spawn(|| batch::distinct_objects(objects)))
                        }
                        _ => None,
                    })
                    .collect();
                finding
                    .into_iter()
                    .map(|h| h.map(|h| h.join().expect("coding does not panic")))
                    .collect::<Vec<_>>()
            })
        });
        let columns = slices
            .into_iter()
            .zip(&arrays)
            .zip(distinct)
            .zip(self.model.attributes())
            .map(|(((slice, array), distinct), attribute)| {
                let check = |value: PyResult<Bound<'py, PyAny>>| {
                    let value = values::attribute_value(&value?)?;
                    Ok(self.model.check_value(&attribute.name, value.as_ref()))
                };
                Ok(match (slice, distinct) {
                    (Slice::Floats(numbers), _) => TableColumn::Floats(numbers),
                    (Slice::Integers(numbers), _) => TableColumn::Integers(numbers),
                    (Slice::Codes(codes), _) => TableColumn::Codes {
                        codes,
                        values: array
                            .distinct()
                            .try_iter()?
                            .map(check)
                            .collect::<PyResult<_>>()?,
                    },
                    (Slice::Objects(objects), Some((codes, first_rows))) => TableColumn::Objects {
                        objects,
                        values: first_rows
                            .into_iter()
                            .map(|row| check(Ok(objects[row].bind(py).clone())))
                            .collect::<PyResult<_>>()?,
                        codes,
                        changed: AtomicBool::new(false),
                    },
                    (Slice::Objects(_), None) => unreachable!("object columns are coded first"),
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let prices = PyArray1::<f64>::zeros(py, rows, false);
        {
            let mut out = prices.try_readwrite()?;
            let out = out.as_slice_mut()?;
            let priced = py.detach(|| batch::price(&self.model, &columns, out));
            if columns.iter().any(TableColumn::changed) {
                return Err(PyRuntimeError::new_err(
                    "the table was changed by another thread while it was priced: price it again",
                ));
            }
            priced.map_err(|e| columns_error(py, &e))?;
        }
        Ok(prices)
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

/// One column as Python gives it (see `price_columns`), its array borrowed.
enum Array<'py> {
    Floats(PyReadonlyArray1<'py, f64>),
    Integers(PyReadonlyArray1<'py, i64>),
    /// Codes, and the distinct values they index.
    Codes(PyReadonlyArray1<'py, u32>, Bound<'py, PyAny>),
    Objects(PyReadonlyArray1<'py, Py<PyAny>>),
}

/// A column's array as a slice.
enum Slice<'a> {
    Floats(&'a [f64]),
    Integers(&'a [i64]),
    Codes(&'a [u32]),
    Objects(&'a [Py<PyAny>]),
}

impl<'py> Array<'py> {
    fn read(spec: &Bound<'py, PyAny>, rows: usize) -> PyResult<Self> {
        let spec = spec
            .cast::<PyTuple>()
            .map_err(|_| PyTypeError::new_err("a column is a tuple"))?;
        let kind: String = spec.get_item(0)?.extract()?;
        let data = spec.get_item(1)?;
        let wrong = |expected: &str| {
            PyTypeError::new_err(format!(
                "a {kind} column's data must be a one-dimensional {expected} array"
            ))
        };
        let array = match kind.as_str() {
            "numbers" => match data.cast::<PyArray1<f64>>() {
                Ok(numbers) => Array::Floats(numbers.try_readonly()?),
                Err(_) => Array::Integers(
                    data.cast::<PyArray1<i64>>()
                        .map_err(|_| wrong("float64 or int64"))?
                        .try_readonly()?,
                ),
            },
            "codes" => Array::Codes(
                data.cast::<PyArray1<u32>>()
                    .map_err(|_| wrong("uint32"))?
                    .try_readonly()?,
                spec.get_item(2)?,
            ),
            "objects" => Array::Objects(
                data.cast::<PyArray1<Py<PyAny>>>()
                    .map_err(|_| wrong("object"))?
                    .try_readonly()?,
            ),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown column kind {other:?}"
                )))
            }
        };
        let length = match &array {
            Array::Floats(a) => a.len(),
            Array::Integers(a) => a.len(),
            Array::Codes(a, _) => a.len(),
            Array::Objects(a) => a.len(),
        };
        if length != rows {
            return Err(PyValueError::new_err(format!(
                "a column has {length} rows, expected {rows}"
            )));
        }
        Ok(array)
    }

    /// The array's elements, in place (a contiguous array's).
    fn slice(&self) -> PyResult<Slice<'_>> {
        Ok(match self {
            Array::Floats(a) => Slice::Floats(a.as_slice()?),
            Array::Integers(a) => Slice::Integers(a.as_slice()?),
            Array::Codes(a, _) => Slice::Codes(a.as_slice()?),
            Array::Objects(a) => Slice::Objects(a.as_slice()?),
        })
    }

    /// A coded column's distinct values.
    fn distinct(&self) -> &Bound<'py, PyAny> {
        match self {
            Array::Codes(_, distinct) => distinct,
            _ => unreachable!("only coded columns have distinct values"),
        }
    }
}

/// A `ColumnsError` as the Python exception for it: `CarError` for rows and missing or unknown
/// columns, `ValueError` for columns that do not fit together.
fn columns_error(py: Python<'_>, error: &ColumnsError) -> PyErr {
    match error {
        ColumnsError::Row { row, error } => car_error(py, error, Some(*row)),
        ColumnsError::Column(error) => car_error(py, error, None),
        other => PyValueError::new_err(other.to_string()),
    }
}
