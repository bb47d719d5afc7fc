//! The release's challenger: `challenger.json`, verified against `release.json`, kept in this
//! browser's storage beside the last good model (so the rollout goes on offline and the file is
//! fetched once per challenger: the stored copy is used while its sha256 is the one named).

use model_core::release::CHALLENGER_FILE;

use super::site::fetch;
use super::storage::local_storage;
use crate::release::{LoadError, LoadedModel, SiteConfig};

/// Storage key of the challenger's text.
const CHALLENGER_KEY: &str = "carprice.last-good.challenger.v1";

/// Adds the stored challenger when the release names one and the stored copy is it.
fn attach_saved(loaded: &mut LoadedModel) -> bool {
    loaded.release().challenger.is_some()
        && local_storage()
            .and_then(|s| s.get_item(CHALLENGER_KEY).ok().flatten())
            .is_some_and(|text| loaded.attach_challenger(text.as_bytes()).is_ok())
}

/// A release read from storage, with its challenger when that was stored too.
pub fn saved(mut loaded: LoadedModel) -> LoadedModel {
    attach_saved(&mut loaded);
    loaded
}

/// The release with its challenger verified: the stored copy, else `challenger.json` from the
/// site. Without a usable challenger the release is returned alone (the champion prices), with
/// the reason unless the site was unreachable (the next release check tries again).
pub async fn attach(
    config: &SiteConfig,
    mut loaded: LoadedModel,
) -> (LoadedModel, Option<LoadError>) {
    if loaded.release().challenger.is_none() || attach_saved(&mut loaded) {
        return (loaded, None);
    }
    let fetched = fetch(&config.model_url(CHALLENGER_FILE)).await;
    match fetched.and_then(|bytes| loaded.attach_challenger(&bytes)) {
        Ok(()) | Err(LoadError::Network { .. }) => (loaded, None),
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
