//! Command-line arguments.

use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use carprice_registry::telemetry::TelemetryAuth;
use carprice_registry::AuthChoice;
use model_core::release::RolloutMode;

/// Train, check and release the car price models of carprice.
#[derive(Debug, Parser)]
#[command(name = "carprice", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How a car table's cells are separated.
#[derive(Debug, Clone, Copy, Args)]
pub struct CsvArgs {
    /// Field separator of the CSV: one character, or `\t` for tabs.
    #[arg(long, default_value = ",", value_parser = parse_delimiter)]
    pub delimiter: u8,
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        _ if text.len() == 1 && text != "\"" && !text.starts_with(['\r', '\n']) => {
            Ok(text.as_bytes()[0])
        }
        _ => Err(format!(
            "{text:?} is not a field separator: give one ASCII character such as ';' or '\\t'"
        )),
    }
}

/// What training does with missing cells (empty, ?, NA, N/A, null, NaN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MissingChoice {
    /// Stop with an error naming the column, the count and the first lines.
    Refuse,
    /// Leave out the rows with a missing cell.
    DropRows,
    /// Use the training median (numbers) or most frequent value; the model imputes cars the same way.
    Impute,
}

/// What `carprice train` trains, on what, and where it writes the model.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Car table (CSV with a header row). Default: $CARPRICE_DATA, then ../shared/data/car-prices.csv.
    #[arg(long)]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// The column to predict.
    #[arg(long, default_value = "price")]
    pub target: String,
    /// Columns to leave out, comma-separated (IDs such as rownames, a VIN, a stock number).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Attribute schema (TOML): labels, units, form groups, descriptions, kinds, category labels.
    #[arg(long)]
    pub schema: Option<PathBuf>,
    /// What to do with missing cells.
    #[arg(long, value_enum, default_value = "refuse")]
    pub missing: MissingChoice,
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
        /// Car table with the model's target column. Default: $CARPRICE_DATA, then ../shared/data/car-prices.csv.
        #[arg(long)]
        data: Option<PathBuf>,
        #[command(flatten)]
        csv: CsvArgs,
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
        /// CSV of cars (the target column, if any, is ignored). Without it, one JSON car is read from stdin.
        /// `-` reads the CSV from stdin.
        #[arg(long)]
        cars: Option<PathBuf>,
        /// Stream the priced table here (`-`: stdout): the input's columns plus price, price_low,
        /// price_high and flags, one row at a time, for a CSV of any size. Rows the model refuses
        /// are reported on stderr (CSV line and attribute) and left out; the exit code is then 1.
        #[arg(long, requires = "cars", conflicts_with = "json")]
        out: Option<PathBuf>,
        #[command(flatten)]
        csv: CsvArgs,
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
        /// Test data the pipeline will judge the model on (CSV with the model's target column; uploaded
        /// comma-separated).
        #[arg(long)]
        test_data: PathBuf,
        #[command(flatten)]
        csv: CsvArgs,
        #[command(flatten)]
        container: ContainerArgs,
    },
    /// Download a published version (default: the latest) into DIR, hashes verified, atomically.
    Fetch {
        /// `latest` (highest version not withdrawn), `live` (the production record's), `challenger`
        /// (the rollout's, with its mode and percent in rollout.json) or a version.
        #[arg(long, default_value = "latest")]
        version: String,
        /// Directory to create or replace with model.json and test-data.csv (and rollout.json).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        container: ContainerArgs,
    },
    /// Judge a candidate model against production on the candidate's test data; exit 4 when refused.
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
        /// A fetched challenger (`carprice fetch --version challenger`): shipped as challenger.json
        /// and named in release.json with its mode and percent.
        #[arg(long)]
        challenger: Option<PathBuf>,
        /// Commit the site was built from.
        #[arg(long, env = "GITHUB_SHA", default_value = "")]
        commit: String,
        /// Version of the web app. Default: this build's version.
        #[arg(long, default_value = env!("CARGO_PKG_VERSION"))]
        app_version: String,
    },
    /// Record a version as live (after a successful deploy); refuses a withdrawn version. During a
    /// rollout, promoting the challenger ends it (the champion becomes the version a rollback goes
    /// back to); other versions are refused.
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
    /// Try a published version beside the live one (shadow, or canary on a share of devices),
    /// change its mode or percent, or end the rollout; the next deploy ships it.
    Rollout(RolloutArgs),
    /// Print `latest=`, `live=` (the champion), `record=` (ETag or none), and the rollout's
    /// `challenger=`, `mode=`, `percent=` (empty without one); the lines fit $GITHUB_OUTPUT.
    Status {
        #[command(flatten)]
        container: ContainerArgs,
    },
    /// Report on a rollout's telemetry: quotes per model, challenger/champion price ratio,
    /// extrapolation, and input drift (PSI) against the challenger's training data.
    Monitor(MonitorArgs),
}

