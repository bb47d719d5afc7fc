//! Where telemetry batches are kept: a local folder, or a Blob container. One file or blob per
//! batch, named by the UTC day of its earliest quote and its id (`<day>/<batch>.json`), written
//! create-only, so a resend stores nothing and nothing stored is ever overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::container::{BlobError, Container};
use crate::location::{AuthChoice, ContainerLocation};

use super::batch::{Batch, BatchError};

/// The folder of the container under which batches are stored (`telemetry/<day>/<batch>.json`).
pub const TELEMETRY_PREFIX: &str = "telemetry/";

/// How to authorise to a telemetry container, as a command-line option shared by the server
/// that writes telemetry and the commands that read it.
#[cfg(feature = "clap")]
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct TelemetryAuth {
    /// How to authorise to the telemetry container: auto = SAS when one is given (URL or
    /// CARPRICE_TELEMETRY_SAS), else anonymous.
    #[arg(
        long = "telemetry-auth",
        env = "CARPRICE_TELEMETRY_AUTH",
        value_enum,
        default_value = "auto"
    )]
    pub choice: AuthChoice,
}

/// What storing a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The batch was written.
    Created,
    /// The same batch was already stored (a resend): nothing was written.
    AlreadyStored,
    /// Another batch with this day and id is stored in the folder (a client reused a batch id
    /// for other quotes): nothing was written, and the stored batch is kept.
    Conflict,
}

/// What a batch met where it would be stored: itself (a resend) or another batch.
fn already_there(stored: &[u8], bytes: &[u8]) -> Stored {
    if stored == bytes {
        Stored::AlreadyStored
    } else {
        Stored::Conflict
    }
}

/// A failure storing or reading telemetry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TelemetryStoreError {
    /// The local folder could not be written or read.
    #[error(
        "cannot use telemetry {path}: {cause}; check that the folder exists or can be created, \
         and that it can be written (the server) and read (carprice monitor)"
    )]
    Folder {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the system said (in the message, so not also a source: a message chain would
        /// repeat it).
        cause: std::io::Error,
    },
    /// The folder named for telemetry is a file.
    #[error(
        "{0} is a file, not a telemetry folder: name the folder the server stores batches in \
         (carprice monitor --telemetry, static-host --telemetry-dir)"
    )]
    NotAFolder(PathBuf),
    /// The local folder to read does not exist.
    #[error(
        "telemetry folder {0} does not exist: check the path given to --telemetry (the server \
         creates its folder when the first batch arrives, so with the right path no quote has been \
         recorded yet)"
    )]
    NoFolder(PathBuf),
    /// The folder holds files or folders but no day folder: another folder than the store's (a
    /// day folder itself, say).
    #[error(
        "{path} holds no day folder (YYYY-MM-DD) but {found}: name the folder the server stores \
         batches in, the one that holds the day folders (carprice monitor --telemetry)"
    )]
    NoDays {
        /// The folder named.
        path: PathBuf,
        /// What it holds, e.g. `3 files such as b1.json`.
        found: String,
    },
    /// The telemetry container does not exist.
    #[error("telemetry container {0} does not exist: create it (private), or check the URL given to --telemetry / --telemetry-container-url")]
    NoContainer(String),
    /// Blob storage failed.
    #[error(transparent)]
    Blob(BlobError),
    /// A stored batch is not a valid batch (it was not written by this store).
    #[error("stored telemetry {name} is not a valid batch ({problem}): move it out of the telemetry store")]
    Corrupt {
        /// The file, or the blob and its container.
        name: String,
        /// What is wrong (in the message, so not also a source).
        problem: BatchError,
    },
}

impl From<BlobError> for TelemetryStoreError {
    fn from(error: BlobError) -> Self {
        match error {
            BlobError::ContainerNotFound(container) => TelemetryStoreError::NoContainer(container),
            other => TelemetryStoreError::Blob(other),
        }
    }
}

/// A telemetry store: a local folder or a Blob container. Every method blocks (a container owns
/// its own network runtime): call it from a plain thread or tokio's blocking pool.
pub struct TelemetryStore {
    place: Place,
}

enum Place {
    Folder(PathBuf),
    Container(Box<Container>),
}

