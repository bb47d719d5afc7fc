//! `carprice fetch`: download a published version into a directory, hashes verified, atomically.

use std::path::Path;

use anyhow::{Context, Result};
use model_core::{CarTable, ModelVersion};

use super::open_registry;
use crate::args::ContainerArgs;
use crate::files;
use crate::registry::FAMILY;

/// Which version to fetch: `latest`, `live` or a version number.
pub fn run(which: &str, out: &Path, container: &ContainerArgs) -> Result<()> {
    let registry = open_registry(container)?;
    let version = match which {
        "latest" => registry.latest(registry.record()?.record.as_ref())?,
        "live" => registry.live()?,
        number => {
            let version: ModelVersion = number
                .parse()
                .context("--version takes latest, live or a version")?;
            registry.require(&version)?;
            version
        }
    };
    let published = registry.download(&version)?;
    let origin = format!("{FAMILY}/{version}/model.json");
    let model = files::parse_model(&published.model_json, &origin)?;
    anyhow::ensure!(
        model.version() == version.as_str(),
        "{origin} says it is version {}, not {version}: publish it under its own version",
        model.version()
    );
    CarTable::from_csv(&published.test_data)
        .with_context(|| format!("cannot use {FAMILY}/{version}/test-data.csv"))?;
    files::replace_dir(
        out,
        &[
            (MODEL_FILE, &published.model_json),
            (TEST_DATA_FILE, &published.test_data),
        ],
    )?;
    println!("fetched {FAMILY}/{version} into {}", out.display());
    Ok(())
}

/// The files of a fetched directory.
pub use model_core::release::{MODEL_FILE, TEST_DATA_FILE};
