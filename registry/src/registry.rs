//! The registry's operations: publish, status, fetch, promote, roll back, roll out and halt, each
//! safe to repeat after a lost answer and safe against concurrent runs (Blob conditional requests:
//! a version's blobs are created with `If-None-Match: *`, the production record is replaced with
//! `If-Match`).

use std::collections::HashMap;
use std::str::FromStr;
use std::time::SystemTime;

use model_core::release::RolloutMode;
use model_core::{hex_sha256, CarTable, Metrics, Model, ModelVersion};

use crate::container::Container;
use crate::record::{self, ChallengerRecord, ProductionRecord, RecordState};
use crate::{measure, AuthChoice, Bar, BlobError, ContainerLocation, RegistryError};

/// The model family: the folder of every published version.
pub const FAMILY: &str = "car-price";
/// A version's model blob and test data blob (and their file names in a fetched folder).
pub use model_core::release::{MODEL_FILE, TEST_DATA_FILE};
const SHA256: &str = "sha256";
const TEST_DATA_SHA256: &str = "test_data_sha256";

/// Which published version to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionChoice {
    /// The highest published version that was not withdrawn.
    Latest,
    /// The production record's live version.
    Live,
    /// The production record's challenger (a rollout in progress).
    Challenger,
    /// This version.
    Version(ModelVersion),
}

impl FromStr for VersionChoice {
    type Err = model_core::VersionError;

    /// `latest`, `live`, `challenger` or a version number.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text {
            "latest" => VersionChoice::Latest,
            "live" => VersionChoice::Live,
            "challenger" => VersionChoice::Challenger,
            number => VersionChoice::Version(number.parse()?),
        })
    }
}

/// What [`Registry::publish`] did.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The published version (the model's own).
    pub version: ModelVersion,
    /// The model measured on its test data before uploading.
    pub metrics: Metrics,
    /// The same files were already completely published (an earlier run whose answer was lost):
    /// nothing was uploaded.
    pub already_published: bool,
}

/// The registry at a glance, from [`Registry::status`].
#[derive(Debug, Clone)]
pub struct Status {
    /// The highest published version not withdrawn, if any.
    pub latest: Option<ModelVersion>,
    /// The live version (the champion), if any.
    pub live: Option<String>,
    /// The challenger, when a rollout is in progress.
    pub challenger: Option<ChallengerRecord>,
    /// The production record's state: pass it to [`Registry::promote`] at the end of the deploy.
    pub record: RecordState,
}

/// A published version, both files checked against the hashes recorded at publication, the model
/// valid and of this version, the test data a car table.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The version.
    pub version: ModelVersion,
    /// The exact bytes of `model.json`.
    pub model_json: Vec<u8>,
    /// The exact bytes of `test-data.csv`.
    pub test_data: Vec<u8>,
    /// How the version is tried, when it was fetched as [`VersionChoice::Challenger`].
    pub rollout: Option<ChallengerRecord>,
}

/// What [`Registry::promote`] or [`Registry::rollback`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordChange {
    /// The version live now.
    pub live: ModelVersion,
    /// The version a rollback replaced and withdrew (`None` for a promotion).
    pub withdrawn: Option<ModelVersion>,
    /// The record already said so (an earlier run whose answer was lost, or a redeploy of the
    /// same version from the same commit): nothing was written.
    pub already_recorded: bool,
}

/// What [`Registry::rollout`] did.
#[derive(Debug, Clone)]
pub struct Rollout {
    /// The challenger as recorded.
    pub challenger: ChallengerRecord,
    /// The live version it is tried against.
    pub champion: String,
    /// The gate's measurements, challenger then champion, on the challenger's test data (`None`
    /// when the record already said so and nothing was judged).
    pub gate: Option<(Metrics, Metrics)>,
    /// The record already said so (an earlier run whose answer was lost): nothing was written.
    pub already_recorded: bool,
}

/// The models published in one Blob container, and the record of which one is live.
///
/// Every method blocks: the registry owns a small single-threaded tokio runtime for the Azure SDK.
/// Call it from a plain thread (a command line, a Python call with the GIL released), not from
/// inside an async runtime.
pub struct Registry {
    container: Container,
}

