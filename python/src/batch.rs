//! Pricing a table column by column: the columns arrive as flat buffers (numbers) or as codes into
//! a few distinct values (text, categories), and every row is checked and priced by model-core,
//! on all cores, without holding the GIL.

use model_core::{AttributeValue, CarDescription, CarError, Model};

/// One model attribute's column.
pub enum Column {
    /// Numbers, one per row; NaN marks a missing value.
    Numbers(Vec<f64>),
    /// Per row an index into `values` (negative: missing).
    Codes {
        /// One code per row.
        codes: Vec<i64>,
        /// The distinct values; `None` for missing ones.
        values: Vec<Option<AttributeValue>>,
    },
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Numbers(numbers) => numbers.len(),
            Column::Codes { codes, .. } => codes.len(),
        }
    }

    fn value(&self, row: usize) -> Option<AttributeValue> {
        match self {
            Column::Numbers(numbers) => {
                let x = numbers[row];
                (!x.is_nan()).then_some(AttributeValue::Number(x))
            }
            Column::Codes { codes, values } => usize::try_from(codes[row])
                .ok()
                .and_then(|code| values.get(code).cloned().flatten()),
        }
    }
}

/// A row that could not be priced.
pub struct RowError {
    /// 0-based row.
    pub row: usize,
    /// Why.
    pub error: CarError,
}

/// Prices rows `0..rows` given one column per model attribute (in model order).
///
/// # Errors
/// The first row, in row order, that model-core refuses.
pub fn price(model: &Model, columns: &[Column], rows: usize) -> Result<Vec<f64>, RowError> {
    let names: Vec<&str> = model.attributes().map(|a| a.name.as_str()).collect();
    debug_assert!(columns.iter().all(|c| c.len() == rows));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = rows.div_ceil(threads).max(4096);
    let mut prices = vec![0.0; rows];
    let results: Vec<Result<(), RowError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = prices
            .chunks_mut(chunk)
            .enumerate()
            .map(|(i, out)| {
                let names = &names;
                scope.spawn(move || price_rows(model, names, columns, i * chunk, out))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("pricing does not panic"))
            .collect()
    });
    results.into_iter().collect::<Result<(), _>>()?;
    Ok(prices)
}

fn price_rows(
    model: &Model,
    names: &[&str],
    columns: &[Column],
    first: usize,
    out: &mut [f64],
) -> Result<(), RowError> {
    for (offset, price) in out.iter_mut().enumerate() {
        let row = first + offset;
        let mut description = CarDescription::new();
        for (name, column) in names.iter().zip(columns) {
            if let Some(value) = column.value(row) {
                description.set(*name, value);
            }
        }
        *price = model
            .car(&description)
            .and_then(|car| model.price(&car))
            .map_err(|error| RowError { row, error })?;
    }
    Ok(())
}
