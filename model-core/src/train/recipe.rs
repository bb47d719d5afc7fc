//! The modelling recipe: which terms go into the model and how hard they are penalised, all chosen
//! by cross-validation on the training rows.
//!
//! Tables of up to [`LOO_ROWS`] rows are scored by exact leave-one-out (mean absolute error in
//! dollars); larger ones by [`FOLDS`]-fold cross-validation from per-fold sums (mean squared error of
//! the log price), the term choices on an evenly spaced sample of at most [`SELECTION_ROWS`] rows.
//!
//! 1. Start from every attribute: categories one-hot (each indicator scaled to unit variance),
//!    numbers log-transformed when always positive (identity otherwise), standardised.
//! 2. Choose the ridge penalty λ (17 values, 10⁻² to 10², quarter decades) and the extra factor on
//!    columns with a category indicator (0.25, 0.5, 1, 2, 4); the first strict minimum wins.
//! 3. Screen once at that setting: rank the attributes whose removal alone lowers the error, most
//!    helpful removal first; remove the first k ranked attributes for the k with the lowest error.
//! 4. Add pairwise interactions of the remaining attributes one at a time: the pair that lowers the
//!    error most at the current setting, then λ and the factor chosen again with it; a pair stays
//!    only if the error with the new setting is at least [`MIN_GAIN`] lower (at most
//!    [`MAX_INTERACTIONS`] pairs).
//! 5. Choose λ and the factor again for the final terms (on every row for large tables) and fit.

use ndarray::{Array1, ArrayView1};

use super::design::{Candidate, Column, ColumnPenalty, Encoded, Encoding, Layout};
use super::kfold::{FoldSums, FOLDS};
use super::loo::{dollar_mae, Fit, LooProblem};
use crate::error::TrainError;
use crate::transform::Transform;

/// Largest table scored by exact leave-one-out.
pub(crate) const LOO_ROWS: usize = 2_000;

/// Largest sample the k-fold term choices are made on.
pub(crate) const SELECTION_ROWS: usize = 50_000;

/// Least relative error reduction for an interaction to stay.
pub(crate) const MIN_GAIN: f64 = 0.01;

/// Standard errors by which an interaction must lower the leave-one-out error per row.
pub(crate) const SIGNIFICANCE: f64 = 2.0;

/// Most interaction pairs in a model.
pub(crate) const MAX_INTERACTIONS: usize = 8;

/// Ridge penalties tried: 10^-2 .. 10^2 in quarter decades.
pub(crate) fn penalties() -> Vec<f64> {
    (0..=16)
        .map(|i| 10f64.powf(-2.0 + 0.25 * f64::from(i)))
        .collect()
}

/// Extra penalty factors tried on columns with a category indicator.
const CATEGORY_PENALTIES: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// The settled model: its terms, their encodings, the fit and its settings.
pub(crate) struct Choice {
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) encodings: Vec<Encoding>,
    pub(crate) fit: Fit,
    pub(crate) lambda: f64,
    pub(crate) category_penalty: f64,
    /// Cross-validated mean absolute error of the final setting, in dollars.
    pub(crate) score: f64,
    /// Attributes removed by screening, in removal order.
    pub(crate) dropped: Vec<usize>,
    /// `leave-one-out` or `5-fold`.
    pub(crate) method: String,
}

/// A penalty setting and its cross-validated error.
#[derive(Debug, Clone, Copy)]
struct Setting {
    score: f64,
    lambda: f64,
    category_penalty: f64,
}

/// Scores subsets of a design's columns.
enum Scorer<'a> {
    LeaveOneOut(LooProblem<'a>),
    KFold(FoldSums),
}

