//! `carprice stage`: put a model into a built site with the release manifest the web app checks
//! ([`model_core::release::Release`]).

use std::path::Path;
use std::time::SystemTime;

use anyhow::Result;
use model_core::release::{Release, MODEL_FILE, RELEASE_FILE};

use crate::files;

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
    let built_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let release = Release::for_model(&model_json, model.version(), app_version, commit, &built_at);
    files::write_atomically(&site.join(MODEL_FILE), &model_json)?;
    files::write_atomically(&site.join(RELEASE_FILE), release.to_json().as_bytes())?;
    println!(
        "staged model {} (sha256 {}) into {}",
        model.version(),
        release.model_sha256,
        site.display()
    );
    Ok(())
}
