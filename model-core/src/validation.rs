//! Checks a [`ModelDocument`] and compiles it into the parts [`crate::Model`] is assembled from.

use crate::car::{AttributeValue, Car, Slot};
use crate::compiled::{assemble, CompiledAttribute, CompiledFactor, CompiledTerm, FactorValue};
use crate::document::{
    Attribute, AttributeKind, Factor, ModelDocument, Term, FORMAT_MAJOR, FORMAT_NAME,
};
use crate::error::ModelError;
use crate::json::Json;
use crate::names::repeated;
use crate::number::format_number;
use crate::priceable;
use crate::transform::Transform;
use crate::ModelVersion;

/// Largest model document accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1_000_000;
/// Largest number of weights (numeric weights plus category weights) accepted.
pub const MAX_WEIGHTS: usize = 10_000;
/// Longest name (attribute, category, label) accepted, in bytes.
const MAX_NAME_BYTES: usize = 200;

/// Checks `format` and `format_version` on the raw JSON, before its shape.
pub(crate) fn check_format(json: &Json) -> Result<(), ModelError> {
    match json.get("format") {
        Some(Json::String(format)) if format == FORMAT_NAME => {}
        Some(Json::String(other)) => {
            return Err(ModelError::UnsupportedFormat {
                found: other.clone(),
            })
        }
        other => {
            return Err(ModelError::UnsupportedFormat {
                found: other.map_or("missing", Json::kind).to_string(),
            })
        }
    }
    check_format_version(
        json.get("format_version")
            .and_then(Json::as_str)
            .unwrap_or_default(),
    )
}

/// `<major>.<minor>`, both numbers, with the major version this build reads.
fn check_format_version(version: &str) -> Result<(), ModelError> {
    let known = version
        .parse::<ModelVersion>()
        .is_ok_and(|v| matches!(v.parts(), [major, _] if *major == u64::from(FORMAT_MAJOR)));
    if known {
        Ok(())
    } else {
        Err(ModelError::UnsupportedVersion {
            found: version.to_string(),
            supported: FORMAT_MAJOR,
        })
    }
}

fn finite(field: &dyn Fn() -> String, x: f64) -> Result<f64, ModelError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(ModelError::NonFinite { field: field() })
    }
}

