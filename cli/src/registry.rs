//! The published models in a Blob container and the record of which one is live.
//!
//! Layout, under the model family `car-price`:
//! - `car-price/<version>/test-data.csv`: the test data a model is judged on (metadata `sha256`);
//! - `car-price/<version>/model.json`: the model (metadata `sha256` and `test_data_sha256`), written
//!   last, so a `BlobCreated` event on it means the version is complete;
//! - `car-price/production.json`: the [`ProductionRecord`].
//!
//! Versions are ordered by [`ModelVersion`] (numerically), never by upload time.

use std::collections::HashMap;

use model_core::release::{MODEL_FILE, TEST_DATA_FILE};
use model_core::{hex_sha256, ModelVersion};
use serde::{Deserialize, Serialize};

use crate::blob::{BlobError, Container};

/// The model family: the folder of every published version.
pub const FAMILY: &str = "car-price";
const SHA256: &str = "sha256";
const TEST_DATA_SHA256: &str = "test_data_sha256";

/// A failure reading or writing published models.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Blob storage failed.
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// The version was published before.
    #[error("model version {version} is already published in {container}; published versions never change: give the model a new version")]
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
}

/// A version's files as published, hashes verified.
#[derive(Debug, Clone)]
pub struct PublishedModel {
    /// The exact bytes of `model.json`.
    pub model_json: Vec<u8>,
    /// The exact bytes of `test-data.csv`.
    pub test_data: Vec<u8>,
}

/// Which version is live, and how it got there: `car-price/production.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionRecord {
    /// The version the site serves, or will serve after the next deploy (after a rollback).
    pub live: String,
    /// When `live` was set (RFC 3339).
    pub since: String,
    /// The commit of the deploy or rollback that set it.
    pub commit: String,
    /// Versions taken out of production by a rollback: never chosen as "latest" again.
    #[serde(default)]
    pub withdrawn: Vec<String>,
    /// Every change, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
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
}

/// The production record with the entity tag it was read with (for a safe update).
#[derive(Debug, Clone)]
pub struct RecordSnapshot {
    /// The record, `None` before the first promotion.
    pub record: Option<ProductionRecord>,
    etag: Option<String>,
}

/// The models published in one container.
pub struct Registry {
    container: Container,
}

impl Registry {
    /// Wraps a container.
    pub fn new(container: Container) -> Self {
        Registry { container }
    }

    /// The container, for messages (no SAS).
    pub fn container_name(&self) -> String {
        self.container.location().to_string()
    }

    /// Publishes a version: test data first, then the model with both hashes, each refusing to
    /// overwrite. A version whose test data alone is there with the same hash (an interrupted
    /// publication) is completed.
    ///
    /// # Errors
    /// [`RegistryError::AlreadyPublished`], or a [`BlobError`].
    pub fn publish(
        &self,
        version: &ModelVersion,
        model_json: &[u8],
        test_data: &[u8],
    ) -> Result<(), RegistryError> {
        let already = || RegistryError::AlreadyPublished {
            version: version.to_string(),
            container: self.container_name(),
        };
        let model_name = blob_name(version, MODEL_FILE);
        let test_name = blob_name(version, TEST_DATA_FILE);
        let test_sha = hex_sha256(test_data);
        // Checked first so that a publisher without write permission (a SAS with read, create,
        // list) hears "already published", not "denied"; the conditional uploads below still
        // refuse a version published meanwhile.
        if self.container.get(&model_name)?.is_some() {
            return Err(already());
        }
        match self.container.create(
            &test_name,
            test_data,
            HashMap::from([(SHA256.into(), test_sha.clone())]),
        ) {
            Ok(()) => {}
            Err(BlobError::AlreadyExists { .. }) => {
                let resumable = self.container.get(&model_name)?.is_none()
                    && self
                        .container
                        .get(&test_name)?
                        .is_some_and(|blob| blob.metadata.get(SHA256) == Some(&test_sha));
                if !resumable {
                    return Err(already());
                }
            }
            Err(e) => return Err(e.into()),
        }
        let metadata = HashMap::from([
            (SHA256.into(), hex_sha256(model_json)),
            (TEST_DATA_SHA256.into(), test_sha),
        ]);
        self.container
            .create(&model_name, model_json, metadata)
            .map_err(|e| match e {
                BlobError::AlreadyExists { .. } => already(),
                other => other.into(),
            })
    }

