//! `carprice stage`: put a model into a built site with the release manifest the web app checks.

use std::path::Path;
use std::time::SystemTime;

use anyhow::Result;
use model_core::hex_sha256;
use serde::Serialize;

use super::fetch::MODEL_FILE;
use crate::files;

/// The release manifest, `release.json`, read by the web app beside `model.json` (same origin). The
/// app trusts `model.json` only when its sha256 equals `model_sha256`.
#[derive(Debug, Serialize)]
pub struct Release<'a> {
    /// Version of the web app.
    pub app_version: &'a str,
    /// Commit the site was built from.
    pub commit: &'a str,
    /// Version of the model in `model.json`.
    pub model_version: &'a str,
    /// sha256 (lower-case hex) of the exact bytes of `model.json`.
    pub model_sha256: String,
    /// When the release was staged (RFC 3339, UTC).
    pub built_at: String,
}

/// Copies `MODEL_DIR/model.json` into the site, then writes `release.json` (each atomically; the
/// manifest last, so a reader never sees a manifest naming a model that is not there yet).
pub fn run(model_dir: &Path, site: &Path, commit: &str, app_version: &str) -> Result<()> {
    let model_path = model_dir.join(MODEL_FILE);
    let model_json = files::read(&model_path)?;
    let model = files::parse_model(&model_json, &model_path.display().to_string())?;
    anyhow::ensure!(
        site.is_dir(),
        "site {} is not a directory: build the site first (trunk build)",
        site.display()
    );
    let release = Release {
        app_version,
        commit,
        model_version: model.version(),
        model_sha256: hex_sha256(&model_json),
        built_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
    };
    let mut manifest = serde_json::to_vec_pretty(&release)?;
    manifest.push(b'\n');
    files::write_atomically(&site.join(MODEL_FILE), &model_json)?;
    files::write_atomically(&site.join("release.json"), &manifest)?;
    println!(
        "staged model {} (sha256 {}) into {}",
        model.version(),
        release.model_sha256,
        site.display()
    );
    Ok(())
}