impl Scorer<'_> {
    fn score(
        &self,
        columns: &[usize],
        kinds: &[ColumnPenalty],
        setting: &Setting,
    ) -> Result<f64, TrainError> {
        let penalty = penalty(columns, kinds, setting);
        match self {
            Scorer::LeaveOneOut(problem) => {
                let fit = problem
                    .select(columns)
                    .fit(setting.lambda, ArrayView1::from(&penalty))?;
                Ok(problem.dollar_mae(fit.held_out.view()))
            }
            Scorer::KFold(sums) => sums.select(columns).score(setting.lambda, &penalty),
        }
    }

    /// Whether `after` (columns and setting) beats `before` by more than chance: for leave-one-out,
    /// the mean of the per-row reductions in dollar error must exceed [`SIGNIFICANCE`] standard
    /// errors; k-fold scores come from tens of thousands of rows, where [`MIN_GAIN`] suffices.
    fn significant(
        &self,
        before: (&[usize], &Setting),
        after: (&[usize], &Setting),
        kinds: &[ColumnPenalty],
    ) -> Result<bool, TrainError> {
        let Scorer::LeaveOneOut(problem) = self else {
            return Ok(true);
        };
        let held_out = |(columns, setting): (&[usize], &Setting)| {
            let penalty = penalty(columns, kinds, setting);
            problem
                .select(columns)
                .fit(setting.lambda, ArrayView1::from(&penalty))
                .map(|fit| fit.held_out)
        };
        Ok(significantly_better(
            problem.y(),
            held_out(before)?.view(),
            held_out(after)?.view(),
        ))
    }

    /// Scores every setting of the grids; the first strict minimum wins. Leave-one-out scores all
    /// penalties of one indicator factor from one factorisation.
    fn best(&self, columns: &[usize], kinds: &[ColumnPenalty]) -> Result<Setting, TrainError> {
        let lambdas = penalties();
        let mut best: Option<Setting> = None;
        let loo = match self {
            Scorer::LeaveOneOut(problem) => Some(problem.select(columns)),
            Scorer::KFold(_) => None,
        };
        let sums = match self {
            Scorer::KFold(sums) => Some(sums.select(columns)),
            Scorer::LeaveOneOut(_) => None,
        };
        for category_penalty in CATEGORY_PENALTIES {
            let factors = penalty(
                columns,
                kinds,
                &Setting {
                    score: 0.0,
                    lambda: 0.0,
                    category_penalty,
                },
            );
            let scores: Vec<f64> = match (&loo, &sums) {
                (Some(problem), _) => problem
                    .held_out_path(&lambdas, ArrayView1::from(&factors))?
                    .iter()
                    .map(|held_out| problem.dollar_mae(held_out.view()))
                    .collect(),
                (None, Some(sums)) => lambdas
                    .iter()
                    .map(|&lambda| sums.score(lambda, &factors))
                    .collect::<Result<_, _>>()?,
                (None, None) => unreachable!("one scorer"),
            };
            for (&lambda, score) in lambdas.iter().zip(scores) {
                if best.is_none_or(|b| score < b.score) {
                    best = Some(Setting {
                        score,
                        lambda,
                        category_penalty,
                    });
                }
            }
        }
        Ok(best.expect("the grids are not empty"))
    }

    /// Scores variants of `columns` at one setting. Leave-one-out factorises `columns` once and
    /// updates the factorisation for each variant.
    fn score_changes(
        &self,
        columns: &[usize],
        changes: &[Change],
        kinds: &[ColumnPenalty],
        setting: &Setting,
    ) -> Result<Vec<f64>, TrainError> {
        match self {
            Scorer::LeaveOneOut(problem) => {
                let base = problem.base(
                    columns,
                    setting.lambda,
                    ArrayView1::from(&penalty(columns, kinds, setting)),
                )?;
                let downdates = changes
                    .iter()
                    .any(|c| matches!(c, Change::LeftOut(_)))
                    .then(|| base.downdates());
                changes
                    .iter()
                    .map(|change| {
                        let held_out = match (change, &downdates) {
                            (Change::Added(added), _) => {
                                base.held_out_with(added, &penalty(added, kinds, setting))?
                            }
                            (Change::LeftOut(positions), Some(downdates)) => {
                                downdates.held_out_without(positions)?
                            }
                            (Change::LeftOut(_), None) => unreachable!("made above"),
                        };
                        Ok(problem.dollar_mae(held_out.view()))
                    })
                    .collect()
            }
            Scorer::KFold(_) => changes
                .iter()
                .map(|change| {
                    let trial: Vec<usize> = match change {
                        Change::Added(added) => columns.iter().chain(added).copied().collect(),
                        Change::LeftOut(positions) => (0..columns.len())
                            .filter(|i| !positions.contains(i))
                            .map(|i| columns[i])
                            .collect(),
                    };
                    self.score(&trial, kinds, setting)
                })
                .collect(),
        }
    }
}

