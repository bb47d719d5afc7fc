//! Pricing a table column by column: each distinct value checked once, every row priced with the
//! same arithmetic, in the same order, as [`Model::price`] of [`Model::car`], so to the same bits.
//!
//! A table of a million rows has a few dozen distinct categories; checking each once with
//! [`Model::check_value`] and handing the rows over as codes into them (and numbers as flat
//! slices) skips building and checking a named description per row.

use crate::car::{AttributeValue, Slot};
use crate::cells::is_missing;
use crate::compiled::{assemble, CompiledTerm};
use crate::document::AttributeKind;
use crate::error::CarError;
use crate::model::Model;
use crate::priceable::sane;

/// Rows are priced in blocks of this many: each term is added over a block at a time, which the
/// compiler vectorises, while a block's partial sums stay in the cache.
const BLOCK: usize = 256;

/// One value checked against one attribute of a model by [`Model::check_value`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckedValue {
    attribute: usize,
    slot: Slot,
}

/// One attribute's values for every row of a table.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// One number per row, checked as [`Model::car`] checks a number; NaN marks a missing value
    /// ([`CarError::Missing`]), as in pandas and Arrow tables converted to numbers.
    Numbers(&'a [f64]),
    /// Per row an index into `values`: the column's distinct values, each checked once with
    /// [`Model::check_value`]. A value that failed keeps its error, reported for the first row
    /// that uses it; a code past the end of `values` (e.g. `u32::MAX`) marks a missing value.
    Codes {
        /// One code per row.
        codes: &'a [u32],
        /// The distinct values.
        values: &'a [Result<CheckedValue, CarError>],
    },
}

impl<'a> Column<'a> {
    /// How many rows the column has.
    pub fn len(&self) -> usize {
        match self {
            Column::Numbers(numbers) => numbers.len(),
            Column::Codes { codes, .. } => codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column's rows `range` (e.g. to price a table in parts on several threads).
    ///
    /// # Panics
    /// When `range` is outside the column, as slicing does.
    pub fn rows(&self, range: std::ops::Range<usize>) -> Column<'a> {
        match *self {
            Column::Numbers(numbers) => Column::Numbers(&numbers[range]),
            Column::Codes { codes, values } => Column::Codes {
                codes: &codes[range],
                values,
            },
        }
    }
}

/// Why a table could not be priced.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnsError {
    /// A row that [`Model::car`] or [`Model::price`] refuses: the first one, in row order.
    #[error("row {row}: {error}")]
    Row {
        /// 0-based row.
        row: usize,
        /// What [`Model::car`] or [`Model::price`] says of the row.
        error: CarError,
    },
    /// A column the model does not know, or no column for an attribute the model needs.
    #[error("{0}")]
    Column(CarError),
    /// Two columns for one attribute.
    #[error("`{attribute}` is given twice; give one column per attribute")]
    Duplicate {
        /// Attribute name.
        attribute: String,
    },
    /// A column whose length differs from the output's.
    #[error("column `{attribute}` has {rows} rows, but {expected} prices are asked for")]
    Length {
        /// Attribute name.
        attribute: String,
        /// The column's rows.
        rows: usize,
        /// The output's length.
        expected: usize,
    },
    /// A coded column whose values were checked for another attribute.
    #[error("column `{attribute}` holds values checked for another attribute; check them with Model::check_value for `{attribute}`")]
    ForeignValue {
        /// Attribute name.
        attribute: String,
    },
}

/// One term's additions to the rows' linear predictors.
enum TermColumn<'a> {
    /// `slope * (transform(x) - center)` per row, as [`CompiledTerm::effect`] computes it.
    Numbers {
        term: &'a CompiledTerm,
        numbers: &'a [f64],
        inputs: InputCache,
    },
    /// The effect of each distinct value, looked up by code.
    Codes { codes: &'a [u32], effects: Vec<f64> },
    /// An interaction: its two attributes' checked values, row by row.
    Pair {
        term: &'a CompiledTerm,
        first: Column<'a>,
        second: Column<'a>,
    },
}

/// A numeric term's recent inputs (`ln x` for log terms), direct-mapped by the bits of `x`: car
/// tables repeat a few hundred distinct numbers, and a lookup costs a fraction of `libm::log`.
/// Misses are computed by the term itself, so the bits are those of pricing car by car.
pub(crate) struct InputCache {
    entries: Vec<(u64, f64)>,
}

impl InputCache {
    const BITS: u32 = 10;
    /// A NaN's bits: never those of a checked number, so no empty entry is ever taken for one.
    const EMPTY: u64 = u64::MAX;

    pub(crate) fn new() -> Self {
        InputCache {
            entries: vec![(Self::EMPTY, 0.0); 1 << Self::BITS],
        }
    }

