//! `carprice train`: fit a model on a car table and write it atomically.

use std::time::SystemTime;

use anyhow::{Context, Result};
use model_core::{train, Model, TrainOptions};

use crate::args::TrainArgs;
use crate::{data_path, files};

pub fn run(request: TrainArgs) -> Result<()> {
    let data = data_path::resolve(request.data.as_deref())?;
    let table = files::read_table(&data)?;
    let held_out = match &request.test_rows {
        Some(path) => files::read_rows(path)?,
        None => Vec::new(),
    };
    let created = match request.created {
        Some(created) => {
            humantime::parse_rfc3339(&created).with_context(|| {
                format!(
                    "--created {created:?} is not an RFC 3339 time such as 2026-11-27T00:00:00Z"
                )
            })?;
            created
        }
        None => humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
    };
    let options = TrainOptions {
        name: request.name,
        version: request.version,
        created,
        ..TrainOptions::default()
    };
    let model: Model = train(&table, &held_out, &options).context("training failed")?;
    files::write_atomically(&request.out, model.to_json().as_bytes())?;
    let info = &model.document().training;
    eprintln!(
        "trained {} {} on {} rows: penalty {}, cross-validated MAE {}",
        model.document().name,
        model.version(),
        info.rows,
        info.penalty,
        model_core::format_dollars(info.cv_mae)
    );
    if let Some(metrics) = &model.document().test_metrics {
        eprintln!(
            "test split ({} rows): R² {:.3}, MAE {}, RMSE {}, MAPE {:.2}%",
            metrics.rows,
            metrics.r2,
            model_core::format_dollars(metrics.mae),
            model_core::format_dollars(metrics.rmse),
            metrics.mape
        );
    }
    eprintln!("wrote {}", request.out.display());
    Ok(())
}
