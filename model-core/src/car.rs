//! Cars as people describe them (named attribute values) and as a model evaluates them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One attribute value as given by a person or a file: a number or a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeValue {
    /// A number, e.g. `111` for horsepower.
    Number(f64),
    /// A name, e.g. `"audi"`; numeric attributes also accept numeric text such as `"111"`.
    Text(String),
}

impl From<f64> for AttributeValue {
    fn from(value: f64) -> Self {
        AttributeValue::Number(value)
    }
}

impl From<&str> for AttributeValue {
    fn from(value: &str) -> Self {
        AttributeValue::Text(value.to_string())
    }
}

impl From<String> for AttributeValue {
    fn from(value: String) -> Self {
        AttributeValue::Text(value)
    }
}

/// A car described by named attribute values, e.g. `{"make": "audi", "horsepower": 102, ...}`.
///
/// Which names are needed is defined by the model ([`crate::Model::attributes`]), so a model with
/// other attributes needs no code change. Turn it into a [`Car`] with [`crate::Model::car`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CarDescription(pub BTreeMap<String, AttributeValue>);

impl CarDescription {
    /// An empty description.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets one attribute, replacing any earlier value.
    pub fn set(&mut self, attribute: impl Into<String>, value: impl Into<AttributeValue>) {
        self.0.insert(attribute.into(), value.into());
    }

    /// The value given for an attribute.
    pub fn get(&self, attribute: &str) -> Option<&AttributeValue> {
        self.0.get(attribute)
    }
}

impl<K: Into<String>, V: Into<AttributeValue>> FromIterator<(K, V)> for CarDescription {
    /// Inserts the pairs one by one (a later value replaces an earlier one of the same name).
    /// `BTreeMap`'s own `collect` sorts first, which adds a sort to the web app's download.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = BTreeMap::new();
        map.extend(iter.into_iter().map(|(k, v)| (k.into(), v.into())));
        CarDescription(map)
    }
}

/// The value of one attribute once checked against a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Slot {
    /// A finite number inside the attribute's domain.
    Number(f64),
    /// Index into the attribute's categories.
    Category(u32),
}

/// A car checked against one model: every attribute present, valid and in the model's order.
///
/// Only [`crate::Model::car`] and [`crate::Model::default_car`] make one, so pricing it cannot fail
/// on bad input.
#[derive(Debug, Clone, PartialEq)]
pub struct Car {
    /// One value per attribute, in model order.
    pub(crate) slots: Vec<Slot>,
    /// One input per model term: the transformed number (logs taken once, here) or the category
    /// index, so pricing is plain arithmetic.
    pub(crate) inputs: Vec<f64>,
}
