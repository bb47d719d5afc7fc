//! `carprice stage`: put a model (and, during a rollout, the challenger) into a built site with
//! the release manifest the web app checks ([`model_core::release::Release`]).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use carprice_registry::{ChallengerRecord, FAMILY};
use model_core::release::{Challenger, Release, CHALLENGER_FILE, MODEL_FILE, RELEASE_FILE};

use super::fetch::ROLLOUT_FILE;
use crate::files;
use crate::out_file::OutFile;

/// Copies `MODEL_DIR/model.json` into the site (and `CHALLENGER_DIR/model.json` as
/// `challenger.json`), then writes `release.json` (each atomically; the manifest last, so a reader
/// never sees a manifest naming a model that is not there yet). Every file is written in full
/// beside its place before any is put in place, so a path that cannot be written (a folder in
/// the way, a full disk) stops the stage with the site as it was. Without a challenger, a
/// `challenger.json` left in the site is removed after the manifest stops naming it.
pub fn run(
    model_dir: &Path,
    site: &Path,
    challenger_dir: Option<&Path>,
    commit: &str,
    app_version: &str,
) -> Result<()> {
    let model_path = in_folder(model_dir, "--model")?;
    let model_json = files::read(&model_path)?;
    let model = files::parse_model(&model_json, &model_path.display().to_string())?;
    anyhow::ensure!(
        model.document().name == FAMILY,
        "{} is model `{}`, but the web app prices with `{FAMILY}` models (the family `carprice \
         publish` keeps): stage a model named `{FAMILY}`",
        model_path.display(),
        model.document().name
    );
    let challenger = challenger_dir.map(read_challenger).transpose()?;
    if let (Some((_, challenger)), Some(dir)) = (&challenger, challenger_dir) {
        anyhow::ensure!(
            challenger.model_version != model.version(),
            "the challenger in {} is model {}, the version staged as the live model: a rollout \
             tries another version beside the live one (carprice rollout refuses this one too); \
             stage without --challenger, or fetch the rollout's challenger again",
            dir.display(),
            challenger.model_version
        );
    }
    anyhow::ensure!(
        site.is_dir(),
        "site {} is not a directory: build the site first (trunk build)",
        site.display()
    );
    let built_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let mut release =
        Release::for_model(&model_json, model.version(), app_version, commit, &built_at);
    let stale = site.join(CHALLENGER_FILE);
    anyhow::ensure!(
        challenger.is_some() || !stale.is_dir(),
        "cannot remove {}: it is a folder; move it out of the site",
        stale.display()
    );
    let model_out = OutFile::create(&site.join(MODEL_FILE))?;
    let challenger_out = match challenger {
        Some((json, challenger)) => Some((OutFile::create(&stale)?, json, challenger)),
        None => None,
    };
    let release_out = OutFile::create(&site.join(RELEASE_FILE))?;
    // Every file written in full (a full disk stops here, the site as it was), then each put in
    // place, the manifest last.
    model_out.write(&model_json)?;
    if let Some((out, json, challenger)) = &challenger_out {
        out.write(json)?;
        release.challenger = Some(challenger.clone());
    }
    release_out.write(release.to_json().as_bytes())?;
    model_out.commit()?;
    if let Some((out, ..)) = challenger_out {
        out.commit()?;
    }
    release_out.commit()?;
    if release.challenger.is_none() && stale.exists() {
        std::fs::remove_file(&stale)
            .with_context(|| format!("cannot remove {}", stale.display()))?;
    }
    outln!(
        "staged model {} (sha256 {}) into {}",
        model.version(),
        release.model_sha256,
        site.display()
    )?;
    if let Some(challenger) = &release.challenger {
        outln!(
            "staged challenger {} (sha256 {}) in {} mode, {}%",
            challenger.model_version,
            challenger.model_sha256,
            challenger.mode,
            challenger.percent
        )?;
    }
    Ok(())
}

