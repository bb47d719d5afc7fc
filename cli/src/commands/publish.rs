//! `carprice publish`: a data scientist uploads a model and its test data as a new version.

use std::path::Path;

use anyhow::{Context, Result};
use carprice_registry::FAMILY;
use model_core::format_dollars;

use super::open_registry;
use crate::args::ContainerArgs;
use crate::files;

/// Validates the model, checks that it can price its own test data, and uploads both, refusing to
/// overwrite a published version with other files. Test data separated by another delimiter is
/// uploaded comma-separated, as the deploy gate reads it.
pub fn run(
    model_path: &Path,
    test_data_path: &Path,
    delimiter: u8,
    container: &ContainerArgs,
) -> Result<()> {
    let model_json = files::read(model_path)?;
    // Checked here first for messages that name the files, and before any request is sent.
    files::parse_model(&model_json, &model_path.display().to_string())?;
    let mut test_data = files::read(test_data_path)?;
    let table = model_core::CarTable::from_csv_with(&test_data, delimiter)
        .with_context(|| format!("cannot use test data {}", test_data_path.display()))?;
    if delimiter != b',' {
        test_data = table.to_csv();
    }
    let registry = open_registry(container)?;
    let publication = registry
        .publish(&model_json, &test_data)
        .with_context(|| format!("cannot publish {}", model_path.display()))?;
    let (version, metrics) = (&publication.version, &publication.metrics);
    let what = if publication.already_published {
        "already published (exactly these files)"
    } else {
        "published"
    };
    outln!(
        "{what} {FAMILY}/{version} to {}: MAE {} on {} test rows here; the deploy gate measures it again",
        registry.container_name(),
        format_dollars(metrics.mae),
        metrics.rows
    )?;
    Ok(())
}