impl std::fmt::Debug for TelemetryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TelemetryStore({self})")
    }
}

impl std::fmt::Display for TelemetryStore {
    /// The folder, or the container's URL without its SAS.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.place {
            Place::Folder(dir) => write!(f, "{}", dir.display()),
            Place::Container(container) => write!(f, "{}", container.location()),
        }
    }
}

impl TelemetryStore {
    /// A store in a local folder (created when the first batch arrives).
    pub fn folder(dir: impl Into<PathBuf>) -> Self {
        TelemetryStore {
            place: Place::Folder(dir.into()),
        }
    }

    /// A store in a Blob container, under [`TELEMETRY_PREFIX`]; no request is sent yet.
    ///
    /// # Errors
    /// [`BlobError`] when the URL, SAS or sign-in is unusable.
    pub fn container(
        url: &str,
        sas: Option<&str>,
        auth: AuthChoice,
    ) -> Result<Self, TelemetryStoreError> {
        let location = ContainerLocation::new(url, sas, auth)?;
        Ok(TelemetryStore {
            place: Place::Container(Box::new(Container::open(location)?)),
        })
    }

    /// A container when `place` is an `http://` or `https://` URL, else a folder.
    ///
    /// # Errors
    /// As [`TelemetryStore::container`].
    pub fn open(
        place: &str,
        sas: Option<&str>,
        auth: AuthChoice,
    ) -> Result<Self, TelemetryStoreError> {
        if place.starts_with("https://") || place.starts_with("http://") {
            TelemetryStore::container(place, sas, auth)
        } else {
            Ok(TelemetryStore::folder(place))
        }
    }

    /// Stores a checked batch as `<day>/<batch>.json`, create-only. A folder's file is written
    /// to a temporary file beside it, flushed to disk, then linked under its name only if that
    /// name is free, so no reader ever sees half a batch; a blob is created with
    /// `If-None-Match: *`. When a folder's name is taken, the stored batch is read back: the same
    /// bytes are a resend ([`Stored::AlreadyStored`]), other bytes a [`Stored::Conflict`], as is
    /// the id stored under another day (a resend has the same earliest quote). A
    /// container's writer may not read, so a taken name there is always
    /// [`Stored::AlreadyStored`].
    ///
    /// # Errors
    /// [`TelemetryStoreError::Folder`] or [`TelemetryStoreError::Blob`].
    pub fn store(&self, batch: &Batch) -> Result<Stored, TelemetryStoreError> {
        let name = format!("{}/{}.json", batch.day(), batch.batch);
        let bytes = batch.to_json();
        match &self.place {
            Place::Folder(dir) => store_file(dir, &name, &bytes),
            Place::Container(container) => {
                let blob = format!("{TELEMETRY_PREFIX}{name}");
                match container.create(&blob, &bytes, Default::default()) {
                    Ok(()) => Ok(Stored::Created),
                    // The writer's SAS may create and write, not read (docs/release.md), so
                    // what is stored cannot be compared: the first batch is kept either way.
                    Err(BlobError::AlreadyExists { .. }) => Ok(Stored::AlreadyStored),
                    Err(other) => Err(other.into()),
                }
            }
        }
    }

    /// Every stored batch that may hold quotes priced up to `until` (all when `None`), in name
    /// order (day, then id). Batches are named by their earliest quote's day, so a batch of a
    /// later day than `until` is not read, nor anything outside the day folders (`YYYY-MM-DD`)
    /// the store writes.
    ///
    /// # Errors
    /// [`TelemetryStoreError`] when the store cannot be read or holds something that is not a
    /// valid batch.
    pub fn read(&self, until: Option<SystemTime>) -> Result<Vec<Batch>, TelemetryStoreError> {
        let last_day =
            until.map(|t| humantime::format_rfc3339_seconds(t).to_string()[..10].to_string());
        let wanted = |name: &str| {
            let day = name.split('/').next().unwrap_or_default();
            is_day(day)
                && name.ends_with(".json")
                && !name.rsplit('/').next().unwrap_or_default().starts_with('.')
                && last_day.as_deref().is_none_or(|last| day <= last)
        };
        let mut batches = Vec::new();
        match &self.place {
            Place::Folder(dir) => {
                for name in list_files(dir)?.into_iter().filter(|n| wanted(n)) {
                    let path = dir.join(&name);
                    let bytes =
                        std::fs::read(&path).map_err(|cause| TelemetryStoreError::Folder {
                            path: path.clone(),
                            cause,
                        })?;
                    batches.push(parse_stored(&path.display().to_string(), &bytes)?);
                }
            }
            Place::Container(container) => {
                let mut names = container.list(TELEMETRY_PREFIX)?;
                names.sort();
                for blob in names {
                    if !wanted(&blob[TELEMETRY_PREFIX.len()..]) {
                        continue;
                    }
                    if let Some(found) = container.get(&blob)? {
                        let name = format!("{blob} in {}", container.location());
                        batches.push(parse_stored(&name, &found.bytes)?);
                    }
                }
            }
        }
        Ok(batches)
    }
}

