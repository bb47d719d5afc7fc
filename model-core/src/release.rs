//! The files a site publishes beside the web app, and the release manifest that ties them together.
//!
//! `release.json` names the model a site serves and the exact bytes of its `model.json`: the web
//! app trusts a fetched model only when its sha256 matches. `carprice stage` writes it (with serde)
//! after copying the model into a built site; the web app reads it with this crate's small JSON
//! reader (see [`crate::json`]), since every byte of a reader reaches the browser.
//!
//! A release may also name a challenger: a second model (`challenger.json`) that devices price
//! with beside the champion (`model.json`), to compare them on real quotes before promoting it.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::digest::hex_sha256;
use crate::json::{Fields, Json, JsonError};

/// The model document, in a site, a fetched version folder and the registry.
pub const MODEL_FILE: &str = "model.json";
/// The release manifest, beside `model.json`.
pub const RELEASE_FILE: &str = "release.json";
/// The site's settings for the web app (optional).
pub const CONFIG_FILE: &str = "config.json";
/// The challenger's model document, beside `model.json` (only while a release names one).
pub const CHALLENGER_FILE: &str = "challenger.json";
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
    /// The model rolled out beside the champion, if any; none once halted or promoted. An app that
    /// does not know this field prices with the champion alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenger: Option<Challenger>,
}

/// The challenger of a release: which model `challenger.json` holds and how devices use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenger {
    /// Version of the model in `challenger.json`.
    pub model_version: String,
    /// sha256 (lower-case hex) of the exact bytes of `challenger.json`.
    pub model_sha256: String,
    /// Whether devices only price with it or some show its prices.
    pub mode: RolloutMode,
    /// Share of devices, 0..=100, that show the challenger's price (0 in shadow mode).
    pub percent: u8,
}

/// How a challenger is rolled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RolloutMode {
    /// Every quote is priced by both models; the champion's price is shown.
    Shadow,
    /// Devices whose [`canary_bucket`] is below the percentage show the challenger's price.
    Canary,
}

impl RolloutMode {
    /// The mode's name on the wire: `shadow` or `canary`.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutMode::Shadow => "shadow",
            RolloutMode::Canary => "canary",
        }
    }
}

/// A device's canary bucket for a challenger, 0..=99: the first 4 bytes of
/// sha256(`{device_id}:{challenger_version}`) as a big-endian number, modulo 100. Stable for a
/// device and a challenger, and uniform over random device ids; a new challenger reshuffles.
pub fn canary_bucket(device_id: &str, challenger_version: &str) -> u8 {
    let digest = Sha256::digest(format!("{device_id}:{challenger_version}").as_bytes());
    let first = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    (first % 100) as u8
}

impl Challenger {
    /// Whether a device shows the challenger's price: in canary mode, when its bucket is below
    /// the percentage.
    pub fn shown_on(&self, device_id: &str) -> bool {
        self.mode == RolloutMode::Canary
            && canary_bucket(device_id, &self.model_version) < self.percent
    }

    fn read(fields: &Fields) -> Result<Challenger, JsonError> {
        let mode = match fields.text("mode")? {
            "shadow" => RolloutMode::Shadow,
            "canary" => RolloutMode::Canary,
            other => {
                return Err(JsonError::Shape {
                    field: fields.path("mode"),
                    problem: format!("is \"{other}\"; expected \"shadow\" or \"canary\""),
                })
            }
        };
        let percent = fields.count("percent")?;
        if percent > 100 {
            return Err(JsonError::Shape {
                field: fields.path("percent"),
                problem: format!("is {percent}; expected 0 to 100"),
            });
        }
        Ok(Challenger {
            model_version: fields.text("model_version")?.into(),
            model_sha256: fields.text("model_sha256")?.into(),
            mode,
            percent: percent as u8,
        })
    }
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
            challenger: None,
        }
    }

    /// Reads a manifest. `model_version` and `model_sha256` are required; the other fields
    /// default to empty (no challenger); unknown fields are ignored.
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
        let challenger = match fields.optional_object("challenger")? {
            Some(challenger) => Some(Challenger::read(&challenger)?),
            None => None,
        };
        Ok(Release {
            app_version: app_version.into(),
            commit: commit.into(),
            model_version: model_version.into(),
            model_sha256: model_sha256.into(),
            built_at: built_at.into(),
            challenger,
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
    fn a_challenger_reads_back_and_an_older_manifest_has_none() {
        let mut release =
            Release::for_model(b"{}", "1.0.0", "0.1.0", "abc1234", "2026-11-27T05:00:00Z");
        assert!(!release.to_json().contains("challenger"));
        release.challenger = Some(Challenger {
            model_version: "1.1.0".into(),
            model_sha256: hex_sha256(b"[]"),
            mode: RolloutMode::Canary,
            percent: 50,
        });
        let text = release.to_json();
        assert!(text.contains(r#""mode": "canary""#), "{text}");
        assert_eq!(Release::from_json(&text), Ok(release));
    }

    #[test]
    fn a_challenger_with_a_bad_mode_or_percent_is_refused_naming_the_field() {
        let with = |challenger: &str| {
            Release::from_json(&format!(
                r#"{{"model_version": "1.0.0", "model_sha256": "ab", "challenger": {challenger}}}"#
            ))
            .unwrap_err()
            .to_string()
        };
        let fields = r#""model_version": "1.1.0", "model_sha256": "cd""#;
        assert_eq!(
            with(&format!(r#"{{{fields}, "mode": "blue", "percent": 0}}"#)),
            "`challenger.mode` is \"blue\"; expected \"shadow\" or \"canary\""
        );
        assert_eq!(
            with(&format!(
                r#"{{{fields}, "mode": "canary", "percent": 101}}"#
            )),
            "`challenger.percent` is 101; expected 0 to 100"
        );
        assert_eq!(
            with(r#"{"mode": "shadow", "percent": 0}"#),
            "`challenger.model_version` is missing"
        );
    }

    #[test]
    fn a_device_keeps_its_bucket_and_buckets_spread_evenly() {
        // Pinned values (Python: int.from_bytes(sha256(b"device-a:1.1.0").digest()[:4], "big") % 100),
        // so every implementation of the contract agrees.
        assert_eq!(canary_bucket("device-a", "1.1.0"), 98);
        assert_eq!(canary_bucket(&"0".repeat(32), "1.1.0"), 11);
        // 20,000 ids: each decile of buckets holds 10% ± 1 point, and 30% of them are below 30.
        let mut deciles = [0u32; 10];
        for i in 0..20_000 {
            deciles[usize::from(canary_bucket(&format!("{i:032x}"), "1.1.0") / 10)] += 1;
        }
        for count in deciles {
            assert!((1800..=2200).contains(&count), "{deciles:?}");
        }
        let challenger = Challenger {
            model_version: "1.1.0".into(),
            model_sha256: String::new(),
            mode: RolloutMode::Canary,
            percent: 30,
        };
        let shown = (0..20_000)
            .filter(|i| challenger.shown_on(&format!("{i:032x}")))
            .count();
        assert!((5_700..=6_300).contains(&shown), "{shown}");
        let shadow = Challenger {
            mode: RolloutMode::Shadow,
            percent: 100,
            ..challenger
        };
        assert!(!shadow.shown_on("device-a"));
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