/// Where rollout telemetry is read from, for which period, and which models judge it.
#[derive(Debug, Clone, Args)]
pub struct TelemetryArgs {
    /// The telemetry: a folder (static-host's --telemetry-dir) or a Blob container URL (a SAS may
    /// follow, or come from CARPRICE_TELEMETRY_SAS).
    #[arg(
        long,
        env = "CARPRICE_TELEMETRY",
        hide_env_values = true,
        value_parser = NonEmptyStringValueParser::new()
    )]
    pub telemetry: Option<String>,
    /// How to authorise to the telemetry container.
    #[command(flatten)]
    pub telemetry_auth: TelemetryAuth,
    /// First time included: RFC 3339 in UTC (2026-11-30T08:00:00Z) or a day (2026-11-30).
    #[arg(long)]
    pub since: Option<String>,
    /// First time excluded, as --since.
    #[arg(long)]
    pub until: Option<String>,
    /// The champion's model (a file, or a folder holding model.json). Without --champion and
    /// --challenger, the versions of the latest quote are fetched from --container.
    #[arg(long, requires = "challenger")]
    pub champion: Option<PathBuf>,
    /// The challenger's model (a file, or a folder holding model.json).
    #[arg(long, requires = "champion")]
    pub challenger: Option<PathBuf>,
}

/// Where `monitor` fetches the champion and challenger when they are not given as files.
#[derive(Debug, Clone, Args)]
pub struct ModelSource {
    /// The model registry to fetch the champion and challenger from (when not given as files;
    /// an empty CARPRICE_CONTAINER_URL, as a workflow's unset secret gives, is none).
    #[arg(
        long = "container",
        env = "CARPRICE_CONTAINER_URL",
        hide_env_values = true
    )]
    pub container: Option<String>,
    /// How to authorise to the registry: auto = SAS when one is given (URL or CARPRICE_SAS).
    #[arg(long, env = "CARPRICE_AUTH", value_enum, default_value = "auto")]
    pub auth: AuthChoice,
}

/// `carprice monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
    #[command(flatten)]
    pub registry: ModelSource,
    /// Quotes (and values of an attribute) below which figures are marked not meaningful.
    #[arg(long, default_value_t = crate::commands::MIN_QUOTES)]
    pub min_quotes: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// What `carprice rollout` does: start or change a rollout (`--version` with `--mode`), halt it,
/// or check its telemetry against thresholds (`--check --config FILE`).
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("action").required(true).args(["version", "halt", "check"])))]
pub struct RolloutArgs {
    /// The challenger: a published version that passes the gate against the live one (on its own
    /// test data). Run again with another mode or percent to change them.
    #[arg(long, requires = "mode")]
    pub version: Option<String>,
    /// shadow: every quote is priced by both models, the champion's price is shown; canary: the
    /// challenger's price is shown on --percent of devices.
    #[arg(long, requires = "version", conflicts_with_all = ["halt", "check"])]
    pub mode: Option<RolloutMode>,
    /// Share of devices shown the challenger's price, a whole number from 0 to 100 (canary only).
    #[arg(
        long,
        requires = "version",
        conflicts_with_all = ["halt", "check"],
        allow_negative_numbers = true,
        value_parser = percent
    )]
    pub percent: Option<u8>,
    /// End the rollout in progress without promoting the challenger.
    #[arg(long)]
    pub halt: bool,
    /// Check the rollout's telemetry against the thresholds of --config: exit 4 when one is
    /// crossed (then halt the rollout), 3 with too few quotes to judge.
    #[arg(long, requires = "config")]
    pub check: bool,
    /// Thresholds (TOML): min_quotes, max_share_beyond_10_percent, max_median_deviation, max_psi,
    /// max_extrapolation_share.
    #[arg(long, requires = "check")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub telemetry: TelemetryArgs,
    /// Commit recorded with the change.
    #[arg(long, env = "GITHUB_SHA", default_value = "")]
    pub commit: String,
    /// The `record=` value `carprice status` printed: a record changed since is not overwritten.
    #[arg(long, value_name = "ETAG")]
    pub expect_record: Option<String>,
    /// The model registry (required to start, change or halt a rollout).
    #[command(flatten)]
    pub registry: ModelSource,
}

impl ModelSource {
    /// The registry's URL, if one is given (an empty one is none).
    pub fn url(&self) -> Option<String> {
        self.container
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_string)
    }
}

/// Where the model container is. The SAS comes only from the URL or `CARPRICE_SAS`, never a flag,
/// so it stays out of process lists and shell history.
#[derive(Debug, Clone, Args)]
pub struct ContainerArgs {
    /// Container URL, e.g. https://ACCOUNT.blob.core.windows.net/models (a SAS query string may follow).
    #[arg(
        long = "container",
        env = "CARPRICE_CONTAINER_URL",
        hide_env_values = true,
        value_parser = NonEmptyStringValueParser::new()
    )]
    pub url: String,
    /// How to authorise: auto = SAS when one is given (URL or CARPRICE_SAS), else anonymous.
    #[arg(long, env = "CARPRICE_AUTH", value_enum, default_value = "auto")]
    pub auth: AuthChoice,
}

/// A `--percent`: a whole number from 0 to 100, refused in the user's words (not Rust's `u8`).
fn percent(text: &str) -> Result<u8, String> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|percent| *percent <= 100)
        .ok_or_else(|| "percent must be a whole number from 0 to 100".to_string())
}