    /// Every published version (those with a `model.json`), oldest first by version order.
    ///
    /// # Errors
    /// A [`BlobError`].
    pub fn versions(&self) -> Result<Vec<ModelVersion>, RegistryError> {
        let prefix = format!("{FAMILY}/");
        let mut versions: Vec<ModelVersion> = self
            .container
            .list(&prefix)?
            .iter()
            .filter_map(|name| {
                name.strip_prefix(&prefix)?
                    .strip_suffix(&format!("/{MODEL_FILE}"))?
                    .parse()
                    .ok()
            })
            .collect();
        versions.sort();
        Ok(versions)
    }

    /// The highest published version that was not withdrawn by a rollback.
    ///
    /// # Errors
    /// [`RegistryError::NothingPublished`], or a [`BlobError`].
    pub fn latest(&self, record: Option<&ProductionRecord>) -> Result<ModelVersion, RegistryError> {
        let withdrawn =
            |v: &ModelVersion| record.is_some_and(|r| r.withdrawn.iter().any(|w| w == v.as_str()));
        self.versions()?
            .into_iter()
            .rev()
            .find(|v| !withdrawn(v))
            .ok_or_else(|| RegistryError::NothingPublished(self.container_name()))
    }

    /// Checks that a version is published.
    ///
    /// # Errors
    /// [`RegistryError::NotPublished`], or a [`BlobError`].
    pub fn require(&self, version: &ModelVersion) -> Result<(), RegistryError> {
        let versions = self.versions()?;
        if versions.contains(version) {
            return Ok(());
        }
        Err(RegistryError::NotPublished {
            version: version.to_string(),
            container: self.container_name(),
            published: if versions.is_empty() {
                "none".into()
            } else {
                versions
                    .iter()
                    .map(ModelVersion::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
    }

    /// Downloads a version and checks both files against the hashes recorded at publication.
    ///
    /// # Errors
    /// [`RegistryError::Missing`], [`RegistryError::MissingHash`], [`RegistryError::HashMismatch`],
    /// or a [`BlobError`].
    pub fn download(&self, version: &ModelVersion) -> Result<PublishedModel, RegistryError> {
        let model_name = blob_name(version, MODEL_FILE);
        let test_name = blob_name(version, TEST_DATA_FILE);
        let model = self
            .container
            .get(&model_name)?
            .ok_or_else(|| RegistryError::Missing(model_name.clone()))?;
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
        Ok(PublishedModel {
            model_json: model.bytes,
            test_data: test.bytes,
        })
    }

    /// Reads the production record.
    ///
    /// # Errors
    /// [`RegistryError::BadRecord`], or a [`BlobError`].
    pub fn record(&self) -> Result<RecordSnapshot, RegistryError> {
        match self.container.get(&record_name())? {
            None => Ok(RecordSnapshot {
                record: None,
                etag: None,
            }),
            Some(blob) => {
                let record = serde_json::from_slice(&blob.bytes)
                    .map_err(|e| RegistryError::BadRecord(e.to_string()))?;
                Ok(RecordSnapshot {
                    record: Some(record),
                    etag: blob.etag,
                })
            }
        }
    }

    /// The live version.
    ///
    /// # Errors
    /// [`RegistryError::NothingLive`], or as [`Registry::record`].
    pub fn live(&self) -> Result<ModelVersion, RegistryError> {
        let snapshot = self.record()?;
        let live = snapshot
            .record
            .ok_or_else(|| RegistryError::NothingLive(self.container_name()))?
            .live;
        live.parse()
            .map_err(|e: model_core::VersionError| RegistryError::BadRecord(e.to_string()))
    }

    /// Writes the production record over the snapshot it was derived from.
    ///
    /// # Errors
    /// [`BlobError::Changed`] when it changed since the snapshot, or another [`BlobError`].
    pub fn save_record(
        &self,
        snapshot: &RecordSnapshot,
        record: &ProductionRecord,
    ) -> Result<(), RegistryError> {
        let mut json = serde_json::to_vec_pretty(record)
            .map_err(|e| RegistryError::BadRecord(e.to_string()))?;
        json.push(b'\n');
        Ok(self
            .container
            .replace(&record_name(), &json, snapshot.etag.as_deref())?)
    }
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