/// `model.json` in the folder an option names; a file named instead (`--model champ/model.json`
/// read `champ/model.json/model.json`) is refused with the folder to name.
fn in_folder(dir: &Path, option: &str) -> Result<PathBuf> {
    if dir.is_file() {
        let folder = dir.parent().filter(|p| !p.as_os_str().is_empty());
        anyhow::bail!(
            "{option} {} is a file: {option} takes the folder that holds {MODEL_FILE} (as \
             `carprice fetch` writes it), here {}",
            dir.display(),
            folder.unwrap_or(Path::new(".")).display()
        );
    }
    Ok(dir.join(MODEL_FILE))
}

/// A fetched challenger's model bytes and its place in the manifest, from its `model.json` and
/// `rollout.json`.
fn read_challenger(dir: &Path) -> Result<(Vec<u8>, Challenger)> {
    let model_path = in_folder(dir, "--challenger")?;
    let json = files::read(&model_path)?;
    let model = files::parse_model(&json, &model_path.display().to_string())?;
    let rollout_path = dir.join(ROLLOUT_FILE);
    let rollout = read_rollout(&rollout_path)?;
    anyhow::ensure!(
        rollout.version == model.version(),
        "{} names model {} but {} is model {}: fetch the challenger again",
        rollout_path.display(),
        rollout.version,
        model_path.display(),
        model.version()
    );
    let how_to_fix = format!(
        "set the rollout in the production record with `carprice rollout --version {} --mode \
         canary --percent P` (or `--mode shadow`), then fetch it again with `carprice fetch \
         --version challenger`",
        rollout.version
    );
    match Challenger::for_model(&json, model.version(), rollout.mode, rollout.percent) {
        Ok(challenger) => Ok((json, challenger)),
        Err(error) => anyhow::bail!("{}: {error}: {how_to_fix}", rollout_path.display()),
    }
}

/// A challenger's `rollout.json`, with every missing field named at once (it may be written by
/// hand).
fn read_rollout(path: &Path) -> Result<ChallengerRecord> {
    let not_a_rollout = || {
        format!(
            "{} is not a rollout as `carprice fetch --version challenger` writes it",
            path.display()
        )
    };
    let read = files::read(path)?;
    // A byte order mark, as some Windows editors write, is not part of the JSON.
    let bytes = read.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&read);
    if bytes.trim_ascii().is_empty() {
        anyhow::bail!(
            "{}: the file is empty, e.g. {}",
            not_a_rollout(),
            ROLLOUT_EXAMPLE
        );
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).with_context(not_a_rollout)?;
    let Some(fields) = value.as_object() else {
        anyhow::bail!(
            "{}: it holds {}, where a JSON object with the fields {} is expected, e.g. {}",
            not_a_rollout(),
            json_kind(&value),
            ChallengerRecord::FIELDS.join(", "),
            ROLLOUT_EXAMPLE
        );
    };
    let missing: Vec<&str> = ChallengerRecord::FIELDS
        .into_iter()
        .filter(|field| !fields.contains_key(*field))
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "{}: missing field{} {}",
            not_a_rollout(),
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        );
    }
    // Read from the text again, not the map, so that a field given twice is refused (the map
    // keeps the last). The field a wrong value is in is named before serde's message
    // ("percent: invalid type: …").
    let mut text = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut text).map_err(|error| {
        let path = error.path().to_string();
        match path.as_str() {
            "." => anyhow::anyhow!("{}: {}", not_a_rollout(), error.inner()),
            _ => anyhow::anyhow!("{}: {path}: {}", not_a_rollout(), error.inner()),
        }
    })
}

/// A rollout as `carprice fetch --version challenger` writes it, for messages.
const ROLLOUT_EXAMPLE: &str = r#"{"version": "1.5.0", "mode": "canary", "percent": 10, "since": "2026-11-30T08:00:00Z", "commit": "abc1234"}"#;

/// What a JSON value is, in a user's words.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}
