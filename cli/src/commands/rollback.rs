//! `carprice rollback`: point production back to an earlier version; the next deploy ships it.

use anyhow::Result;
use model_core::ModelVersion;

use super::open_registry;
use super::promote::{display_commit, entry, now};
use crate::args::ContainerArgs;
use crate::registry::ProductionRecord;

/// Sets the live version to `to`, or to the version live before the current one.
pub fn run(to: Option<&str>, commit: &str, container: &ContainerArgs) -> Result<()> {
    let to: Option<ModelVersion> = to.map(str::parse).transpose()?;
    let registry = open_registry(container)?;
    let snapshot = registry.record()?;
    let record = snapshot.record.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "nothing to roll back in {}: no version has been live yet",
            registry.container_name()
        )
    })?;
    let record = rolled_back(record, to.as_ref(), commit, &now())?;
    registry.require(&record.live.parse()?)?;
    registry.save_record(&snapshot, &record)?;
    println!(
        "production: rolled back to model {} (commit {}); {} is withdrawn. Run the deploy workflow to ship it",
        record.live,
        display_commit(commit),
        record.withdrawn.last().map_or("nothing", String::as_str)
    );
    Ok(())
}

/// The record after rolling back: the target becomes live and the version it replaces is withdrawn
/// (never chosen as "latest" again, so the scheduled deploy does not bring it back).
pub fn rolled_back(
    mut record: ProductionRecord,
    to: Option<&ModelVersion>,
    commit: &str,
    at: &str,
) -> Result<ProductionRecord> {
    let current = record.live.clone();
    let target = match to {
        Some(version) => version.to_string(),
        None => record
            .history
            .iter()
            .rev()
            .map(|e| &e.version)
            .find(|v| **v != current && !record.withdrawn.contains(v))
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no earlier version to roll back to from {current}: name one with --to"
                )
            })?,
    };
    anyhow::ensure!(target != current, "model {target} is already live");
    record.withdrawn.retain(|w| *w != target);
    if !record.withdrawn.contains(&current) {
        record.withdrawn.push(current);
    }
    let target: ModelVersion = target.parse()?;
    record.live = target.to_string();
    record.since = at.to_string();
    record.commit = commit.to_string();
    record.history.push(entry(&target, commit, at, "rollback"));
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::super::promote::promoted;
    use super::*;

    fn v(text: &str) -> ModelVersion {
        text.parse().unwrap()
    }

    #[test]
    fn rollback_goes_to_the_previous_version_and_withdraws_the_current_one() {
        let record = promoted(None, &v("1.0.0"), "a", "t1");
        let record = promoted(Some(record), &v("1.1.0"), "b", "t2");
        let record = rolled_back(record, None, "c", "t3").unwrap();
        assert_eq!(record.live, "1.0.0");
        assert_eq!(record.withdrawn, ["1.1.0"]);
        assert_eq!(record.history.last().unwrap().action, "rollback");
        // A second rollback has nowhere further back to go.
        assert!(rolled_back(record, None, "d", "t4").is_err());
    }

    #[test]
    fn rolling_back_to_the_live_version_is_refused() {
        let record = promoted(None, &v("1.0.0"), "a", "t1");
        assert!(rolled_back(record, Some(&v("1.0.0")), "b", "t2").is_err());
    }
}
