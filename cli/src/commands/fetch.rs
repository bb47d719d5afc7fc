//! `carprice fetch`: download a published version into a directory, hashes verified, atomically.

use std::path::Path;

use anyhow::{Context, Result};
use carprice_registry::{VersionChoice, FAMILY};

use super::open_registry;
use crate::args::ContainerArgs;
use crate::files;

pub use carprice_registry::{MODEL_FILE, TEST_DATA_FILE};

/// Which version to fetch: `latest`, `live` or a version number.
pub fn run(which: &str, out: &Path, container: &ContainerArgs) -> Result<()> {
    let which: VersionChoice = which
        .parse()
        .context("--version takes latest, live or a version")?;
    let fetched = open_registry(container)?.fetch(&which)?;
    files::replace_dir(
        out,
        &[
            (MODEL_FILE, &fetched.model_json),
            (TEST_DATA_FILE, &fetched.test_data),
        ],
    )?;
    println!(
        "fetched {FAMILY}/{} into {}",
        fetched.version,
        out.display()
    );
    Ok(())
}
