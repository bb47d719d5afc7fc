//! `carprice publish`: a data scientist uploads a model and its test data as a new version.

use std::path::Path;

use anyhow::{Context, Result};
use model_core::{format_dollars, ModelVersion};

use super::{evaluate, open_registry};
use crate::args::ContainerArgs;
use crate::files;
use crate::registry::FAMILY;

/// Validates the model, checks that it can price its own test data, and uploads both, refusing to
/// overwrite a published version. Test data separated by another delimiter is uploaded comma-separated,
/// as the deploy gate reads it.
pub fn run(
    model_path: &Path,
    test_data_path: &Path,
    delimiter: u8,
    container: &ContainerArgs,
) -> Result<()> {
    let model_json = files::read(model_path)?;
    let model = files::parse_model(&model_json, &model_path.display().to_string())?;
    let version: ModelVersion = model
        .version()
        .parse()
        .with_context(|| format!("cannot publish {}", model_path.display()))?;
    let mut test_data = files::read(test_data_path)?;
    let table = model_core::CarTable::from_csv_with(&test_data, delimiter)
        .with_context(|| format!("cannot use test data {}", test_data_path.display()))?;
    if delimiter != b',' {
        test_data = table.to_csv();
    }
    let metrics = evaluate::measure(&model, &table).with_context(|| {
        format!(
            "model {version} cannot price its test data {}: fix the data or the model",
            test_data_path.display()
        )
    })?;
    let registry = open_registry(container)?;
    registry.publish(&version, &model_json, &test_data)?;
    println!(
        "published {FAMILY}/{version} to {}: MAE {} on {} test rows here; the deploy gate measures it again",
        registry.container_name(),
        format_dollars(metrics.mae),
        metrics.rows
    );
    Ok(())
}