/// A variant of a set of design columns.
enum Change {
    /// These design columns added at the end.
    Added(Vec<usize>),
    /// The columns at these positions of the set left out.
    LeftOut(Vec<usize>),
}

/// Whether held-out predictions `after` have a lower dollar error than `before` by more than
/// chance: the mean per-row reduction exceeds [`SIGNIFICANCE`] standard errors.
fn significantly_better(
    y: ArrayView1<f64>,
    before: ArrayView1<f64>,
    after: ArrayView1<f64>,
) -> bool {
    let error = |a: f64, p: f64| (libm::exp(a) - libm::exp(p)).abs();
    let reductions: Vec<f64> = y
        .iter()
        .zip(before.iter().zip(after))
        .map(|(&a, (&b, &c))| error(a, b) - error(a, c))
        .collect();
    let n = reductions.len() as f64;
    let mean = reductions.iter().sum::<f64>() / n;
    let variance = reductions
        .iter()
        .map(|d| (d - mean) * (d - mean))
        .sum::<f64>()
        / (n - 1.0);
    mean > SIGNIFICANCE * (variance / n).sqrt()
}

/// Penalty factors of some design columns under a setting.
fn penalty(columns: &[usize], kinds: &[ColumnPenalty], setting: &Setting) -> Vec<f64> {
    columns
        .iter()
        .map(|&c| match kinds[c] {
            ColumnPenalty::Number => 1.0,
            ColumnPenalty::Indicator | ColumnPenalty::IndicatorProduct => setting.category_penalty,
        })
        .collect()
}

/// The main term of each attribute.
fn main_terms(columns: &[Column], logs: bool) -> Vec<Candidate> {
    columns
        .iter()
        .enumerate()
        .map(|(attribute, column)| match column {
            Column::Numeric(values) => Candidate::Numeric {
                attribute,
                transform: if logs && values.iter().all(|v| *v > 0.0) {
                    Transform::Log
                } else {
                    Transform::Identity
                },
            },
            Column::Categorical { .. } => Candidate::OneHot { attribute },
        })
        .collect()
}

/// Runs the recipe on log-price targets `y`. Tables scored by leave-one-out run it twice, with
/// positive numbers log-transformed and with every number as it is; numbers as they are win only
/// when their leave-one-out error is lower by more than chance (see [`SIGNIFICANCE`]).
pub(crate) fn choose(columns: &[Column], y: ArrayView1<f64>) -> Result<Choice, TrainError> {
    let logs = choose_with(columns, y, true)?;
    if y.len() > LOO_ROWS || !columns.iter().any(|c| matches!(c, Column::Numeric(_))) {
        return Ok(logs);
    }
    let plain = choose_with(columns, y, false)?;
    Ok(
        if significantly_better(y, logs.fit.held_out.view(), plain.fit.held_out.view()) {
            plain
        } else {
            logs
        },
    )
}

