//! Cars as people describe them (named attribute values) and as a model evaluates them.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One attribute value as given by a person or a file: a number or a name.
///
/// From JSON, numbers and strings are read as such, `true`/`false` as the text `"true"`/`"false"`
/// (yes/no attributes take them) and `null` as the empty text, which means missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AttributeValue {
    /// A number, e.g. `111` for horsepower.
    Number(f64),
    /// A name, e.g. `"audi"`; numeric attributes also accept numeric text such as `"111"`.
    Text(String),
}

impl<'de> Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Value;

        impl Visitor<'_> for Value {
            type Value = AttributeValue;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a number, a string, true, false or null")
            }

            fn visit_f64<E>(self, x: f64) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Number(x))
            }

            fn visit_i64<E>(self, x: i64) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Number(x as f64))
            }

            fn visit_u64<E>(self, x: u64) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Number(x as f64))
            }

            fn visit_str<E>(self, text: &str) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Text(text.to_string()))
            }

            fn visit_bool<E>(self, flag: bool) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Text(flag.to_string()))
            }

            fn visit_unit<E>(self) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Text(String::new()))
            }

            fn visit_none<E>(self) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Text(String::new()))
            }
        }

        deserializer.deserialize_any(Value)
    }
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
///
/// Names are unique and kept in the order they were first set (a model's descriptions are in its
/// attribute order). A plain list rather than a map: descriptions have a few dozen entries, and
/// a map type would add its code to the web app's download. [`CarDescription::set`] looks the
/// name up (linear in the entries); building one from many pairs at once (`collect`, or reading
/// a JSON object) sorts them instead, so a hostile object of `n` keys costs `n log n`. Reads
/// from and writes as a JSON object; when a name repeats, the last value wins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CarDescription(Vec<(String, AttributeValue)>);

impl CarDescription {
    /// An empty description.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets one attribute, replacing any earlier value.
    pub fn set(&mut self, attribute: impl Into<String>, value: impl Into<AttributeValue>) {
        let (attribute, value) = (attribute.into(), value.into());
        match self.0.iter_mut().find(|(name, _)| *name == attribute) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((attribute, value)),
        }
    }

    /// The value given for an attribute.
    pub fn get(&self, attribute: &str) -> Option<&AttributeValue> {
        self.0
            .iter()
            .find(|(name, _)| name == attribute)
            .map(|(_, value)| value)
    }

    /// Removes an attribute, returning its value.
    pub fn remove(&mut self, attribute: &str) -> Option<AttributeValue> {
        let index = self.0.iter().position(|(name, _)| name == attribute)?;
        Some(self.0.remove(index).1)
    }

    /// The named values, in the order they were first set.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &AttributeValue)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value))
    }

    /// How many attributes are given.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no attribute is given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, V: Into<AttributeValue>> FromIterator<(K, V)> for CarDescription {
    /// The pairs as if set one by one: a later value replaces an earlier one of the same name,
    /// names keep the place they were first given. Costs `n log n` in the pairs.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let pairs = iter
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()))
            .collect();
        CarDescription::from_pairs(pairs)
    }
}

impl CarDescription {
    /// [`CarDescription::set`] for every pair in turn, by sorting instead of a lookup per pair.
    fn from_pairs(pairs: Vec<(String, AttributeValue)>) -> Self {
        let (names, values): (Vec<String>, Vec<AttributeValue>) = pairs.into_iter().unzip();
        // Each name is kept at its first position, with the value from its last.
        let mut value_from = vec![None; names.len()];
        let keys: Vec<&str> = names.iter().map(String::as_str).collect();
        let order = crate::json::sorted_positions(&keys);
        for run in order.chunk_by(|&a, &b| keys[a] == keys[b]) {
            value_from[run[0]] = run.last().copied();
        }
        let mut values: Vec<Option<AttributeValue>> = values.into_iter().map(Some).collect();
        let entries = names
            .into_iter()
            .zip(value_from)
            .filter_map(|(name, source)| Some((name, values[source?].take()?)))
            .collect();
        CarDescription(entries)
    }
}

impl IntoIterator for CarDescription {
    type Item = (String, AttributeValue);
    type IntoIter = std::vec::IntoIter<(String, AttributeValue)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Serialize for CarDescription {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for CarDescription {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;

        impl<'de> Visitor<'de> for Entries {
            type Value = CarDescription;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an object of attribute values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(pair) = map.next_entry::<String, AttributeValue>()? {
                    pairs.push(pair);
                }
                Ok(CarDescription::from_pairs(pairs))
            }
        }

        deserializer.deserialize_map(Entries)
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
    /// Attributes (model order) whose value was missing and imputed with the default.
    pub(crate) imputed: Vec<usize>,
    /// One input per model term: the transformed number (logs taken once, here) or the category
    /// index, so pricing is plain arithmetic.
    pub(crate) inputs: Vec<f64>,
}
