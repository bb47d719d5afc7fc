//! `carprice status`: the latest published version and the live one, as `key=value` lines that
//! can be appended to `$GITHUB_OUTPUT` (the scheduled deploy exits early when they are equal).

use anyhow::Result;

use super::open_registry;
use crate::args::ContainerArgs;
use crate::registry::RegistryError;

/// Prints `latest=<version>` and `live=<version>` (empty when there is none).
pub fn run(container: &ContainerArgs) -> Result<()> {
    let registry = open_registry(container)?;
    let record = registry.record()?.record;
    let latest = match registry.latest(record.as_ref()) {
        Ok(version) => version.to_string(),
        Err(RegistryError::NothingPublished(_)) => String::new(),
        Err(e) => return Err(e.into()),
    };
    let live = record.map(|r| r.live).unwrap_or_default();
    println!("latest={latest}");
    println!("live={live}");
    Ok(())
}
