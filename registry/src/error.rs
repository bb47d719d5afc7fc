//! What can go wrong with the registry: one enum, each message saying what was wrong and what to do.

use model_core::release::RolloutError;
use model_core::{CarError, DataError, MetricsError, ModelError, VersionError};

use crate::{BlobError, FAMILY};

/// A failure publishing, reading or changing published models and the production record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Blob storage failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// The model to publish or a published one is not a valid model.
    #[error("invalid model {origin}: {source}")]
    InvalidModel {
        /// Where the model came from.
        origin: String,
        /// What is wrong.
        source: ModelError,
    },
    /// The model to publish is of another family than the registry's.
    #[error(
        "the model to publish is named `{name}`, but this registry holds the `{FAMILY}` models \
         the web app prices with: publish a model named `{FAMILY}` (`carprice train --name`, \
         `name=` in Python)"
    )]
    OtherFamily {
        /// The model's name.
        name: String,
    },
    /// A model's version is not a version number.
    #[error("model version of {origin} is unusable: {source}")]
    BadVersion {
        /// Where the model came from.
        origin: String,
        /// What is wrong.
        source: VersionError,
    },
    /// Test data that is not a usable car table.
    #[error("cannot use test data {origin}: {source}")]
    BadTestData {
        /// Where the test data came from.
        origin: String,
        /// What is wrong.
        source: DataError,
    },
    /// The model cannot price its own test data.
    #[error("model {version} cannot price its test data: {problem}; fix the data or the model")]
    CannotPrice {
        /// The model version.
        version: String,
        /// Why (in the message, not a source: a cause chain would say it twice).
        problem: MeasureError,
    },
    /// The version was published before, with other files.
    #[error("model version {version} is already published in {container} with other files; published versions never change: give the model a new version")]
    AlreadyPublished {
        /// The version.
        version: String,
        /// The container, redacted.
        container: String,
    },
    /// No such version.
    #[error("model version {version} is not published in {container} (published: {published})")]
    NotPublished {
        /// The version asked for.
        version: String,
        /// The container, redacted.
        container: String,
        /// The versions that are there.
        published: String,
    },
    /// A published model says it is another version than its folder.
    #[error(
        "{FAMILY}/{folder}/model.json says it is version {says}: publish it under its own version"
    )]
    WrongVersion {
        /// The folder's version.
        folder: String,
        /// The model's own version.
        says: String,
    },
    /// Nothing to choose from.
    #[error("no model is published in {0} under {FAMILY}/ (withdrawn versions excepted): publish one with `carprice publish`")]
    NothingPublished(String),
    /// Nothing is live yet.
    #[error("no model version is live yet in {0}: the first deploy gates the latest published version against the floor")]
    NothingLive(String),
    /// A downloaded blob is not what was published.
    #[error("{name} does not match the sha256 it was published with (published {expected}, downloaded {found}): the blob is corrupted or was replaced; publish a new version")]
    HashMismatch {
        /// The blob.
        name: String,
        /// Hash recorded at publication.
        expected: String,
        /// Hash of the downloaded bytes.
        found: String,
    },
    /// A blob lacks the hash recorded at publication.
    #[error("{0} has no sha256 in its metadata, so it was not published by `carprice publish`; publish the version again under a new number")]
    MissingHash(String),
    /// A blob of a version is missing.
    #[error("{0} is missing: the version was not published completely; publish it again under a new number")]
    Missing(String),
    /// The production record cannot be read.
    #[error("the production record {FAMILY}/production.json is unreadable ({0}): restore it from its history or delete it")]
    BadRecord(String),
    /// An expected record state that is neither an ETag nor `none`.
    #[error("the expected production record is empty: pass the `record=` value `carprice status` printed (an ETag, or `none`)")]
    BadRecordState,
    /// The record changed since the deploy read it (a rollback or another deploy meanwhile).
    #[error("the production record changed since this deploy read it (expected {expected}, found {found}; live is now {live}): model {version} was not recorded as live. Run the deploy again: it ships what the record now says")]
    RecordChanged {
        /// The version that was to be promoted.
        version: String,
        /// The state the deploy read.
        expected: String,
        /// The state now.
        found: String,
        /// The live version now (empty when none).
        live: String,
    },
    /// A version taken out of production by a rollback, or a challenger whose rollout was halted.
    #[error("model {0} was withdrawn (by a rollback, or its rollout was halted) and is not promoted or rolled out again: publish a new version, or bring it back with `carprice rollback --to {0}`")]
    Withdrawn(String),
    /// A rollback named a version that is not the live one.
    #[error("model {expected} is not live (live: {live}), so there is nothing of it to roll back: check `carprice status` and name the live version with --from")]
    NotLive {
        /// The version the rollback expected to replace.
        expected: String,
        /// The live version.
        live: String,
    },
    /// No earlier version to go back to.
    #[error("no earlier version to roll back to from {0}: name one with --to")]
    NothingToRollBackTo(String),
    /// The rollback target or the challenger asked for is already live.
    #[error("model {0} is already live")]
    AlreadyLive(String),
    /// Another version is the challenger.
    #[error("a rollout of model {challenger} is in progress, so model {asked} is neither rolled out nor promoted: promote {challenger} or end its rollout with `carprice rollout --halt` first")]
    RolloutInProgress {
        /// The challenger.
        challenger: String,
        /// The version asked for.
        asked: String,
    },
    /// No rollout is in progress.
    #[error("no rollout is in progress in {0}: start one with `carprice rollout --version V --mode shadow`")]
    NoRollout(String),
    /// A mode or percent that cannot be.
    #[error(transparent)]
    Rollout(#[from] RolloutError),
    /// The challenger does not pass the gate against the champion.
    #[error("model {version} does not pass the gate against the live model {champion} on its test data ({why}), so it is not rolled out")]
    GateRefused {
        /// The challenger asked for.
        version: String,
        /// The live version.
        champion: String,
        /// The shortfalls.
        why: String,
    },
    /// The record changed since it was read, and not into what was asked.
    #[error("the production record changed since it was read (expected {expected}, found {found}): {change} was not recorded. Check `carprice status` and run the command again")]
    RecordChangedMeanwhile {
        /// The change asked for, e.g. `the rollout of 1.2.0`.
        change: String,
        /// The state read.
        expected: String,
        /// The state now.
        found: String,
    },
}

/// A model could not be measured on a car table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MeasureError {
    /// The table lacks usable prices.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A row could not be priced.
    #[error("CSV line {line}: {problem}")]
    Car {
        /// The CSV line (1-based, header included).
        line: u64,
        /// Why (in the message, not a source: a cause chain would say it twice).
        problem: CarError,
    },
    /// The metrics cannot be computed.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}
