//! The files a site publishes beside the web app, and the release manifest that ties them together.
//!
//! `release.json` names the model a site serves and the exact bytes of its `model.json`: the web
//! app trusts a fetched model only when its sha256 matches. `carprice stage` writes it (with serde)
//! after copying the model into a built site; the web app reads it with this crate's small JSON
//! reader (see [`crate::json`]), since every byte of a reader reaches the browser.
//!
//! During a rollout the manifest also names a challenger model (`challenger.json`) and how it is
//! tried: in the shadow (priced beside the champion, never shown) or as a canary (shown on the
//! devices whose [`canary_bucket`] is below the percent). The manifest's other fields keep meaning
//! the champion, so an app that predates rollouts ignores the challenger.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::digest::{hex_sha256, sha256};
use crate::json::{Fields, Json, JsonError};

/// The model document, in a site, a fetched version folder and the registry.
pub const MODEL_FILE: &str = "model.json";
/// The release manifest, beside `model.json`.
pub const RELEASE_FILE: &str = "release.json";
/// The site's settings for the web app (optional).
pub const CONFIG_FILE: &str = "config.json";
/// The held-out cars a model version is judged on, beside its `model.json`.
pub const TEST_DATA_FILE: &str = "test-data.csv";
/// The challenger's model document during a rollout, beside `model.json`.
pub const CHALLENGER_FILE: &str = "challenger.json";

/// How a challenger is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RolloutMode {
    /// Every quote is priced by both models; the champion's price is shown, the challenger's only
    /// recorded.
    Shadow,
    /// The challenger's price is shown on the devices whose [`canary_bucket`] is below the
    /// percent; the others see the champion's.
    Canary,
}

impl RolloutMode {
    /// `shadow` or `canary`.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutMode::Shadow => "shadow",
            RolloutMode::Canary => "canary",
        }
    }

    /// Whether `percent` (of devices shown the challenger) fits the mode: 0 in the shadow,
    /// 0 to 100 for a canary.
    ///
    /// # Errors
    /// [`RolloutError::ShadowPercent`] or [`RolloutError::Percent`].
    pub fn check_percent(self, percent: u64) -> Result<u8, RolloutError> {
        match self {
            RolloutMode::Shadow if percent != 0 => Err(RolloutError::ShadowPercent(percent)),
            _ if percent > 100 => Err(RolloutError::Percent(percent)),
            _ => Ok(percent as u8),
        }
    }
}

impl fmt::Display for RolloutMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RolloutMode {
    type Err = RolloutError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "shadow" => Ok(RolloutMode::Shadow),
            "canary" => Ok(RolloutMode::Canary),
            other => Err(RolloutError::Mode(other.to_string())),
        }
    }
}

/// A rollout mode or percent that cannot be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RolloutError {
    /// Neither `shadow` nor `canary`.
    #[error("rollout mode \"{0}\" is unknown: use shadow or canary")]
    Mode(String),
    /// A shadow shows the challenger to nobody.
    #[error("a shadow rollout shows the challenger on no device, so its percent is 0 (got {0}); a canary rollout shows it on a percent of devices")]
    ShadowPercent(u64),
    /// More than all devices.
    #[error("percent must be a whole number from 0 to 100 (got {0})")]
    Percent(u64),
}

/// The canary bucket of a device for a challenger version, 0 to 99: the first 4 bytes of
/// sha256(`{device_id}:{challenger_version}`) as a big-endian number, modulo 100. A device keeps
/// its bucket for a version (so its quotes do not flip between models), and each challenger
/// version draws its canary devices afresh.
pub fn canary_bucket(device_id: &str, challenger_version: &str) -> u8 {
    let digest = sha256(&[device_id.as_bytes(), b":", challenger_version.as_bytes()].concat());
    let first = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    (first % 100) as u8
}

/// The challenger of a release: its model and how it is tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenger {
    /// Version of the model in `challenger.json`.
    pub model_version: String,
    /// sha256 (lower-case hex) of the exact bytes of `challenger.json`.
    pub model_sha256: String,
    /// Shadow or canary.
    pub mode: RolloutMode,
    /// Share of devices, in percent, shown the challenger's price (0 in the shadow).
    pub percent: u8,
}

