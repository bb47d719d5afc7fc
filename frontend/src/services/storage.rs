//! The last good model, kept in this browser's `localStorage` so the app prices at once on the
//! next visit, offline too, and survives a bad release.

use model_core::json::{write_string, Fields, Json, JsonError};

use crate::release::{LoadedModel, Release};

/// Storage key; bump the suffix if the stored shape changes.
const KEY: &str = "carprice.last-good-model.v1";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The model saved by an earlier visit, verified again (a tampered or stale entry is ignored).
pub fn load() -> Option<LoadedModel> {
    let text = local_storage()?.get_item(KEY).ok().flatten()?;
    let (release, model) = read_entry(&text).ok()?;
    LoadedModel::verify(release, model.as_bytes()).ok()
}

/// Keeps a verified model as the last good one. Storage that is full or disabled only costs the
/// next visit its head start, so failures are ignored.
pub fn save(model: &LoadedModel) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(KEY, &entry(model.release(), model.text()));
    }
}

/// The stored entry: `{"release": {...}, "model": "<model.json text>"}`.
fn entry(release: &Release, model: &str) -> String {
    let mut text = format!("{{\"release\":{},\"model\":", release.to_json());
    write_string(&mut text, model);
    text.push('}');
    text
}

fn read_entry(text: &str) -> Result<(Release, String), JsonError> {
    let json = Json::parse(text)?;
    let fields = Fields::of(&json, "")?;
    Ok((
        Release::from_fields(&fields.object("release")?)?,
        fields.text("model")?.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::MODEL_JSON;

    #[test]
    fn an_entry_reads_back_as_the_model_it_saved() {
        let release = Release {
            app_version: "0.1.0".into(),
            commit: "abc1234".into(),
            model_version: "1.0.0".into(),
            model_sha256: model_core::hex_sha256(MODEL_JSON.as_bytes()),
            built_at: "2026-11-27T05:00:00Z".into(),
        };
        let (read_release, model) = read_entry(&entry(&release, MODEL_JSON)).unwrap();
        assert_eq!(read_release, release);
        assert_eq!(model, MODEL_JSON);
    }
}
