//! The production record, `car-price/production.json`: which version is live (the champion),
//! which one is tried beside it (the challenger), how they got there, which versions were
//! withdrawn, and the pure rules for changing it (promote, roll back, roll out, halt) and for
//! recognising a change that is already in it.

use std::fmt;
use std::str::FromStr;

use model_core::release::RolloutMode;
use model_core::ModelVersion;
use serde::{Deserialize, Deserializer, Serialize};

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
    /// The version tried beside the live one, when a rollout is in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenger: Option<ChallengerRecord>,
    /// Versions taken out of production by a rollback, and challengers whose rollout was halted:
    /// never chosen as "latest" again, never promoted or rolled out again (a rollback `--to` one
    /// of them brings it back).
    #[serde(default)]
    pub withdrawn: Vec<String>,
    /// Every change of the live version and of the rollout, oldest first.
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
            mode: None,
            percent: None,
        });
    }

    /// Ends the rollout in progress, if any, with a `halt` history entry, and withdraws the
    /// challenger (so that it is not "latest" for the next scheduled deploy); the halted version.
    fn halt(&mut self, commit: &str, at: &str) -> Option<String> {
        let challenger = self.challenger.take()?;
        if !self.withdrawn.contains(&challenger.version) {
            self.withdrawn.push(challenger.version.clone());
        }
        self.history.push(HistoryEntry {
            version: challenger.version.clone(),
            at: at.to_string(),
            commit: commit.to_string(),
            action: HALT.to_string(),
            replaced: None,
            mode: None,
            percent: None,
        });
        Some(challenger.version)
    }
}

impl ChallengerRecord {
    /// The fields of its JSON object, all required.
    pub const FIELDS: [&'static str; 5] = ["version", "mode", "percent", "since", "commit"];
}

/// The history action of a version made live by a deploy (or of a challenger made live).
const PROMOTE: &str = "promote";
/// The history action of a rollback.
const ROLLBACK: &str = "rollback";
/// The history action of a challenger's rollout or of a change of its mode or percent.
const ROLLOUT: &str = "rollout";
/// The history action of a rollout's end without promotion.
const HALT: &str = "halt";

/// The challenger in the production record: the version tried beside the live one, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengerRecord {
    /// The challenger's version.
    pub version: String,
    /// Shadow or canary.
    pub mode: RolloutMode,
    /// Share of devices, in percent, shown the challenger's price (0 in the shadow).
    #[serde(deserialize_with = "percent")]
    pub percent: u8,
    /// When this mode and percent were set (RFC 3339).
    pub since: String,
    /// The commit recorded with the change.
    pub commit: String,
}

/// A percent of devices as written by hand or by an older writer: any JSON number, refused unless
/// it is a whole number from 0 to 100.
fn percent<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u8, D::Error> {
    percent_of(serde_json::Number::deserialize(deserializer)?)
}

/// [`percent`], or nothing.
fn optional_percent<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    Option::<serde_json::Number>::deserialize(deserializer)?
        .map(percent_of)
        .transpose()
}

fn percent_of<E: serde::de::Error>(number: serde_json::Number) -> Result<u8, E> {
    number
        .as_u64()
        .and_then(|whole| u8::try_from(whole).ok())
        .filter(|percent| *percent <= 100)
        .ok_or_else(|| {
            E::custom(format!(
                "percent must be a whole number from 0 to 100 (got {number})"
            ))
        })
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
    /// `promote` or `rollback` (the version became live), `rollout` (the version became the
    /// challenger, or its mode or percent changed) or `halt` (its rollout ended).
    pub action: String,
    /// The version a rollback replaced (and withdrew).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    /// A rollout's mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<RolloutMode>,
    /// A rollout's percent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_percent"
    )]
    pub percent: Option<u8>,
}