impl Registry {
    /// Opens the container at `url` (`https://ACCOUNT.blob.core.windows.net/CONTAINER`, a SAS query
    /// string may follow), with an optional separate SAS token and a way to sign in. No request
    /// is sent yet.
    ///
    /// # Errors
    /// [`BlobError::BadLocation`] for an unusable URL or SAS combination, [`BlobError::Credential`]
    /// when Entra ID sign-in cannot be set up, [`BlobError::Runtime`].
    pub fn open(url: &str, sas: Option<&str>, auth: AuthChoice) -> Result<Self, RegistryError> {
        let location = ContainerLocation::new(url, sas, auth)?;
        Ok(Registry {
            container: Container::open(location)?,
        })
    }

    /// The container URL, for messages (never with its SAS).
    pub fn container_name(&self) -> String {
        self.container.location().to_string()
    }

    /// Publishes a model and the test data it is to be judged on as the model's version:
    /// `car-price/<version>/test-data.csv`, then `model.json` (last, so that a `BlobCreated` event
    /// on it means the version is complete), each with its sha256 in the blob metadata and created
    /// only if absent. The model must be valid and price every row of the test data.
    ///
    /// Safe to repeat: the same files, already published completely or in part (an earlier run
    /// whose answer was lost, or that stopped half-way), are recognised and completed.
    ///
    /// # Errors
    /// [`RegistryError::InvalidModel`], [`RegistryError::OtherFamily`] for a model not named
    /// [`FAMILY`], [`RegistryError::BadVersion`], [`RegistryError::BadTestData`],
    /// [`RegistryError::CannotPrice`],
    /// [`RegistryError::AlreadyPublished`] when the version exists with other files, or a
    /// [`BlobError`].
    pub fn publish(
        &self,
        model_json: &[u8],
        test_data: &[u8],
    ) -> Result<Publication, RegistryError> {
        let model = parse_model(model_json, "to publish")?;
        if model.document().name != FAMILY {
            return Err(RegistryError::OtherFamily {
                name: model.document().name.clone(),
            });
        }
        let version: ModelVersion =
            model
                .version()
                .parse()
                .map_err(|source| RegistryError::BadVersion {
                    origin: "to publish".into(),
                    source,
                })?;
        let table = CarTable::from_csv(test_data).map_err(|source| RegistryError::BadTestData {
            origin: "to publish".into(),
            source,
        })?;
        let metrics = measure(&model, &table).map_err(|problem| RegistryError::CannotPrice {
            version: version.to_string(),
            problem,
        })?;
        let already_published = self.upload(&version, model_json, test_data)?;
        Ok(Publication {
            version,
            metrics,
            already_published,
        })
    }