impl Challenger {
    /// The challenger for model bytes of the given version.
    ///
    /// # Errors
    /// [`RolloutError`] when the percent does not fit the mode.
    pub fn for_model(
        model_json: &[u8],
        model_version: &str,
        mode: RolloutMode,
        percent: u8,
    ) -> Result<Challenger, RolloutError> {
        Ok(Challenger {
            model_version: model_version.to_string(),
            model_sha256: hex_sha256(model_json),
            mode,
            percent: mode.check_percent(percent.into())?,
        })
    }

    /// Whether the device `device_id` is shown the challenger's price.
    pub fn shown_on(&self, device_id: &str) -> bool {
        self.mode == RolloutMode::Canary
            && canary_bucket(device_id, &self.model_version) < self.percent
    }

    /// Whether `bytes` are the challenger this manifest names (by sha256, in either letter case).
    pub fn names_bytes(&self, bytes: &[u8]) -> bool {
        self.model_sha256
            .trim()
            .eq_ignore_ascii_case(&hex_sha256(bytes))
    }

    /// The challenger of a manifest's `challenger` object; `None` when this reader cannot use it
    /// (a field missing or mistyped, an unknown mode, a percent that does not fit the mode).
    fn from_fields(fields: &Fields<'_>) -> Option<Challenger> {
        let mode: RolloutMode = fields.text("mode").ok()?.parse().ok()?;
        Some(Challenger {
            percent: mode
                .check_percent(fields.count("percent").ok()? as u64)
                .ok()?,
            model_version: fields.text("model_version").ok()?.into(),
            model_sha256: fields.text("model_sha256").ok()?.into(),
            mode,
        })
    }
}

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
    /// The challenger during a rollout; none when no rollout is in progress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenger: Option<Challenger>,
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
    /// default to empty (no `challenger`: no rollout); unknown fields are ignored.
    ///
    /// # Errors
    /// [`JsonError`] for text that is not JSON, or the first missing or mistyped field of the
    /// champion. A `challenger` this reader cannot use (a field missing or mistyped, an unknown
    /// mode, a percent that does not fit its mode) is read as no rollout, so the champion still
    /// prices.
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
        // A challenger this reader cannot use is no rollout: the champion prices on every device
        // (`carprice stage` refuses to write one; an app older than rollouts ignores the object).
        let challenger = match fields.optional_object("challenger") {
            Ok(Some(challenger)) => Challenger::from_fields(&challenger),
            _ => None,
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

    fn with_challenger(mode: RolloutMode, percent: u8) -> Release {
        let mut release =
            Release::for_model(b"{}", "1.0.0", "0.1.0", "abc1234", "2026-11-30T07:00:00Z");
        release.challenger = Some(Challenger::for_model(b"[]", "1.1.0", mode, percent).unwrap());
        release
    }

    #[test]
    fn a_manifest_with_a_challenger_reads_back() {
        for (mode, percent) in [(RolloutMode::Shadow, 0), (RolloutMode::Canary, 50)] {
            let release = with_challenger(mode, percent);
            let text = release.to_json();
            assert!(text.contains("\"challenger\": {"), "{text}");
            assert_eq!(Release::from_json(&text), Ok(release.clone()));
            let challenger = release.challenger.unwrap();
            assert!(challenger.names_bytes(b"[]") && !challenger.names_bytes(b"{}"));
        }
    }

    #[test]
    fn a_manifest_without_a_challenger_writes_none_and_reads_as_no_rollout() {
        let release =
            Release::for_model(b"{}", "1.0.0", "0.1.0", "abc1234", "2026-11-30T07:00:00Z");
        assert!(!release.to_json().contains("challenger"));
        // A manifest written before rollouts existed.
        let old = r#"{"app_version": "0.1.0", "commit": "abc", "model_version": "1.0.0",
            "model_sha256": "ab", "built_at": "2026-11-27T05:00:00Z"}"#;
        assert_eq!(Release::from_json(old).unwrap().challenger, None);
    }

    #[test]
    fn a_bad_rollout_in_the_manifest_refused_the_whole_release() {
        // The app then priced nothing on a new device: a challenger it cannot use is no rollout,
        // and the champion is read as ever.
        let manifest = |challenger: &str| {
            format!(
                r#"{{"model_version": "1.0.0", "model_sha256": "ab", "challenger": {challenger}}}"#
            )
        };
        let fields = r#""model_version": "1.1.0", "model_sha256": "cd""#;
        for challenger in [
            format!(r#"{{{fields}, "mode": "blue-green", "percent": 0}}"#),
            format!(r#"{{{fields}, "mode": "shadow", "percent": 10}}"#),
            format!(r#"{{{fields}, "mode": "canary", "percent": 101}}"#),
            format!(r#"{{{fields}, "mode": "canary", "percent": 2.5}}"#),
            format!(r#"{{{fields}, "mode": "canary", "percent": "50"}}"#),
            r#"{"mode": "canary", "percent": 5}"#.to_string(),
            "\"1.1.0\"".to_string(),
        ] {
            let release = Release::from_json(&manifest(&challenger)).unwrap();
            assert_eq!(release.challenger, None, "{challenger}");
            assert_eq!(
                (
                    release.model_version.as_str(),
                    release.model_sha256.as_str()
                ),
                ("1.0.0", "ab")
            );
        }
        let usable = format!(r#"{{{fields}, "mode": "canary", "percent": 50}}"#);
        let release = Release::from_json(&manifest(&usable)).unwrap();
        assert_eq!(release.challenger.unwrap().percent, 50);
    }

    #[test]
    fn the_bucket_is_the_first_four_bytes_of_the_hash_modulo_100() {
        // sha256("0123456789abcdef0123456789abcdef:1.1.0") starts 0e1871fb = 236483067.
        assert_eq!(
            canary_bucket("0123456789abcdef0123456789abcdef", "1.1.0"),
            67
        );
    }

    /// A device id as the app makes them: 128 random bits in hex (here derived from `i`).
    fn device_id(i: u32) -> String {
        hex_sha256(&i.to_le_bytes())[..32].to_string()
    }

    #[test]
    fn a_devices_bucket_is_stable() {
        for i in 0..100 {
            let id = device_id(i);
            assert_eq!(canary_bucket(&id, "1.1.0"), canary_bucket(&id, "1.1.0"));
            assert!(canary_bucket(&id, "1.1.0") < 100);
        }
    }

    #[test]
    fn about_percent_of_many_devices_see_a_canary() {
        const DEVICES: u32 = 100_000;
        let buckets: Vec<u8> = (0..DEVICES)
            .map(|i| canary_bucket(&device_id(i), "1.1.0"))
            .collect();
        for percent in [1u8, 10, 25, 50, 90] {
            let challenger = Challenger {
                model_version: "1.1.0".into(),
                model_sha256: String::new(),
                mode: RolloutMode::Canary,
                percent,
            };
            let shown = buckets.iter().filter(|b| **b < percent).count();
            let share = 100.0 * shown as f64 / f64::from(DEVICES);
            assert!(
                (share - f64::from(percent)).abs() <= 1.0,
                "{percent}%: {share:.2}% of devices"
            );
            assert!(challenger.shown_on(&device_id(0)) == (buckets[0] < percent));
        }
    }

    #[test]
    fn each_challenger_version_draws_its_canary_devices_afresh() {
        let same = (0..10_000)
            .filter(|i| {
                let id = device_id(*i);
                (canary_bucket(&id, "1.1.0") < 50) == (canary_bucket(&id, "1.2.0") < 50)
            })
            .count();
        // Independent draws agree about half the time.
        assert!((4_500..5_500).contains(&same), "{same} of 10000");
    }

    #[test]
    fn the_shadow_shows_the_challenger_on_no_device() {
        let challenger = with_challenger(RolloutMode::Shadow, 0).challenger.unwrap();
        assert!((0..1_000).all(|i| !challenger.shown_on(&device_id(i))));
        assert_eq!(
            Challenger::for_model(b"[]", "1.1.0", RolloutMode::Shadow, 5),
            Err(RolloutError::ShadowPercent(5))
        );
        assert_eq!("canary".parse(), Ok(RolloutMode::Canary));
        assert_eq!(RolloutMode::Shadow.to_string(), "shadow");
    }
}