    /// The term's input for the checked number `x`.
    #[inline]
    pub(crate) fn input(&mut self, term: &CompiledTerm, x: f64) -> f64 {
        let bits = x.to_bits();
        // Fibonacci hashing: the top bits of the product spread nearby numbers apart.
        let index = bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS);
        let entry = &mut self.entries[index as usize];
        if entry.0 != bits {
            *entry = (bits, term.input_of(Slot::Number(x), Slot::Number(x)));
        }
        entry.1
    }
}

impl Model {
    /// Checks one value of one attribute, as [`Model::car`] does, for [`Column::Codes`]. `None` is
    /// a missing value.
    ///
    /// # Errors
    /// [`CarError::UnknownAttribute`] for a name the model does not price with, and otherwise the
    /// error [`Model::car`] gives for this value.
    pub fn check_value(
        &self,
        attribute: &str,
        value: Option<&AttributeValue>,
    ) -> Result<CheckedValue, CarError> {
        let index = self.attribute_index(attribute)?;
        let slot = match value {
            Some(AttributeValue::Text(text)) if is_missing(text) => self.missing_slot(index)?,
            None => self.missing_slot(index)?,
            Some(value) => {
                self.compiled_attributes()[index].slot(&self.document().attributes[index], value)?
            }
        };
        Ok(CheckedValue {
            attribute: index,
            slot,
        })
    }

