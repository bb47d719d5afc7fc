//! Reads a [`ModelDocument`] from parsed JSON, field by field, naming the field in every error.

use super::{Attribute, AttributeKind, Interval, ModelDocument, Target, Term, TrainingInfo};
use crate::json::{Fields, Json, JsonError};
use crate::Metrics;

impl ModelDocument {
    /// Reads the document's shape from parsed JSON (no validation of its values: see
    /// [`crate::Model::try_from`]).
    ///
    /// # Errors
    /// [`JsonError::Shape`] naming the first field that is missing or of the wrong type.
    pub fn from_json_value(json: &Json) -> Result<ModelDocument, JsonError> {
        let root = Fields::of(json, "")?;
        Ok(ModelDocument {
            format: root.text("format")?,
            format_version: root.text("format_version")?,
            name: root.text("name")?,
            version: root.text("version")?,
            created: root.text("created")?,
            trainer: root.text("trainer")?,
            training: training(&root.object("training")?)?,
            target: target(&root.object("target")?)?,
            intercept: root.number("intercept")?,
            attributes: attributes(&root)?,
            ignored_attributes: root.optional_texts("ignored_attributes")?,
            terms: terms(&root)?,
            interval: interval(&root.object("interval")?)?,
            test_metrics: root
                .optional_object("test_metrics")?
                .map(|m| metrics(&m))
                .transpose()?,
        })
    }
}

fn training(fields: &Fields) -> Result<TrainingInfo, JsonError> {
    Ok(TrainingInfo {
        rows: fields.count("rows")?,
        data_sha256: fields.text("data_sha256")?,
        penalty: fields.number("penalty")?,
        category_penalty: fields.optional_number("category_penalty")?.unwrap_or(1.0),
        cv_method: fields.text("cv_method")?,
        cv_mae: fields.number("cv_mae")?,
        notes: fields.optional_texts("notes")?,
    })
}

fn target(fields: &Fields) -> Result<Target, JsonError> {
    Ok(Target {
        name: fields.text("name")?,
        unit: fields.text("unit")?,
        transform: fields.text("transform")?,
    })
}

fn attributes(root: &Fields) -> Result<Vec<Attribute>, JsonError> {
    let mut attributes = Vec::new();
    for fields in root.objects("attributes")? {
        attributes.push(attribute(&fields)?);
    }
    Ok(attributes)
}

fn terms(root: &Fields) -> Result<Vec<Term>, JsonError> {
    let mut terms = Vec::new();
    for fields in root.objects("terms")? {
        terms.push(term(&fields)?);
    }
    Ok(terms)
}

fn attribute(fields: &Fields) -> Result<Attribute, JsonError> {
    let kind = match kind(fields)? {
        Kind::Numeric => AttributeKind::Numeric {
            unit: fields.optional_text("unit")?.unwrap_or_default(),
            min: fields.number("min")?,
            max: fields.number("max")?,
            default: fields.number("default")?,
            integer: fields.flag("integer")?,
            positive: fields.flag("positive")?,
        },
        Kind::Categorical => AttributeKind::Categorical {
            categories: fields.texts("categories")?,
            default: fields.text("default")?,
            untrained: fields.optional_texts("untrained")?,
        },
    };
    Ok(Attribute {
        name: fields.text("name")?,
        label: fields.text("label")?,
        group: fields.text("group")?,
        kind,
    })
}

fn term(fields: &Fields) -> Result<Term, JsonError> {
    Ok(match kind(fields)? {
        Kind::Numeric => Term::Numeric {
            attribute: fields.text("attribute")?,
            transform: fields.text("transform")?,
            center: fields.number("center")?,
            scale: fields.number("scale")?,
            weight: fields.number("weight")?,
        },
        Kind::Categorical => Term::Categorical {
            attribute: fields.text("attribute")?,
            weights: fields.numbers("weights")?,
        },
    })
}

fn interval(fields: &Fields) -> Result<Interval, JsonError> {
    Ok(Interval {
        level: fields.number("level")?,
        lower: fields.number("lower")?,
        upper: fields.number("upper")?,
    })
}

fn metrics(fields: &Fields) -> Result<Metrics, JsonError> {
    Ok(Metrics {
        rows: fields.count("rows")?,
        r2: fields.number("r2")?,
        mae: fields.number("mae")?,
        rmse: fields.number("rmse")?,
        mape: fields.number("mape")?,
    })
}

/// The `kind` tag of attributes and terms.
enum Kind {
    Numeric,
    Categorical,
}

fn kind(fields: &Fields) -> Result<Kind, JsonError> {
    match fields.text("kind")?.as_str() {
        "numeric" => Ok(Kind::Numeric),
        "categorical" => Ok(Kind::Categorical),
        other => Err(JsonError::Shape {
            field: fields.path("kind"),
            problem: format!("is \"{other}\"; expected \"numeric\" or \"categorical\""),
        }),
    }
}
