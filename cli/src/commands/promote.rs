//! `carprice promote`: record a version as live after a successful deploy.

use anyhow::Result;
use carprice_registry::RecordState;
use model_core::ModelVersion;

use super::{display_commit, open_registry};
use crate::args::ContainerArgs;

/// Records `version` as live, from `commit`, unless the record changed since `expected`.
pub fn run(
    version: &str,
    commit: &str,
    expected: Option<&str>,
    container: &ContainerArgs,
) -> Result<()> {
    let version: ModelVersion = version.parse()?;
    let expected: Option<RecordState> = expected.map(str::parse).transpose()?;
    let change = open_registry(container)?.promote(&version, commit, expected.as_ref())?;
    let already = if change.already_recorded {
        " (the record already said so)"
    } else {
        ""
    };
    outln!(
        "production: model {version} is live (commit {}){already}",
        display_commit(commit)
    )?;
    Ok(())
}