/// Whether a folder name is a day as the store names them (`2026-11-30`).
fn is_day(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

fn parse_stored(name: &str, bytes: &[u8]) -> Result<Batch, TelemetryStoreError> {
    Batch::from_json(bytes).map_err(|problem| TelemetryStoreError::Corrupt {
        name: name.to_string(),
        problem,
    })
}

fn store_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<Stored, TelemetryStoreError> {
    let path = dir.join(name);
    let folder = path.parent().unwrap_or(dir);
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| TelemetryStoreError::Folder { path, cause }
    };
    check_folder(dir)?;
    let stored = |path: &Path| -> Result<Stored, TelemetryStoreError> {
        let found = std::fs::read(path).map_err(failed(path))?;
        Ok(already_there(&found, bytes))
    };
    if path.exists() {
        return stored(&path);
    }
    // A resend has the same earliest day, so the id under another day is another batch.
    if let (Some(file), Ok(days)) = (path.file_name(), std::fs::read_dir(dir)) {
        if days
            .flatten()
            .any(|day| day.path() != folder && day.path().join(file).is_file())
        {
            return Ok(Stored::Conflict);
        }
    }
    std::fs::create_dir_all(folder).map_err(failed(folder))?;
    let mut file = tempfile::Builder::new()
        .prefix(".incoming-")
        .tempfile_in(folder)
        .map_err(failed(folder))?;
    file.write_all(bytes).map_err(failed(file.path()))?;
    file.as_file().sync_all().map_err(failed(file.path()))?;
    match file.persist_noclobber(&path) {
        Ok(_) => Ok(Stored::Created),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => stored(&path),
        Err(e) => Err(failed(&path)(e.error)),
    }
}

/// Refuses a telemetry "folder" that is a file (a missing one is created by the server and
/// refused by readers elsewhere).
fn check_folder(dir: &Path) -> Result<(), TelemetryStoreError> {
    if dir.exists() && !dir.is_dir() {
        return Err(TelemetryStoreError::NotAFolder(dir.to_path_buf()));
    }
    Ok(())
}

