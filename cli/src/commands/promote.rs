//! `carprice promote`: record a version as live after a successful deploy.

use std::time::SystemTime;

use anyhow::Result;
use model_core::ModelVersion;

use super::open_registry;
use crate::args::ContainerArgs;
use crate::registry::{HistoryEntry, ProductionRecord};

/// Records `version` as live, from `commit`.
pub fn run(version: &str, commit: &str, container: &ContainerArgs) -> Result<()> {
    let version: ModelVersion = version.parse()?;
    let registry = open_registry(container)?;
    registry.require(&version)?;
    let snapshot = registry.record()?;
    let record = promoted(snapshot.record.clone(), &version, commit, &now());
    registry.save_record(&snapshot, &record)?;
    println!(
        "production: model {version} is live (commit {})",
        display_commit(commit)
    );
    Ok(())
}

/// The record after `version` went live. Deploying the live version again (a code change) only
/// updates the commit; another version gets a history entry and is no longer withdrawn.
pub fn promoted(
    record: Option<ProductionRecord>,
    version: &ModelVersion,
    commit: &str,
    at: &str,
) -> ProductionRecord {
    let mut record = record.unwrap_or_else(|| ProductionRecord {
        live: String::new(),
        since: String::new(),
        commit: String::new(),
        withdrawn: Vec::new(),
        history: Vec::new(),
    });
    record.commit = commit.to_string();
    if record.live != version.as_str() {
        record.live = version.to_string();
        record.since = at.to_string();
        record.withdrawn.retain(|w| w != version.as_str());
        record.history.push(entry(version, commit, at, "promote"));
    }
    record
}

/// A history entry.
pub fn entry(version: &ModelVersion, commit: &str, at: &str, action: &str) -> HistoryEntry {
    HistoryEntry {
        version: version.to_string(),
        at: at.to_string(),
        commit: commit.to_string(),
        action: action.to_string(),
    }
}

/// The current time, RFC 3339 UTC.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// A commit for messages.
pub fn display_commit(commit: &str) -> &str {
    if commit.is_empty() {
        "unknown"
    } else {
        commit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> ModelVersion {
        text.parse().unwrap()
    }

    #[test]
    fn the_first_promotion_starts_the_history() {
        let record = promoted(None, &v("1.0.0"), "abc", "2026-11-27T00:00:00Z");
        assert_eq!(record.live, "1.0.0");
        assert_eq!(record.history.len(), 1);
    }

    #[test]
    fn redeploying_the_live_version_only_updates_the_commit() {
        let first = promoted(None, &v("1.0.0"), "abc", "t1");
        let again = promoted(Some(first), &v("1.0.0"), "def", "t2");
        assert_eq!(
            (
                again.commit.as_str(),
                again.since.as_str(),
                again.history.len()
            ),
            ("def", "t1", 1)
        );
    }
}
