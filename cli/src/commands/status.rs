//! `carprice status`: the latest published version, the live one and the production record's
//! state, as `key=value` lines that can be appended to `$GITHUB_OUTPUT` (the scheduled deploy
//! exits early when `latest` and `live` are equal; `record` goes to `promote --expect-record`).

use anyhow::Result;

use super::open_registry;
use crate::args::ContainerArgs;

/// Prints `latest=<version>`, `live=<version>` (empty when there is none) and `record=<ETag or none>`.
pub fn run(container: &ContainerArgs) -> Result<()> {
    let status = open_registry(container)?.status()?;
    println!(
        "latest={}",
        status.latest.map(|v| v.to_string()).unwrap_or_default()
    );
    println!("live={}", status.live.unwrap_or_default());
    println!("record={}", status.record);
    Ok(())
}
