//! Training: from a car table to a validated [`Model`], with every choice made by cross-validation.
//!
//! The recipe (see [`recipe`]) encodes categories one-hot and numbers as standardised identity or
//! log transforms, models the log of the price with ridge regression, and picks the terms and the
//! penalty by exact leave-one-out cross-validation on the training rows only, so the same table
//! and options give a byte-identical model.

mod design;
mod loo;
mod recipe;

use ndarray::Array1;

use crate::catalogue::{attribute_info, form_position};
use crate::document::{
    Attribute, AttributeKind, Interval, ModelDocument, Target, Term, TrainingInfo, FORMAT_NAME,
    FORMAT_VERSION,
};
use crate::error::{DataError, TrainError};
use crate::metrics::Metrics;
use crate::model::Model;
use crate::table::CarTable;
use crate::transform::Transform;
use crate::ModelVersion;
use design::{Candidate, Column, Encoding};

/// Settings of a training run. Everything not listed here is chosen by cross-validation.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// Model family name.
    pub name: String,
    /// Release version of the trained model.
    pub version: String,
    /// Creation time to record (RFC 3339); an input so that training is reproducible.
    pub created: String,
    /// Target column.
    pub target: String,
    /// Coverage of the prediction interval, e.g. 0.8.
    pub interval_level: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            name: "car-price".into(),
            version: "1.0.0".into(),
            created: "1970-01-01T00:00:00Z".into(),
            target: "price".into(),
            interval_level: 0.8,
        }
    }
}

/// Name of the trainer recorded in models.
const TRAINER: &str = concat!("carprice ", env!("CARGO_PKG_VERSION"), " ridge-cv");

/// Trains a model on the rows of `data` not listed in `held_out`, and records its metrics on the
/// held-out rows when there are any.
///
/// The category lists come from the whole table (the data set's vocabulary); a category that only
/// held-out rows have gets weight 0 and is listed as `untrained`, so quotes for it are flagged.
/// Nothing else is learned from held-out rows.
///
/// # Errors
/// [`TrainError`] for bad options, too few rows, a missing or non-positive target, unreadable columns,
/// or held-out rows the model cannot price.
pub fn train(
    data: &CarTable,
    held_out: &[usize],
    options: &TrainOptions,
) -> Result<Model, TrainError> {
    check_options(options)?;
    let (training, test) = data.split(held_out)?;
    let training_rows: Vec<usize> = (0..data.len()).filter(|r| !held_out.contains(r)).collect();
    let needed = 10;
    if training.len() < needed {
        return Err(TrainError::TooFewRows {
            rows: training.len(),
            needed,
        });
    }
    let prices = training.numbers(&options.target)?;
    if let Some((row, &value)) = prices.iter().enumerate().find(|(_, p)| **p <= 0.0) {
        return Err(TrainError::BadTarget { row, value });
    }
    let y: Vec<f64> = prices.iter().map(|p| libm::log(*p)).collect();
    let names: Vec<&str> = data
        .columns()
        .iter()
        .map(String::as_str)
        .filter(|c| *c != options.target)
        .collect();
    let columns = names
        .iter()
        .map(|name| Ok(read_column(data, name)?.subset(&training_rows)))
        .collect::<Result<Vec<_>, TrainError>>()?;

    let y = Array1::from(y);
    let choice = recipe::choose(&columns, y.view())?;
    let residuals: Vec<f64> = y
        .iter()
        .zip(&choice.fit.held_out)
        .map(|(a, p)| a - p)
        .collect();
    let (lower, upper) = central_range(&residuals, options.interval_level);
    let (attributes, terms) = describe_terms(
        &names,
        &columns,
        &choice.candidates,
        &choice.design.encodings,
        &choice.fit.weights,
    );
    let mut notes = vec![format!(
        "terms and penalties chosen by exact leave-one-out cross-validation (mean absolute error in {} units)",
        options.target
    )];
    if !choice.dropped.is_empty() {
        let dropped: Vec<&str> = choice.dropped.iter().map(|&a| names[a]).collect();
        notes.push(format!(
            "attributes left out by cross-validation: {}",
            dropped.join(", ")
        ));
    }
    let mut document = ModelDocument {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION.into(),
        name: options.name.clone(),
        version: options.version.clone(),
        created: options.created.clone(),
        trainer: TRAINER.into(),
        training: TrainingInfo {
            rows: training.len(),
            data_sha256: training.sha256().to_string(),
            penalty: choice.lambda,
            category_penalty: choice.category_penalty,
            cv_method: "leave-one-out".into(),
            cv_mae: choice.score,
            notes,
        },
        target: Target {
            name: options.target.clone(),
            unit: "USD".into(),
            transform: Transform::Log.name().into(),
        },
        intercept: choice.fit.intercept,
        attributes,
        ignored_attributes: choice
            .dropped
            .iter()
            .map(|&a| names[a].to_string())
            .collect(),
        terms,
        interval: Interval {
            level: options.interval_level,
            lower,
            upper,
        },
        test_metrics: None,
    };
    let model = Model::try_from(document.clone())?;
    if held_out.is_empty() {
        return Ok(model);
    }
    document.test_metrics = Some(test_metrics(&model, &test, &options.target)?);
    Ok(Model::try_from(document)?)
}

