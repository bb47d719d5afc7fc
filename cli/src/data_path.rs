//! Where the car data set is when no path is given: the one definition of the `CARPRICE_DATA`
//! lookup, used by the commands and (through `#[path]`) by the integration tests.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use model_core::data::{sample_data_path, DATA_ENV};

/// The data set path: the flag, then `$CARPRICE_DATA`, then `../shared/data/car-prices.csv`
/// (from the working directory).
pub fn resolve(flag: Option<&Path>) -> Result<PathBuf> {
    resolve_in(flag, Path::new("."))
}

/// As [`resolve`], with the default folder taken relative to `checkout` instead of the working
/// directory.
pub fn resolve_in(flag: Option<&Path>, checkout: &Path) -> Result<PathBuf> {
    let candidate = match flag {
        Some(path) if path.is_dir() => path.join(model_core::data::DATA_FILE),
        Some(path) => path.to_path_buf(),
        None => sample_data_path(checkout),
    };
    if !candidate.is_file() {
        bail!(
            "car data set not found at {}: pass --data FILE or set {DATA_ENV}; the data set is the UCI \
             Automobile data (193 cars), see README.md \"Data\" for where to get car-prices.csv",
            candidate.display()
        );
    }
    Ok(candidate)
}
