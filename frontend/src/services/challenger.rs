//! The release's challenger: `challenger.json`, verified against `release.json`, kept in this
//! browser's storage beside the last good model (so the rollout goes on offline and the file is
//! fetched once per challenger: the stored copy is used while its sha256 is the one named).

use model_core::release::CHALLENGER_FILE;

use super::site::fetch;
use super::storage::local_storage;
use crate::release::{LoadError, LoadedModel, SiteConfig};

/// Storage key of the challenger's text.
const CHALLENGER_KEY: &str = "carprice.last-good.challenger.v1";

/// The release with its stored challenger, when the release names one and the stored copy is it.
fn with_saved(loaded: &LoadedModel) -> Option<LoadedModel> {
    loaded.release().challenger.as_ref()?;
    let text = local_storage()?.get_item(CHALLENGER_KEY).ok().flatten()?;
    loaded.with_challenger(text.as_bytes()).ok()
}

/// A release read from storage, with its challenger when that was stored too.
pub fn saved(loaded: LoadedModel) -> LoadedModel {
    with_saved(&loaded).unwrap_or(loaded)
}

/// The release with its challenger verified: the stored copy, else `challenger.json` from the
/// site. Without a usable challenger the release is returned alone (the champion prices), with
/// the reason unless the site was unreachable (the next release check tries again).
pub async fn attach(config: &SiteConfig, loaded: LoadedModel) -> (LoadedModel, Option<LoadError>) {
    if loaded.release().challenger.is_none() {
        return (loaded, None);
    }
    if let Some(with) = with_saved(&loaded) {
        return (with, None);
    }
    let fetched = fetch(&config.model_url(CHALLENGER_FILE)).await;
    match fetched.and_then(|bytes| loaded.with_challenger(&bytes)) {
        Ok(with) => (with, None),
        Err(LoadError::Network { .. }) => (loaded, None),
        Err(error) => (loaded, Some(error)),
    }
}

/// Keeps the release's verified challenger (or forgets it when there is none).
pub fn save(loaded: &LoadedModel) {
    if let Some(storage) = local_storage() {
        let _ = match loaded.challenger() {
            Some(challenger) => storage.set_item(CHALLENGER_KEY, challenger.text()),
            None => storage.remove_item(CHALLENGER_KEY),
        };
    }
}