fn check_options(options: &TrainOptions) -> Result<(), TrainError> {
    if !(options.interval_level > 0.0 && options.interval_level < 1.0) {
        return Err(TrainError::IntervalLevel(options.interval_level));
    }
    options.version.parse::<ModelVersion>()?;
    Ok(())
}

/// Reads a column as numbers if every cell is one, otherwise as categories (sorted).
fn read_column(table: &CarTable, name: &str) -> Result<Column, TrainError> {
    if let Ok(values) = table.numbers(name) {
        return Ok(Column::Numeric(values));
    }
    let texts = table.texts(name)?;
    // A mostly numeric column with a stray cell is a data error, not a category list.
    let numeric = texts
        .iter()
        .filter(|t| crate::parse_number(t).is_some())
        .count();
    if numeric * 10 >= texts.len() * 9 {
        return Err(table
            .numbers(name)
            .expect_err("not all cells are numbers")
            .into());
    }
    if let Some(row) = texts.iter().position(|t| t.is_empty()) {
        return Err(DataError::BadValue {
            line: table.line(row),
            column: name.to_string(),
            value: String::new(),
            problem: "is empty; fill it in or drop the row".into(),
        }
        .into());
    }
    let mut categories: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
    categories.sort();
    categories.dedup();
    let codes = texts
        .iter()
        .map(|t| {
            categories
                .binary_search_by(|c| c.as_str().cmp(t))
                .expect("listed above")
        })
        .collect();
    Ok(Column::Categorical { categories, codes })
}

/// The offsets below and above which `(1 - level) / 2` of the residuals fall.
fn central_range(residuals: &[f64], level: f64) -> (f64, f64) {
    let mut sorted = residuals.to_vec();
    sorted.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    let lower = quantile(&sorted, tail).min(0.0);
    let upper = quantile(&sorted, 1.0 - tail).max(0.0);
    (lower, upper)
}

/// Linear-interpolation quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// Builds the attributes and terms of the document from the chosen candidates and fitted weights,
/// in form order (known attributes first, in the catalogue's order).
fn describe_terms(
    names: &[&str],
    columns: &[Column],
    candidates: &[Candidate],
    encodings: &[Encoding],
    weights: &Array1<f64>,
) -> (Vec<Attribute>, Vec<Term>) {
    let mut used: Vec<usize> = candidates.iter().map(|c| c.attribute()).collect();
    used.sort_by_key(|&a| (form_position(names[a]), a));
    used.dedup();
    let attributes = used
        .iter()
        .map(|&a| describe_attribute(names[a], &columns[a]))
        .collect();

    let mut offsets = Vec::with_capacity(candidates.len());
    let mut offset = 0;
    for candidate in candidates {
        offsets.push(offset);
        offset += candidate.width(columns);
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| (used.iter().position(|&a| a == candidates[i].attribute()), i));
    let terms = order
        .into_iter()
        .map(|i| {
            let name = names[candidates[i].attribute()].to_string();
            match (candidates[i], &encodings[i]) {
                (Candidate::Numeric { transform, .. }, Encoding::Numeric(s)) => Term::Numeric {
                    attribute: name,
                    transform: transform.name().into(),
                    center: s.center,
                    scale: s.scale,
                    weight: weights[offsets[i]],
                },
                (_, Encoding::OneHot(scales)) => Term::Categorical {
                    attribute: name,
                    // Indicators were divided by their spread; fold that into the category weight.
                    weights: scales
                        .iter()
                        .enumerate()
                        .map(|(c, scale)| weights[offsets[i] + c] / scale)
                        .collect(),
                },
                (Candidate::OneHot { .. }, Encoding::Numeric(_)) => {
                    unreachable!("encodings follow candidate kinds")
                }
            }
        })
        .collect();
    (attributes, terms)
}

fn describe_attribute(name: &str, column: &Column) -> Attribute {
    let info = attribute_info(name);
    let label = if info.label.is_empty() {
        name
    } else {
        info.label
    };
    let kind = match column {
        Column::Numeric(values) => {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            AttributeKind::Numeric {
                unit: info.unit.into(),
                min: sorted[0],
                max: sorted[sorted.len() - 1],
                // The lower median: a value some car really has.
                default: sorted[(sorted.len() - 1) / 2],
                integer: values.iter().all(|v| v.fract() == 0.0),
                positive: sorted[0] > 0.0,
            }
        }
        Column::Categorical { categories, codes } => {
            let mut counts = vec![0usize; categories.len()];
            for &c in codes {
                counts[c] += 1;
            }
            // Most frequent; ties go to the first in sorted order.
            let most = (0..categories.len())
                .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
                .expect("a categorical column has categories");
            AttributeKind::Categorical {
                categories: categories.clone(),
                default: categories[most].clone(),
                untrained: (0..categories.len())
                    .filter(|&i| counts[i] == 0)
                    .map(|i| categories[i].clone())
                    .collect(),
            }
        }
    };
    Attribute {
        name: name.into(),
        label: label.into(),
        group: info.group.into(),
        kind,
    }
}

fn test_metrics(model: &Model, test: &CarTable, target: &str) -> Result<Metrics, TrainError> {
    let actual = test.numbers(target)?;
    let predicted = (0..test.len())
        .map(|row| {
            model
                .car(&test.description(row, &[target]))
                .and_then(|car| model.price(&car))
                .map_err(|source| TrainError::TestCar {
                    line: test.line(row),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Metrics::measure(&actual, &predicted)?)
}
