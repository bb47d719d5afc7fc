//! The model being served: loaded from a file and replaced atomically when the file changes.
//!
//! Requests take a snapshot (`Arc<Model>`) and price with it, so a reload never changes the model
//! under a request in flight. A replacement that fails validation is logged and ignored: the
//! previous model keeps serving.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use model_core::{hex_sha256, Model, ModelError};
use thiserror::Error;

/// A model file that could not be loaded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file cannot be read.
    #[error("cannot read model {path}: {source}")]
    Read {
        /// The model file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid model.
    #[error("model {path} is invalid: {source}")]
    Invalid {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it.
        source: ModelError,
    },
}

/// The served model and the file it comes from. Cheap to clone: clones share the model.
#[derive(Debug, Clone)]
pub struct LiveModel {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    model: ArcSwap<Model>,
    /// Hash of the file content last tried, good or bad, so that a bad file is reported once.
    last_seen: Mutex<String>,
}

/// What a reload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reload {
    /// The file is what was last tried.
    Unchanged,
    /// A new model is now served.
    Replaced {
        /// Version of the new model.
        version: String,
    },
}

impl LiveModel {
    /// Loads the model file.
    ///
    /// # Errors
    /// [`LoadError`] when the file cannot be read or is not a valid model.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let (bytes, hash) = read(path)?;
        let model = parse(path, &bytes)?;
        Ok(LiveModel {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                model: ArcSwap::from_pointee(model),
                last_seen: Mutex::new(hash),
            }),
        })
    }

    /// A snapshot of the model now served.
    pub fn current(&self) -> Arc<Model> {
        self.inner.model.load_full()
    }

    /// Re-reads the file and, if its content changed and is a valid model, serves it.
    ///
    /// # Errors
    /// [`LoadError`] for a changed file that cannot be used; the current model stays.
    pub fn reload(&self) -> Result<Reload, LoadError> {
        let (bytes, hash) = read(&self.inner.path)?;
        {
            let mut last_seen = self
                .inner
                .last_seen
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if *last_seen == hash {
                return Ok(Reload::Unchanged);
            }
            *last_seen = hash;
        }
        let model = parse(&self.inner.path, &bytes)?;
        let version = model.version().to_string();
        self.inner.model.store(Arc::new(model));
        Ok(Reload::Replaced { version })
    }

    /// Checks the file every `interval` on a background task, logging replacements and rejections.
    pub fn watch(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let live = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let reloader = live.clone();
                match tokio::task::spawn_blocking(move || reloader.reload()).await {
                    Ok(Ok(Reload::Unchanged)) => {}
                    Ok(Ok(Reload::Replaced { version })) => {
                        tracing::info!(%version, "serving a new model");
                    }
                    Ok(Err(error)) => {
                        tracing::warn!(%error, "ignoring the changed model file; the previous model keeps serving");
                    }
                    Err(error) => tracing::error!(%error, "model reload task failed"),
                }
            }
        })
    }
}

fn read(path: &Path) -> Result<(Vec<u8>, String), LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let hash = hex_sha256(&bytes);
    Ok((bytes, hash))
}

/// The model in a file's bytes, by the rule every carprice reader applies ([`Model::from_slice`]).
fn parse(path: &Path, bytes: &[u8]) -> Result<Model, LoadError> {
    Model::from_slice(bytes).map_err(|source| LoadError::Invalid {
        path: path.to_path_buf(),
        source,
    })
}
