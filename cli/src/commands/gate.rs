//! `carprice gate`: may a candidate model replace production? Decided with the pipeline's own
//! measurement on the candidate's test data, never with the metrics a model claims.
//!
//! The rule is [`carprice_registry::Bar`]'s (the registry applies it to a challenger too).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use model_core::{format_dollars, Metrics, Model};

use super::unless_closed_pipe;
use crate::files;
use carprice_registry::{measure, Bar, FLOOR, MODEL_FILE, TEST_DATA_FILE};

/// Exit code of a refusal (1 is an error: the gate could not decide; 2 a wrong command line,
/// which must never read as a verdict).
const REFUSED: u8 = 4;

/// Measures both models on the candidate's test data, prints them side by side, and exits 4 when
/// the candidate is refused.
pub fn run(candidate_dir: &Path, production_dir: Option<&Path>) -> Result<ExitCode> {
    let candidate = files::read_model(&candidate_dir.join(MODEL_FILE))?;
    let test_path = candidate_dir.join(TEST_DATA_FILE);
    let table = files::read_table(&test_path, b',')?;
    let candidate_metrics = measure(&candidate, &table).with_context(|| {
        format!(
            "candidate {} on {}",
            candidate.version(),
            test_path.display()
        )
    })?;
    let production = production_dir
        .map(|dir| -> Result<(Model, Metrics)> {
            let model = files::read_model(&dir.join(MODEL_FILE))?;
            let metrics = measure(&model, &table).with_context(|| {
                format!("production {} on {}", model.version(), test_path.display())
            })?;
            Ok((model, metrics))
        })
        .transpose()?;

    let bar = production
        .as_ref()
        .map_or(FLOOR, |(_, metrics)| Bar::against(metrics));
    let against = production.as_ref().map_or_else(
        || "the floor (nothing in production)".to_string(),
        |(m, _)| format!("production {}", m.version()),
    );
    let shortfalls = bar.shortfalls(&candidate_metrics);
    let report = || -> std::io::Result<()> {
        outln!(
            "gate: candidate {} against {against}, on the candidate's test data ({} rows)",
            candidate.version(),
            candidate_metrics.rows
        )?;
        out!(
            "{}",
            side_by_side(
                &candidate_metrics,
                production.as_ref().map(|(_, m)| m),
                &bar
            )
        )?;
        if shortfalls.is_empty() {
            outln!(
                "gate: passed: candidate {} may replace {against}",
                candidate.version()
            )
        } else {
            outln!(
                "gate: refused: candidate {}: {}",
                candidate.version(),
                shortfalls.join("; ")
            )
        }
    };
    unless_closed_pipe(report())?;
    Ok(if shortfalls.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(REFUSED)
    })
}

/// The metrics table: candidate, production (if any) and the required value.
pub(super) fn side_by_side(candidate: &Metrics, production: Option<&Metrics>, bar: &Bar) -> String {
    let column = |f: &dyn Fn(&Metrics) -> String| production.map_or_else(|| "-".to_string(), f);
    let rows = [
        (
            "MAE",
            format_dollars(candidate.mae),
            column(&|m| format_dollars(m.mae)),
            format!("≤ {}", format_dollars(bar.mae_max)),
        ),
        (
            "R²",
            format!("{:.3}", candidate.r2),
            column(&|m| format!("{:.3}", m.r2)),
            format!("≥ {:.3}", bar.r2_min),
        ),
        (
            "MAPE",
            format!("{:.1}%", candidate.mape),
            column(&|m| format!("{:.1}%", m.mape)),
            format!("≤ {:.1}%", bar.mape_max),
        ),
    ];
    let mut text = format!(
        "  {:<6}{:>14}{:>14}{:>16}\n",
        "", "candidate", "production", "required"
    );
    for (name, c, p, required) in rows {
        text.push_str(&format!("  {name:<6}{c:>14}{p:>14}{required:>16}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_shows_dashes_without_production() {
        let candidate = Metrics {
            rows: 58,
            r2: 0.916,
            mae: 1326.0,
            rmse: 1856.0,
            mape: 9.6,
        };
        let table = side_by_side(&candidate, None, &FLOOR);
        assert!(table.contains("MAE") && table.contains('-'), "{table}");
    }
}
