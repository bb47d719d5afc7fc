//! The last good model, kept in this browser's `localStorage` so the app prices at once on the
//! next visit, offline too, and survives a bad release: its `release.json` and `model.json`
//! exactly as received, verified again on the way out (an entry that was tampered with, or only
//! half written, does not verify and is ignored); and this device's id for a rollout's canary.

use crate::release::LoadedModel;

/// Storage keys; bump the suffix if what is stored changes.
const RELEASE_KEY: &str = "carprice.last-good.release.v2";
const MODEL_KEY: &str = "carprice.last-good.model.v2";

/// Storage key of this device's anonymous id for canary buckets (the rollout contract's name):
/// 128 random bits as hex, made by `boot.js` on the first visit.
const DEVICE_KEY: &str = "carprice.device";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// This device's id (empty when storage is disabled: one bucket for every such device).
pub fn device_id() -> String {
    local_storage()
        .and_then(|s| s.get_item(DEVICE_KEY).ok().flatten())
        .unwrap_or_default()
}

/// The model saved by an earlier visit, verified again.
pub fn load() -> Option<LoadedModel> {
    let storage = local_storage()?;
    let release = storage.get_item(RELEASE_KEY).ok().flatten()?;
    let model = storage.get_item(MODEL_KEY).ok().flatten()?;
    LoadedModel::verify(&release, model.as_bytes()).ok()
}

/// Keeps a verified model as the last good one. Storage that is full or disabled only costs the
/// next visit its head start, so failures are ignored.
pub fn save(model: &LoadedModel) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(MODEL_KEY, model.text());
        let _ = storage.set_item(RELEASE_KEY, model.release_json());
    }
}
