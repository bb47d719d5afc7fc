//! Reading inputs with clear errors, and writing outputs atomically.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use model_core::{parse_row_list, CarTable, Model};

/// Largest file read as an input (models and car tables are far smaller).
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

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
    let bytes = read(path)?;
    let text = std::str::from_utf8(&bytes)
        .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
    Model::from_json(text).with_context(|| format!("invalid model {}", path.display()))
}

/// Reads a car table.
pub fn read_table(path: &Path) -> Result<CarTable> {
    CarTable::from_csv(&read(path)?)
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
