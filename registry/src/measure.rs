//! The pipeline's own measurement of a model on a car table (what `publish` checks and the deploy
//! gate decides on): every row priced, then R², MAE, RMSE and MAPE.

use model_core::{CarTable, Metrics, Model};

use crate::MeasureError;

/// Prices every row of a table that has the model's target column (e.g. `price`) and measures the
/// prices against it.
///
/// # Errors
/// [`MeasureError::Data`] without usable target values, [`MeasureError::Car`] for the first row the
/// model cannot price, [`MeasureError::Metrics`] when the metrics are undefined (e.g. no rows).
pub fn measure(model: &Model, table: &CarTable) -> Result<Metrics, MeasureError> {
    let target = &model.document().target.name;
    let actual = table.numbers(target)?;
    let predicted = (0..table.len())
        .map(|row| {
            model
                .car(&table.description(row, &[target.as_str()]))
                .and_then(|car| model.price(&car))
                .map_err(|problem| MeasureError::Car {
                    line: table.line(row),
                    problem,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Metrics::measure(&actual, &predicted)?)
}
