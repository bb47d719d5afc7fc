//! `carprice fetch`: download a published version into a directory, hashes verified, atomically.
//! The challenger comes with `rollout.json`, its mode and percent as the production record says,
//! for `carprice stage --challenger`.

use std::path::Path;

use anyhow::{Context, Result};
use carprice_registry::{VersionChoice, FAMILY};

use super::open_registry;
use crate::args::ContainerArgs;
use crate::files;

pub use carprice_registry::{MODEL_FILE, TEST_DATA_FILE};

/// How a fetched challenger is tried: the production record's `challenger` object.
pub const ROLLOUT_FILE: &str = "rollout.json";

/// Which version to fetch: `latest`, `live`, `challenger` or a version number.
pub fn run(which: &str, out: &Path, container: &ContainerArgs) -> Result<()> {
    let which: VersionChoice = which
        .parse()
        .context("--version takes latest, live, challenger or a version")?;
    let fetched = open_registry(container)?.fetch(&which)?;
    let rollout = fetched
        .rollout
        .as_ref()
        .map(|rollout| {
            let mut json = serde_json::to_vec_pretty(rollout)?;
            json.push(b'\n');
            Ok::<_, serde_json::Error>(json)
        })
        .transpose()?;
    let mut contents = vec![
        (MODEL_FILE, fetched.model_json.as_slice()),
        (TEST_DATA_FILE, fetched.test_data.as_slice()),
    ];
    if let Some(rollout) = &rollout {
        contents.push((ROLLOUT_FILE, rollout));
    }
    files::replace_dir(out, &contents)?;
    outln!(
        "fetched {FAMILY}/{} into {}",
        fetched.version,
        out.display()
    )?;
    Ok(())
}
