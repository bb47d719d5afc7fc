//! The production record, `car-price/production.json`: which version is live, how it got there,
//! which versions were withdrawn, and the pure rules for changing it (promote, roll back) and for
//! recognising a change that is already in it.

use std::fmt;
use std::str::FromStr;

use model_core::ModelVersion;
use serde::{Deserialize, Serialize};

use crate::RegistryError;

/// Which version is live, and how it got there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionRecord {
    /// The version the site serves, or will serve after the next deploy (after a rollback).
    pub live: String,
    /// When `live` was set (RFC 3339).
    pub since: String,
    /// The commit of the deploy or rollback that last wrote the record.
    pub commit: String,
    /// Versions taken out of production by a rollback: never chosen as "latest" again, never
    /// promoted again (a rollback `--to` one of them brings it back).
    #[serde(default)]
    pub withdrawn: Vec<String>,
    /// Every change of the live version, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

impl ProductionRecord {
    /// Makes `version` live from `commit` at `at`, with its history entry.
    fn make_live(
        &mut self,
        version: &ModelVersion,
        commit: &str,
        at: &str,
        action: &str,
        replaced: Option<String>,
    ) {
        self.live = version.to_string();
        self.since = at.to_string();
        self.commit = commit.to_string();
        self.history.push(HistoryEntry {
            version: version.to_string(),
            at: at.to_string(),
            commit: commit.to_string(),
            action: action.to_string(),
            replaced,
        });
    }
}

/// One change of the live version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The version made live.
    pub version: String,
    /// When (RFC 3339).
    pub at: String,
    /// From which commit.
    pub commit: String,
    /// `promote` or `rollback`.
    pub action: String,
    /// The version a rollback replaced (and withdrew).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
}

/// The state of the production record a change is decided on: absent, or present with an entity
/// tag (ETag). Written as `none` or as the ETag, the form `carprice status` prints and
/// `carprice promote --expect-record` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordState {
    /// No record yet (nothing was ever promoted).
    Absent,
    /// The record with this ETag.
    Etag(String),
}

impl RecordState {
    /// The ETag, `None` for an absent record.
    pub fn etag(&self) -> Option<&str> {
        match self {
            RecordState::Absent => None,
            RecordState::Etag(etag) => Some(etag),
        }
    }
}

impl fmt::Display for RecordState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.etag().unwrap_or("none"))
    }
}

impl FromStr for RecordState {
    type Err = RegistryError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            "" => Err(RegistryError::BadRecordState),
            "none" => Ok(RecordState::Absent),
            etag => Ok(RecordState::Etag(etag.to_string())),
        }
    }
}

/// The record after `version` went live from `commit`. Deploying the live version again (a code
/// change) only updates the commit; another version gets a history entry.
pub(crate) fn promoted(
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
        record.make_live(version, commit, at, "promote", None);
    }
    record
}

/// Whether a promotion of `version` from `commit` is already what the record says (an earlier run
/// of the same promotion whose answer was lost, or a redeploy).
pub(crate) fn is_promoted(
    record: Option<&ProductionRecord>,
    version: &ModelVersion,
    commit: &str,
) -> bool {
    record.is_some_and(|r| r.live == version.as_str() && r.commit == commit)
}

/// The version a rollback from the live version goes to: `to`, or the latest earlier live version
/// that was not withdrawn.
///
/// # Errors
/// [`RegistryError::NothingToRollBackTo`], or [`RegistryError::AlreadyLive`] when `to` is live.
pub(crate) fn rollback_target(
    record: &ProductionRecord,
    to: Option<&ModelVersion>,
) -> Result<ModelVersion, RegistryError> {
    let current = record.live.as_str();
    let target = match to {
        Some(version) => version.clone(),
        None => record
            .history
            .iter()
            .rev()
            .map(|e| e.version.as_str())
            .find(|v| *v != current && !record.withdrawn.iter().any(|w| w == v))
            .ok_or_else(|| RegistryError::NothingToRollBackTo(current.to_string()))?
            .parse()
            .map_err(|e: model_core::VersionError| RegistryError::BadRecord(e.to_string()))?,
    };
    if target.as_str() == current {
        return Err(RegistryError::AlreadyLive(target.to_string()));
    }
    Ok(target)
}

/// The record after rolling back from the live version to `target`: the target becomes live (and
/// is no longer withdrawn) and the version it replaces is withdrawn.
pub(crate) fn rolled_back(
    mut record: ProductionRecord,
    target: &ModelVersion,
    commit: &str,
    at: &str,
) -> ProductionRecord {
    let replaced = std::mem::take(&mut record.live);
    record.withdrawn.retain(|w| w != target.as_str());
    if !record.withdrawn.contains(&replaced) {
        record.withdrawn.push(replaced.clone());
    }
    record.make_live(target, commit, at, "rollback", Some(replaced));
    record
}

/// Whether the record's last change is a rollback that replaced `from` (and went to `to`, when
/// named) and is still in force: an earlier run of the same rollback, whose answer was lost.
pub(crate) fn is_rolled_back(
    record: &ProductionRecord,
    from: &ModelVersion,
    to: Option<&ModelVersion>,
) -> bool {
    record.history.last().is_some_and(|last| {
        last.action == "rollback"
            && last.replaced.as_deref() == Some(from.as_str())
            && last.version == record.live
            && to.is_none_or(|to| to.as_str() == last.version)
            && record.withdrawn.iter().any(|w| w == from.as_str())
    })
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
        assert!(is_promoted(Some(&again), &v("1.0.0"), "def"));
        assert!(!is_promoted(Some(&again), &v("1.0.0"), "abc"));
    }

    #[test]
    fn rollback_goes_to_the_previous_version_and_withdraws_the_current_one() {
        let record = promoted(None, &v("1.0.0"), "a", "t1");
        let record = promoted(Some(record), &v("1.1.0"), "b", "t2");
        let target = rollback_target(&record, None).unwrap();
        let record = rolled_back(record, &target, "c", "t3");
        assert_eq!(record.live, "1.0.0");
        assert_eq!(record.withdrawn, ["1.1.0"]);
        let last = record.history.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.replaced.as_deref()),
            ("rollback", Some("1.1.0"))
        );
        assert!(is_rolled_back(&record, &v("1.1.0"), None));
        assert!(is_rolled_back(&record, &v("1.1.0"), Some(&v("1.0.0"))));
        assert!(!is_rolled_back(&record, &v("1.1.0"), Some(&v("0.9.0"))));
        // A second rollback has nowhere further back to go.
        assert!(matches!(
            rollback_target(&record, None),
            Err(RegistryError::NothingToRollBackTo(_))
        ));
    }

    #[test]
    fn rolling_back_to_the_live_version_is_refused() {
        let record = promoted(None, &v("1.0.0"), "a", "t1");
        assert!(matches!(
            rollback_target(&record, Some(&v("1.0.0"))),
            Err(RegistryError::AlreadyLive(_))
        ));
    }

    #[test]
    fn a_record_state_reads_back_what_it_prints() {
        for state in [RecordState::Absent, RecordState::Etag("\"0x8DC1\"".into())] {
            assert_eq!(state.to_string().parse::<RecordState>().unwrap(), state);
        }
        assert!("".parse::<RecordState>().is_err());
    }
}
