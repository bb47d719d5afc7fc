//! `carprice train`: fit a model on a car table and write it atomically.

use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use model_core::{train, MissingValues, Model, Schema, TrainOptions};

use crate::args::{MissingChoice, TrainArgs};
use crate::out_file::OutFile;
use crate::{data_path, files};

pub fn run(request: TrainArgs) -> Result<()> {
    // A wrong `--out` is said before the table is read and the model trained.
    OutFile::check(&request.out)?;
    let data = data_path::resolve(request.data.as_deref())?;
    let table = files::read_table(&data, request.csv.delimiter)?;
    let held_out = match &request.test_rows {
        Some(path) => files::read_rows(path)?,
        None => Vec::new(),
    };
    let created = match request.created {
        Some(created) => {
            humantime::parse_rfc3339(&created).with_context(|| {
                format!(
                    "--created {created:?} is not an RFC 3339 time in UTC (ending in Z), such as 2026-11-27T00:00:00Z"
                )
            })?;
            created
        }
        None => humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
    };
    let schema = match &request.schema {
        Some(path) => read_schema(path)?,
        None => Schema::default(),
    };
    let options = TrainOptions {
        name: request.name,
        version: request.version,
        created,
        target: request.target,
        ignore: request.ignore,
        missing: match request.missing {
            MissingChoice::Refuse => MissingValues::Refuse,
            MissingChoice::DropRows => MissingValues::DropRows,
            MissingChoice::Impute => MissingValues::Impute,
        },
        schema,
        ..TrainOptions::default()
    };
    let model: Model = train(&table, &held_out, &options).context("training failed")?;
    files::write_atomically(&request.out, model.to_json().as_bytes())?;
    let info = &model.document().training;
    errln!(
        "trained {} {} on {} rows: penalty {}, cross-validated MAE {}",
        model.document().name,
        model.version(),
        info.rows,
        info.penalty,
        model_core::format_dollars(info.cv_mae)
    );
    if let Some(metrics) = &model.document().test_metrics {
        errln!(
            "test split ({} rows): R² {:.3}, MAE {}, RMSE {}, MAPE {:.2}%",
            metrics.rows,
            metrics.r2,
            model_core::format_dollars(metrics.mae),
            model_core::format_dollars(metrics.rmse),
            metrics.mape
        );
    }
    errln!("wrote {}", request.out.display());
    Ok(())
}

/// Reads an attribute schema (TOML).
fn read_schema(path: &Path) -> Result<Schema> {
    let bytes = files::read(path)?;
    let text = std::str::from_utf8(&bytes)
        .with_context(|| format!("schema {} is not UTF-8 text", path.display()))?;
    toml::from_str(text).with_context(|| format!("invalid schema {}", path.display()))
}
