//! Test helpers: the packaged model, and its attributes picked by kind rather than by name, so
//! the tests keep working when the model is retrained with other attributes.

use model_core::{Attribute, AttributeKind, Model};

/// The default model the site ships.
pub const MODEL_JSON: &str = include_str!("../../assets/model.json");

/// The default model, validated.
pub fn model() -> Model {
    Model::from_json(MODEL_JSON).expect("the packaged model is valid")
}

/// A numeric attribute with its training range and default: the `n`th one, or the first
/// physically positive one with `positive`.
pub fn numeric(model: &Model, n: usize, positive: bool) -> (String, f64, f64, f64) {
    model
        .attributes()
        .filter_map(|a| match a.kind {
            AttributeKind::Numeric {
                min,
                max,
                default,
                positive: p,
                ..
            } if p || !positive => Some((a.name.clone(), min, max, default)),
            _ => None,
        })
        .nth(n)
        .expect("the model has enough numeric attributes")
}

/// The first categorical attribute with a trained category other than its default; returns the
/// attribute, that category and an untrained category if the model has one.
pub fn categorical(model: &Model) -> (&Attribute, String, Option<String>) {
    model
        .attributes()
        .find_map(|a| match &a.kind {
            AttributeKind::Categorical {
                categories,
                default,
                untrained,
                ..
            } => categories
                .iter()
                .find(|c| *c != default && !untrained.contains(c))
                .map(|other| (a, other.clone(), untrained.first().cloned())),
            AttributeKind::Numeric { .. } | AttributeKind::YesNo { .. } => None,
        })
        .expect("the model has a categorical attribute")
}
