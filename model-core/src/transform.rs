//! Transforms of numbers: of an attribute before standardising, or of the target.

use crate::error::ModelError;

/// A transform of a number: of an attribute before standardising, or of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// `x`
    Identity,
    /// `ln x`, for x > 0.
    Log,
}

impl Transform {
    pub(crate) fn parse(field: String, name: &str) -> Result<Self, ModelError> {
        match name {
            "identity" => Ok(Transform::Identity),
            "log" => Ok(Transform::Log),
            _ => Err(ModelError::UnknownTransform {
                field,
                found: name.to_string(),
            }),
        }
    }

    /// The transform's name in documents.
    pub fn name(self) -> &'static str {
        match self {
            Transform::Identity => "identity",
            Transform::Log => "log",
        }
    }

    /// Applies the transform. Uses `libm` so that native and wasm builds give identical bits.
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Transform::Identity => x,
            Transform::Log => libm::log(x),
        }
    }

    /// Inverts the transform.
    pub fn invert(self, y: f64) -> f64 {
        match self {
            Transform::Identity => y,
            Transform::Log => libm::exp(y),
        }
    }
}
