//! Pricing a table column by column, reading the caller's numpy arrays in place: numbers as
//! float64 or int64, text and categories as codes into a few distinct values, pandas object
//! columns coded by the objects' identity. model-core's `Model::price_columns` checks and prices
//! the rows, a slice of a few thousand at a time on each core, without holding the GIL; only
//! those slices are converted (integers to floats, objects to codes), in buffers reused from one
//! slice to the next, so a large table makes no large temporary copy.

use std::sync::atomic::{AtomicBool, Ordering};

use model_core::{CarError, CheckedValue, Column, ColumnsError, Model};
use pyo3::prelude::*;
use rustc_hash::FxHashMap;

/// Rows converted and priced at a time: their buffers stay in the cache and are reused.
const SLICE: usize = 16_384;

/// Rows below which a table is priced on one thread.
const ROWS_PER_THREAD: usize = 1 << 16;

/// One model attribute's column, borrowed from Python's arrays.
pub enum TableColumn<'a> {
    /// Numbers, one per row; NaN marks a missing value.
    Floats(&'a [f64]),
    /// Whole numbers, one per row (priced as `x as f64`, the value numpy's cast gives).
    Integers(&'a [i64]),
    /// Per row an index into `values` (`u32::MAX`: missing).
    Codes {
        /// One code per row.
        codes: &'a [u32],
        /// The distinct values, each checked once.
        values: Vec<Result<CheckedValue, CarError>>,
    },
    /// Python objects, coded by identity: `objects` with the same address are one value.
    Objects {
        /// One object per row.
        objects: &'a [Py<PyAny>],
        /// The code of each distinct object's address.
        codes: FxHashMap<usize, u32>,
        /// The distinct objects' values, each checked once, by code.
        values: Vec<Result<CheckedValue, CarError>>,
        /// Set when a row holds an object that was not there when the column was coded: another
        /// Python thread changed the array while it was priced without the GIL.
        changed: AtomicBool,
    },
}

impl TableColumn<'_> {
    /// Whether another thread changed this object column while it was priced (its prices are
    /// then not to be trusted).
    pub fn changed(&self) -> bool {
        matches!(self, TableColumn::Objects { changed, .. } if changed.load(Ordering::Relaxed))
    }
}

/// The distinct objects of an object column, by address: each one's code and the first row
/// holding it (codes in order of first rows). Addresses are only compared, never followed; the
/// caller's object array keeps every object alive, so equal addresses are the same object (and
/// tables read by pandas share one string object per distinct text, so objects are few).
pub fn distinct_objects(objects: &[Py<PyAny>]) -> (FxHashMap<usize, u32>, Vec<usize>) {
    let mut codes = FxHashMap::default();
    let mut first_rows = Vec::new();
    let mut recent = Recent::new();
    for (row, object) in objects.iter().enumerate() {
        recent.code(object.as_ptr() as usize, |address| {
            *codes.entry(address).or_insert_with(|| {
                first_rows.push(row);
                (first_rows.len() - 1) as u32
            })
        });
    }
    (codes, first_rows)
}

/// Recent objects, direct-mapped by address (objects are 16-byte aligned), in front of a map:
/// with a few dozen distinct objects nearly every row is found here, without hashing.
struct Recent {
    slots: [(usize, u32); Recent::SLOTS],
}

impl Recent {
    const SLOTS: usize = 256;

    fn new() -> Self {
        Recent {
            slots: [(0, 0); Recent::SLOTS],
        }
    }

    /// The code of `address`, from `lookup` when it is not a recent one.
    #[inline]
    fn code(&mut self, address: usize, lookup: impl FnOnce(usize) -> u32) -> u32 {
        let slot = &mut self.slots[(address >> 4) % Recent::SLOTS];
        // Address 0 is no object's, so an empty slot never matches.
        if slot.0 != address || address == 0 {
            *slot = (address, lookup(address));
        }
        slot.1
    }
}

/// A pricing thread's buffers for one column's slice of rows.
enum Scratch {
    /// The column is read in place.
    None,
    /// Integers converted to numbers.
    Floats(Vec<f64>),
    /// Objects converted to codes.
    Codes(Vec<u32>, Box<Recent>),
}