/// The recipe with positive numbers log-transformed (`logs`) or all numbers as they are.
fn choose_with(columns: &[Column], y: ArrayView1<f64>, logs: bool) -> Result<Choice, TrainError> {
    let main = main_terms(columns, logs);
    let transforms: Vec<Option<Transform>> = main
        .iter()
        .map(|c| match c {
            Candidate::Numeric { transform, .. } => Some(*transform),
            _ => None,
        })
        .collect();
    let encoded = Encoded::new(columns, &transforms);
    let mut candidates = main.clone();
    for first in 0..columns.len() {
        for second in first + 1..columns.len() {
            candidates.push(Candidate::Interaction { first, second });
        }
    }
    let rows = encoded.rows();
    let everything: Vec<usize> = (0..rows).collect();
    let y_all = y.to_vec();
    let Selected {
        terms: chosen,
        dropped,
    } = if rows <= LOO_ROWS {
        let layout = Layout::new(&encoded, &candidates, &everything);
        let x = layout.dense(&encoded);
        let problem = LooProblem::centred(x, y);
        select(&layout, &Scorer::LeaveOneOut(problem))?
    } else {
        let sample: Vec<usize> = (0..rows).step_by(rows.div_ceil(SELECTION_ROWS)).collect();
        let layout = Layout::new(&encoded, &candidates, &sample);
        let sums = FoldSums::new(&layout, &encoded, &y_all, &sample);
        select(&layout, &Scorer::KFold(sums))?
    };
    let final_layout = Layout::new(&encoded, &chosen, &everything);
    let all_columns: Vec<usize> = (0..final_layout.width).collect();
    let kinds = final_layout.column_penalties();
    let (fit, setting, method) = if rows <= LOO_ROWS {
        let x = final_layout.dense(&encoded);
        let scorer = Scorer::LeaveOneOut(LooProblem::new(x.view(), y));
        let setting = scorer.best(&all_columns, &kinds)?;
        let Scorer::LeaveOneOut(problem) = scorer else {
            unreachable!("built above")
        };
        let penalty = penalty(&all_columns, &kinds, &setting);
        let fit = problem.fit(setting.lambda, ArrayView1::from(&penalty))?;
        (fit, setting, "leave-one-out".to_string())
    } else {
        let sums = FoldSums::new(&final_layout, &encoded, &y_all, &everything);
        let scorer = Scorer::KFold(sums);
        let setting = scorer.best(&all_columns, &kinds)?;
        let Scorer::KFold(sums) = scorer else {
            unreachable!("built above")
        };
        let penalty = penalty(&all_columns, &kinds, &setting);
        let ((intercept, weights), folds) = sums.fits(setting.lambda, &penalty)?;
        let mut entries = Vec::new();
        let held_out: Array1<f64> = (0..rows)
            .map(|row| {
                let (b, w) = &folds[row % FOLDS];
                final_layout.row(&encoded, row, &mut entries);
                b + entries.iter().map(|&(c, v)| w[c] * v).sum::<f64>()
            })
            .collect();
        (
            Fit {
                intercept,
                weights,
                held_out,
            },
            setting,
            format!("{FOLDS}-fold"),
        )
    };
    let score = dollar_mae(y, fit.held_out.view());
    Ok(Choice {
        candidates: final_layout.candidates,
        encodings: final_layout.encodings,
        fit,
        lambda: setting.lambda,
        category_penalty: setting.category_penalty,
        score,
        dropped,
        method,
    })
}

/// The candidates kept by screening and interaction search.
struct Selected {
    terms: Vec<Candidate>,
    dropped: Vec<usize>,
}

