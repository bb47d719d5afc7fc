//! The validated model: the only way to price a car.

use serde::{Serialize, Serializer};

use crate::car::{AttributeValue, Car, CarDescription, Slot};
use crate::cells::is_missing;
use crate::compiled::{assemble, CompiledAttribute, CompiledTerm};
use crate::document::{AttributeKind, ModelDocument};
use crate::error::{CarError, ModelError};
use crate::json::Json;
use crate::priceable::{pushes_up, sane};
use crate::transform::Transform;
use crate::validation::{self, Compiled};

/// A model document that passed validation, ready to price cars.
///
/// Build one with [`Model::from_json`] or [`Model::try_from`] (from a [`ModelDocument`]), or by
/// training ([`crate::train`]). It serialises back to exactly its document.
#[derive(Debug, Clone)]
pub struct Model {
    document: ModelDocument,
    target: Transform,
    attributes: Vec<CompiledAttribute>,
    terms: Vec<CompiledTerm>,
    reference: Car,
    /// Each term's effect for the reference car, so explanations need not recompute them.
    reference_effects: Vec<f64>,
    reference_price: f64,
}

impl Model {
    /// Reads and validates a model file's bytes: the one rule every carprice reader applies to a
    /// model file (CLI, server, registry): UTF-8 text, then [`Model::from_json`].
    ///
    /// # Errors
    /// [`ModelError::NotUtf8`] for bytes that are not UTF-8, else as [`Model::from_json`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ModelError> {
        let text = core::str::from_utf8(bytes).map_err(|e| ModelError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        Model::from_json(text)
    }

