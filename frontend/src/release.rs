//! What a site publishes next to the app: its settings (`config.json`), the release manifest
//! (`release.json`, [`Release`]) and the model, and how a fetched model is checked before it is
//! trusted.

use model_core::json::{Fields, Json, JsonError};
use model_core::release::{Release, CHALLENGER_FILE, MODEL_FILE};
use model_core::{hex_sha256, Model};
use thiserror::Error;

/// Reads `release.json`.
///
/// # Errors
/// [`LoadError::Release`] when the text is not a release manifest.
pub fn read_release(text: &str) -> Result<Release, LoadError> {
    Release::from_json(text).map_err(|e| LoadError::Release(e.to_string()))
}

/// Where quotes come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PricingMode {
    /// The model runs in the browser (works offline).
    #[default]
    Browser,
    /// Quotes come from `POST /api/score`; the browser model is the fallback when it is unreachable.
    Endpoint,
}

/// Site settings, `config.json` (optional; every field has a default).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    /// Absolute base URL (e.g. a Blob or CDN container) to read `model.json` and `release.json`
    /// from; the site's own origin when absent. The server must allow CORS from the site.
    pub model_base_url: Option<String>,
    /// Where quotes come from: `"browser"` (default) or `"endpoint"`.
    pub pricing: PricingMode,
    /// Base URL of the scoring API in endpoint mode; the site's own origin when absent.
    pub api_base_url: Option<String>,
    /// How often to look for a new release while the page is open, in seconds.
    pub release_check_seconds: u32,
    /// The step the headline price is rounded to, in dollars (`price_step`, default 10).
    pub price_step: f64,
    /// The dealer named on the printed quote sheet (`dealer_name`, default "Cars R Us").
    pub dealer_name: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            model_base_url: None,
            pricing: PricingMode::Browser,
            api_base_url: None,
            release_check_seconds: 300,
            price_step: 10.0,
            dealer_name: "Cars R Us".to_string(),
        }
    }
}

impl SiteConfig {
    /// Reads `config.json`.
    ///
    /// # Errors
    /// [`LoadError::Config`] when the text is not a configuration.
    pub fn from_json(text: &str) -> Result<SiteConfig, LoadError> {
        SiteConfig::read(text).map_err(|e| LoadError::Config(e.to_string()))
    }

    fn read(text: &str) -> Result<SiteConfig, JsonError> {
        let json = Json::parse(text)?;
        let fields = Fields::of(&json, "")?;
        let defaults = SiteConfig::default();
        let pricing = match fields.optional_text("pricing")? {
            None | Some("browser") => PricingMode::Browser,
            Some("endpoint") => PricingMode::Endpoint,
            Some(other) => {
                return Err(JsonError::Shape {
                    field: "pricing".to_string(),
                    problem: format!("is \"{other}\"; expected \"browser\" or \"endpoint\""),
                })
            }
        };
        let release_check_seconds = match fields.get("release_check_seconds") {
            None => defaults.release_check_seconds,
            Some(_) => u32::try_from(fields.count("release_check_seconds")?).unwrap_or(u32::MAX),
        };
        let model_base_url = fields.optional_text("model_base_url")?;
        let api_base_url = fields.optional_text("api_base_url")?;
        let price_step = match fields.optional_number("price_step")? {
            None => defaults.price_step,
            Some(step) if (0.01..=1e6).contains(&step) => step,
            Some(_) => {
                return Err(JsonError::Shape {
                    field: "price_step".to_string(),
                    problem: "must be a number of dollars from 0.01 to 1000000".to_string(),
                })
            }
        };
        let dealer_name = fields.optional_text("dealer_name")?;
        Ok(SiteConfig {
            model_base_url: model_base_url.map(str::to_string),
            pricing,
            api_base_url: api_base_url.map(str::to_string),
            release_check_seconds,
            price_step,
            dealer_name: dealer_name.map_or(defaults.dealer_name, str::to_string),
        })
    }

    /// URL of a file published with the model (`model.json`, `release.json`).
    pub fn model_url(&self, file: &str) -> String {
        join_url(self.model_base_url.as_deref(), file)
    }

    /// URL of the scoring endpoint.
    pub fn score_url(&self) -> String {
        join_url(self.api_base_url.as_deref(), "api/score")
    }

    /// URL of the rollout telemetry endpoint (beside the scoring endpoint).
    pub fn telemetry_url(&self) -> String {
        join_url(self.api_base_url.as_deref(), "api/telemetry")
    }

    /// The release check period, never below one second.
    pub fn release_check_millis(&self) -> u32 {
        self.release_check_seconds.max(1).saturating_mul(1000)
    }
}

