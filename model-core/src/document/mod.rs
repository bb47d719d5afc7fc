//! The model document as it is stored: plain types with public fields, written with serde and
//! read by [`read`] (the crate's small JSON reader, which keeps the web app's download small).
//!
//! A [`ModelDocument`] is *unchecked*: anything that parses as JSON of the right shape can be one.
//! Turn it into a [`crate::Model`] with [`crate::Model::try_from`] to get a value that is known to be
//! valid. Field names here are the JSON contract (see the crate docs for an example document).

mod read;

use serde::Serialize;

/// The value of `format` in every carprice model document.
pub const FORMAT_NAME: &str = "carprice-model";
/// The major format version this build reads; any minor version of it is accepted.
pub const FORMAT_MAJOR: u32 = 1;
/// The format version this build writes.
pub const FORMAT_VERSION: &str = "1.0";

/// A car price model as stored in JSON. Unknown fields (from newer minor versions) are ignored;
/// absent optional fields read as their defaults.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDocument {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// `"<major>.<minor>"`; readers accept any minor version of the major they know.
    pub format_version: String,
    /// Model family name, e.g. `car-price`.
    pub name: String,
    /// Release version: dot-separated numbers, ordered numerically (see [`crate::ModelVersion`]).
    pub version: String,
    /// When the model was trained (RFC 3339), an input to training so that training is reproducible.
    pub created: String,
    /// What produced the model, e.g. `carprice 0.1.0 ridge-cv`.
    pub trainer: String,
    /// How the model was trained.
    pub training: TrainingInfo,
    /// The predicted quantity.
    pub target: Target,
    /// Value of the linear predictor before any term is added (in target-transform space).
    pub intercept: f64,
    /// The input attributes the model expects, in the order a form should show them.
    pub attributes: Vec<Attribute>,
    /// Data set columns the model accepts in a car description but does not use (e.g. removed by
    /// cross-validation), so full car records price without error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_attributes: Vec<String>,
    /// The additive terms of the linear predictor; each belongs to one attribute.
    pub terms: Vec<Term>,
    /// Prediction interval around a price, from leave-one-out residuals.
    pub interval: Interval,
    /// Metrics measured on held-out test rows, when the trainer had them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_metrics: Option<crate::Metrics>,
}

/// Provenance of a trained model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingInfo {
    /// Number of rows the final model was fitted on.
    pub rows: usize,
    /// sha256 (hex) of the training CSV file.
    pub data_sha256: String,
    /// The ridge penalty chosen by cross-validation.
    pub penalty: f64,
    /// Extra factor on the penalty of category indicator columns, chosen by cross-validation
    /// (1 when absent).
    pub category_penalty: f64,
    /// How the settings were cross-validated, e.g. `leave-one-out`.
    pub cv_method: String,
    /// Cross-validated mean absolute error of the chosen settings, in target units.
    pub cv_mae: f64,
    /// Free-form notes on choices the trainer made (e.g. transforms picked by cross-validation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The predicted quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Column name, e.g. `price`.
    pub name: String,
    /// Unit shown to users, e.g. `USD`.
    pub unit: String,
    /// `identity` or `log`: the linear predictor models `transform(target)`.
    pub transform: String,
}

/// One input attribute of a car.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    /// Attribute name as it appears in car descriptions and CSV headers.
    pub name: String,
    /// Human label for forms.
    pub label: String,
    /// Form section, e.g. `identity`, `body`, `engine`, `economy`.
    pub group: String,
    /// What values the attribute takes.
    #[serde(flatten)]
    pub kind: AttributeKind,
}

/// The values an attribute takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttributeKind {
    /// A number.
    Numeric {
        /// Unit shown next to the input, e.g. `hp`; empty when unitless.
        unit: String,
        /// Smallest value seen in training.
        min: f64,
        /// Largest value seen in training.
        max: f64,
        /// Value of the reference car (the training median).
        default: f64,
        /// Whether training only saw whole numbers.
        integer: bool,
        /// Whether the quantity is physically positive (every training value was > 0).
        positive: bool,
    },
    /// One of a fixed list of names.
    Categorical {
        /// The known categories.
        categories: Vec<String>,
        /// Category of the reference car (the most frequent in training).
        default: String,
        /// Categories of the data set that no training row had: priced with weight 0 and flagged.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        untrained: Vec<String>,
    },
}

/// One additive term of the linear predictor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Term {
    /// `weight * (transform(x) - center) / scale`.
    Numeric {
        /// Name of a numeric attribute.
        attribute: String,
        /// `identity` or `log`.
        transform: String,
        /// Training mean of `transform(x)`.
        center: f64,
        /// Training standard deviation of `transform(x)`; > 0.
        scale: f64,
        /// Coefficient of the standardised value.
        weight: f64,
    },
    /// `weights[index of category]`.
    Categorical {
        /// Name of a categorical attribute.
        attribute: String,
        /// One weight per category, in the attribute's category order.
        weights: Vec<f64>,
    },
}

impl Term {
    /// The attribute this term reads.
    pub fn attribute(&self) -> &str {
        match self {
            Term::Numeric { attribute, .. } | Term::Categorical { attribute, .. } => attribute,
        }
    }
}

/// A prediction interval, as offsets from the point prediction in target-transform space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interval {
    /// Coverage, e.g. 0.8 for an 80% interval.
    pub level: f64,
    /// Lower offset (<= 0 in practice): a log offset for a log target, dollars for identity.
    pub lower: f64,
    /// Upper offset.
    pub upper: f64,
}
