//! The carprice model registry: published model versions in an Azure Blob container and the
//! record of which one is live, shared by the `carprice` command line and the Python package.
//!
//! Layout of the container, under the model family [`FAMILY`] (`car-price`):
//! - `car-price/<version>/test-data.csv`: the test data a model is judged on (metadata `sha256`);
//! - `car-price/<version>/model.json`: the model (metadata `sha256` and `test_data_sha256`),
//!   written last, so a `BlobCreated` event on it means the version is complete;
//! - `car-price/production.json`: the [`ProductionRecord`]: the live version (the champion) and,
//!   during a rollout, the challenger tried beside it;
//! - `telemetry/<day>/<batch>.json`: rollout telemetry, when the site's API stores it there
//!   ([`telemetry`]).
//!
//! Versions are ordered by [`ModelVersion`](model_core::ModelVersion) (numerically), never by
//! upload time. The operations are [`Registry::publish`], [`Registry::status`],
//! [`Registry::fetch`], [`Registry::promote`], [`Registry::rollback`], [`Registry::rollout`] and
//! [`Registry::halt`]; each is safe to repeat
//! after a lost answer and safe against concurrent runs, through the Blob service's own
//! conditional requests (ETags with `If-Match` / `If-None-Match`). Every method blocks (see
//! [`Registry`]).
//!
//! ```no_run
//! use carprice_registry::{AuthChoice, Registry, VersionChoice};
//!
//! let registry = Registry::open("https://acct.blob.core.windows.net/models", None, AuthChoice::Entra)?;
//! let status = registry.status()?;                    // latest, live, record state
//! let candidate = registry.fetch(&VersionChoice::Latest)?;
//! // … gate, build, deploy …
//! registry.promote(&candidate.version, "abc123", Some(&status.record))?;
//! # Ok::<(), carprice_registry::RegistryError>(())
//! ```

mod container;
mod error;
mod gate;
mod location;
mod measure;
mod record;
mod registry;
pub mod telemetry;

pub use container::BlobError;
pub use error::{MeasureError, RegistryError};
pub use gate::{Bar, FLOOR};
pub use location::{redact, Auth, AuthChoice, ContainerLocation};
pub use measure::measure;
pub use record::{ChallengerRecord, HistoryEntry, ProductionRecord, RecordState};
pub use registry::{
    Fetched, Publication, RecordChange, Registry, Rollout, Status, VersionChoice, FAMILY,
    MODEL_FILE, TEST_DATA_FILE,
};
