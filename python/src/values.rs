//! Python values as model-core attribute values.

use model_core::{AttributeValue, CarDescription};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

/// A Python value as an attribute value; `None` for a missing one (`None`, NaN).
///
/// Strings stay text (numeric attributes accept numeric text, as in a CSV); `True`/`False` become
/// the text `true`/`false`, which no model accepts, so they get model-core's usual error; other
/// numbers (int, float, numpy scalars) become numbers; anything else is priced as its `str()`.
pub fn attribute_value(value: &Bound<'_, PyAny>) -> PyResult<Option<AttributeValue>> {
    if value.is_none() {
        return Ok(None);
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(AttributeValue::Text(text.to_cow()?.into_owned())));
    }
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Some(AttributeValue::Text(flag.is_true().to_string())));
    }
    if let Ok(x) = value.extract::<f64>() {
        return Ok((!x.is_nan()).then_some(AttributeValue::Number(x)));
    }
    Ok(Some(AttributeValue::Text(
        value.str()?.to_cow()?.into_owned(),
    )))
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
