//! Training: from a car table to a validated [`Model`], with every choice made by cross-validation.
//!
//! The recipe (see [`recipe`]) encodes categories one-hot and numbers as standardised identity or
//! log transforms, models the log of the price with ridge regression, and picks the terms and the
//! penalty by exact leave-one-out cross-validation on the training rows only, so the same table
//! and options give a byte-identical model.

mod design;
mod kfold;
mod loo;
mod recipe;

use std::borrow::Cow;

use ndarray::Array1;

use crate::cells::{is_missing, parse_yes_no};
use crate::document::{
    Attribute, AttributeKind, Factor, Interval, ModelDocument, Target, Term, TrainingInfo,
    FORMAT_NAME, FORMAT_VERSION,
};
use crate::error::{DataError, TrainError};
use crate::metrics::Metrics;
use crate::model::Model;
use crate::schema::{KindOverride, Schema};
use crate::table::CarTable;
use crate::transform::Transform;
use crate::ModelVersion;
use design::{Candidate, Column, Encoding, Product};

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
    /// Columns left out of training (IDs such as `rownames`, a VIN or a stock number).
    pub ignore: Vec<String>,
    /// What to do with missing cells (see [`crate::is_missing`]).
    pub missing: MissingValues,
    /// Labels, units, groups, descriptions and kinds of the columns.
    pub schema: Schema,
    /// Coverage of the prediction interval, e.g. 0.8.
    pub interval_level: f64,
}

/// What training does with missing cells (empty, `?`, `NA`, `N/A`, `null`, `NaN`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingValues {
    /// Refuse the table, naming the column, the count and the first lines.
    #[default]
    Refuse,
    /// Leave out every row with a missing cell in a used column or the target.
    DropRows,
    /// Replace a missing attribute value by the training median (numbers) or most frequent value
    /// (categories, yes/no); the model records it and imputes cars the same way. Rows with a
    /// missing target are refused.
    Impute,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            name: "car-price".into(),
            version: "1.0.0".into(),
            created: "1970-01-01T00:00:00Z".into(),
            target: "price".into(),
            ignore: Vec::new(),
            missing: MissingValues::Refuse,
            schema: Schema::default(),
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
    let names = attribute_names(data, options)?;
    let (data, held_out) = complete_rows(data, held_out, &names, options)?;
    let data = data.as_ref();
    // The training rows are read in place: a copy of a million-row table would double the memory.
    let test = data.select(&held_out)?;
    let mut is_held_out = vec![false; data.len()];
    for &row in &held_out {
        is_held_out[row] = true;
    }
    let training_rows: Vec<usize> = (0..data.len()).filter(|&r| !is_held_out[r]).collect();
    let needed = 10;
    if training_rows.len() < needed {
        return Err(TrainError::TooFewRows {
            rows: training_rows.len(),
            needed,
        });
    }
    let all_prices = data.numbers(&options.target)?;
    let prices: Vec<f64> = training_rows.iter().map(|&r| all_prices[r]).collect();
    if let Some((row, &value)) = prices.iter().enumerate().find(|(_, p)| **p <= 0.0) {
        return Err(TrainError::BadTarget { row, value });
    }
    let y: Vec<f64> = prices.iter().map(|p| libm::log(*p)).collect();
    let read = names
        .iter()
        .map(|name| read_column(data, name, options, &training_rows))
        .collect::<Result<Vec<_>, TrainError>>()?;
    check_labels(&names, &read, &options.schema)?;
    let columns: Vec<Column> = read
        .iter()
        .map(|r| r.column.subset(&training_rows))
        .collect();

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
        &read,
        &options.schema,
        &choice.candidates,
        &choice.encodings,
        &choice.fit.weights,
    );
    let mut notes = vec![if choice.method == "leave-one-out" {
        format!(
            "terms and penalties chosen by exact leave-one-out cross-validation (mean absolute error in {} units)",
            options.target
        )
    } else {
        format!(
            "terms and penalties chosen by {} cross-validation (mean squared error of log {})",
            choice.method, options.target
        )
    }];
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
            rows: training_rows.len(),
            data_sha256: data.sha256().to_string(),
            penalty: choice.lambda,
            category_penalty: choice.category_penalty,
            cv_method: choice.method.clone(),
            cv_mae: choice.score,
            notes,
        },
        target: Target {
            name: options.target.clone(),
            unit: options
                .schema
                .attribute(&options.target)
                .and_then(|a| a.unit.clone())
                .unwrap_or_else(|| "USD".into()),
            transform: Transform::Log.name().into(),
        },
        intercept: choice.fit.intercept,
        attributes,
        // Columns left out by cross-validation, then by the options (IDs): a car description from
        // the same table may carry them.
        ignored_attributes: choice
            .dropped
            .iter()
            .map(|&a| names[a].to_string())
            .chain(options.ignore.iter().cloned())
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
    if test.is_empty() {
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
    if options.ignore.contains(&options.target) {
        return Err(TrainError::TargetIgnored {
            target: options.target.clone(),
        });
    }
    Ok(())
}

