//! Pricing a table column by column: the columns arrive as flat buffers (numbers) or as codes into
//! a few distinct values (text, categories), and model-core's `Model::price_columns` checks and
//! prices every row, on all cores, without holding the GIL.

use model_core::{CarError, CheckedValue, Column, ColumnsError, Model};

/// One model attribute's column, owned or borrowed from Python's buffers.
pub enum TableColumn<'py> {
    /// Numbers, one per row; NaN marks a missing value.
    Numbers(std::borrow::Cow<'py, [f64]>),
    /// Per row an index into `values` (`u32::MAX`: missing).
    Codes {
        /// One code per row.
        codes: std::borrow::Cow<'py, [u32]>,
        /// The distinct values, each checked once.
        values: Vec<Result<CheckedValue, CarError>>,
    },
}

impl TableColumn<'_> {
    fn column(&self) -> Column<'_> {
        match self {
            TableColumn::Numbers(numbers) => Column::Numbers(numbers),
            TableColumn::Codes { codes, values } => Column::Codes { codes, values },
        }
    }
}

/// Prices the rows given one column per model attribute (in model order) into `prices`, split
/// across the machine's cores.
///
/// # Errors
/// The first row, in row order, that model-core refuses, or columns that do not fit the model.
pub fn price(
    model: &Model,
    columns: &[TableColumn<'_>],
    prices: &mut [f64],
) -> Result<(), ColumnsError> {
    let rows = prices.len();
    let named: Vec<(&str, Column<'_>)> = model
        .attributes()
        .zip(columns)
        .map(|(attribute, column)| (attribute.name.as_str(), column.column()))
        .collect();
    if rows == 0 {
        return model.price_columns(&named, prices);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = rows.div_ceil(threads).max(1 << 16);
    let results: Vec<Result<(), ColumnsError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = prices
            .chunks_mut(chunk)
            .enumerate()
            .map(|(i, out)| {
                let first = i * chunk;
                let part: Vec<(&str, Column<'_>)> = named
                    .iter()
                    .map(|(name, column)| (*name, column.rows(first..first + out.len())))
                    .collect();
                scope.spawn(move || {
                    model
                        .price_columns(&part, out)
                        .map_err(|error| match error {
                            ColumnsError::Row { row, error } => ColumnsError::Row {
                                row: first + row,
                                error,
                            },
                            other => other,
                        })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("pricing does not panic"))
            .collect()
    });
    // Parts are in row order, so the first part's error is the first row's.
    results.into_iter().collect()
}
