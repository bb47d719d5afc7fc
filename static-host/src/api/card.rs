//! The model card: what a caller needs to know about the served model, without its weights.

use model_core::{Attribute, Interval, Metrics, Model, Target, TrainingInfo};
use serde::Serialize;

/// The public description of a model: identity, provenance, inputs, interval and test metrics.
#[derive(Debug, Serialize)]
pub struct ModelCard<'m> {
    /// Model family name.
    pub name: &'m str,
    /// Release version.
    pub version: &'m str,
    /// When it was trained.
    pub created: &'m str,
    /// What trained it.
    pub trainer: &'m str,
    /// How it was trained.
    pub training: &'m TrainingInfo,
    /// The predicted quantity.
    pub target: &'m Target,
    /// The attributes a car needs, in form order.
    pub attributes: &'m [Attribute],
    /// The prediction interval settings.
    pub interval: &'m Interval,
    /// Metrics on held-out test rows, when known.
    pub test_metrics: Option<&'m Metrics>,
    /// Column order of the `{"data": [[...]]}` form of `/api/score`.
    pub data_columns: &'static [&'static str],
}

impl<'m> ModelCard<'m> {
    /// The card of a model.
    pub fn of(model: &'m Model) -> Self {
        let document = model.document();
        ModelCard {
            name: &document.name,
            version: &document.version,
            created: &document.created,
            trainer: &document.trainer,
            training: &document.training,
            target: &document.target,
            attributes: &document.attributes,
            interval: &document.interval,
            test_metrics: document.test_metrics.as_ref(),
            data_columns: super::PUBLISHED_COLUMNS,
        }
    }
}
