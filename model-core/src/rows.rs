//! Pricing a table's rows from their text cells (a CSV's records): the header is matched to the
//! model once, then each row is checked and priced, with its range and flags, without building a
//! named description or a full quote. Same bits and same errors as [`Model::car`] of the row's
//! description (its cells by column name; the target, ignored columns and columns the model does
//! not know left out, as pandas' extra columns are by the Python package) then [`Model::quote`].

use crate::car::{Car, Slot};
use crate::cells::is_missing;
use crate::columns::InputCache;
use crate::compiled::CompiledTerm;
use crate::error::CarError;
use crate::model::Model;
use crate::priceable::sane;
use crate::quote::{Extrapolation, PriceRange};

/// A table header matched to a model, pricing one row of text cells at a time.
///
/// Made by [`Model::row_pricer`]; it keeps per-row scratch space (and each log term's recent
/// inputs), so a thread prices with its own.
pub struct RowPricer<'m> {
    model: &'m Model,
    /// Per model attribute, the cell holding it (the last column of that name), if any.
    cells: Vec<Option<usize>>,
    /// Per term, the recent inputs of a numeric term.
    inputs: Vec<Option<InputCache>>,
    /// The row being priced.
    car: Car,
}

/// What the model says of one row: the price and range of its [`Model::quote`], and its flags.
#[derive(Debug, Clone, Copy)]
pub struct RowQuote<'p> {
    /// The price.
    pub price: f64,
    /// The prediction interval around the price.
    pub interval: PriceRange,
    model: &'p Model,
    car: &'p Car,
    /// Whether the row is inside the training data (no extrapolation to list).
    usual: bool,
}

impl<'p> RowQuote<'p> {
    /// The row's values unlike anything seen in training, as the quote lists them.
    pub fn extrapolations(&self) -> impl Iterator<Item = Extrapolation<'p>> + 'p {
        let (model, car) = (self.model, self.car);
        (!self.usual)
            .then(|| model.extrapolations(car))
            .into_iter()
            .flatten()
    }

    /// Attributes whose value was missing and priced at the model's default, as the quote lists
    /// them.
    pub fn imputed(&self) -> impl Iterator<Item = &'p str> + 'p {
        let attributes = &self.model.document().attributes;
        self.car
            .imputed
            .iter()
            .map(move |&i| attributes[i].name.as_str())
    }
}

impl Model {
    /// Matches a table's header (its column names, in order) to the model, for pricing its rows
    /// with [`RowPricer::quote`]. Only the model's attributes are read (a stock list's VIN or
    /// stock number is not priced, nor refused); an attribute without a column is missing in
    /// every row.
    pub fn row_pricer<'m>(&'m self, header: &[&str]) -> RowPricer<'m> {
        let attributes = self.compiled_attributes();
        let mut cells = vec![None; attributes.len()];
        for (cell, name) in header.iter().enumerate() {
            if let Some(index) = attributes.iter().position(|a| a.name == *name) {
                cells[index] = Some(cell);
            }
        }
        let inputs = self
            .compiled_terms()
            .iter()
            .map(|term| matches!(term, CompiledTerm::Numeric { .. }).then(InputCache::new))
            .collect();
        RowPricer {
            model: self,
            cells,
            inputs,
            car: self.default_car(),
        }
    }
}

impl RowPricer<'_> {
    /// Checks and prices one row given its cells, one per header column (already trimmed, as a
    /// CSV reader trims them); empty cells and the other missing markers are missing values.
    ///
    /// # Errors
    /// What [`Model::car`] then [`Model::quote`] say of the row's description: a missing,
    /// malformed or unknown value, or a value so far outside the training range that the price
    /// would not be a finite positive number.
    ///
    /// # Panics
    /// When `cells` is shorter than the header.
    pub fn quote(&mut self, cells: &[&str]) -> Result<RowQuote<'_>, CarError> {
        let model = self.model;
        let car = &mut self.car;
        car.imputed.clear();
        let mut inside = true;
        let mut untrained = false;
        for (index, ((slot, cell), (compiled, attribute))) in car
            .slots
            .iter_mut()
            .zip(&self.cells)
            .zip(model.compiled_attributes().iter().zip(model.attributes()))
            .enumerate()
        {
            match cell.map(|c| cells[c]).filter(|text| !is_missing(text)) {
                Some(text) => {
                    *slot = match compiled.valid_text_slot(attribute, text) {
                        Some(valid) => valid,
                        None => compiled.text_slot(attribute, text)?,
                    }
                }
                None => {
                    *slot = model.missing_slot(index)?;
                    car.imputed.push(index);
                }
            }
            match (*slot, compiled.range()) {
                (Slot::Number(x), Some((min, max))) => inside &= min <= x && x <= max,
                (Slot::Category(i), _) => untrained |= compiled.is_untrained(i),
                _ => {}
            }
        }
        // The linear predictor summed as `Model::quote` sums it, each term's input as
        // `Model::car` computes it.
        let mut eta = model.document().intercept;
        for ((term, input), cache) in model
            .compiled_terms()
            .iter()
            .zip(&mut car.inputs)
            .zip(&mut self.inputs)
        {
            *input = match (cache, term.attributes()) {
                (Some(cache), (attribute, _)) => match car.slots[attribute] {
                    Slot::Number(x) => cache.input(term, x),
                    Slot::Category(_) => unreachable!("numeric terms read numbers"),
                },
                (None, _) => term.input(&car.slots),
            };
            eta += term.effect(*input);
        }
        let document = model.document();
        let target = model.target();
        let price = target.invert(eta);
        let low = target.invert(eta + document.interval.lower);
        let high = target.invert(eta + document.interval.upper);
        let car = &self.car;
        // Validation guarantees a car inside the ranges a finite positive price, range and
        // contributions; any other car takes the full quote's checks.
        if !(inside && sane(price) && sane(low) && sane(high)) {
            let quote = model.quote(car)?;
            return Ok(RowQuote {
                price: quote.price,
                interval: quote.interval,
                model,
                car,
                usual: false,
            });
        }
        Ok(RowQuote {
            price,
            interval: PriceRange {
                level: document.interval.level,
                low,
                high,
            },
            model,
            car,
            usual: !untrained,
        })
    }
}