/// Steps 1–4 of the recipe on one scorer over `layout` (main terms first, then interactions).
fn select(layout: &Layout, scorer: &Scorer) -> Result<Selected, TrainError> {
    let kinds = layout.column_penalties();
    let columns_of = |terms: &[usize]| -> Vec<usize> {
        terms.iter().flat_map(|&t| layout.columns_of(t)).collect()
    };
    let main: Vec<usize> = (0..layout.candidates.len())
        .filter(|&t| !matches!(layout.candidates[t], Candidate::Interaction { .. }))
        .collect();
    let attributes: Vec<usize> = main
        .iter()
        .map(|&t| layout.candidates[t].attributes()[0])
        .collect();
    let without = |removed: &[usize]| -> Vec<usize> {
        main.iter()
            .copied()
            .filter(|&t| !removed.contains(&layout.candidates[t].attributes()[0]))
            .collect()
    };
    let main_columns = columns_of(&main);
    let first = scorer.best(&main_columns, &kinds)?;
    // The attribute of each main design column, to find the positions an attribute's removal drops.
    let column_attributes: Vec<usize> = main
        .iter()
        .flat_map(|&t| {
            layout
                .columns_of(t)
                .map(move |_| layout.candidates[t].attributes()[0])
        })
        .collect();
    let positions = |removed: &[usize]| -> Vec<usize> {
        (0..column_attributes.len())
            .filter(|&i| removed.contains(&column_attributes[i]))
            .collect()
    };
    let singles: Vec<Change> = attributes
        .iter()
        .map(|&a| Change::LeftOut(positions(&[a])))
        .collect();
    let scores = scorer.score_changes(&main_columns, &singles, &kinds, &first)?;
    let mut ranked = Vec::new();
    for (&attribute, score) in attributes.iter().zip(scores) {
        if score < first.score {
            ranked.push((score - first.score, attribute));
        }
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let ranked: Vec<usize> = ranked.into_iter().map(|(_, attribute)| attribute).collect();
    let prefixes: Vec<Change> = (1..=ranked.len())
        .map(|k| Change::LeftOut(positions(&ranked[..k])))
        .collect();
    let scores = scorer.score_changes(&main_columns, &prefixes, &kinds, &first)?;
    let (mut keep_dropped, mut best) = (0, first.score);
    for (k, score) in (1..=ranked.len()).zip(scores) {
        if score < best {
            (keep_dropped, best) = (k, score);
        }
    }
    let mut dropped = ranked[..keep_dropped].to_vec();
    let mut terms = without(&dropped);
    let mut setting = first;
    if !dropped.is_empty() {
        let next = scorer.best(&columns_of(&terms), &kinds)?;
        if scorer.significant(
            (&columns_of(&main), &first),
            (&columns_of(&terms), &next),
            &kinds,
        )? {
            setting = next;
        } else {
            dropped.clear();
            terms = main.clone();
        }
    }

    let mut pairs: Vec<usize> = (0..layout.candidates.len())
        .filter(|&t| {
            matches!(layout.candidates[t], Candidate::Interaction { .. })
                && layout.candidates[t]
                    .attributes()
                    .iter()
                    .all(|a| !dropped.contains(a))
        })
        .collect();
    while terms.len() < main.len() + MAX_INTERACTIONS && !pairs.is_empty() {
        let additions: Vec<Change> = pairs
            .iter()
            .map(|&pair| Change::Added(columns_of(&[pair])))
            .collect();
        let scores = scorer.score_changes(&columns_of(&terms), &additions, &kinds, &setting)?;
        let mut best_pair: Option<(f64, usize)> = None;
        for (k, score) in scores.into_iter().enumerate() {
            if best_pair.is_none_or(|(s, _)| score < s) {
                best_pair = Some((score, k));
            }
        }
        let Some((score, k)) = best_pair else { break };
        if score >= setting.score * (1.0 - MIN_GAIN) {
            break;
        }
        let mut trial = terms.clone();
        trial.push(pairs[k]);
        let next = scorer.best(&columns_of(&trial), &kinds)?;
        if next.score >= setting.score * (1.0 - MIN_GAIN)
            || !scorer.significant(
                (&columns_of(&terms), &setting),
                (&columns_of(&trial), &next),
                &kinds,
            )?
        {
            break;
        }
        terms = trial;
        setting = next;
        pairs.remove(k);
    }
    Ok(Selected {
        terms: terms.iter().map(|&t| layout.candidates[t]).collect(),
        dropped,
    })
}