impl Scratch {
    fn for_column(column: &TableColumn<'_>) -> Self {
        match column {
            TableColumn::Integers(_) => Scratch::Floats(Vec::with_capacity(SLICE)),
            TableColumn::Objects { .. } => {
                Scratch::Codes(Vec::with_capacity(SLICE), Box::new(Recent::new()))
            }
            _ => Scratch::None,
        }
    }

    /// Converts the column's `rows` into this buffer, if the column needs converting.
    fn fill(&mut self, column: &TableColumn<'_>, rows: std::ops::Range<usize>) {
        match (self, column) {
            (Scratch::Floats(numbers), TableColumn::Integers(integers)) => {
                numbers.clear();
                numbers.extend(integers[rows].iter().map(|&x| x as f64));
            }
            (
                Scratch::Codes(codes, recent),
                TableColumn::Objects {
                    objects,
                    codes: by,
                    changed,
                    ..
                },
            ) => {
                codes.clear();
                codes.extend(objects[rows].iter().map(|object| {
                    recent.code(object.as_ptr() as usize, |address| {
                        by.get(&address).copied().unwrap_or_else(|| {
                            changed.store(true, Ordering::Relaxed);
                            u32::MAX
                        })
                    })
                }));
            }
            _ => {}
        }
    }

    /// The column's `rows` as model-core reads them (after [`Scratch::fill`]).
    fn column<'s>(
        &'s self,
        column: &'s TableColumn<'_>,
        rows: std::ops::Range<usize>,
    ) -> Column<'s> {
        match (self, column) {
            (_, TableColumn::Floats(numbers)) => Column::Numbers(&numbers[rows]),
            (_, TableColumn::Codes { codes, values }) => Column::Codes {
                codes: &codes[rows],
                values,
            },
            (Scratch::Floats(numbers), _) => Column::Numbers(numbers),
            (Scratch::Codes(codes, _), TableColumn::Objects { values, .. }) => {
                Column::Codes { codes, values }
            }
            _ => unreachable!("converted columns have their buffers"),
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
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let part = rows.div_ceil(threads).max(ROWS_PER_THREAD);
    if rows <= part {
        return price_part(model, columns, 0, prices);
    }
    let results: Vec<Result<(), ColumnsError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = prices
            .chunks_mut(part)
            .enumerate()
            .map(|(i, out)| scope.spawn(move || price_part(model, columns, i * part, out)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("pricing does not panic"))
            .collect()
    });
    // Parts are in row order, so the first part's error is the first row's.
    results.into_iter().collect()
}

/// Prices the rows `first..first + out.len()` into `out`, a slice of rows at a time.
fn price_part(
    model: &Model,
    columns: &[TableColumn<'_>],
    first: usize,
    out: &mut [f64],
) -> Result<(), ColumnsError> {
    let mut scratch: Vec<Scratch> = columns.iter().map(Scratch::for_column).collect();
    if out.is_empty() {
        // A table of no rows is still checked against the model.
        return price_slice(model, columns, &mut scratch, first, out);
    }
    for (i, out) in out.chunks_mut(SLICE).enumerate() {
        price_slice(model, columns, &mut scratch, first + i * SLICE, out)?;
    }
    Ok(())
}

/// Prices the rows `start..start + out.len()` into `out`, converting them in `scratch`.
fn price_slice(
    model: &Model,
    columns: &[TableColumn<'_>],
    scratch: &mut [Scratch],
    start: usize,
    out: &mut [f64],
) -> Result<(), ColumnsError> {
    let rows = start..start + out.len();
    for (scratch, column) in scratch.iter_mut().zip(columns) {
        scratch.fill(column, rows.clone());
    }
    let named: Vec<(&str, Column<'_>)> = model
        .attributes()
        .zip(scratch.iter().zip(columns))
        .map(|(attribute, (scratch, column))| {
            (
                attribute.name.as_str(),
                scratch.column(column, rows.clone()),
            )
        })
        .collect();
    model
        .price_columns(&named, out)
        .map_err(|error| match error {
            ColumnsError::Row { row, error } => ColumnsError::Row {
                row: start + row,
                error,
            },
            other => other,
        })
}