impl HistoryEntry {
    /// Whether the entry made its version live.
    fn made_live(&self) -> bool {
        self.action == PROMOTE || self.action == ROLLBACK
    }
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

/// Whether `version` may be promoted: during a rollout only the live version (a redeploy) and the
/// challenger may, since any other version would replace the champion the challenger is tried
/// against.
///
/// # Errors
/// [`RegistryError::RolloutInProgress`].
pub(crate) fn check_promotable(
    record: Option<&ProductionRecord>,
    version: &ModelVersion,
) -> Result<(), RegistryError> {
    match record.and_then(|r| Some((r, r.challenger.as_ref()?))) {
        Some((record, challenger))
            if record.live != version.as_str() && challenger.version != version.as_str() =>
        {
            Err(RegistryError::RolloutInProgress {
                challenger: challenger.version.clone(),
                asked: version.to_string(),
            })
        }
        _ => Ok(()),
    }
}

/// The record after `version` went live from `commit`. Deploying the live version again (a code
/// change) only updates the commit; another version gets a history entry. Promoting the
/// challenger ends its rollout: the champion it replaces is then the version a rollback goes
/// back to.
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
        challenger: None,
        withdrawn: Vec::new(),
        history: Vec::new(),
    });
    record.commit = commit.to_string();
    if record.live != version.as_str() {
        if record
            .challenger
            .as_ref()
            .is_some_and(|c| c.version == version.as_str())
        {
            record.challenger = None;
        }
        record.make_live(version, commit, at, PROMOTE, None);
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
            .filter(|e| e.made_live())
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
/// is no longer withdrawn) and the version it replaces is withdrawn. A rollout in progress is
/// halted first: its challenger was judged against the champion being replaced.
pub(crate) fn rolled_back(
    mut record: ProductionRecord,
    target: &ModelVersion,
    commit: &str,
    at: &str,
) -> ProductionRecord {
    record.halt(commit, at);
    let replaced = std::mem::take(&mut record.live);
    record.withdrawn.retain(|w| w != target.as_str());
    if !record.withdrawn.contains(&replaced) {
        record.withdrawn.push(replaced.clone());
    }
    record.make_live(target, commit, at, ROLLBACK, Some(replaced));
    record
}

/// The record after `version` became the challenger in `mode` with `percent`, or after the
/// challenger's mode or percent changed.
///
/// # Errors
/// [`RegistryError::AlreadyLive`] for the live version, [`RegistryError::Withdrawn`],
/// [`RegistryError::RolloutInProgress`] when another version is the challenger.
pub(crate) fn rolled_out(
    mut record: ProductionRecord,
    version: &ModelVersion,
    (mode, percent): (RolloutMode, u8),
    commit: &str,
    at: &str,
) -> Result<ProductionRecord, RegistryError> {
    if record.live == version.as_str() {
        return Err(RegistryError::AlreadyLive(version.to_string()));
    }
    if record.withdrawn.iter().any(|w| w == version.as_str()) {
        return Err(RegistryError::Withdrawn(version.to_string()));
    }
    if let Some(challenger) = record
        .challenger
        .as_ref()
        .filter(|c| c.version != version.as_str())
    {
        return Err(RegistryError::RolloutInProgress {
            challenger: challenger.version.clone(),
            asked: version.to_string(),
        });
    }
    record.challenger = Some(ChallengerRecord {
        version: version.to_string(),
        mode,
        percent,
        since: at.to_string(),
        commit: commit.to_string(),
    });
    record.history.push(HistoryEntry {
        version: version.to_string(),
        at: at.to_string(),
        commit: commit.to_string(),
        action: ROLLOUT.to_string(),
        replaced: None,
        mode: Some(mode),
        percent: Some(percent),
    });
    Ok(record)
}

/// Whether the record already tries `version` in `mode` with `percent` (an earlier run of the
/// same rollout whose answer was lost).
pub(crate) fn is_rolled_out(
    record: &ProductionRecord,
    version: &ModelVersion,
    (mode, percent): (RolloutMode, u8),
) -> bool {
    record
        .challenger
        .as_ref()
        .is_some_and(|c| c.version == version.as_str() && c.mode == mode && c.percent == percent)
}

/// The record after the rollout in progress ended without promotion, and the halted version
/// (`None`: no rollout was in progress, nothing changed).
pub(crate) fn halted(
    mut record: ProductionRecord,
    commit: &str,
    at: &str,
) -> (ProductionRecord, Option<String>) {
    let halted = record.halt(commit, at);
    (record, halted)
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
    fn a_challengers_fields_are_the_ones_it_is_written_with() {
        let record = ChallengerRecord {
            version: "1.1.0".to_string(),
            mode: RolloutMode::Canary,
            percent: 5,
            since: "2026-11-27T00:00:00Z".to_string(),
            commit: "abc".to_string(),
        };
        let written = serde_json::to_value(&record).unwrap();
        let mut names: Vec<&str> = written
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        let mut fields = ChallengerRecord::FIELDS;
        fields.sort_unstable();
        assert_eq!(names, fields);
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

    const SHADOW: (RolloutMode, u8) = (RolloutMode::Shadow, 0);
    const CANARY_50: (RolloutMode, u8) = (RolloutMode::Canary, 50);

    /// 1.0.0 then 1.1.0 promoted, 1.2.0 rolled out in the shadow.
    fn in_shadow() -> ProductionRecord {
        let record = promoted(None, &v("1.0.0"), "a", "t1");
        let record = promoted(Some(record), &v("1.1.0"), "b", "t2");
        rolled_out(record, &v("1.2.0"), SHADOW, "c", "t3").unwrap()
    }

    #[test]
    fn a_rollout_records_the_challenger_and_its_changes() {
        let record = in_shadow();
        assert_eq!(record.live, "1.1.0");
        let challenger = record.challenger.clone().unwrap();
        assert_eq!(
            (
                challenger.version.as_str(),
                challenger.mode,
                challenger.percent
            ),
            ("1.2.0", RolloutMode::Shadow, 0)
        );
        assert!(is_rolled_out(&record, &v("1.2.0"), SHADOW));
        assert!(!is_rolled_out(&record, &v("1.2.0"), CANARY_50));
        let record = rolled_out(record, &v("1.2.0"), CANARY_50, "d", "t4").unwrap();
        assert!(is_rolled_out(&record, &v("1.2.0"), CANARY_50));
        let last = record.history.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.mode, last.percent),
            ("rollout", Some(RolloutMode::Canary), Some(50))
        );
        assert_eq!(record.challenger.unwrap().since, "t4");
    }

    #[test]
    fn a_rollout_refuses_the_live_version_a_withdrawn_one_and_a_second_challenger() {
        let record = in_shadow();
        assert!(matches!(
            rolled_out(record.clone(), &v("1.1.0"), SHADOW, "x", "t"),
            Err(RegistryError::AlreadyLive(_))
        ));
        assert!(matches!(
            rolled_out(record.clone(), &v("1.3.0"), SHADOW, "x", "t"),
            Err(RegistryError::RolloutInProgress { .. })
        ));
        let target = rollback_target(&record, None).unwrap();
        let record = rolled_back(record, &target, "x", "t");
        assert!(matches!(
            rolled_out(record, &v("1.1.0"), SHADOW, "x", "t"),
            Err(RegistryError::Withdrawn(_))
        ));
    }

    #[test]
    fn a_halt_clears_the_challenger_with_a_history_entry() {
        let (record, halted_version) = halted(in_shadow(), "h", "t9");
        assert_eq!(halted_version.as_deref(), Some("1.2.0"));
        assert_eq!(record.challenger, None);
        assert_eq!(record.live, "1.1.0");
        assert_eq!(record.withdrawn, ["1.2.0"]);
        let last = record.history.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.version.as_str()),
            ("halt", "1.2.0")
        );
        let (again, nothing) = halted(record.clone(), "h", "t10");
        assert_eq!((again, nothing), (record, None));
    }

    #[test]
    fn a_halted_challenger_is_withdrawn_so_the_next_scheduled_deploy_does_not_ship_it() {
        let (record, _) = halted(in_shadow(), "h", "t9");
        assert!(matches!(
            rolled_out(record.clone(), &v("1.2.0"), SHADOW, "x", "t"),
            Err(RegistryError::Withdrawn(_))
        ));
        assert!(record.withdrawn.iter().any(|w| w == "1.2.0"));
    }

    #[test]
    fn promoting_the_challenger_makes_the_champion_the_version_to_roll_back_to() {
        let record = promoted(Some(in_shadow()), &v("1.2.0"), "p", "t5");
        assert_eq!(
            (record.live.as_str(), record.challenger.as_ref()),
            ("1.2.0", None)
        );
        assert_eq!(rollback_target(&record, None).unwrap(), v("1.1.0"));
    }

    #[test]
    fn during_a_rollout_only_the_live_version_and_the_challenger_may_be_promoted() {
        let record = in_shadow();
        assert!(check_promotable(Some(&record), &v("1.1.0")).is_ok());
        assert!(check_promotable(Some(&record), &v("1.2.0")).is_ok());
        assert!(matches!(
            check_promotable(Some(&record), &v("1.3.0")),
            Err(RegistryError::RolloutInProgress { .. })
        ));
        // A redeploy of the champion keeps the rollout going.
        let record = promoted(Some(record), &v("1.1.0"), "new-commit", "t6");
        assert!(is_rolled_out(&record, &v("1.2.0"), SHADOW));
    }

    #[test]
    fn a_rollback_never_goes_to_a_challenger_that_was_never_live() {
        // The rollout and halt entries name the challenger; only promote and rollback entries
        // name versions that were live.
        let (record, _) = halted(in_shadow(), "h", "t4");
        assert_eq!(rollback_target(&record, None).unwrap(), v("1.0.0"));
    }

    #[test]
    fn a_rollback_halts_the_rollout_in_progress() {
        let record = in_shadow();
        let target = rollback_target(&record, None).unwrap();
        let record = rolled_back(record, &target, "r", "t7");
        assert_eq!(
            (record.live.as_str(), record.challenger.as_ref()),
            ("1.0.0", None)
        );
        let actions: Vec<_> = record.history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["promote", "promote", "rollout", "halt", "rollback"]
        );
        assert_eq!(record.withdrawn, ["1.2.0", "1.1.0"]);
        assert!(is_rolled_back(&record, &v("1.1.0"), None));
    }

    #[test]
    fn a_percent_out_of_range_said_expected_u8() {
        let challenger = |percent: &str| {
            format!(
                r#"{{"version": "1.2.0", "mode": "canary", "percent": {percent}, "since": "t", "commit": "c"}}"#
            )
        };
        for percent in ["256", "-1", "1.5", "101"] {
            let error = serde_json::from_str::<ChallengerRecord>(&challenger(percent))
                .unwrap_err()
                .to_string();
            assert!(
                error.contains(&format!(
                    "percent must be a whole number from 0 to 100 (got {percent})"
                )) && !error.contains("u8"),
                "{error}"
            );
            let entry = format!(
                r#"{{"version": "1.2.0", "at": "t", "commit": "c", "action": "rollout", "percent": {percent}}}"#
            );
            let error = serde_json::from_str::<HistoryEntry>(&entry)
                .unwrap_err()
                .to_string();
            assert!(error.contains("whole number from 0 to 100"), "{error}");
        }
        for percent in [0, 100] {
            let record: ChallengerRecord =
                serde_json::from_str(&challenger(&percent.to_string())).unwrap();
            assert_eq!(record.percent, percent);
        }
        let entry: HistoryEntry = serde_json::from_str(
            r#"{"version": "1.2.0", "at": "t", "commit": "c", "action": "rollout", "percent": null}"#,
        )
        .unwrap();
        assert_eq!(entry.percent, None);
    }

    #[test]
    fn a_record_written_before_rollouts_reads_without_a_challenger() {
        let old = r#"{"live": "1.0.0", "since": "t1", "commit": "a", "withdrawn": [],
            "history": [{"version": "1.0.0", "at": "t1", "commit": "a", "action": "promote"}]}"#;
        let record: ProductionRecord = serde_json::from_str(old).unwrap();
        assert_eq!(record.challenger, None);
        let written = serde_json::to_string(&record).unwrap();
        assert!(
            !written.contains("challenger") && !written.contains("mode"),
            "{written}"
        );
        let shadow = serde_json::to_value(in_shadow()).unwrap();
        assert_eq!(
            shadow["challenger"],
            serde_json::json!({"version": "1.2.0", "mode": "shadow", "percent": 0, "since": "t3", "commit": "c"})
        );
    }
}
