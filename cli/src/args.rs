//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use carprice_registry::AuthChoice;

/// Train, check and release the car price models of carprice.
#[derive(Debug, Parser)]
#[command(name = "carprice", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// What `carprice train` trains, on what, and where it writes the model.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Car table (CSV with a `price` column). Default: $CARPRICE_DATA, then ../shared/data/car-prices.csv.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Rows (0-based, one per line) to hold out as the test split; the model records its metrics on them.
    #[arg(long)]
    pub test_rows: Option<PathBuf>,
    /// Where to write the model JSON (written atomically).
    #[arg(long)]
    pub out: PathBuf,
    /// Model version (dot-separated numbers, e.g. 1.2.0).
    #[arg(long, default_value = "1.0.0")]
    pub version: String,
    /// Creation time recorded in the model (RFC 3339). Default: now. Fix it for reproducible output.
    #[arg(long)]
    pub created: Option<String>,
    /// Model family name.
    #[arg(long, default_value = "car-price")]
    pub name: String,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model on a car table; every choice is made by cross-validation on the training rows.
    Train(TrainArgs),
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
    /// Upload a model and its test data as a new version: car-price/<version>/{model.json,test-data.csv}.
    Publish {
        /// Model JSON (validated; its version names the folder).
        #[arg(long)]
        model: PathBuf,
        /// Test data the pipeline will judge the model on (CSV with a `price` column).
        #[arg(long)]
        test_data: PathBuf,
        #[command(flatten)]
        container: ContainerArgs,
    },
    /// Download a published version (default: the latest) into DIR, hashes verified, atomically.
    Fetch {
        /// `latest` (highest version not withdrawn), `live` (the production record's) or a version.
        #[arg(long, default_value = "latest")]
        version: String,
        /// Directory to create or replace with model.json and test-data.csv.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        container: ContainerArgs,
    },
    /// Judge a candidate model against production on the candidate's test data; exit 2 when refused.
    Gate {
        /// A fetched candidate (model.json + test-data.csv).
        #[arg(long)]
        candidate: PathBuf,
        /// The fetched production version; without it the candidate must beat the floor.
        #[arg(long)]
        production: Option<PathBuf>,
    },
    /// Put a model into a built site and write the site's release.json.
    Stage {
        /// Directory holding model.json (e.g. a fetched version).
        #[arg(long)]
        model: PathBuf,
        /// The built site (e.g. dist/).
        #[arg(long)]
        site: PathBuf,
        /// Commit the site was built from.
        #[arg(long, env = "GITHUB_SHA", default_value = "")]
        commit: String,
        /// Version of the web app. Default: this build's version.
        #[arg(long, default_value = env!("CARGO_PKG_VERSION"))]
        app_version: String,
    },
    /// Record a version as live (after a successful deploy); refuses a withdrawn version.
    Promote {
        /// The version now served.
        #[arg(long)]
        version: String,
        /// Commit of the deploy.
        #[arg(long, env = "GITHUB_SHA", default_value = "")]
        commit: String,
        /// The `record=` value `carprice status` printed when the deploy started (an ETag, or
        /// `none`): a record changed since (a rollback meanwhile) is not overwritten.
        #[arg(long, value_name = "ETAG")]
        expect_record: Option<String>,
        #[command(flatten)]
        container: ContainerArgs,
    },
    /// Point production back to an earlier version; the next deploy ships it. Safe to repeat.
    Rollback {
        /// The live version to replace (and withdraw); the rollback is refused when another
        /// version is live, and recognised when it already happened.
        #[arg(long)]
        from: String,
        /// Version to go back to. Default: the version live before the current one.
        #[arg(long)]
        to: Option<String>,
        /// Commit recorded with the change.
        #[arg(long, env = "GITHUB_SHA", default_value = "")]
        commit: String,
        #[command(flatten)]
        container: ContainerArgs,
    },
    /// Print `latest=<version>`, `live=<version>` and `record=<ETag or none>` (lines fit $GITHUB_OUTPUT).
    Status {
        #[command(flatten)]
        container: ContainerArgs,
    },
}

/// Where the model container is. The SAS comes only from the URL or `CARPRICE_SAS`, never a flag,
/// so it stays out of process lists and shell history.
#[derive(Debug, Clone, Args)]
pub struct ContainerArgs {
    /// Container URL, e.g. https://ACCOUNT.blob.core.windows.net/models (a SAS query string may follow).
    #[arg(
        long = "container",
        env = "CARPRICE_CONTAINER_URL",
        hide_env_values = true
    )]
    pub url: String,
    /// How to authorise: auto = SAS when one is given (URL or CARPRICE_SAS), else anonymous.
    #[arg(long, env = "CARPRICE_AUTH", value_enum, default_value = "auto")]
    pub auth: AuthChoice,
}
