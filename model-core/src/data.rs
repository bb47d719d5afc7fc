//! Where the sample car data set is found: `$CARPRICE_DATA` (a CSV file, or a folder holding
//! `car-prices.csv`), else `shared/data/car-prices.csv` beside the checkout.

use std::path::{Path, PathBuf};

/// Environment variable naming the data set: a CSV file, or a folder holding [`DATA_FILE`].
pub const DATA_ENV: &str = "CARPRICE_DATA";
/// The data set's file name in a data folder.
pub const DATA_FILE: &str = "car-prices.csv";
/// The data folder, relative to the checkout, when [`DATA_ENV`] is not set.
pub const DEFAULT_DATA_DIR: &str = "../shared/data";

/// The data set's path: `$CARPRICE_DATA` when set and not empty, else [`DEFAULT_DATA_DIR`] under
/// `checkout`; a folder stands for its [`DATA_FILE`]. Whether the file exists is left to the reader.
pub fn sample_data_path(checkout: &Path) -> PathBuf {
    let path = match std::env::var_os(DATA_ENV).filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => checkout.join(DEFAULT_DATA_DIR),
    };
    if path.is_dir() {
        path.join(DATA_FILE)
    } else {
        path
    }
}
