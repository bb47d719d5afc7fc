//! The native model class: a validated model-core `Model` and the calls the Python `Model` makes.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use model_core::{AttributeKind, ColumnsError, Model};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyTuple};

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
    /// `("numbers", float64 bytes)` (NaN: missing), `("codes", uint32 bytes, distinct values)`
    /// (code 2**32 - 1: missing) or `("objects", the objects' addresses as uintp bytes, the
    /// object array)`, coded here by identity. Returns the prices as float64 bytes.
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
        let specs = columns
            .iter()
            .map(|c| ColumnSpec::read(&c, rows))
            .collect::<PyResult<Vec<_>>>()?;
        // Object columns are coded by identity first, all at once on all cores without the GIL.
        let addresses: Vec<Option<Cow<'_, [usize]>>> = specs
            .iter()
            .map(|spec| {
                (spec.kind == Kind::Objects)
                    .then(|| words(spec.buffer.as_bytes(), usize::from_ne_bytes))
            })
            .collect();
        let identities = py.detach(|| {
            std::thread::scope(|scope| {
                let coding: Vec<_> = addresses
                    .iter()
                    .map(|a| a.as_deref().map(|a| scope.spawn(move || identity_codes(a))))
                    .collect();
                coding
                    .into_iter()
                    .map(|h| h.map(|h| h.join().expect("coding does not panic")))
                    .collect::<Vec<_>>()
            })
        });
        let columns = specs
            .iter()
            .zip(identities)
            .zip(self.model.attributes())
            .map(|((spec, identity), attribute)| {
                spec.column(&self.model, &attribute.name, identity)
            })
            .collect::<PyResult<Vec<_>>>()?;
        // Priced straight into the bytearray returned (allocated aligned, as `malloc` is).
        let mut priced = Ok(());
        let prices = PyByteArray::new_with(py, rows * 8, |bytes| {
            priced = match bytemuck::try_cast_slice_mut::<u8, f64>(bytes) {
                Ok(prices) => py.detach(|| batch::price(&self.model, &columns, prices)),
                Err(_) => {
                    let mut prices = vec![0.0; rows];
                    let priced = py.detach(|| batch::price(&self.model, &columns, &mut prices));
                    bytes.copy_from_slice(bytemuck::cast_slice(&prices));
                    priced
                }
            };
            Ok(())
        })?;
        priced.map_err(|e| columns_error(py, &e))?;
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

/// One column as Python gives it (see `price_columns`).
struct ColumnSpec<'py> {
    kind: Kind,
    buffer: Bound<'py, PyBytes>,
    /// The distinct values of a coded column, or the objects of an object column.
    values: Option<Bound<'py, PyAny>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Numbers,
    Codes,
    Objects,
}

impl<'py> ColumnSpec<'py> {
    fn read(spec: &Bound<'py, PyAny>, rows: usize) -> PyResult<Self> {
        let spec = spec
            .cast::<PyTuple>()
            .map_err(|_| PyTypeError::new_err("a column is a tuple"))?;
        let kind: String = spec.get_item(0)?.extract()?;
        let (kind, width) = match kind.as_str() {
            "numbers" => (Kind::Numbers, 8),
            "codes" => (Kind::Codes, 4),
            "objects" => (Kind::Objects, std::mem::size_of::<usize>()),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown column kind {other:?}"
                )))
            }
        };
        let buffer = spec
            .get_item(1)?
            .cast_into::<PyBytes>()
            .map_err(|_| PyTypeError::new_err("column data must be bytes"))?;
        if buffer.as_bytes().len() != rows * width {
            return Err(PyValueError::new_err(format!(
                "a column has {} bytes, expected {} for {rows} rows",
                buffer.as_bytes().len(),
                rows * width
            )));
        }
        let values = (kind != Kind::Numbers)
            .then(|| spec.get_item(2))
            .transpose()?;
        Ok(ColumnSpec {
            kind,
            buffer,
            values,
        })
    }

    /// The column, borrowing the buffer when it is aligned (Python's bytes objects are), and
    /// every distinct value checked once.
    /// `identity` is an object column's codes and first rows ([`identity_codes`]).
    fn column(
        &self,
        model: &Model,
        attribute: &str,
        identity: Option<(Vec<u32>, Vec<usize>)>,
    ) -> PyResult<TableColumn<'_>> {
        let bytes = self.buffer.as_bytes();
        let check = |value: PyResult<Bound<'py, PyAny>>| {
            let value = values::attribute_value(&value?)?;
            Ok(model.check_value(attribute, value.as_ref()))
        };
        match (self.kind, &self.values) {
            (Kind::Codes, Some(distinct)) => Ok(TableColumn::Codes {
                codes: words(bytes, u32::from_ne_bytes),
                values: distinct.try_iter()?.map(check).collect::<PyResult<_>>()?,
            }),
            (Kind::Objects, Some(objects)) => {
                let (codes, first_rows) = identity.expect("object columns are coded first");
                Ok(TableColumn::Codes {
                    codes: Cow::Owned(codes),
                    values: first_rows
                        .into_iter()
                        .map(|row| check(objects.get_item(row)))
                        .collect::<PyResult<_>>()?,
                })
            }
            _ => Ok(TableColumn::Numbers(words(bytes, f64::from_ne_bytes))),
        }
    }
}

/// Codes for a column of Python objects given by their addresses: one code per distinct object,
/// and the first row holding each. Addresses are only compared, never followed; the caller's
/// object array keeps every object alive, so equal addresses are the same object (and tables
/// read by pandas share one string object per distinct text, so objects are few).
fn identity_codes(addresses: &[usize]) -> (Vec<u32>, Vec<usize>) {
    // Recent objects, direct-mapped by address (objects are 16-byte aligned), in front of the
    // map: with a few dozen distinct objects nearly every row is found there, without hashing.
    const RECENT: usize = 256;
    let mut recent = [(0_usize, 0_u32); RECENT];
    let mut seen = FxHashMap::<usize, u32>::default();
    let mut first_rows = Vec::new();
    let codes = addresses
        .iter()
        .enumerate()
        .map(|(row, &address)| {
            let slot = &mut recent[(address >> 4) % RECENT];
            // Address 0 is no object's, so an empty slot never matches.
            if slot.0 == address && address != 0 {
                return slot.1;
            }
            let code = *seen.entry(address).or_insert_with(|| {
                first_rows.push(row);
                (first_rows.len() - 1) as u32
            });
            *slot = (address, code);
            code
        })
        .collect();
    (codes, first_rows)
}

/// Native-endian numbers in `bytes`: borrowed when aligned, else copied.
fn words<T: bytemuck::Pod, const N: usize>(
    bytes: &[u8],
    from_ne_bytes: fn([u8; N]) -> T,
) -> Cow<'_, [T]> {
    match bytemuck::try_cast_slice(bytes) {
        Ok(words) => Cow::Borrowed(words),
        Err(_) => Cow::Owned(
            bytes
                .chunks_exact(N)
                .map(|w| from_ne_bytes(w.try_into().expect("N bytes")))
                .collect(),
        ),
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