fn name(field: &dyn Fn() -> String, text: &str) -> Result<(), ModelError> {
    if text.trim().is_empty() {
        return Err(ModelError::Empty { field: field() });
    }
    if text.len() > MAX_NAME_BYTES {
        return Err(invalid(
            field(),
            format!("is longer than {MAX_NAME_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> ModelError {
    ModelError::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

/// A validated document's pricing form.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// The target transform.
    pub(crate) target: Transform,
    /// The attributes, in document order.
    pub(crate) attributes: Vec<CompiledAttribute>,
    /// The terms, in document order.
    pub(crate) terms: Vec<CompiledTerm>,
    /// The reference car: every attribute at its default.
    pub(crate) reference: Car,
}

/// Validates a document and compiles its pricing form.
pub(crate) fn compile(document: &ModelDocument) -> Result<Compiled, ModelError> {
    if document.format != FORMAT_NAME {
        return Err(ModelError::UnsupportedFormat {
            found: document.format.clone(),
        });
    }
    check_format_version(&document.format_version)?;
    name(&|| "name".into(), &document.name)?;
    document
        .version
        .parse::<ModelVersion>()
        .map_err(|e| invalid("version", e.to_string()))?;
    name(&|| "created".into(), &document.created)?;
    name(&|| "target.name".into(), &document.target.name)?;
    let target = Transform::parse("target.transform".into(), &document.target.transform)?;
    finite(&|| "intercept".into(), document.intercept)?;
    check_training(document)?;
    check_interval(document)?;
    count_weights(document)?;

    let attributes = compile_attributes(document)?;
    check_ignored(document)?;
    let terms = compile_terms(document, &attributes)?;
    let mut attributes = attributes;
    for term in &terms {
        match term {
            CompiledTerm::Numeric {
                attribute,
                transform: Transform::Log,
                ..
            } => attributes[*attribute].must_be_positive = true,
            CompiledTerm::Interaction { factors, .. } => {
                for factor in factors {
                    if let FactorValue::Number(Transform::Log) = factor.value {
                        attributes[factor.attribute].must_be_positive = true;
                    }
                }
            }
            _ => {}
        }
    }
    let reference = assemble(&terms, reference_slots(document, &attributes)?);
    let reference_eta = terms
        .iter()
        .zip(&reference.inputs)
        .fold(document.intercept, |eta, (term, input)| {
            eta + term.effect(*input)
        });
    let reference_price = target.invert(reference_eta);
    if !(reference_price.is_finite() && reference_price > 0.0) {
        return Err(invalid(
            "terms",
            "give the reference car no finite positive price",
        ));
    }
    priceable::check(document, target, &attributes, &terms, &reference)?;
    Ok(Compiled {
        target,
        attributes,
        terms,
        reference,
    })
}

fn check_training(document: &ModelDocument) -> Result<(), ModelError> {
    let training = &document.training;
    finite(&|| "training.penalty".into(), training.penalty)?;
    finite(&|| "training.cv_mae".into(), training.cv_mae)?;
    finite(
        &|| "training.category_penalty".into(),
        training.category_penalty,
    )?;
    if training.category_penalty <= 0.0 {
        return Err(invalid(
            "training.category_penalty",
            format!(
                "must be > 0, found {}",
                format_number(training.category_penalty)
            ),
        ));
    }
    if training.penalty < 0.0 {
        return Err(invalid(
            "training.penalty",
            format!("must be >= 0, found {}", format_number(training.penalty)),
        ));
    }
    if let Some(metrics) = &document.test_metrics {
        for (field, value) in [
            ("r2", metrics.r2),
            ("mae", metrics.mae),
            ("rmse", metrics.rmse),
            ("mape", metrics.mape),
        ] {
            finite(&|| format!("test_metrics.{field}"), value)?;
        }
    }
    Ok(())
}

fn check_interval(document: &ModelDocument) -> Result<(), ModelError> {
    let interval = &document.interval;
    let level = finite(&|| "interval.level".into(), interval.level)?;
    let lower = finite(&|| "interval.lower".into(), interval.lower)?;
    let upper = finite(&|| "interval.upper".into(), interval.upper)?;
    if !(level > 0.0 && level < 1.0) {
        return Err(invalid(
            "interval.level",
            format!("must be between 0 and 1, found {}", format_number(level)),
        ));
    }
    if lower > 0.0 || upper < 0.0 {
        return Err(invalid(
            "interval",
            format!(
                "must contain the prediction: lower {} must be <= 0 and upper {} >= 0",
                format_number(lower),
                format_number(upper)
            ),
        ));
    }
    Ok(())
}

fn count_weights(document: &ModelDocument) -> Result<(), ModelError> {
    let count: usize = document
        .terms
        .iter()
        .map(|term| match term {
            Term::Numeric { .. } | Term::Interaction { .. } => 1,
            Term::Categorical { weights, .. } | Term::YesNo { weights, .. } => weights.len(),
        })
        .sum();
    let categories: usize = document
        .attributes
        .iter()
        .map(|a| match &a.kind {
            AttributeKind::Categorical { categories, .. } => categories.len(),
            AttributeKind::YesNo { .. } => 2,
            AttributeKind::Numeric { .. } => 1,
        })
        .sum();
    let count = count.max(categories);
    if count > MAX_WEIGHTS {
        return Err(ModelError::TooManyWeights {
            count,
            limit: MAX_WEIGHTS,
        });
    }
    Ok(())
}

fn compile_attributes(document: &ModelDocument) -> Result<Vec<CompiledAttribute>, ModelError> {
    if document.attributes.is_empty() {
        return Err(ModelError::Empty {
            field: "attributes".into(),
        });
    }
    let mut compiled = Vec::with_capacity(document.attributes.len());
    for (i, attribute) in document.attributes.iter().enumerate() {
        compiled.push(compile_attribute(i, attribute)?);
    }
    if let Some(twice) = repeated(&attribute_names(document)) {
        return Err(ModelError::Duplicate {
            field: "attributes".into(),
            name: twice.to_string(),
        });
    }
    Ok(compiled)
}

fn compile_attribute(i: usize, attribute: &Attribute) -> Result<CompiledAttribute, ModelError> {
    let field = |suffix: &str| format!("attributes[{i}].{suffix}");
    name(&|| field("name"), &attribute.name)?;
    let mut untrained_flags = Vec::new();
    let range = match &attribute.kind {
        AttributeKind::Numeric {
            min,
            max,
            default,
            positive,
            deciles,
            ..
        } => {
            let min = finite(&|| field("min"), *min)?;
            let max = finite(&|| field("max"), *max)?;
            let default = finite(&|| field("default"), *default)?;
            if min > max {
                return Err(invalid(
                    field("min"),
                    format!(
                        "{} is greater than max {}",
                        format_number(min),
                        format_number(max)
                    ),
                ));
            }
            if !(min..=max).contains(&default) {
                return Err(invalid(
                    field("default"),
                    format!(
                        "{} is outside {} to {}",
                        format_number(default),
                        format_number(min),
                        format_number(max)
                    ),
                ));
            }
            if *positive && min <= 0.0 {
                return Err(invalid(
                    field("min"),
                    format!("{} contradicts `positive`", format_number(min)),
                ));
            }
            check_deciles(&field, deciles)?;
            Some((min, max))
        }
        AttributeKind::Categorical {
            categories,
            default,
            untrained,
            labels,
            frequencies,
        } => {
            for (list, len) in [("labels", labels.len()), ("frequencies", frequencies.len())] {
                if len != 0 && len != categories.len() {
                    return Err(ModelError::LengthMismatch {
                        field: field(list),
                        expected: categories.len(),
                        found: len,
                    });
                }
            }
            check_shares(&field, frequencies)?;
            if categories.is_empty() {
                return Err(ModelError::Empty {
                    field: field("categories"),
                });
            }
            for (j, category) in categories.iter().enumerate() {
                name(&|| format!("attributes[{i}].categories[{j}]"), category)?;
            }
            if let Some(twice) =
                repeated(&categories.iter().map(String::as_str).collect::<Vec<_>>())
            {
                return Err(ModelError::Duplicate {
                    field: field("categories"),
                    name: twice.to_string(),
                });
            }
            let known = |name: &str| categories.iter().any(|c| c == name);
            if !known(default) {
                return Err(invalid(
                    field("default"),
                    format!("\"{default}\" is not one of the categories"),
                ));
            }
            for category in untrained {
                if !known(category) {
                    return Err(invalid(
                        field("untrained"),
                        format!("\"{category}\" is not one of the categories"),
                    ));
                }
                if category == default {
                    return Err(invalid(
                        field("untrained"),
                        format!("includes the default \"{default}\""),
                    ));
                }
            }
            untrained_flags = categories.iter().map(|c| untrained.contains(c)).collect();
            None
        }
        AttributeKind::YesNo { frequencies, .. } => {
            if !matches!(frequencies.len(), 0 | 2) {
                return Err(ModelError::LengthMismatch {
                    field: field("frequencies"),
                    expected: 2,
                    found: frequencies.len(),
                });
            }
            check_shares(&field, frequencies)?;
            None
        }
    };
    Ok(CompiledAttribute {
        name: attribute.name.clone(),
        must_be_positive: matches!(
            attribute.kind,
            AttributeKind::Numeric { positive: true, .. }
        ),
        range,
        untrained: untrained_flags,
    })
}

/// A term with one weight per value of its attribute (categories, or no and yes).
fn per_value_term(
    i: usize,
    attribute: usize,
    weights: &[f64],
    values: usize,
) -> Result<CompiledTerm, ModelError> {
    if weights.len() != values {
        return Err(ModelError::LengthMismatch {
            field: format!("terms[{i}].weights"),
            expected: values,
            found: weights.len(),
        });
    }
    for (j, w) in weights.iter().enumerate() {
        finite(&|| format!("terms[{i}].weights[{j}]"), *w)?;
    }
    Ok(CompiledTerm::Categorical {
        attribute,
        weights: weights.to_vec(),
    })
}

/// Monitoring deciles: none, or 9 finite numbers in ascending order.
fn check_deciles(field: &dyn Fn(&str) -> String, deciles: &[f64]) -> Result<(), ModelError> {
    if deciles.is_empty() {
        return Ok(());
    }
    if deciles.len() != 9 {
        return Err(ModelError::LengthMismatch {
            field: field("deciles"),
            expected: 9,
            found: deciles.len(),
        });
    }
    for (j, d) in deciles.iter().enumerate() {
        finite(&|| field(&format!("deciles[{j}]")), *d)?;
    }
    if deciles.windows(2).any(|w| w[0] > w[1]) {
        return Err(invalid(field("deciles"), "must be in ascending order"));
    }
    Ok(())
}

/// Monitoring shares: each between 0 and 1.
fn check_shares(field: &dyn Fn(&str) -> String, shares: &[f64]) -> Result<(), ModelError> {
    for (j, share) in shares.iter().enumerate() {
        if !(0.0..=1.0).contains(share) {
            return Err(invalid(
                field(&format!("frequencies[{j}]")),
                format!("{} is not a share between 0 and 1", format_number(*share)),
            ));
        }
    }
    Ok(())
}

fn attribute_names(document: &ModelDocument) -> Vec<&str> {
    document
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect()
}

fn check_ignored(document: &ModelDocument) -> Result<(), ModelError> {
    for (i, name_) in document.ignored_attributes.iter().enumerate() {
        name(&|| format!("ignored_attributes[{i}]"), name_)?;
    }
    let mut names: Vec<&str> = document
        .ignored_attributes
        .iter()
        .map(String::as_str)
        .collect();
    names.extend(attribute_names(document));
    match repeated(&names) {
        Some(twice) => Err(ModelError::Duplicate {
            field: "ignored_attributes".into(),
            name: twice.to_string(),
        }),
        None => Ok(()),
    }
}

fn compile_terms(
    document: &ModelDocument,
    attributes: &[CompiledAttribute],
) -> Result<Vec<CompiledTerm>, ModelError> {
    if document.terms.is_empty() {
        return Err(ModelError::Empty {
            field: "terms".into(),
        });
    }
    let mut used = vec![false; attributes.len()];
    let mut terms = Vec::with_capacity(document.terms.len());
    for (i, term) in document.terms.iter().enumerate() {
        terms.push(compile_term(i, term, document, attributes, &mut used)?);
    }
    if let Some(unused) = used.iter().position(|u| !u) {
        return Err(invalid(
            format!("attributes[{unused}]"),
            format!(
                "\"{}\" has no term; remove it or add a term",
                attributes[unused].name
            ),
        ));
    }
    Ok(terms)
}

fn compile_term(
    i: usize,
    term: &Term,
    document: &ModelDocument,
    attributes: &[CompiledAttribute],
    used: &mut [bool],
) -> Result<CompiledTerm, ModelError> {
    let field = |suffix: &str| format!("terms[{i}].{suffix}");
    if let Term::Interaction { factors, weight } = term {
        return compile_interaction(i, factors, *weight, document, attributes, used);
    }
    let name = term.attributes()[0];
    let index = attribute_index(attributes, name, || field("attribute"))?;
    used[index] = true;
    let kind = &document.attributes[index].kind;
    match (term, kind) {
        (
            Term::Numeric {
                transform,
                center,
                scale,
                weight,
                ..
            },
            AttributeKind::Numeric { min, .. },
        ) => {
            let transform = numeric_transform(name, transform, *min, &|s| field(s))?;
            let (center, scale) = center_scale(*center, *scale, &|s| field(s))?;
            let weight = finite(&|| field("weight"), *weight)?;
            Ok(CompiledTerm::Numeric {
                attribute: index,
                transform,
                center,
                slope: weight / scale,
            })
        }
        (Term::Categorical { weights, .. }, AttributeKind::Categorical { categories, .. }) => {
            per_value_term(i, index, weights, categories.len())
        }
        (Term::YesNo { weights, .. }, AttributeKind::YesNo { .. }) => {
            per_value_term(i, index, weights, 2)
        }
        _ => Err(invalid(
            field("kind"),
            format!("does not match the kind of attribute \"{name}\""),
        )),
    }
}

/// The index of the attribute a term or factor names.
fn attribute_index(
    attributes: &[CompiledAttribute],
    name: &str,
    field: impl Fn() -> String,
) -> Result<usize, ModelError> {
    attributes
        .iter()
        .position(|a| a.name == name)
        .ok_or_else(|| invalid(field(), format!("\"{name}\" is not in `attributes`")))
}

/// A numeric term's or factor's transform, checked against the attribute's training minimum.
fn numeric_transform(
    name: &str,
    transform: &str,
    min: f64,
    field: &dyn Fn(&str) -> String,
) -> Result<Transform, ModelError> {
    let transform = Transform::parse(field("transform"), transform)?;
    if transform == Transform::Log && min <= 0.0 {
        return Err(invalid(
            field("transform"),
            format!(
                "is log, but attribute \"{name}\" has min {} <= 0",
                format_number(min)
            ),
        ));
    }
    Ok(transform)
}

/// A finite centre and a finite scale > 0.
fn center_scale(
    center: f64,
    scale: f64,
    field: &dyn Fn(&str) -> String,
) -> Result<(f64, f64), ModelError> {
    let center = finite(&|| field("center"), center)?;
    let scale = finite(&|| field("scale"), scale)?;
    if scale <= 0.0 {
        return Err(invalid(
            field("scale"),
            format!("must be > 0, found {}", format_number(scale)),
        ));
    }
    Ok((center, scale))
}

/// An interaction: two factors of two different attributes, each of the matching kind.
fn compile_interaction(
    i: usize,
    factors: &[Factor],
    weight: f64,
    document: &ModelDocument,
    attributes: &[CompiledAttribute],
    used: &mut [bool],
) -> Result<CompiledTerm, ModelError> {
    let [first, second] = factors else {
        return Err(ModelError::LengthMismatch {
            field: format!("terms[{i}].factors"),
            expected: 2,
            found: factors.len(),
        });
    };
    let weight = finite(&|| format!("terms[{i}].weight"), weight)?;
    let mut compiled = Vec::with_capacity(2);
    for (j, factor) in [first, second].into_iter().enumerate() {
        let field = |suffix: &str| format!("terms[{i}].factors[{j}].{suffix}");
        let name = factor.attribute();
        let index = attribute_index(attributes, name, || field("attribute"))?;
        let value = match (factor, &document.attributes[index].kind) {
            (Factor::Numeric { transform, .. }, AttributeKind::Numeric { min, .. }) => {
                FactorValue::Number(numeric_transform(name, transform, *min, &field)?)
            }
            (
                Factor::Indicator { category, .. },
                AttributeKind::Categorical { categories, .. },
            ) => FactorValue::Indicator(
                categories
                    .iter()
                    .position(|c| c == category)
                    .ok_or_else(|| {
                        invalid(
                            field("category"),
                            format!("\"{category}\" is not a category of \"{name}\""),
                        )
                    })? as u32,
            ),
            (Factor::Indicator { category, .. }, AttributeKind::YesNo { .. }) => {
                FactorValue::Indicator(match category.as_str() {
                    "no" => 0,
                    "yes" => 1,
                    _ => {
                        return Err(invalid(
                            field("category"),
                            format!("\"{category}\" is not \"yes\" or \"no\", the categories of yes/no \"{name}\""),
                        ))
                    }
                })
            }
            _ => {
                return Err(invalid(
                    field("attribute"),
                    format!("\"{name}\" is not of the factor's kind (transform: numeric; category: categorical or yes/no)"),
                ))
            }
        };
        let (center, scale) = match factor {
            Factor::Numeric { center, scale, .. } | Factor::Indicator { center, scale, .. } => {
                center_scale(*center, *scale, &field)?
            }
        };
        used[index] = true;
        compiled.push(CompiledFactor {
            attribute: index,
            value,
            center,
            scale,
        });
    }
    if compiled[0].attribute == compiled[1].attribute {
        return Err(invalid(
            format!("terms[{i}].factors"),
            format!(
                "both read \"{}\"; an interaction needs two different attributes",
                first.attribute()
            ),
        ));
    }
    Ok(CompiledTerm::Interaction {
        factors: [compiled[0], compiled[1]],
        weight,
    })
}

fn reference_slots(
    document: &ModelDocument,
    attributes: &[CompiledAttribute],
) -> Result<Vec<Slot>, ModelError> {
    let mut slots = Vec::with_capacity(attributes.len());
    for (i, (attribute, compiled)) in document.attributes.iter().zip(attributes).enumerate() {
        let value = match &attribute.kind {
            AttributeKind::Numeric { default, .. } => AttributeValue::Number(*default),
            AttributeKind::Categorical { default, .. } => AttributeValue::Text(default.clone()),
            AttributeKind::YesNo { default, .. } => {
                AttributeValue::Number(f64::from(u8::from(*default)))
            }
        };
        let slot = compiled
            .slot(attribute, &value)
            .map_err(|e| invalid(format!("attributes[{i}].default"), e.to_string()))?;
        slots.push(slot);
    }
    Ok(slots)
}