    /// Reads and validates a model document.
    ///
    /// # Errors
    /// [`ModelError`] naming the field and the problem, for malformed JSON, unknown formats and
    /// anything [`Model::try_from`] rejects.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        if text.len() > validation::MAX_DOCUMENT_BYTES {
            return Err(ModelError::TooLarge {
                bytes: text.len(),
                limit: validation::MAX_DOCUMENT_BYTES,
            });
        }
        // Check the format before the shape, so a different kind of file gets the clearer error.
        let json = Json::parse(text)?;
        validation::check_format(&json)?;
        Model::try_from(ModelDocument::from_json_value(&json)?)
    }

    /// The document as pretty-printed JSON with a trailing newline (deterministic).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.document)
            .expect("a validated document holds only finite numbers and strings");
        text.push('\n');
        text
    }

    /// The underlying document.
    pub fn document(&self) -> &ModelDocument {
        &self.document
    }

    /// The model's release version.
    pub fn version(&self) -> &str {
        &self.document.version
    }

    /// The attributes a car needs, in form order.
    pub fn attributes(&self) -> impl ExactSizeIterator<Item = &crate::document::Attribute> {
        self.document.attributes.iter()
    }

    /// The reference car: every attribute at its default (training median or most frequent).
    pub fn default_car(&self) -> Car {
        self.reference.clone()
    }

    /// The price of the reference car (may be infinite only in a model that failed validation).
    pub fn reference_price(&self) -> f64 {
        self.reference_price
    }

    /// The reference car as a description, e.g. to fill a form.
    pub fn default_description(&self) -> CarDescription {
        self.describe(&self.reference)
    }

    /// Names the values of a checked car.
    pub fn describe(&self, car: &Car) -> CarDescription {
        self.document
            .attributes
            .iter()
            .zip(&car.slots)
            .map(|(attribute, slot)| {
                let value = match (slot, &attribute.kind) {
                    (Slot::Number(x), _) => AttributeValue::Number(*x),
                    (Slot::Category(i), AttributeKind::Categorical { categories, .. }) => {
                        AttributeValue::Text(categories[*i as usize].clone())
                    }
                    (Slot::Category(i), AttributeKind::YesNo { .. }) => {
                        AttributeValue::Text(if *i == 1 { "yes" } else { "no" }.into())
                    }
                    (Slot::Category(_), AttributeKind::Numeric { .. }) => {
                        unreachable!("slots are built from the attribute kinds")
                    }
                };
                (attribute.name.clone(), value)
            })
            .collect()
    }

    /// Checks a described car against the model.
    ///
    /// # Errors
    /// [`CarError`] naming the first attribute that is unknown, missing, of the wrong kind, an unknown
    /// category, or not positive where the quantity (or its log transform) must be.
    ///
    /// A value that is absent or a missing marker (see [`crate::is_missing`]) is missing; an
    /// attribute the model imputes then takes its default, and the quote lists it.
    pub fn car(&self, description: &CarDescription) -> Result<Car, CarError> {
        if let Some((unknown, _)) = description.iter().find(|(name, _)| {
            !self.attributes.iter().any(|a| a.name == *name)
                && !self.document.ignored_attributes.iter().any(|i| i == name)
        }) {
            return Err(self.unknown_attribute(unknown));
        }
        let mut slots = Vec::with_capacity(self.attributes.len());
        let mut imputed = Vec::new();
        for (i, (compiled, attribute)) in self
            .attributes
            .iter()
            .zip(&self.document.attributes)
            .enumerate()
        {
            match description.get(&attribute.name) {
                Some(AttributeValue::Text(text)) if is_missing(text) => {}
                Some(value) => {
                    slots.push(compiled.slot(attribute, value)?);
                    continue;
                }
                None => {}
            }
            slots.push(self.missing_slot(i)?);
            imputed.push(i);
        }
        let mut car = assemble(&self.terms, slots);
        car.imputed = imputed;
        Ok(car)
    }

    /// What a missing value of attribute `index` becomes: the default when the model imputes it.
    ///
    /// # Errors
    /// [`CarError::Missing`] when the model does not impute the attribute.
    pub(crate) fn missing_slot(&self, index: usize) -> Result<Slot, CarError> {
        if self.document.attributes[index].imputed {
            Ok(self.reference.slots[index])
        } else {
            Err(CarError::Missing {
                attribute: self.attributes[index].name.clone(),
            })
        }
    }

    /// The error [`Model::car`] gives for a value of an attribute the model does not know.
    pub(crate) fn unknown_attribute(&self, attribute: &str) -> CarError {
        CarError::UnknownAttribute {
            attribute: attribute.to_string(),
            known: self.attribute_names().join(", "),
        }
    }

    fn attribute_names(&self) -> Vec<&str> {
        self.attributes.iter().map(|a| a.name.as_str()).collect()
    }

    /// The linear predictor of a car (in target-transform space).
    pub(crate) fn linear_predictor(&self, car: &Car) -> f64 {
        self.terms
            .iter()
            .zip(&car.inputs)
            .fold(self.document.intercept, |eta, (term, input)| {
                eta + term.effect(*input)
            })
    }

    /// The linear predictor and, per attribute in model order, its change from the reference car.
    /// The predictor is summed in the same order as [`Model::linear_predictor`], so the two agree
    /// to the bit. An interaction's change is split between its two attributes: half to the first,
    /// the rest (exactly the change minus that half) to the second.
    pub(crate) fn explain(&self, car: &Car) -> (f64, Vec<f64>) {
        let mut deltas = vec![0.0; self.attributes.len()];
        let mut eta = self.document.intercept;
        for ((term, input), reference) in self
            .terms
            .iter()
            .zip(&car.inputs)
            .zip(&self.reference_effects)
        {
            let effect = term.effect(*input);
            eta += effect;
            let change = effect - reference;
            match term.attributes() {
                (attribute, None) => deltas[attribute] += change,
                (first, Some(second)) => {
                    let half = change / 2.0;
                    deltas[first] += half;
                    deltas[second] += change - half;
                }
            }
        }
        (eta, deltas)
    }

    /// The target transform.
    pub(crate) fn target(&self) -> Transform {
        self.target
    }

    pub(crate) fn compiled_attributes(&self) -> &[CompiledAttribute] {
        &self.attributes
    }

    pub(crate) fn compiled_terms(&self) -> &[CompiledTerm] {
        &self.terms
    }

    /// The price of a checked car.
    ///
    /// # Errors
    /// [`CarError::OutOfBounds`] when a value is so far outside the training range that the price
    /// is not a finite positive number.
    pub fn price(&self, car: &Car) -> Result<f64, CarError> {
        self.price_from_predictor(car, self.linear_predictor(car))
    }

    /// Turns a car's linear predictor into its price, or the error blaming the attribute responsible.
    pub(crate) fn price_from_predictor(&self, car: &Car, eta: f64) -> Result<f64, CarError> {
        let price = self.target.invert(eta);
        if sane(price) {
            Ok(price)
        } else {
            Err(self.out_of_bounds(car, &self.explain(car).1, pushes_up(price), None))
        }
    }

    /// Prices many checked cars; the fast path for batches.
    ///
    /// # Errors
    /// The first car that [`Model::price`] rejects.
    pub fn prices(&self, cars: &[Car]) -> Result<Vec<f64>, CarError> {
        cars.iter().map(|car| self.price(car)).collect()
    }

    /// The error for a car whose price, interval or contribution is not a finite positive number.
    ///
    /// Every car inside the ranges prices sanely (checked at validation), so the blame goes to the
    /// attribute outside its range whose change from the reference car pushes furthest in the
    /// failing direction (`upward`: towards infinity), or to `suspect` when it is outside its range.
    pub(crate) fn out_of_bounds(
        &self,
        car: &Car,
        deltas: &[f64],
        upward: bool,
        suspect: Option<usize>,
    ) -> CarError {
        let outside = |i: &usize| match (car.slots[*i], self.attributes[*i].range()) {
            (Slot::Number(x), Some((min, max))) => !(min..=max).contains(&x),
            _ => false,
        };
        let push = |i: &usize| if upward { deltas[*i] } else { -deltas[*i] };
        let index = suspect
            .filter(outside)
            .or_else(|| {
                (0..deltas.len())
                    .filter(outside)
                    .max_by(|a, b| push(a).total_cmp(&push(b)))
            })
            // Unreachable for a valid model; kept so that the error still names an attribute.
            .unwrap_or_else(|| {
                (0..deltas.len())
                    .max_by(|a, b| push(a).total_cmp(&push(b)))
                    .unwrap_or(0)
            });
        let (min, max) = self.attributes[index].range().unwrap_or((0.0, 0.0));
        CarError::OutOfBounds {
            attribute: self.attributes[index].name.clone(),
            value: match car.slots[index] {
                Slot::Number(x) => x,
                Slot::Category(i) => f64::from(i),
            },
            min,
            max,
        }
    }

    /// Assembles a model from a document and its validated pricing form.
    fn from_parts(document: ModelDocument, compiled: Compiled) -> Self {
        let Compiled {
            target,
            attributes,
            terms,
            reference,
        } = compiled;
        let reference_effects: Vec<f64> = terms
            .iter()
            .zip(&reference.inputs)
            .map(|(term, input)| term.effect(*input))
            .collect();
        let reference_eta = reference_effects
            .iter()
            .fold(document.intercept, |eta, effect| eta + effect);
        let reference_price = target.invert(reference_eta);
        Model {
            document,
            target,
            attributes,
            terms,
            reference,
            reference_effects,
            reference_price,
        }
    }
}

impl TryFrom<ModelDocument> for Model {
    type Error = ModelError;

    /// Validates a document: format, finite numbers, consistent lengths, unique names, known
    /// transforms, sizes within limits, defaults inside ranges, and a finite reference price.
    fn try_from(document: ModelDocument) -> Result<Self, Self::Error> {
        let compiled = validation::compile(&document)?;
        Ok(Model::from_parts(document, compiled))
    }
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        self.document == other.document
    }
}

impl Serialize for Model {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(serializer)
    }
}