/// `<day>/<file>` names of the folder's batches, sorted.
fn list_files(dir: &Path) -> Result<Vec<String>, TelemetryStoreError> {
    let entries = |path: &Path| -> Result<Vec<(String, bool)>, TelemetryStoreError> {
        let failed = |cause| TelemetryStoreError::Folder {
            path: path.to_path_buf(),
            cause,
        };
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).map_err(failed)? {
            let entry = entry.map_err(failed)?;
            // Links followed: a day folder may be a link to one kept elsewhere.
            let is_dir = entry.path().is_dir();
            found.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
        }
        Ok(found)
    };
    if !dir.exists() {
        return Err(TelemetryStoreError::NoFolder(dir.to_path_buf()));
    }
    check_folder(dir)?;
    let top = entries(dir)?;
    if !top.is_empty() && !top.iter().any(|(name, is_dir)| *is_dir && is_day(name)) {
        return Err(TelemetryStoreError::NoDays {
            path: dir.to_path_buf(),
            found: format!(
                "{} {} such as {}",
                top.len(),
                if top.len() == 1 { "entry" } else { "entries" },
                top[0].0
            ),
        });
    }
    let mut names = Vec::new();
    for (day, is_dir) in top {
        if !is_dir {
            continue;
        }
        for (file, is_dir) in entries(&dir.join(&day))? {
            if !is_dir {
                names.push(format!("{day}/{file}"));
            }
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(id: &str, at: &str) -> Batch {
        let body = serde_json::json!({"batch": id, "quotes": [{"at": at, "champion": "1.0.0",
            "challenger": "1.1.0", "mode": "canary", "shown": "challenger",
            "champion_price": 10000.0, "challenger_price": 10500.0, "extrapolated": [],
            "car": {"make": "audi"}}]});
        Batch::from_json(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn a_folder_stores_each_batch_once_under_its_day_and_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = TelemetryStore::folder(dir.path().join("telemetry"));
        let first = batch("b1", "2026-11-30T07:00:00Z");
        assert_eq!(store.store(&first).unwrap(), Stored::Created);
        assert_eq!(store.store(&first).unwrap(), Stored::AlreadyStored);
        let later = batch("b2", "2026-12-01T09:30:00.5Z");
        assert_eq!(store.store(&later).unwrap(), Stored::Created);
        let file = dir.path().join("telemetry/2026-11-30/b1.json");
        assert_eq!(std::fs::read(file).unwrap(), first.to_json());
        assert_eq!(store.read(None).unwrap(), vec![first.clone(), later]);
        let until = humantime::parse_rfc3339("2026-11-30T23:59:59Z").unwrap();
        assert_eq!(store.read(Some(until)).unwrap(), vec![first]);
        // Nothing but the two batches: no temporary file left behind.
        let mut left: Vec<_> = walk(dir.path());
        left.sort();
        assert_eq!(
            left,
            [
                "telemetry/2026-11-30/b1.json",
                "telemetry/2026-12-01/b2.json"
            ]
        );
    }

    #[test]
    fn a_missing_telemetry_folder_was_read_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mistyped = dir.path().join("telemetyr");
        let error = TelemetryStore::folder(&mistyped).read(None).unwrap_err();
        assert!(matches!(&error, TelemetryStoreError::NoFolder(path) if path == &mistyped));
        assert!(
            error
                .to_string()
                .contains("check the path given to --telemetry"),
            "{error}"
        );
        // An existing folder without batches holds none.
        let store = TelemetryStore::folder(dir.path());
        assert!(store.read(None).unwrap().is_empty());
    }

    #[test]
    fn a_batch_id_resent_with_other_quotes_was_answered_as_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = TelemetryStore::folder(dir.path());
        let first = batch("b1", "2026-11-30T07:00:00Z");
        store.store(&first).unwrap();
        let mut other = first.clone();
        other.quotes[0].champion_price = 9000.0;
        assert_eq!(store.store(&other).unwrap(), Stored::Conflict);
        assert_eq!(store.store(&first).unwrap(), Stored::AlreadyStored);
        assert_eq!(store.read(None).unwrap(), vec![first]);
    }

    #[test]
    fn a_batch_id_reused_with_quotes_of_another_day_was_stored_twice() {
        let dir = tempfile::tempdir().unwrap();
        let store = TelemetryStore::folder(dir.path());
        let first = batch("b1", "2026-11-30T07:00:00Z");
        store.store(&first).unwrap();
        let next_day = batch("b1", "2026-12-01T07:00:00Z");
        assert_eq!(store.store(&next_day).unwrap(), Stored::Conflict);
        assert_eq!(store.read(None).unwrap(), vec![first]);
        assert_eq!(walk(dir.path()), ["2026-11-30/b1.json"]);
    }

    #[test]
    fn a_half_written_file_is_never_read_and_a_foreign_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = TelemetryStore::folder(dir.path());
        store.store(&batch("b1", "2026-11-30T07:00:00Z")).unwrap();
        std::fs::write(dir.path().join("2026-11-30/.incoming-x"), "{\"bat").unwrap();
        assert_eq!(store.read(None).unwrap().len(), 1);
        std::fs::write(dir.path().join("2026-11-30/zz.json"), "{}").unwrap();
        let error = store.read(None).unwrap_err().to_string();
        assert!(error.contains("zz.json"), "{error}");
    }

    #[test]
    fn a_day_folder_named_as_the_store_read_as_no_quotes() {
        let dir = tempfile::tempdir().unwrap();
        let store = TelemetryStore::folder(dir.path());
        store.store(&batch("b1", "2026-11-30T07:00:00Z")).unwrap();
        let day = dir.path().join("2026-11-30");
        let error = TelemetryStore::folder(&day).read(None).unwrap_err();
        assert!(
            matches!(error, TelemetryStoreError::NoDays { .. }),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains("holds no day folder (YYYY-MM-DD) but 1 entry such as b1.json"),
            "{error}"
        );
        // An empty folder is a store with nothing yet.
        let empty = tempfile::tempdir().unwrap();
        assert!(TelemetryStore::folder(empty.path())
            .read(None)
            .unwrap()
            .is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_day_folder_kept_elsewhere_behind_a_link_was_skipped() {
        let (store_dir, elsewhere) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        TelemetryStore::folder(elsewhere.path())
            .store(&batch("b1", "2026-11-20T07:00:00Z"))
            .unwrap();
        let store = TelemetryStore::folder(store_dir.path());
        store.store(&batch("b2", "2026-11-30T07:00:00Z")).unwrap();
        std::os::unix::fs::symlink(
            elsewhere.path().join("2026-11-20"),
            store_dir.path().join("2026-11-20"),
        )
        .unwrap();
        assert_eq!(store.read(None).unwrap().len(), 2);
    }

    #[test]
    fn a_corrupt_file_outside_the_day_folders_stopped_every_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = TelemetryStore::folder(dir.path());
        store.store(&batch("b1", "2026-11-30T07:00:00Z")).unwrap();
        for folder in ["not-a-day", "2026-11-3", "old 2026-11-30"] {
            std::fs::create_dir(dir.path().join(folder)).unwrap();
            std::fs::write(dir.path().join(folder).join("bad.json"), "{").unwrap();
        }
        assert_eq!(store.read(None).unwrap().len(), 1);
    }

    #[test]
    fn a_telemetry_folder_that_is_a_file_was_said_to_be_perhaps_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telemetry.json");
        std::fs::write(&file, "{}").unwrap();
        let store = TelemetryStore::folder(&file);
        for error in [
            store.read(None).unwrap_err(),
            store
                .store(&batch("b1", "2026-11-30T07:00:00Z"))
                .unwrap_err(),
        ] {
            assert!(matches!(&error, TelemetryStoreError::NotAFolder(path) if path == &file));
            assert_eq!(
                error.to_string(),
                format!(
                    "{} is a file, not a telemetry folder: name the folder the server stores \
                     batches in (carprice monitor --telemetry, static-host --telemetry-dir)",
                    file.display()
                )
            );
        }
        assert_eq!(std::fs::read(&file).unwrap(), b"{}");
    }

    #[test]
    fn a_corrupt_stored_batch_repeated_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("2026-11-30")).unwrap();
        let file = dir.path().join("2026-11-30/b1.json");
        std::fs::write(&file, "{\"batch\": \"b1\",\n \"quotes\": [}").unwrap();
        let store = TelemetryStore::folder(dir.path());
        let error = store.read(None).unwrap_err();
        // The cause is in the message, so not also a source that a chain would print again.
        assert!(std::error::Error::source(&error).is_none());
        assert_eq!(
            error.to_string(),
            format!(
                "stored telemetry {} is not a valid batch (malformed JSON at line 2, column 13: \
                 expected value): move it out of the telemetry store",
                file.display()
            )
        );
        // A batch that cannot be read at all: a link to nothing.
        #[cfg(unix)]
        {
            std::fs::remove_file(&file).unwrap();
            std::os::unix::fs::symlink(dir.path().join("gone"), &file).unwrap();
            let error = store.read(None).unwrap_err();
            assert!(std::error::Error::source(&error).is_none());
            let message = error.to_string();
            assert_eq!(
                message.matches("No such file or directory").count(),
                1,
                "{message}"
            );
            assert!(
                message.starts_with(&format!("cannot use telemetry {}: ", file.display())),
                "{message}"
            );
        }
    }

    fn walk(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                for inner in walk(&path) {
                    found.push(format!(
                        "{}/{inner}",
                        path.file_name().unwrap().to_string_lossy()
                    ));
                }
            } else {
                found.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
        found
    }
}
