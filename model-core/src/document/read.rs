//! Reads a [`ModelDocument`] from parsed JSON, field by field, naming the field in every error.

use super::{
    Attribute, AttributeKind, Factor, Interval, ModelDocument, Target, Term, TrainingInfo,
};
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
        let format = root.text("format")?;
        let format_version = root.text("format_version")?;
        let name = root.text("name")?;
        let version = root.text("version")?;
        let created = root.text("created")?;
        let trainer = root.text("trainer")?;
        let intercept = root.number("intercept")?;
        let interval = interval(&root.object("interval")?)?;
        let test_metrics = match root.optional_object("test_metrics")? {
            Some(fields) => Some(metrics(&fields)?),
            None => None,
        };
        let target = target(&root.object("target")?)?;
        let training = training(&root.object("training")?)?;
        let attributes = attributes(&root)?;
        let terms = terms(&root)?;
        let ignored_attributes = root.optional_texts("ignored_attributes")?;
        Ok(ModelDocument {
            format: format.into(),
            format_version: format_version.into(),
            name: name.into(),
            version: version.into(),
            created: created.into(),
            trainer: trainer.into(),
            training,
            target,
            intercept,
            attributes,
            ignored_attributes,
            terms,
            interval,
            test_metrics,
        })
    }
}

fn training(fields: &Fields) -> Result<TrainingInfo, JsonError> {
    let rows = fields.count("rows")?;
    let data_sha256 = fields.text("data_sha256")?;
    let penalty = fields.number("penalty")?;
    let category_penalty = fields.optional_number("category_penalty")?.unwrap_or(1.0);
    let cv_method = fields.text("cv_method")?;
    let cv_mae = fields.number("cv_mae")?;
    Ok(TrainingInfo {
        rows,
        data_sha256: data_sha256.into(),
        penalty,
        category_penalty,
        cv_method: cv_method.into(),
        cv_mae,
        notes: fields.optional_texts("notes")?,
    })
}

fn target(fields: &Fields) -> Result<Target, JsonError> {
    let (name, unit) = (fields.text("name")?, fields.text("unit")?);
    let transform = fields.text("transform")?;
    Ok(Target {
        name: name.into(),
        unit: unit.into(),
        transform: transform.into(),
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
    let name = fields.text("name")?;
    let label = fields.text("label")?;
    let group = fields.text("group")?;
    let kind = match kind(fields)? {
        Kind::Interaction => {
            return Err(JsonError::Shape {
                field: fields.path("kind"),
                problem: "is \"interaction\"; expected \"numeric\", \"categorical\" or \"yes_no\" for an attribute".into(),
            })
        }
        Kind::Numeric => {
            let (min, max) = (fields.number("min")?, fields.number("max")?);
            let default = fields.number("default")?;
            let (integer, positive) = (fields.flag("integer")?, fields.flag("positive")?);
            AttributeKind::Numeric {
                unit: fields.optional_text("unit")?.unwrap_or_default().into(),
                min,
                max,
                default,
                integer,
                positive,
                deciles: fields.optional_numbers("deciles")?,
            }
        }
        Kind::Categorical => {
            let default = fields.text("default")?;
            let categories = fields.texts("categories")?;
            AttributeKind::Categorical {
                categories,
                default: default.into(),
                untrained: fields.optional_texts("untrained")?,
                labels: fields.optional_texts("labels")?,
                frequencies: fields.optional_numbers("frequencies")?,
            }
        }
        Kind::YesNo => AttributeKind::YesNo {
            default: fields.flag("default")?,
            frequencies: fields.optional_numbers("frequencies")?,
        },
    };
    Ok(Attribute {
        name: name.into(),
        label: label.into(),
        group: group.into(),
        description: fields.optional_text("description")?.map(str::to_string),
        imputed: fields.flag("imputed")?,
        kind,
    })
}

fn term(fields: &Fields) -> Result<Term, JsonError> {
    let kind = kind(fields)?;
    if let Kind::Interaction = kind {
        let mut factors = Vec::new();
        for factor_fields in fields.objects("factors")? {
            factors.push(factor(&factor_fields)?);
        }
        return Ok(Term::Interaction {
            factors,
            weight: fields.number("weight")?,
        });
    }
    let attribute = fields.text("attribute")?;
    Ok(match kind {
        Kind::Numeric => {
            let transform = fields.text("transform")?;
            let (center, scale) = (fields.number("center")?, fields.number("scale")?);
            let weight = fields.number("weight")?;
            Term::Numeric {
                attribute: attribute.into(),
                transform: transform.into(),
                center,
                scale,
                weight,
            }
        }
        Kind::Categorical => Term::Categorical {
            attribute: attribute.into(),
            weights: fields.numbers("weights")?,
        },
        Kind::Interaction => unreachable!("read above"),
        Kind::YesNo => Term::YesNo {
            attribute: attribute.into(),
            weights: fields.numbers("weights")?,
        },
    })
}

/// A factor is numeric when it has a `transform`, an indicator when it has a `category`.
fn factor(fields: &Fields) -> Result<Factor, JsonError> {
    let attribute = fields.text("attribute")?.into();
    let (center, scale) = (fields.number("center")?, fields.number("scale")?);
    match (
        fields.optional_text("transform")?,
        fields.optional_text("category")?,
    ) {
        (Some(transform), None) => Ok(Factor::Numeric {
            attribute,
            transform: transform.into(),
            center,
            scale,
        }),
        (None, Some(category)) => Ok(Factor::Indicator {
            attribute,
            category: category.into(),
            center,
            scale,
        }),
        _ => Err(JsonError::Shape {
            field: fields.path("transform"),
            problem:
                "a factor needs exactly one of `transform` (numeric) and `category` (indicator)"
                    .into(),
        }),
    }
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
    YesNo,
    Interaction,
}

fn kind(fields: &Fields) -> Result<Kind, JsonError> {
    match fields.text("kind")? {
        "numeric" => Ok(Kind::Numeric),
        "categorical" => Ok(Kind::Categorical),
        "yes_no" => Ok(Kind::YesNo),
        "interaction" => Ok(Kind::Interaction),
        other => Err(JsonError::Shape {
            field: fields.path("kind"),
            problem: format!(
                "is \"{other}\"; expected \"numeric\", \"categorical\", \"yes_no\" or \"interaction\""
            ),
        }),
    }
}