/// The attribute columns: every column but the target and the ignored ones, after checking that
/// the target, the ignored columns and the schema's columns exist.
fn attribute_names<'a>(
    data: &'a CarTable,
    options: &TrainOptions,
) -> Result<Vec<&'a str>, TrainError> {
    data.require_columns([options.target.as_str()])?;
    data.require_columns(options.ignore.iter().map(String::as_str))?;
    if let Some(entry) = options
        .schema
        .attributes
        .iter()
        .find(|a| !data.columns().contains(&a.name))
    {
        return Err(TrainError::Schema(format!(
            "`{}` is not a column of the table (columns: {})",
            entry.name,
            data.columns().join(", ")
        )));
    }
    if let Some(repeated) = crate::names::repeated(
        &options
            .schema
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
    ) {
        return Err(TrainError::Schema(format!("`{repeated}` is listed twice")));
    }
    let names: Vec<&str> = data
        .columns()
        .iter()
        .map(String::as_str)
        .filter(|c| *c != options.target && !options.ignore.iter().any(|i| i == c))
        .collect();
    if names.is_empty() {
        return Err(TrainError::NoAttributes {
            target: options.target.clone(),
        });
    }
    Ok(names)
}

/// Applies the missing-value policy to rows: refuses missing cells, or leaves out the rows that
/// have them (renumbering the held-out rows), or keeps every row for imputation (refusing only a
/// missing target).
fn complete_rows<'a>(
    data: &'a CarTable,
    held_out: &[usize],
    names: &[&str],
    options: &TrainOptions,
) -> Result<(Cow<'a, CarTable>, Vec<usize>), TrainError> {
    data.select(held_out)?;
    let checked: Vec<&str> = match options.missing {
        MissingValues::Impute => vec![options.target.as_str()],
        _ => std::iter::once(options.target.as_str())
            .chain(names.iter().copied())
            .collect(),
    };
    let mut incomplete = vec![false; data.len()];
    for column in checked {
        let rows = data.missing_rows(column)?;
        if !rows.is_empty() && options.missing != MissingValues::DropRows {
            return Err(TrainError::MissingValues {
                column: column.to_string(),
                count: rows.len(),
                lines: rows.iter().take(5).map(|&r| data.line(r)).collect(),
            });
        }
        for row in rows {
            incomplete[row] = true;
        }
    }
    if !incomplete.contains(&true) {
        return Ok((Cow::Borrowed(data), held_out.to_vec()));
    }
    let kept: Vec<usize> = (0..data.len()).filter(|&r| !incomplete[r]).collect();
    let held_out = held_out
        .iter()
        .filter_map(|r| kept.binary_search(r).ok())
        .collect();
    let table = data.select(&kept)?;
    Ok((Cow::Owned(table), held_out))
}

/// A column as training reads it.
struct ReadColumn {
    column: Column,
    /// Read as yes/no (categories `no` and `yes`).
    yes_no: bool,
    /// Some cells were missing and got the training median or most frequent value.
    imputed: bool,
}

