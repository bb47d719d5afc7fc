//! Where the car data set is when no path is given: the one definition of the `CARPRICE_DATA`
//! lookup, used by the commands and (through `#[path]`) by the integration tests.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// Environment variable naming the data set (a CSV file, or a folder holding `car-prices.csv`).
pub const DATA_ENV: &str = "CARPRICE_DATA";
/// Where the data set is looked for last, relative to the working directory.
pub const DEFAULT_DATA: &str = "../shared/data/car-prices.csv";

/// The data set path: the flag, then `$CARPRICE_DATA`, then [`DEFAULT_DATA`].
pub fn resolve(flag: Option<&Path>) -> Result<PathBuf> {
    resolve_in(flag, Path::new("."))
}

/// As [`resolve`], with [`DEFAULT_DATA`] taken relative to `base` instead of the working directory.
pub fn resolve_in(flag: Option<&Path>, base: &Path) -> Result<PathBuf> {
    let candidate = match (flag, std::env::var_os(DATA_ENV)) {
        (Some(path), _) => path.to_path_buf(),
        (None, Some(env)) if !env.is_empty() => PathBuf::from(env),
        _ => base.join(DEFAULT_DATA),
    };
    let candidate = if candidate.is_dir() {
        candidate.join("car-prices.csv")
    } else {
        candidate
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