    /// Uploads a version's files; `true` when exactly these files were already there.
    fn upload(
        &self,
        version: &ModelVersion,
        model_json: &[u8],
        test_data: &[u8],
    ) -> Result<bool, RegistryError> {
        let model_name = blob_name(version, MODEL_FILE);
        let test_name = blob_name(version, TEST_DATA_FILE);
        let (model_sha, test_sha) = (hex_sha256(model_json), hex_sha256(test_data));
        // Checked first so that a publisher without write permission (a SAS with read, create,
        // list) hears "already published" (or success for its own files), not "denied"; the
        // conditional uploads below still refuse a version published meanwhile.
        if let Some(model) = self.container.get(&model_name)? {
            return self.is_same_publication(version, &model, &model_sha, &test_sha);
        }
        let test_metadata = HashMap::from([(SHA256.into(), test_sha.clone())]);
        match self.container.create(&test_name, test_data, test_metadata) {
            Ok(()) => {}
            // Test data of an interrupted publication of the same files, or of a lost answer.
            Err(BlobError::AlreadyExists { .. }) => {
                let same = self
                    .container
                    .get(&test_name)?
                    .is_some_and(|blob| blob.metadata.get(SHA256) == Some(&test_sha));
                if !same {
                    return Err(self.already_published(version));
                }
            }
            Err(e) => return Err(e.into()),
        }
        let metadata = HashMap::from([
            (SHA256.into(), model_sha.clone()),
            (TEST_DATA_SHA256.into(), test_sha.clone()),
        ]);
        match self.container.create(&model_name, model_json, metadata) {
            Ok(()) => Ok(false),
            // Someone else's model meanwhile, or ours whose answer was lost and retried.
            Err(BlobError::AlreadyExists { .. }) => match self.container.get(&model_name)? {
                Some(model) => self.is_same_publication(version, &model, &model_sha, &test_sha),
                None => Err(self.already_published(version)),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// `Ok(true)` when the published model blob is these files, else [`RegistryError::AlreadyPublished`].
    fn is_same_publication(
        &self,
        version: &ModelVersion,
        model: &crate::container::Blob,
        model_sha: &str,
        test_sha: &str,
    ) -> Result<bool, RegistryError> {
        let same = hex_sha256(&model.bytes) == model_sha
            && model.metadata.get(SHA256).map(String::as_str) == Some(model_sha)
            && model.metadata.get(TEST_DATA_SHA256).map(String::as_str) == Some(test_sha);
        if !same {
            return Err(self.already_published(version));
        }
        // The test data must be complete too, or the version is broken, not published.
        let test_name = blob_name(version, TEST_DATA_FILE);
        let test = self
            .container
            .get(&test_name)?
            .ok_or(RegistryError::Missing(test_name.clone()))?;
        verify(&test_name, &test.bytes, test.metadata.get(SHA256))?;
        if hex_sha256(&test.bytes) != test_sha {
            return Err(self.already_published(version));
        }
        Ok(true)
    }

    fn already_published(&self, version: &ModelVersion) -> RegistryError {
        RegistryError::AlreadyPublished {
            version: version.to_string(),
            container: self.container_name(),
        }
    }

    /// Every published version (those with a `model.json`), oldest first by version order.
    ///
    /// # Errors
    /// A [`BlobError`].
    pub fn versions(&self) -> Result<Vec<ModelVersion>, RegistryError> {
        let prefix = format!("{FAMILY}/");
        let suffix = format!("/{MODEL_FILE}");
        let mut versions: Vec<ModelVersion> = self
            .container
            .list(&prefix)?
            .iter()
            .filter_map(|name| {
                name.strip_prefix(&prefix)?
                    .strip_suffix(&suffix)?
                    .parse()
                    .ok()
            })
            .collect();
        versions.sort();
        Ok(versions)
    }

    /// The latest version, the live one and the production record's state.
    ///
    /// # Errors
    /// [`RegistryError::BadRecord`], or a [`BlobError`].
    pub fn status(&self) -> Result<Status, RegistryError> {
        let (record, state) = self.record()?;
        let latest = match self.latest(record.as_ref()) {
            Ok(version) => Some(version),
            Err(RegistryError::NothingPublished(_)) => None,
            Err(e) => return Err(e),
        };
        let (live, challenger) = match record {
            Some(record) => (Some(record.live), record.challenger),
            None => (None, None),
        };
        Ok(Status {
            latest,
            live,
            challenger,
            record: state,
        })
    }

    /// Downloads a version and checks it: both files against the hashes recorded at publication,
    /// the model valid and of this version, the test data a car table. The challenger comes with
    /// its mode and percent ([`Fetched::rollout`]).
    ///
    /// # Errors
    /// [`RegistryError::NothingPublished`], [`RegistryError::NothingLive`],
    /// [`RegistryError::NoRollout`],
    /// [`RegistryError::NotPublished`], [`RegistryError::Missing`], [`RegistryError::MissingHash`],
    /// [`RegistryError::HashMismatch`], [`RegistryError::InvalidModel`],
    /// [`RegistryError::WrongVersion`], [`RegistryError::BadTestData`], or a [`BlobError`].
    pub fn fetch(&self, which: &VersionChoice) -> Result<Fetched, RegistryError> {
        let version = match which {
            VersionChoice::Latest => self.latest(self.record()?.0.as_ref())?,
            VersionChoice::Live => {
                let live = self
                    .record()?
                    .0
                    .ok_or_else(|| RegistryError::NothingLive(self.container_name()))?
                    .live;
                parse_recorded(&live)?
            }
            VersionChoice::Challenger => {
                let challenger = self
                    .record()?
                    .0
                    .and_then(|r| r.challenger)
                    .ok_or_else(|| RegistryError::NoRollout(self.container_name()))?;
                let mut fetched = self.verified(&parse_recorded(&challenger.version)?)?;
                fetched.rollout = Some(challenger);
                return Ok(fetched);
            }
            VersionChoice::Version(version) => version.clone(),
        };
        self.verified(&version)
    }

    /// Records `version` as live after a deploy from `commit`.
    ///
    /// `expected` is the record's state when the deploy started ([`Status::record`]): when given,
    /// a record changed since (a rollback or another deploy meanwhile) is not overwritten. A
    /// withdrawn version is refused, and the version's files are verified before the record is
    /// written. During a rollout only the live version (a redeploy) and the challenger may be
    /// promoted; promoting the challenger ends the rollout. Safe to repeat: a record that already
    /// says `version` is live from `commit` is left as it is.
    ///
    /// # Errors
    /// [`RegistryError::RecordChanged`], [`RegistryError::Withdrawn`],
    /// [`RegistryError::RolloutInProgress`], the errors of
    /// [`Registry::fetch`] for the version, or a [`BlobError`].
    pub fn promote(
        &self,
        version: &ModelVersion,
        commit: &str,
        expected: Option<&RecordState>,
    ) -> Result<RecordChange, RegistryError> {
        let done = |already_recorded| RecordChange {
            live: version.clone(),
            withdrawn: None,
            already_recorded,
        };
        let (current, state) = self.record()?;
        if record::is_promoted(current.as_ref(), version, commit) {
            return Ok(done(true));
        }
        let read = expected.unwrap_or(&state).to_string();
        let changed =
            |found: &RecordState, record: Option<&ProductionRecord>| RegistryError::RecordChanged {
                version: version.to_string(),
                expected: read.clone(),
                found: found.to_string(),
                live: record.map(|r| r.live.clone()).unwrap_or_default(),
            };
        if expected.is_some_and(|expected| *expected != state) {
            return Err(changed(&state, current.as_ref()));
        }
        if current
            .as_ref()
            .is_some_and(|r| r.withdrawn.iter().any(|w| w == version.as_str()))
        {
            return Err(RegistryError::Withdrawn(version.to_string()));
        }
        record::check_promotable(current.as_ref(), version)?;
        self.verified(version)?;
        let updated = record::promoted(current, version, commit, &now());
        match self.save_record(&state, &updated) {
            Ok(()) => Ok(done(false)),
            // Changed meanwhile, or our own write landed and its answer was lost (the SDK's retry
            // then finds the record changed): only the record itself tells which.
            Err(RegistryError::Blob(BlobError::Changed { .. })) => {
                let (now_record, now_state) = self.record()?;
                if record::is_promoted(now_record.as_ref(), version, commit) {
                    Ok(done(true))
                } else {
                    Err(changed(&now_state, now_record.as_ref()))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Points production from `from` (which must be live) back to `to`, or to the latest earlier
    /// live version that was not withdrawn; `from` is withdrawn. The next deploy ships the target.
    /// The target's files are verified before the record is written. Safe to repeat: when the
    /// record's last change is this very rollback, nothing more is rolled back.
    ///
    /// # Errors
    /// [`RegistryError::NothingLive`], [`RegistryError::NotLive`],
    /// [`RegistryError::NothingToRollBackTo`], [`RegistryError::AlreadyLive`], the errors of
    /// [`Registry::fetch`] for the target, or a [`BlobError`] ([`BlobError::Changed`] when the
    /// record changed while the rollback was decided: run it again).
    pub fn rollback(
        &self,
        from: &ModelVersion,
        to: Option<&ModelVersion>,
        commit: &str,
    ) -> Result<RecordChange, RegistryError> {
        let (current, state) = self.record()?;
        let current = current.ok_or_else(|| RegistryError::NothingLive(self.container_name()))?;
        if let Some(done) = rolled_back_already(&current, from, to)? {
            return Ok(done);
        }
        if current.live != from.as_str() {
            return Err(RegistryError::NotLive {
                expected: from.to_string(),
                live: current.live,
            });
        }
        let target = record::rollback_target(&current, to)?;
        self.verified(&target)?;
        let updated = record::rolled_back(current, &target, commit, &now());
        match self.save_record(&state, &updated) {
            Ok(()) => Ok(RecordChange {
                live: target,
                withdrawn: Some(from.clone()),
                already_recorded: false,
            }),
            Err(RegistryError::Blob(BlobError::Changed { name, container })) => {
                match self.record()?.0 {
                    Some(now) => match rolled_back_already(&now, from, to)? {
                        Some(done) => Ok(done),
                        None => Err(BlobError::Changed { name, container }.into()),
                    },
                    None => Err(BlobError::Changed { name, container }.into()),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Makes `version` the challenger, tried beside the live version in `mode` with `percent`
    /// (0 in the shadow), or changes the challenger's mode or percent. The challenger must pass
    /// the gate ([`Bar`]) against the live version, both measured on the challenger's test data,
    /// both versions' files verified. `expected` works as for [`Registry::promote`]. Safe to
    /// repeat: a record that already says so is left as it is.
    ///
    /// # Errors
    /// [`RegistryError::Rollout`] for a percent that does not fit the mode,
    /// [`RegistryError::NothingLive`], [`RegistryError::AlreadyLive`],
    /// [`RegistryError::Withdrawn`], [`RegistryError::RolloutInProgress`] when another version is
    /// the challenger, [`RegistryError::GateRefused`], [`RegistryError::CannotPrice`],
    /// [`RegistryError::RecordChangedMeanwhile`], the errors of [`Registry::fetch`], or a
    /// [`BlobError`].
    pub fn rollout(
        &self,
        version: &ModelVersion,
        mode: RolloutMode,
        percent: u8,
        commit: &str,
        expected: Option<&RecordState>,
    ) -> Result<Rollout, RegistryError> {
        let how = (mode, mode.check_percent(percent.into())?);
        let (current, state) = self.record()?;
        let current = current.ok_or_else(|| RegistryError::NothingLive(self.container_name()))?;
        let done = |record: ProductionRecord, gate: Option<(Metrics, Metrics)>| Rollout {
            challenger: record
                .challenger
                .clone()
                .expect("a rollout records a challenger"),
            champion: record.live,
            already_recorded: gate.is_none(),
            gate,
        };
        if record::is_rolled_out(&current, version, how) {
            return Ok(done(current, None));
        }
        let change = format!("the rollout of {version}");
        let changed = |found: &RecordState| RegistryError::RecordChangedMeanwhile {
            change: change.clone(),
            expected: expected.unwrap_or(&state).to_string(),
            found: found.to_string(),
        };
        if expected.is_some_and(|expected| *expected != state) {
            return Err(changed(&state));
        }
        let updated = record::rolled_out(current.clone(), version, how, commit, &now())?;
        let gate = self.judge(version, &current.live)?;
        match self.save_record(&state, &updated) {
            Ok(()) => Ok(done(updated, Some(gate))),
            Err(RegistryError::Blob(BlobError::Changed { .. })) => match self.record()? {
                (Some(now), _) if record::is_rolled_out(&now, version, how) => Ok(done(now, None)),
                (_, now_state) => Err(changed(&now_state)),
            },
            Err(e) => Err(e),
        }
    }

    /// Ends the rollout in progress without promoting the challenger; the next deploy ships the
    /// live version alone. Returns the halted version, `None` when no rollout was in progress
    /// (nothing is written: safe to repeat). `expected` works as for [`Registry::promote`].
    ///
    /// # Errors
    /// [`RegistryError::RecordChangedMeanwhile`], [`RegistryError::BadRecord`], or a
    /// [`BlobError`].
    pub fn halt(
        &self,
        commit: &str,
        expected: Option<&RecordState>,
    ) -> Result<Option<String>, RegistryError> {
        let (current, state) = self.record()?;
        let Some(current) = current.filter(|r| r.challenger.is_some()) else {
            return Ok(None);
        };
        let changed = |found: &RecordState| RegistryError::RecordChangedMeanwhile {
            change: "the halt".into(),
            expected: expected.unwrap_or(&state).to_string(),
            found: found.to_string(),
        };
        if expected.is_some_and(|expected| *expected != state) {
            return Err(changed(&state));
        }
        let (updated, halted) = record::halted(current, commit, &now());
        match self.save_record(&state, &updated) {
            Ok(()) => Ok(halted),
            // Our own write whose answer was lost, or another change: halted only if the record
            // now has no challenger.
            Err(RegistryError::Blob(BlobError::Changed { .. })) => match self.record()? {
                (Some(now), _) if now.challenger.is_none() => Ok(halted),
                (_, now_state) => Err(changed(&now_state)),
            },
            Err(e) => Err(e),
        }
    }

    /// The gate for a challenger: both versions verified and measured on the challenger's test
    /// data; the measurements (challenger, champion) when it passes.
    fn judge(
        &self,
        challenger: &ModelVersion,
        champion: &str,
    ) -> Result<(Metrics, Metrics), RegistryError> {
        let champion = self.verified(&parse_recorded(champion)?)?;
        let candidate = self.verified(challenger)?;
        let table = CarTable::from_csv(&candidate.test_data).map_err(|source| {
            RegistryError::BadTestData {
                origin: blob_name(challenger, TEST_DATA_FILE),
                source,
            }
        })?;
        let metrics = |fetched: &Fetched| {
            let model = parse_model(
                &fetched.model_json,
                &blob_name(&fetched.version, MODEL_FILE),
            )?;
            measure(&model, &table).map_err(|problem| RegistryError::CannotPrice {
                version: fetched.version.to_string(),
                problem,
            })
        };
        let (ours, theirs) = (metrics(&candidate)?, metrics(&champion)?);
        let why = Bar::against(&theirs).shortfalls(&ours);
        if !why.is_empty() {
            return Err(RegistryError::GateRefused {
                version: challenger.to_string(),
                champion: champion.version.to_string(),
                why: why.join("; "),
            });
        }
        Ok((ours, theirs))
    }

    /// The production record and its state.
    ///
    /// # Errors
    /// [`RegistryError::BadRecord`], or a [`BlobError`].
    pub fn record(&self) -> Result<(Option<ProductionRecord>, RecordState), RegistryError> {
        match self.container.get(&record_name())? {
            None => Ok((None, RecordState::Absent)),
            Some(blob) => {
                let record = serde_json::from_slice(&blob.bytes)
                    .map_err(|e| RegistryError::BadRecord(e.to_string()))?;
                let etag = blob.etag.ok_or_else(|| {
                    RegistryError::BadRecord("the storage service gave it no ETag".into())
                })?;
                Ok((Some(record), RecordState::Etag(etag)))
            }
        }
    }

    /// The highest published version that was not withdrawn by a rollback.
    fn latest(&self, record: Option<&ProductionRecord>) -> Result<ModelVersion, RegistryError> {
        let withdrawn =
            |v: &ModelVersion| record.is_some_and(|r| r.withdrawn.iter().any(|w| w == v.as_str()));
        self.versions()?
            .into_iter()
            .rev()
            .find(|v| !withdrawn(v))
            .ok_or_else(|| RegistryError::NothingPublished(self.container_name()))
    }

    /// Downloads and checks a version (see [`Registry::fetch`]).
    fn verified(&self, version: &ModelVersion) -> Result<Fetched, RegistryError> {
        let model_name = blob_name(version, MODEL_FILE);
        let test_name = blob_name(version, TEST_DATA_FILE);
        let Some(model) = self.container.get(&model_name)? else {
            return Err(self.not_published(version)?);
        };
        let test = self
            .container
            .get(&test_name)?
            .ok_or_else(|| RegistryError::Missing(test_name.clone()))?;
        verify(&model_name, &model.bytes, model.metadata.get(SHA256))?;
        verify(&test_name, &test.bytes, test.metadata.get(SHA256))?;
        // The pair belongs together: the model names the test data it was published with.
        verify(
            &test_name,
            &test.bytes,
            model.metadata.get(TEST_DATA_SHA256),
        )?;
        let parsed = parse_model(&model.bytes, &model_name)?;
        if parsed.version() != version.as_str() {
            return Err(RegistryError::WrongVersion {
                folder: version.to_string(),
                says: parsed.version().to_string(),
            });
        }
        CarTable::from_csv(&test.bytes).map_err(|source| RegistryError::BadTestData {
            origin: test_name,
            source,
        })?;
        Ok(Fetched {
            version: version.clone(),
            model_json: model.bytes,
            test_data: test.bytes,
            rollout: None,
        })
    }

    fn not_published(&self, version: &ModelVersion) -> Result<RegistryError, RegistryError> {
        let versions = self.versions()?;
        let published = if versions.is_empty() {
            "none".into()
        } else {
            versions
                .iter()
                .map(ModelVersion::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        Ok(RegistryError::NotPublished {
            version: version.to_string(),
            container: self.container_name(),
            published,
        })
    }

    /// Writes the production record over the state it was derived from.
    fn save_record(
        &self,
        state: &RecordState,
        record: &ProductionRecord,
    ) -> Result<(), RegistryError> {
        let mut json = serde_json::to_vec_pretty(record)
            .map_err(|e| RegistryError::BadRecord(e.to_string()))?;
        json.push(b'\n');
        Ok(self
            .container
            .replace(&record_name(), &json, state.etag())?)
    }
}

/// `Some` when the record's last change is the rollback from `from` (to `to`) that is asked for.
fn rolled_back_already(
    record: &ProductionRecord,
    from: &ModelVersion,
    to: Option<&ModelVersion>,
) -> Result<Option<RecordChange>, RegistryError> {
    if !record::is_rolled_back(record, from, to) {
        return Ok(None);
    }
    Ok(Some(RecordChange {
        live: parse_recorded(&record.live)?,
        withdrawn: Some(from.clone()),
        already_recorded: true,
    }))
}

/// A version named in the production record.
fn parse_recorded(version: &str) -> Result<ModelVersion, RegistryError> {
    version
        .parse()
        .map_err(|e: model_core::VersionError| RegistryError::BadRecord(e.to_string()))
}

fn parse_model(bytes: &[u8], origin: &str) -> Result<Model, RegistryError> {
    Model::from_slice(bytes).map_err(|source| RegistryError::InvalidModel {
        origin: origin.to_string(),
        source,
    })
}

fn blob_name(version: &ModelVersion, file: &str) -> String {
    format!("{FAMILY}/{version}/{file}")
}

fn record_name() -> String {
    format!("{FAMILY}/production.json")
}

fn verify(name: &str, bytes: &[u8], expected: Option<&String>) -> Result<(), RegistryError> {
    let expected = expected.ok_or_else(|| RegistryError::MissingHash(name.to_string()))?;
    let found = hex_sha256(bytes);
    if &found != expected {
        return Err(RegistryError::HashMismatch {
            name: name.to_string(),
            expected: expected.clone(),
            found,
        });
    }
    Ok(())
}

/// The current time, RFC 3339 UTC.
fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registry_can_be_shared_between_threads() {
        // The Python package keeps one in an object and calls it with the GIL released.
        fn shareable<T: Send + Sync>() {}
        shareable::<Registry>();
    }

    #[test]
    fn a_version_choice_reads_latest_live_or_a_number() {
        assert_eq!("latest".parse(), Ok(VersionChoice::Latest));
        assert_eq!("live".parse(), Ok(VersionChoice::Live));
        assert_eq!("challenger".parse(), Ok(VersionChoice::Challenger));
        assert_eq!(
            "1.10.0".parse(),
            Ok(VersionChoice::Version("1.10.0".parse().unwrap()))
        );
        assert!("newest".parse::<VersionChoice>().is_err());
    }
}