/// Reads a column as numbers, yes/no or categories (sorted), as the schema says or, without a
/// kind in the schema, as the cells show: yes/no when every present cell is 0 or 1 or a yes/no word,
/// numbers when every present cell is one, categories when no cell is a number. A column
/// mixing numbers and text is an error, never silently a list of categories. Missing cells (only
/// present when imputing) get the value most typical of the training rows.
fn read_column(
    table: &CarTable,
    name: &str,
    options: &TrainOptions,
    training_rows: &[usize],
) -> Result<ReadColumn, TrainError> {
    let texts = table.texts(name)?;
    let present = |row: &usize| !is_missing(texts[*row]);
    let training_present: Vec<usize> = training_rows.iter().copied().filter(present).collect();
    let missing: Vec<usize> = (0..texts.len()).filter(|r| !present(r)).collect();
    if training_present.is_empty() {
        // Nothing to learn from (or impute with).
        return Err(TrainError::MissingValues {
            column: name.to_string(),
            count: missing.len(),
            lines: missing.iter().take(5).map(|&r| table.line(r)).collect(),
        });
    }
    let imputed = !missing.is_empty();
    let number = |text: &str| crate::parse_number(text).filter(|x| x.is_finite());
    let declared = options.schema.attribute(name).and_then(|a| a.kind);
    let kind = declared.unwrap_or_else(|| {
        let cells = || (0..texts.len()).filter(present).map(|r| texts[r]);
        if cells().all(|t| matches!(number(t), Some(x) if x == 0.0 || x == 1.0)) {
            KindOverride::YesNo
        } else if cells().all(|t| number(t).is_some()) {
            KindOverride::Number
        } else if cells().all(|t| parse_yes_no(t).is_some()) {
            KindOverride::YesNo
        } else {
            KindOverride::Category
        }
    });
    let refuse = |row: usize, problem: &str| {
        Err(DataError::BadValue {
            line: table.line(row),
            column: name.to_string(),
            value: texts[row].to_string(),
            problem: problem.to_string(),
        }
        .into())
    };
    match kind {
        KindOverride::Number => {
            if let Some(row) = (0..texts.len()).find(|r| present(r) && number(texts[*r]).is_none())
            {
                return refuse(row, "is not a number (the schema says `kind = \"number\"`)");
            }
            let mut known: Vec<f64> = training_present
                .iter()
                .map(|&r| number(texts[r]).expect("checked above"))
                .collect();
            known.sort_by(f64::total_cmp);
            // The lower median: a value some car really has (and the attribute's default).
            let median = known[(known.len() - 1) / 2];
            let values = texts
                .iter()
                .map(|t| {
                    if is_missing(t) {
                        median
                    } else {
                        number(t).expect("checked above")
                    }
                })
                .collect();
            Ok(ReadColumn {
                column: Column::Numeric(values),
                yes_no: false,
                imputed,
            })
        }
        KindOverride::YesNo => {
            if let Some(row) =
                (0..texts.len()).find(|r| present(r) && parse_yes_no(texts[*r]).is_none())
            {
                return refuse(row, "is not yes/no, true/false or 1/0");
            }
            let categories = vec!["no".to_string(), "yes".to_string()];
            let codes = texts
                .iter()
                .map(|t| parse_yes_no(t).map(u32::from))
                .collect();
            Ok(ReadColumn {
                column: categorical(categories, codes, training_rows),
                yes_no: true,
                imputed,
            })
        }
        KindOverride::Category => {
            if declared.is_none()
                && (0..texts.len()).any(|r| present(&r) && number(texts[r]).is_some())
            {
                let row = (0..texts.len())
                    .find(|r| present(r) && number(texts[*r]).is_none())
                    .expect("not every present cell is a number");
                return Err(TrainError::MixedColumn {
                    column: name.to_string(),
                    line: table.line(row),
                    value: texts[row].to_string(),
                });
            }
            // Distinct values first (a million rows hold a few dozen), then sorted codes.
            let mut seen: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
            let first_codes: Vec<Option<u32>> = texts
                .iter()
                .map(|t| {
                    (!is_missing(t)).then(|| {
                        let next = seen.len() as u32;
                        *seen.entry(t).or_insert(next)
                    })
                })
                .collect();
            let mut distinct: Vec<(&str, u32)> = seen.into_iter().collect();
            distinct.sort_unstable();
            let mut recode = vec![0u32; distinct.len()];
            for (sorted, (_, first)) in distinct.iter().enumerate() {
                recode[*first as usize] = sorted as u32;
            }
            let categories: Vec<String> = distinct.iter().map(|(t, _)| t.to_string()).collect();
            let codes = first_codes
                .iter()
                .map(|c| c.map(|c| recode[c as usize]))
                .collect();
            Ok(ReadColumn {
                column: categorical(categories, codes, training_rows),
                yes_no: false,
                imputed,
            })
        }
    }
}

