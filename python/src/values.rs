//! Python values as model-core attribute values.

use model_core::{AttributeValue, CarDescription};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyString};

/// A Python value as an attribute value; `None` for a missing one (`None`, NaN, `pandas.NA`).
///
/// Strings stay text (numeric attributes accept numeric text, as in a CSV); booleans (`True`,
/// `numpy.True_`, …) become the text `true`/`false`, as in the CLI's JSON: a yes/no attribute
/// reads it and a numeric one refuses it with model-core's usual error; numpy float32 and float16
/// numbers become the decimal they print as; other numbers (int, float, numpy scalars) become
/// numbers; anything else is priced as its `str()`.
pub fn attribute_value(value: &Bound<'_, PyAny>) -> PyResult<Option<AttributeValue>> {
    if value.is_none() {
        return Ok(None);
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(AttributeValue::Text(text.to_cow()?.into_owned())));
    }
    // A Python bool or a numpy bool (pyo3 reads both, and nothing else, as a bool).
    if let Ok(flag) = value.extract::<bool>() {
        return Ok(Some(AttributeValue::Text(flag.to_string())));
    }
    if let Ok(x) = value.extract::<f64>() {
        if x.is_nan() {
            return Ok(None);
        }
        // A numpy float32 or float16 is the decimal it prints as (66.2, not 66.19999694824219):
        // the text a CSV of it holds, which the CLI prices.
        if !value.is_exact_instance_of::<PyFloat>() && is_narrow_numpy_float(value) {
            return Ok(Some(AttributeValue::Text(
                value.str()?.to_cow()?.into_owned(),
            )));
        }
        return Ok(Some(AttributeValue::Number(x)));
    }
    // Checked only here: `pd.NA` is neither text, a bool nor a number.
    if is_pandas_na(value) {
        return Ok(None);
    }
    Ok(Some(AttributeValue::Text(
        value.str()?.to_cow()?.into_owned(),
    )))
}

/// Whether `value` is a numpy float of fewer than 64 bits.
fn is_narrow_numpy_float(value: &Bound<'_, PyAny>) -> bool {
    let kind = value.get_type();
    kind.module().is_ok_and(|module| module == "numpy")
        && kind
            .name()
            .is_ok_and(|name| name == "float32" || name == "float16")
}

/// Whether `value` is pandas' missing-value marker `pd.NA` (whose `str()` is `<NA>`).
fn is_pandas_na(value: &Bound<'_, PyAny>) -> bool {
    let kind = value.get_type();
    kind.name().is_ok_and(|name| name == "NAType")
        && kind
            .module()
            .is_ok_and(|module| module.to_cow().is_ok_and(|m| m.starts_with("pandas")))
}

/// A dict of attribute values as a car description (missing values left out, so the model says
/// which attribute is missing).
pub fn description(car: &Bound<'_, PyDict>) -> PyResult<CarDescription> {
    let mut description = CarDescription::new();
    for (name, value) in car.iter() {
        let name: String = name.extract().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "attribute names must be strings, got {}",
                name.repr().map(|r| r.to_string()).unwrap_or_default()
            ))
        })?;
        if let Some(value) = attribute_value(&value)? {
            description.set(name, value);
        }
    }
    Ok(description)
}
