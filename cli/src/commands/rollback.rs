//! `carprice rollback`: point production back to an earlier version; the next deploy ships it.

use anyhow::{Context, Result};
use model_core::ModelVersion;

use super::{display_commit, open_registry};
use crate::args::ContainerArgs;

/// Replaces the live version `from` by `to`, or by the version live before it.
pub fn run(from: &str, to: Option<&str>, commit: &str, container: &ContainerArgs) -> Result<()> {
    let from: ModelVersion = from.parse().context(
        "--from takes the live version the rollback replaces (`carprice status` shows it)",
    )?;
    let to: Option<ModelVersion> = to.map(str::parse).transpose()?;
    let change = open_registry(container)?.rollback(&from, to.as_ref(), commit)?;
    let already = if change.already_recorded {
        " (already recorded by an earlier run)"
    } else {
        ""
    };
    outln!(
        "production: rolled back from model {from} to {} (commit {}){already}; {from} is withdrawn. Run the deploy workflow to ship it",
        change.live,
        display_commit(commit),
    )?;
    Ok(())
}
