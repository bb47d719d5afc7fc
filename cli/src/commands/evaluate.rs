//! `carprice evaluate`: the pipeline's own measurement of a model on a car table.

use std::path::Path;

use anyhow::{Context, Result};
use carprice_registry::measure;
use model_core::{format_dollars, Metrics};

use crate::{data_path, files};

pub fn run(
    model: &Path,
    data: Option<&Path>,
    delimiter: u8,
    rows: Option<&Path>,
    json: bool,
) -> Result<()> {
    let model = files::read_model(model)?;
    let data = data_path::resolve(data)?;
    let mut table = files::read_table(&data, delimiter)?;
    if let Some(rows) = rows {
        table = table
            .select(&files::read_rows(rows)?)
            .with_context(|| format!("rows {} do not fit {}", rows.display(), data.display()))?;
    }
    let metrics = measure(&model, &table)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&metrics)?)?;
    } else {
        out!("{}", metrics_table(model.version(), &metrics))?;
    }
    Ok(())
}

/// A small text table of metrics.
pub fn metrics_table(version: &str, m: &Metrics) -> String {
    format!(
        "model {version} on {} rows\n  R²    {:.3}\n  MAE   {}\n  RMSE  {}\n  MAPE  {:.2}%\n",
        m.rows,
        m.r2,
        format_dollars(m.mae),
        format_dollars(m.rmse),
        m.mape
    )
}