    /// Prices every row of a table given as named columns, writing `out[row]`: the same bits as
    /// [`Model::price`] of [`Model::car`] for each row. Columns named in
    /// [`crate::ModelDocument::ignored_attributes`] are ignored.
    ///
    /// # Errors
    /// [`ColumnsError::Row`] for the first row, in row order, that [`Model::car`] or
    /// [`Model::price`] refuses (the rows before it are written); [`ColumnsError::Column`] for an
    /// unknown column or a missing one; [`ColumnsError::Duplicate`], [`ColumnsError::Length`] and
    /// [`ColumnsError::ForeignValue`] for columns that do not fit together.
    pub fn price_columns(
        &self,
        columns: &[(&str, Column<'_>)],
        out: &mut [f64],
    ) -> Result<(), ColumnsError> {
        let by_attribute = self.match_columns(columns, out.len())?;
        let mut terms = self.term_columns(&by_attribute);
        let mut eta = [0.0; BLOCK];
        for (block, prices) in out.chunks_mut(BLOCK).enumerate() {
            let first = block * BLOCK;
            let rows = first..first + prices.len();
            let all_valid = by_attribute
                .iter()
                .enumerate()
                .all(|(index, column)| self.valid(index, &column.rows(rows.clone())));
            if !all_valid {
                self.price_rows_one_by_one(&by_attribute, rows, prices)?;
                continue;
            }
            let eta = &mut eta[..prices.len()];
            eta.fill(self.document().intercept);
            for term in &mut terms {
                match term {
                    TermColumn::Numbers {
                        term,
                        numbers,
                        inputs,
                    } => {
                        for (eta, x) in eta.iter_mut().zip(&numbers[rows.clone()]) {
                            *eta += term.effect(inputs.input(term, *x));
                        }
                    }
                    TermColumn::Codes { codes, effects } => {
                        for (eta, code) in eta.iter_mut().zip(&codes[rows.clone()]) {
                            *eta += effects[*code as usize];
                        }
                    }
                    TermColumn::Pair {
                        term,
                        first,
                        second,
                    } => {
                        for (eta, row) in eta.iter_mut().zip(rows.clone()) {
                            let input =
                                term.input_of(valid_slot(first, row), valid_slot(second, row));
                            *eta += term.effect(input);
                        }
                    }
                }
            }
            for (offset, (price, eta)) in prices.iter_mut().zip(eta.iter()).enumerate() {
                *price = self.target().invert(*eta);
                if !sane(*price) {
                    // Rows before it are priced: this row's error (blaming the right
                    // attribute) is the table's.
                    let row = first + offset;
                    let price = std::slice::from_mut(price);
                    self.price_rows_one_by_one(&by_attribute, row..row + 1, price)?;
                }
            }
        }
        Ok(())
    }

    /// The model attribute's index for a name, or the error [`Model::car`] gives for it.
    fn attribute_index(&self, attribute: &str) -> Result<usize, CarError> {
        self.compiled_attributes()
            .iter()
            .position(|a| a.name == attribute)
            .ok_or_else(|| self.unknown_attribute(attribute))
    }

    /// One column per model attribute, in model order, each `rows` long.
    fn match_columns<'a>(
        &self,
        columns: &[(&str, Column<'a>)],
        rows: usize,
    ) -> Result<Vec<Column<'a>>, ColumnsError> {
        let mut by_attribute: Vec<Option<Column<'a>>> =
            vec![None; self.compiled_attributes().len()];
        for (name, column) in columns {
            if self.document().ignored_attributes.iter().any(|i| i == name) {
                continue;
            }
            let index = self.attribute_index(name).map_err(ColumnsError::Column)?;
            if by_attribute[index].is_some() {
                return Err(ColumnsError::Duplicate {
                    attribute: name.to_string(),
                });
            }
            if column.len() != rows {
                return Err(ColumnsError::Length {
                    attribute: name.to_string(),
                    rows: column.len(),
                    expected: rows,
                });
            }
            if let Column::Codes { values, .. } = column {
                if values.iter().flatten().any(|v| !self.fits(index, v)) {
                    return Err(ColumnsError::ForeignValue {
                        attribute: name.to_string(),
                    });
                }
            }
            by_attribute[index] = Some(*column);
        }
        by_attribute
            .into_iter()
            .zip(self.compiled_attributes())
            .map(|(column, attribute)| {
                column.ok_or_else(|| {
                    ColumnsError::Column(CarError::Missing {
                        attribute: attribute.name.clone(),
                    })
                })
            })
            .collect()
    }

    /// Whether a checked value belongs to attribute `index` of this model.
    fn fits(&self, index: usize, value: &CheckedValue) -> bool {
        let kind = &self.document().attributes[index].kind;
        value.attribute == index
            && match (value.slot, kind) {
                (Slot::Number(_), AttributeKind::Numeric { .. }) => true,
                (Slot::Category(i), AttributeKind::Categorical { categories, .. }) => {
                    (i as usize) < categories.len()
                }
                (Slot::Category(i), AttributeKind::YesNo { .. }) => i < 2,
                _ => false,
            }
    }

    /// Each term with the column it reads, distinct values' effects computed once.
    fn term_columns<'a>(&'a self, by_attribute: &[Column<'a>]) -> Vec<TermColumn<'a>> {
        self.compiled_terms()
            .iter()
            .map(|term| match term.attributes() {
                (first, Some(second)) => TermColumn::Pair {
                    term,
                    first: by_attribute[first],
                    second: by_attribute[second],
                },
                (attribute, None) => self.term_column(term, by_attribute[attribute]),
            })
            .collect()
    }

    /// A one-attribute term with the column it reads.
    fn term_column<'a>(&'a self, term: &'a CompiledTerm, column: Column<'a>) -> TermColumn<'a> {
        match column {
            Column::Numbers(numbers) => TermColumn::Numbers {
                term,
                numbers,
                inputs: InputCache::new(),
            },
            Column::Codes { codes, values } => TermColumn::Codes {
                codes,
                effects: values
                    .iter()
                    .map(|value| match value {
                        Ok(value) => term.effect(term.input_of(value.slot, value.slot)),
                        // Never read: rows using it fail the block's check.
                        Err(_) => 0.0,
                    })
                    .collect(),
            },
        }
    }

    /// Whether every row of a column holds a value [`Model::car`] accepts.
    fn valid(&self, index: usize, column: &Column<'_>) -> bool {
        match *column {
            Column::Numbers(numbers) => {
                let positive = self.compiled_attributes()[index].must_be_positive;
                numbers
                    .iter()
                    .fold(true, |ok, x| ok & x.is_finite() & (!positive | (*x > 0.0)))
            }
            Column::Codes { codes, values } => codes
                .iter()
                .all(|code| matches!(values.get(*code as usize), Some(Ok(_)))),
        }
    }

    /// The checked value of one row of a column.
    fn cell(&self, index: usize, column: &Column<'_>, row: usize) -> Result<Slot, CarError> {
        let attribute = &self.compiled_attributes()[index];
        match *column {
            Column::Numbers(numbers) if numbers[row].is_nan() => self.missing_slot(index),
            Column::Numbers(numbers) => attribute.slot(
                &self.document().attributes[index],
                &AttributeValue::Number(numbers[row]),
            ),
            Column::Codes { codes, values } => match values.get(codes[row] as usize) {
                Some(Ok(value)) => Ok(value.slot),
                Some(Err(error)) => Err(error.clone()),
                None => self.missing_slot(index),
            },
        }
    }

    /// Prices `rows` as [`Model::price`] of [`Model::car`] does, one car at a time: the path for
    /// blocks holding a row that fails, so the error is exactly the per-car one.
    fn price_rows_one_by_one(
        &self,
        by_attribute: &[Column<'_>],
        rows: std::ops::Range<usize>,
        out: &mut [f64],
    ) -> Result<(), ColumnsError> {
        for (row, price) in rows.zip(out) {
            let slots = by_attribute
                .iter()
                .enumerate()
                .map(|(index, column)| self.cell(index, column, row))
                .collect::<Result<Vec<_>, _>>();
            *price = slots
                .and_then(|slots| self.price(&assemble(self.compiled_terms(), slots)))
                .map_err(|error| ColumnsError::Row { row, error })?;
        }
        Ok(())
    }
}

/// The checked value of a row of a column in a block that passed [`Model::price_columns`]'s check.
#[inline]
fn valid_slot(column: &Column<'_>, row: usize) -> Slot {
    match *column {
        Column::Numbers(numbers) => Slot::Number(numbers[row]),
        Column::Codes { codes, values } => match &values[codes[row] as usize] {
            Ok(value) => value.slot,
            Err(_) => unreachable!("blocks with a refused value are priced car by car"),
        },
    }
}