/// `base` + `/` + `file`, or `file` relative to the page when there is no base.
fn join_url(base: Option<&str>, file: &str) -> String {
    match base.map(str::trim).filter(|b| !b.is_empty()) {
        Some(base) => format!("{}/{file}", base.trim_end_matches('/')),
        None => file.to_string(),
    }
}

/// Why a model could not be loaded or was not trusted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The request did not get an answer (offline, DNS, CORS refused).
    #[error("could not reach {url}: {message}")]
    Network {
        /// What was requested.
        url: String,
        /// What the browser said.
        message: String,
    },
    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}")]
    Http {
        /// What was requested.
        url: String,
        /// The status code.
        status: u16,
    },
    /// `config.json` is not valid.
    #[error("config.json is not valid: {0}")]
    Config(String),
    /// `release.json` is not a release manifest.
    #[error("release.json is not a valid release manifest: {0}")]
    Release(String),
    /// The model's bytes are not what the release manifest promises.
    #[error("model.json does not match release.json: its sha256 is {found}, the release says {expected}")]
    HashMismatch {
        /// Hash from `release.json`.
        expected: String,
        /// Hash of the bytes received.
        found: String,
    },
    /// The model failed validation.
    #[error("model.json is not a valid model: {0}")]
    Model(String),
    /// The model is valid but another version than the manifest names.
    #[error("release.json names model {expected} but model.json is version {found}")]
    VersionMismatch {
        /// Version in `release.json`.
        expected: String,
        /// Version in `model.json`.
        found: String,
    },
}

/// The model file a device shows under a release: during a canary rollout, the challenger's
/// (`challenger.json`) on a device whose bucket is inside the release's percentage and which
/// prices in the browser; otherwise the champion's (`model.json`). In shadow mode every device
/// shows the champion; the challenger only prices for telemetry (`static/telemetry.js`).
pub fn shown_file(release: &Release, device: &str, pricing: PricingMode) -> &'static str {
    match &release.challenger {
        Some(challenger) if pricing == PricingMode::Browser && challenger.shown_on(device) => {
            CHALLENGER_FILE
        }
        _ => MODEL_FILE,
    }
}

/// A model together with the release it came with; only [`LoadedModel::verify`] makes one.
#[derive(Debug, Clone)]
pub struct LoadedModel {
    model: Model,
    release: Release,
    release_json: String,
    text: String,
    sha256: String,
    challenger: bool,
}

impl PartialEq for LoadedModel {
    fn eq(&self, other: &Self) -> bool {
        self.release == other.release && self.sha256 == other.sha256
    }
}

