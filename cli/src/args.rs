//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Train, check and release the car price models of carprice.
#[derive(Debug, Parser)]
#[command(name = "carprice", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model on a car table; every choice is made by cross-validation on the training rows.
    Train {
        /// Car table (CSV with a `price` column). Default: $CARPRICE_DATA, then ../shared/data/car-prices.csv.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Rows (0-based, one per line) to hold out as the test split; the model records its metrics on them.
        #[arg(long)]
        test_rows: Option<PathBuf>,
        /// Where to write the model JSON (written atomically).
        #[arg(long)]
        out: PathBuf,
        /// Model version (dot-separated numbers, e.g. 1.2.0).
        #[arg(long, default_value = "1.0.0")]
        version: String,
        /// Creation time recorded in the model (RFC 3339). Default: now. Fix it for reproducible output.
        #[arg(long)]
        created: Option<String>,
        /// Model family name.
        #[arg(long, default_value = "car-price")]
        name: String,
    },
    /// Measure a model on a car table: R², MAE, RMSE, MAPE.
    Evaluate {
        /// Model JSON.
        #[arg(long)]
        model: PathBuf,
        /// Car table with a `price` column. Default: $CARPRICE_DATA, then ../shared/data/car-prices.csv.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Only these rows (0-based, one per line), e.g. the seed test split.
        #[arg(long)]
        rows: Option<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Price cars: one car as a JSON object on stdin, or every row of a CSV.
    Predict {
        /// Model JSON.
        #[arg(long)]
        model: PathBuf,
        /// CSV of cars (a `price` column, if any, is ignored). Without it, one JSON car is read from stdin.
        #[arg(long)]
        cars: Option<PathBuf>,
        /// Print one JSON quote per line instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check that a model file is valid; prints a summary.
    Validate {
        /// Model JSON.
        #[arg(long)]
        model: PathBuf,
    },
}
