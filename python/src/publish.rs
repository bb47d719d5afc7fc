//! `publish`: the CLI's own Blob registry code (carprice-registry) uploading a model and its test
//! data, with the GIL released while it talks to storage.

use carprice_registry::{AuthChoice, Registry, RegistryError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{PublishError, StorageError};

fn auth_choice(name: &str) -> PyResult<AuthChoice> {
    match name {
        "auto" => Ok(AuthChoice::Auto),
        "sas" => Ok(AuthChoice::Sas),
        "anonymous" => Ok(AuthChoice::Anonymous),
        "entra" => Ok(AuthChoice::Entra),
        other => Err(PyValueError::new_err(format!(
            "auth is {other:?}; use \"auto\", \"sas\", \"anonymous\" or \"entra\""
        ))),
    }
}

fn registry_error(error: RegistryError) -> PyErr {
    match error {
        RegistryError::Blob(blob) => StorageError::new_err(blob.to_string()),
        other => PublishError::new_err(other.to_string()),
    }
}

/// Publishes a model document and its test data (CSV bytes) as `carprice publish` does; returns
/// `{"version", "container", "already_published", "metrics"}`.
#[pyfunction]
#[pyo3(signature = (model_json, test_data, container_url, *, sas, auth))]
pub fn publish<'py>(
    py: Python<'py>,
    model_json: &[u8],
    test_data: &[u8],
    container_url: &str,
    sas: Option<&str>,
    auth: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let auth = auth_choice(auth)?;
    let (publication, container) = py
        .detach(|| {
            let registry = Registry::open(container_url, sas, auth)?;
            let publication = registry.publish(model_json, test_data)?;
            Ok((publication, registry.container_name()))
        })
        .map_err(registry_error)?;
    let result = PyDict::new(py);
    result.set_item("version", publication.version.to_string())?;
    result.set_item("container", container)?;
    result.set_item("already_published", publication.already_published)?;
    result.set_item("metrics", crate::metrics_dict(py, &publication.metrics)?)?;
    Ok(result)
}