impl LoadedModel {
    /// Checks model bytes against a release manifest (`release.json` text: sha256, then
    /// validation, then version) and keeps them together. The bytes are the release's model
    /// (`model.json`) or, during a rollout, its challenger (`challenger.json`).
    ///
    /// # Errors
    /// [`LoadError::Release`], [`LoadError::HashMismatch`], [`LoadError::Model`] or
    /// [`LoadError::VersionMismatch`].
    pub fn verify(release_json: &str, bytes: &[u8]) -> Result<LoadedModel, LoadError> {
        let release = read_release(release_json)?;
        let sha256 = hex_sha256(bytes);
        let challenger = release
            .challenger
            .as_ref()
            .filter(|c| c.model_sha256.trim().eq_ignore_ascii_case(&sha256));
        let version = match challenger {
            Some(challenger) => challenger.model_version.clone(),
            None if release.names_hash(&sha256) => release.model_version.clone(),
            None => {
                return Err(LoadError::HashMismatch {
                    expected: release.model_sha256.clone(),
                    found: sha256,
                })
            }
        };
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| LoadError::Model("the file is not UTF-8 text".to_string()))?;
        let model = Model::from_json(&text).map_err(|e| LoadError::Model(e.to_string()))?;
        if model.version() != version {
            return Err(LoadError::VersionMismatch {
                expected: version,
                found: model.version().to_string(),
            });
        }
        Ok(LoadedModel {
            model,
            challenger: challenger.is_some(),
            release,
            release_json: release_json.to_string(),
            text,
            sha256,
        })
    }

    /// Whether the model is the release's challenger (a canary device shows it).
    pub fn is_challenger(&self) -> bool {
        self.challenger
    }

    /// The validated model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The release the model came with.
    pub fn release(&self) -> &Release {
        &self.release
    }

    /// The release manifest exactly as received (to keep it with the last good model).
    pub fn release_json(&self) -> &str {
        &self.release_json
    }

    /// The model file exactly as received (to keep it as the last good model).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether `other` is this same model file (whatever the releases around them).
    pub fn is_same_model(&self, other: &LoadedModel) -> bool {
        self.sha256 == other.sha256
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_support::MODEL_JSON as MODEL;

    /// The manifest as `release.json` text.
    fn json_of(release: &Release) -> String {
        release.to_json()
    }

    fn release_for(text: &str) -> Release {
        Release {
            app_version: "0.1.0".into(),
            commit: "abc1234".into(),
            model_version: Model::from_json(text).unwrap().version().to_string(),
            model_sha256: hex_sha256(text.as_bytes()),
            built_at: "2026-11-27T05:00:00Z".into(),
            challenger: None,
        }
    }

    #[test]
    fn a_matching_model_is_loaded() {
        let loaded = LoadedModel::verify(&json_of(&release_for(MODEL)), MODEL.as_bytes()).unwrap();
        assert_eq!(loaded.text(), MODEL);
        assert!(loaded.is_same_model(&loaded.clone()));
    }

    #[test]
    fn a_hash_mismatch_is_refused_before_parsing() {
        let mut release = release_for(MODEL);
        release.model_sha256 = "0".repeat(64);
        let error = LoadedModel::verify(&json_of(&release), b"not even json").unwrap_err();
        assert!(matches!(error, LoadError::HashMismatch { .. }), "{error}");
    }

    #[test]
    fn bad_json_with_its_own_hash_is_refused_by_validation() {
        let bad = "{\"format\": \"carprice-model\"";
        let release = Release {
            model_sha256: hex_sha256(bad.as_bytes()),
            ..release_for(MODEL)
        };
        let error = LoadedModel::verify(&json_of(&release), bad.as_bytes()).unwrap_err();
        assert!(matches!(error, LoadError::Model(_)), "{error}");
    }

    #[test]
    fn a_version_other_than_the_release_names_is_refused() {
        let mut release = release_for(MODEL);
        release.model_version = "9.9.9".into();
        let error = LoadedModel::verify(&json_of(&release), MODEL.as_bytes()).unwrap_err();
        assert!(
            matches!(error, LoadError::VersionMismatch { .. }),
            "{error}"
        );
    }

    #[test]
    fn config_defaults_and_urls() {
        let config = SiteConfig::from_json("{}").unwrap();
        assert_eq!(config, SiteConfig::default());
        assert_eq!(config.model_url("model.json"), "model.json");
        assert_eq!(config.score_url(), "api/score");
        let config = SiteConfig::from_json(
            r#"{"model_base_url": "https://cdn.example/models/", "pricing": "endpoint",
                "api_base_url": "https://api.example", "release_check_seconds": 0}"#,
        )
        .unwrap();
        assert_eq!(
            config.model_url("model.json"),
            "https://cdn.example/models/model.json"
        );
        assert_eq!(config.score_url(), "https://api.example/api/score");
        assert_eq!(config.pricing, PricingMode::Endpoint);
        assert_eq!(config.release_check_millis(), 1000);
        assert_eq!(
            SiteConfig::from_json(r#"{"pricing": "mainframe"}"#)
                .unwrap_err()
                .to_string(),
            "config.json is not valid: `pricing` is \"mainframe\"; expected \"browser\" or \"endpoint\""
        );
        assert!(matches!(
            SiteConfig::from_json(r#"{"release_check_seconds": -5}"#),
            Err(LoadError::Config(_))
        ));
    }

    #[test]
    fn config_sets_the_price_step_and_the_dealer_name() {
        let config =
            SiteConfig::from_json(r#"{"price_step": 50, "dealer_name": "Cars R Us Leeds"}"#)
                .unwrap();
        assert_eq!(config.price_step, 50.0);
        assert_eq!(config.dealer_name, "Cars R Us Leeds");
        for bad in ["0", "-10", "\"ten\""] {
            let error = SiteConfig::from_json(&format!(r#"{{"price_step": {bad}}}"#)).unwrap_err();
            assert!(error.to_string().contains("price_step"), "{error}");
        }
    }

    #[test]
    fn a_manifest_without_a_model_is_refused_naming_the_field() {
        assert_eq!(
            read_release(r#"{"app_version": "0.1.0"}"#)
                .unwrap_err()
                .to_string(),
            "release.json is not a valid release manifest: `model_version` is missing"
        );
    }

    #[test]
    fn a_bad_manifest_is_refused_before_the_model_is_read() {
        let error = LoadedModel::verify("{}", MODEL.as_bytes()).unwrap_err();
        assert!(matches!(error, LoadError::Release(_)), "{error}");
    }
}
