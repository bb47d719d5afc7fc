//! The last good model, kept in this browser's `localStorage` so the app prices at once on the
//! next visit, offline too, and survives a bad release.

use serde::{Deserialize, Serialize};

use crate::release::{LoadedModel, Release};

/// Storage key; bump the suffix if the stored shape changes.
const KEY: &str = "carprice.last-good-model.v1";

#[derive(Serialize, Deserialize)]
struct Saved {
    release: Release,
    model: String,
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The model saved by an earlier visit, verified again (a tampered or stale entry is ignored).
pub fn load() -> Option<LoadedModel> {
    let text = local_storage()?.get_item(KEY).ok().flatten()?;
    let saved: Saved = serde_json::from_str(&text).ok()?;
    LoadedModel::verify(saved.release, saved.model.as_bytes()).ok()
}

/// Keeps a verified model as the last good one. Storage that is full or disabled only costs the
/// next visit its head start, so failures are ignored.
pub fn save(model: &LoadedModel) {
    let saved = Saved {
        release: model.release().clone(),
        model: model.text().to_string(),
    };
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(&saved)) {
        let _ = storage.set_item(KEY, &text);
    }
}
