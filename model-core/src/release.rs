//! The files a site publishes beside the web app, and the release manifest that ties them together.
//!
//! `release.json` names the model a site serves and the exact bytes of its `model.json`: the web
//! app trusts a fetched model only when its sha256 matches. `carprice stage` writes it (with serde)
//! after copying the model into a built site; the web app reads it with this crate's small JSON
//! reader (see [`crate::json`]), since every byte of a reader reaches the browser.

use serde::Serialize;

use crate::digest::hex_sha256;
use crate::json::{Fields, Json, JsonError};

/// The model document, in a site, a fetched version folder and the registry.
pub const MODEL_FILE: &str = "model.json";
/// The release manifest, beside `model.json`.
pub const RELEASE_FILE: &str = "release.json";
/// The site's settings for the web app (optional).
pub const CONFIG_FILE: &str = "config.json";
/// The held-out cars a model version is judged on, beside its `model.json`.
pub const TEST_DATA_FILE: &str = "test-data.csv";

/// The release manifest, `release.json`: which app and which model a site serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Release {
    /// Version of the web app, e.g. `0.1.0` (empty when unknown).
    pub app_version: String,
    /// Git commit the site was built from (short or full hash; empty when unknown). Also read
    /// from `app_commit`, the name early manifests used.
    pub commit: String,
    /// Version of the model in `model.json`.
    pub model_version: String,
    /// sha256 (lower-case hex) of the exact bytes of `model.json`.
    pub model_sha256: String,
    /// When the release was staged (RFC 3339, UTC; empty when unknown).
    pub built_at: String,
}

impl Release {
    /// The manifest for model bytes of the given version.
    pub fn for_model(
        model_json: &[u8],
        model_version: &str,
        app_version: &str,
        commit: &str,
        built_at: &str,
    ) -> Release {
        Release {
            app_version: app_version.to_string(),
            commit: commit.to_string(),
            model_version: model_version.to_string(),
            model_sha256: hex_sha256(model_json),
            built_at: built_at.to_string(),
        }
    }

    /// Reads a manifest. `model_version` and `model_sha256` are required; the other fields
    /// default to empty; unknown fields are ignored.
    ///
    /// # Errors
    /// [`JsonError`] for text that is not JSON, or the first missing or mistyped field.
    pub fn from_json(text: &str) -> Result<Release, JsonError> {
        let json = Json::parse(text)?;
        let fields = Fields::of(&json, "")?;
        let commit = match fields.optional_text("commit")? {
            Some(commit) => commit,
            None => fields.optional_text("app_commit")?.unwrap_or_default(),
        };
        let app_version = fields.optional_text("app_version")?.unwrap_or_default();
        let model_version = fields.text("model_version")?;
        let model_sha256 = fields.text("model_sha256")?;
        let built_at = fields.optional_text("built_at")?.unwrap_or_default();
        Ok(Release {
            app_version: app_version.into(),
            commit: commit.into(),
            model_version: model_version.into(),
            model_sha256: model_sha256.into(),
            built_at: built_at.into(),
        })
    }

    /// The manifest as pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(self).expect("a manifest is strings and serialises");
        text.push('\n');
        text
    }

    /// Whether `bytes` are the model this manifest names (by sha256, in either letter case).
    pub fn names_bytes(&self, bytes: &[u8]) -> bool {
        self.names_hash(&hex_sha256(bytes))
    }

    /// Whether a sha256 (hex) is the one this manifest names, in either letter case.
    pub fn names_hash(&self, sha256: &str) -> bool {
        self.model_sha256.trim().eq_ignore_ascii_case(sha256.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_manifest_reads_back() {
        let release =
            Release::for_model(b"{}", "1.2.0", "0.1.0", "abc1234", "2026-11-27T05:00:00Z");
        assert_eq!(Release::from_json(&release.to_json()), Ok(release.clone()));
        assert!(release.names_bytes(b"{}"));
        assert!(release.names_hash(&release.model_sha256.to_uppercase()));
        assert!(!release.names_bytes(b"{ }"));
    }

    #[test]
    fn a_manifest_needs_model_version_and_hash() {
        assert_eq!(
            Release::from_json(r#"{"app_version": "0.1.0"}"#)
                .unwrap_err()
                .to_string(),
            "`model_version` is missing"
        );
        let release = Release::from_json(
            r#"{"model_version": "1.0.0", "model_sha256": "ab", "app_commit": "c0ffee"}"#,
        )
        .unwrap();
        assert_eq!(release.commit, "c0ffee");
        assert_eq!(release.app_version, "");
    }
}
