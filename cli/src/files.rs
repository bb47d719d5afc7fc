//! Reading inputs with clear errors, and writing outputs atomically.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use model_core::{parse_row_list, CarTable, Model};

/// Largest file read as an input: a car table's limit (models are far smaller).
const MAX_INPUT_BYTES: u64 = model_core::MAX_TABLE_BYTES as u64;

/// Reads a whole file, refusing absurd sizes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let size = fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_INPUT_BYTES,
        "{} is {size} bytes, more than the {MAX_INPUT_BYTES}-byte limit",
        path.display()
    );
    fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads and validates a model file.
pub fn read_model(path: &Path) -> Result<Model> {
    parse_model(&read(path)?, &path.display().to_string())
}

/// Validates the bytes of a model file; `origin` names it in errors.
pub fn parse_model(bytes: &[u8], origin: &str) -> Result<Model> {
    Model::from_slice(bytes).with_context(|| format!("invalid model {origin}"))
}

/// Reads a car table whose fields are separated by `delimiter`.
pub fn read_table(path: &Path, delimiter: u8) -> Result<CarTable> {
    CarTable::from_csv_with(&read(path)?, delimiter)
        .with_context(|| format!("cannot use car table {}", path.display()))
}

/// Reads a row list (0-based indices, one per line).
pub fn read_rows(path: &Path) -> Result<Vec<usize>> {
    let bytes = read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    parse_row_list(&text).with_context(|| format!("cannot use row list {}", path.display()))
}

/// Writes a file atomically: a temporary file beside it, synced, then renamed over the target.
/// Readers see the old content or the new, never a half-written file.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Creates or replaces the directory `dir` with exactly `files` (name, contents), so that `dir` never
/// holds a mix of old and new files or a half-written one: the files are written and synced in a
/// temporary directory beside it, which is then renamed into place. An existing `dir` may only hold
/// files of the same names (a previous run's output); anything else is refused, never deleted.
pub fn replace_dir(dir: &Path, files: &[(&str, &[u8])]) -> Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = dir
        .file_name()
        .with_context(|| format!("{} is not a directory path", dir.display()))?;
    if dir.exists() {
        let entries = fs::read_dir(dir)
            .with_context(|| format!("cannot read directory {}", dir.display()))?;
        for entry in entries {
            let entry =
                entry.with_context(|| format!("cannot read directory {}", dir.display()))?;
            let known = files.iter().any(|(file, _)| entry.file_name() == *file);
            anyhow::ensure!(
                known,
                "{} holds {:?}, which this command did not write: choose a new or empty directory",
                dir.display(),
                entry.file_name()
            );
        }
    }
    let sibling = |suffix: &str| {
        let mut sibling = OsString::from(".");
        sibling.push(name);
        sibling.push(format!(".{}.{suffix}", std::process::id()));
        parent.join(sibling)
    };
    let (staging, retired) = (sibling("tmp"), sibling("old"));
    let result = (|| {
        fs::create_dir_all(&staging)?;
        for (file, contents) in files {
            let mut out = fs::File::create(staging.join(file))?;
            out.write_all(contents)?;
            out.sync_all()?;
        }
        if dir.exists() {
            fs::rename(dir, &retired)?;
        }
        fs::rename(&staging, dir)?;
        if retired.exists() {
            fs::remove_dir_all(&retired)?;
        }
        Ok::<(), std::io::Error>(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
        if !dir.exists() && retired.exists() {
            let _ = fs::rename(&retired, dir);
        }
    }
    result.with_context(|| format!("cannot write directory {}", dir.display()))
}