/// Fails when the schema gives display labels to a column that is not categories, or to a
/// category the column does not have.
fn check_labels(names: &[&str], read: &[ReadColumn], schema: &Schema) -> Result<(), TrainError> {
    for (name, read) in names.iter().zip(read) {
        let Some(entry) = schema.attribute(name) else {
            continue;
        };
        let categories: &[String] = match &read.column {
            Column::Categorical { categories, .. } if !read.yes_no => categories,
            _ if entry.labels.is_empty() => continue,
            _ => {
                return Err(TrainError::Schema(format!(
                    "`{name}` has display labels but is not a category column"
                )))
            }
        };
        if let Some(unknown) = entry.labels.keys().find(|k| !categories.contains(k)) {
            return Err(TrainError::Schema(format!(
                "`{name}` has a label for \"{unknown}\", which is not one of its categories ({})",
                categories.join(", ")
            )));
        }
    }
    Ok(())
}

/// A category column whose missing codes become the training rows' most frequent category (ties
/// go to the first in sorted order, as the attribute's default does).
fn categorical(
    categories: Vec<String>,
    codes: Vec<Option<u32>>,
    training_rows: &[usize],
) -> Column {
    let mut counts = vec![0usize; categories.len()];
    for code in training_rows.iter().filter_map(|&r| codes[r]) {
        counts[code as usize] += 1;
    }
    let most = (0..categories.len())
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .expect("a column with a present cell has a category") as u32;
    Column::Categorical {
        categories,
        codes: codes.into_iter().map(|c| c.unwrap_or(most)).collect(),
    }
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

/// The `q`-quantile (0 ≤ q ≤ 1) of ascending, non-empty values by linear interpolation between
/// order statistics (Hyndman and Fan's type 7, numpy's and R's default): how the `deciles` of a
/// model are computed, and how `carprice monitor` reads telemetry the same way.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// Builds the attributes and terms of the document from the chosen candidates and fitted weights,
/// in form order (the schema's attributes first, in its order); interactions come last.
fn describe_terms(
    names: &[&str],
    columns: &[Column],
    read: &[ReadColumn],
    schema: &Schema,
    candidates: &[Candidate],
    encodings: &[Encoding],
    weights: &Array1<f64>,
) -> (Vec<Attribute>, Vec<Term>) {
    let mut used: Vec<usize> = candidates.iter().flat_map(|c| c.attributes()).collect();
    used.sort_by_key(|&a| (schema.position(names[a]), a));
    used.dedup();
    let attributes = used
        .iter()
        .map(|&a| describe_attribute(names[a], &columns[a], &read[a], schema))
        .collect();

    let mut offsets = Vec::with_capacity(candidates.len());
    let mut offset = 0;
    for encoding in encodings {
        offsets.push(offset);
        offset += match encoding {
            Encoding::Numeric(_) => 1,
            Encoding::OneHot(scales) => scales.len(),
            Encoding::Interaction(products) => products.len(),
        };
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| match candidates[i] {
        Candidate::Interaction { .. } => (used.len(), i),
        c => (
            used.iter()
                .position(|&a| a == c.attributes()[0])
                .expect("listed above"),
            i,
        ),
    });
    let mut terms = Vec::new();
    for i in order {
        let name = names[candidates[i].attributes()[0]].to_string();
        match (candidates[i], &encodings[i]) {
            (Candidate::Numeric { transform, .. }, Encoding::Numeric(s)) => {
                terms.push(Term::Numeric {
                    attribute: name,
                    transform: transform.name().into(),
                    center: s.center,
                    scale: s.scale,
                    weight: weights[offsets[i]],
                });
            }
            (_, Encoding::OneHot(scales)) => {
                // Indicators were divided by their spread; fold that into the category weight.
                let weights = scales
                    .iter()
                    .enumerate()
                    .map(|(c, scale)| weights[offsets[i] + c] / scale)
                    .collect();
                terms.push(if read[candidates[i].attributes()[0]].yes_no {
                    Term::YesNo {
                        attribute: name,
                        weights,
                    }
                } else {
                    Term::Categorical {
                        attribute: name,
                        weights,
                    }
                });
            }
            (_, Encoding::Interaction(products)) => {
                for (k, product) in products.iter().enumerate() {
                    terms.push(interaction_term(
                        names,
                        columns,
                        product,
                        weights[offsets[i] + k],
                    ));
                }
            }
            (_, Encoding::Numeric(_)) => unreachable!("encodings follow candidate kinds"),
        }
    }
    (attributes, terms)
}

/// An attribute of the document: what the schema says about it, its training range or categories,
/// its default (median or most frequent) and its monitoring statistics.
fn describe_attribute(
    name: &str,
    column: &Column,
    read: &ReadColumn,
    schema: &Schema,
) -> Attribute {
    let info = schema.attribute(name);
    let text = |field: fn(&crate::schema::AttributeSchema) -> &Option<String>, default: &str| {
        info.and_then(|i| field(i).clone())
            .unwrap_or_else(|| default.to_string())
    };
    let kind = match column {
        Column::Numeric(values) => {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            AttributeKind::Numeric {
                unit: text(|i| &i.unit, ""),
                min: sorted[0],
                max: sorted[sorted.len() - 1],
                // The lower median: a value some car really has.
                default: sorted[(sorted.len() - 1) / 2],
                integer: values.iter().all(|v| v.fract() == 0.0),
                positive: sorted[0] > 0.0,
                deciles: (1..10)
                    .map(|k| quantile(&sorted, f64::from(k) / 10.0))
                    .collect(),
            }
        }
        Column::Categorical { codes, .. } if read.yes_no => {
            let yes = codes.iter().filter(|&&c| c == 1).count();
            let share_yes = yes as f64 / codes.len() as f64;
            AttributeKind::YesNo {
                // The more frequent; a tie goes to no, as categories' ties go to the first.
                default: yes * 2 > codes.len(),
                frequencies: vec![1.0 - share_yes, share_yes],
            }
        }
        Column::Categorical { categories, codes } => {
            let mut counts = vec![0usize; categories.len()];
            for &c in codes {
                counts[c as usize] += 1;
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
                labels: match info {
                    Some(info) if !info.labels.is_empty() => categories
                        .iter()
                        .map(|c| info.labels.get(c).unwrap_or(c).clone())
                        .collect(),
                    _ => Vec::new(),
                },
                frequencies: counts
                    .iter()
                    .map(|&n| n as f64 / codes.len() as f64)
                    .collect(),
            }
        }
    };
    Attribute {
        name: name.into(),
        label: text(|i| &i.label, name),
        group: text(|i| &i.group, "other"),
        description: info.and_then(|i| i.description.clone()),
        imputed: read.imputed,
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

/// An interaction column as a document term: the product's spread folds into the weight.
fn interaction_term(names: &[&str], columns: &[Column], product: &Product, weight: f64) -> Term {
    let factor = |factor: &design::Factor| match *factor {
        design::Factor::Numeric {
            attribute,
            transform,
            standardisation,
        } => Factor::Numeric {
            attribute: names[attribute].into(),
            transform: transform.name().into(),
            center: standardisation.center,
            scale: standardisation.scale,
        },
        design::Factor::Indicator {
            attribute,
            category,
            scale,
        } => Factor::Indicator {
            attribute: names[attribute].into(),
            category: match &columns[attribute] {
                Column::Categorical { categories, .. } => categories[category as usize].clone(),
                Column::Numeric(_) => unreachable!("indicators read categorical columns"),
            },
            center: 0.0,
            scale,
        },
    };
    Term::Interaction {
        factors: vec![factor(&product.first), factor(&product.second)],
        weight: weight / product.scale,
    }
}
