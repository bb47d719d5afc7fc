//! `carprice monitor` and `carprice rollout --check`: what the telemetry of a rollout says about
//! the challenger, for a period — quotes per model, the challenger/champion price ratio, the share
//! of quotes flagged as extrapolation, and input drift per attribute against the challenger's
//! training distribution ([`crate::drift`]) — and whether it crosses the thresholds of a config
//! file.
//!
//! Below [`MIN_QUOTES`] quotes the figures are marked not meaningful: with 10 bins, the PSI of
//! `n` values drawn from the training distribution itself averages about 9/`n` (a χ² with 9
//! degrees of freedom over `n`), 0.09 at 100 quotes, already near the 0.1 that reads as a shift;
//! and the 10th and 90th percentiles of the price ratio rest on fewer than 10 quotes each.

use std::path::Path;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use carprice_registry::telemetry::{Mode, Shown, TelemetryQuote, TelemetryStore};
use carprice_registry::{Registry, VersionChoice, MODEL_FILE};
use model_core::train::quantile;
use model_core::Model;
use serde::{Deserialize, Serialize};

use super::{unless_closed_pipe, UsageError};
use crate::args::{ModelSource, MonitorArgs, TelemetryArgs};
use crate::drift::{Bins, Drift};
use crate::files;
use crate::print::counted;

/// Quotes below which the figures are marked not meaningful (see the module documentation).
pub const MIN_QUOTES: usize = 100;
/// A price ratio further than this from 1 counts as "beyond ±10%".
const BEYOND: f64 = 0.10;
/// Exit code when a threshold is crossed (1 is an error: nothing could be judged; 2 a wrong
/// command line, which must never read as a verdict).
const CROSSED: u8 = 4;
/// Exit code when there are too few quotes to judge.
const TOO_FEW: u8 = 3;

/// What the telemetry says about a challenger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The champion's version.
    pub champion: String,
    /// The challenger's version.
    pub challenger: String,
    /// Start of the period (RFC 3339, inclusive), if any.
    pub since: Option<String>,
    /// End of the period (RFC 3339, exclusive), if any.
    pub until: Option<String>,
    /// Quotes of this champion and challenger in the period.
    pub quotes: usize,
    /// Quotes in the period priced by another pair of models (left out).
    pub other_models: usize,
    /// The minimum number of quotes for meaningful figures.
    pub min_quotes: usize,
    /// Whether `quotes` reaches `min_quotes`.
    pub meaningful: bool,
    /// Quotes per mode.
    pub shadow_quotes: usize,
    /// Quotes priced in canary mode.
    pub canary_quotes: usize,
    /// Quotes whose shown price was the champion's.
    pub shown_champion: usize,
    /// Quotes whose shown price was the challenger's.
    pub shown_challenger: usize,
    /// The challenger's price over the champion's (none without quotes).
    pub ratio: Option<Ratio>,
    /// Share of quotes with at least one attribute flagged as extrapolation (0 to 1).
    pub extrapolated_share: Option<f64>,
    /// Input drift per attribute of the challenger, in its form order.
    pub drift: Vec<AttributeDrift>,
}

/// The distribution of challenger price / champion price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    /// Median.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Share of quotes whose ratio is below 0.9 or above 1.1 (0 to 1).
    pub beyond_10_percent: f64,
}

/// The drift of one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeDrift {
    /// The attribute.
    pub attribute: String,
    /// PSI and counts; `None` when the model records no training distribution for it.
    #[serde(flatten)]
    pub drift: Option<Drift>,
    /// Whether the PSI rests on at least the minimum number of values.
    pub meaningful: bool,
}

impl Report {
    /// The report on `quotes` (already limited to the period) for this champion and challenger.
    pub fn of(
        champion: &Model,
        challenger: &Model,
        quotes: &[&TelemetryQuote],
        period: &Period,
        min_quotes: usize,
    ) -> Report {
        let (ours, others): (Vec<&TelemetryQuote>, Vec<&TelemetryQuote>) =
            quotes.iter().partition(|q| {
                q.champion == champion.version() && q.challenger == challenger.version()
            });
        let n = ours.len();
        let count = |f: &dyn Fn(&TelemetryQuote) -> bool| ours.iter().filter(|q| f(q)).count();
        let share = |k: usize| (n > 0).then(|| k as f64 / n as f64);
        let mut ratios: Vec<f64> = ours.iter().map(|q| q.ratio()).collect();
        ratios.sort_by(f64::total_cmp);
        let ratio = (n > 0).then(|| Ratio {
            median: quantile(&ratios, 0.5),
            p10: quantile(&ratios, 0.1),
            p90: quantile(&ratios, 0.9),
            beyond_10_percent: ratios.iter().filter(|r| (*r - 1.0).abs() > BEYOND).count() as f64
                / n as f64,
        });
        let drift = challenger
            .attributes()
            .map(|attribute| {
                let drift = Bins::of(&attribute.kind)
                    .map(|bins| bins.drift(ours.iter().filter_map(|q| q.car.get(&attribute.name))));
                AttributeDrift {
                    attribute: attribute.name.clone(),
                    meaningful: drift.as_ref().is_some_and(|d| d.values >= min_quotes),
                    drift,
                }
            })
            .collect();
        Report {
            champion: champion.version().to_string(),
            challenger: challenger.version().to_string(),
            since: period
                .since
                .map(|t| humantime::format_rfc3339_seconds(t).to_string()),
            until: period
                .until
                .map(|t| humantime::format_rfc3339_seconds(t).to_string()),
            quotes: n,
            other_models: others.len(),
            min_quotes,
            meaningful: n >= min_quotes,
            shadow_quotes: count(&|q| q.mode == Mode::Shadow),
            canary_quotes: count(&|q| q.mode == Mode::Canary),
            shown_champion: count(&|q| q.shown == Shown::Champion),
            shown_challenger: count(&|q| q.shown == Shown::Challenger),
            ratio,
            extrapolated_share: share(count(&|q| !q.extrapolated.is_empty())),
            drift,
        }
    }

    /// The report as a table for people.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let period = format!(
            "{} to {}",
            self.since.as_deref().unwrap_or("the first quote"),
            self.until.as_deref().unwrap_or("the last quote")
        );
        out.push_str(&format!(
            "champion {}, challenger {}; quotes from {period}\n",
            self.champion, self.challenger
        ));
        if !self.meaningful {
            out.push_str(&format!(
                "NOT MEANINGFUL: {}, fewer than {}: the figures below are too noisy to judge the challenger\n",
                count_quotes(self.quotes), self.min_quotes
            ));
        }
        out.push_str(&format!(
            "{:<22}{} (shadow {}, canary {}; shown: champion {}, challenger {})\n",
            "quotes",
            self.quotes,
            self.shadow_quotes,
            self.canary_quotes,
            self.shown_champion,
            self.shown_challenger
        ));
        if self.other_models > 0 {
            out.push_str(&format!(
                "{:<22}{} (priced by other model versions, left out)\n",
                "other quotes", self.other_models
            ));
        }
        match &self.ratio {
            Some(r) => out.push_str(&format!(
                "{:<22}median {:.3}, 10th percentile {:.3}, 90th percentile {:.3}; beyond ±10%: {}\n",
                "price ratio",
                r.median,
                r.p10,
                r.p90,
                percent(r.beyond_10_percent)
            )),
            None => out.push_str(&format!("{:<22}no quotes\n", "price ratio")),
        }
        if let Some(share) = self.extrapolated_share {
            out.push_str(&format!(
                "{:<22}{} of quotes flagged\n",
                "extrapolation",
                percent(share)
            ));
        }
        out.push_str(&format!(
            "input drift against the challenger's training data (PSI: < 0.1 stable, 0.1-0.25 moderate, > 0.25 significant; meaningful from {} values)\n",
            self.min_quotes
        ));
        out.push_str(&format!(
            "  {:<22}{:>8}{:>12}{:>10}\n",
            "attribute", "values", "unreadable", "PSI"
        ));
        for row in &self.drift {
            let (values, unreadable, psi) = match &row.drift {
                Some(d) => (
                    d.values.to_string(),
                    d.unreadable.to_string(),
                    d.psi.map_or("-".to_string(), |p| format!("{p:.3}")),
                ),
                None => ("-".into(), "-".into(), "no training distribution".into()),
            };
            let note = if row.drift.is_some() && !row.meaningful {
                "  (not meaningful)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {:<22}{values:>8}{unreadable:>12}{psi:>10}{note}\n",
                row.attribute
            ));
        }
        out
    }
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// The period of quotes looked at: `since` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    /// First time included.
    pub since: Option<SystemTime>,
    /// First time excluded.
    pub until: Option<SystemTime>,
}

impl Period {
    /// Reads `--since` and `--until`: RFC 3339 times (`2026-11-30T08:00:00Z`) or UTC days
    /// (`2026-11-30`, meaning its midnight).
    ///
    /// # Errors
    /// A time that is neither, or a `since` not before `until`.
    pub fn parse(since: Option<&str>, until: Option<&str>) -> Result<Period> {
        let read = |flag: &str, text: &str| -> Result<SystemTime> {
            let text = text.trim();
            // A day is its midnight, and `+00:00` is UTC as `Z` is.
            let full = match text.strip_suffix("+00:00") {
                _ if text.len() == 10 => format!("{text}T00:00:00Z"),
                Some(utc) => format!("{utc}Z"),
                None => text.to_string(),
            };
            humantime::parse_rfc3339(&full).map_err(|_| {
                let bytes = full.as_bytes();
                let offset = bytes.len() > 6
                    && matches!(bytes[bytes.len() - 6], b'+' | b'-')
                    && bytes[bytes.len() - 3] == b':';
                let why = if offset {
                    "has an offset from UTC"
                } else if humantime::parse_rfc3339_weak(&full).is_ok() {
                    "has no UTC mark (Z)"
                } else {
                    "is not a time"
                };
                UsageError(format!(
                    "{flag} {text:?} {why}: write a UTC time such as 2026-11-30T08:00:00Z, or a \
                     day such as 2026-11-30"
                ))
                .into()
            })
        };
        let period = Period {
            since: since.map(|t| read("--since", t)).transpose()?,
            until: until.map(|t| read("--until", t)).transpose()?,
        };
        if let (Some(since), Some(until)) = (period.since, period.until) {
            anyhow::ensure!(since < until, "--since must be before --until");
        }
        Ok(period)
    }

    /// Whether a time lies in the period.
    pub fn contains(&self, time: SystemTime) -> bool {
        self.since.is_none_or(|s| time >= s) && self.until.is_none_or(|u| time < u)
    }
}

/// Thresholds of `carprice rollout --check`, read from a TOML file; shares are fractions (0.05 =
/// 5%).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Fewer quotes than this: nothing can be judged (exit 3).
    pub min_quotes: usize,
    /// Largest share of quotes whose challenger price is more than 10% off the champion's.
    pub max_share_beyond_10_percent: f64,
    /// Largest distance of the median price ratio from 1 (0.02: the median within 0.98..1.02).
    pub max_median_deviation: f64,
    /// Largest PSI of any attribute with at least `min_quotes` values.
    pub max_psi: f64,
    /// Largest share of quotes flagged as extrapolation.
    pub max_extrapolation_share: f64,
}

/// The outcome of a check.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// No threshold crossed.
    Within,
    /// The thresholds crossed, each as a sentence.
    Crossed(Vec<String>),
    /// Fewer quotes than the config's minimum.
    TooFewQuotes {
        /// Quotes found.
        quotes: usize,
        /// The minimum.
        min: usize,
    },
}

impl Thresholds {
    /// Reads a thresholds file.
    ///
    /// # Errors
    /// When the file cannot be read, is not TOML, lacks a threshold or names an unknown one.
    pub fn read(path: &Path) -> Result<Thresholds> {
        let text = String::from_utf8(files::read(path)?)
            .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
        let thresholds: Thresholds = toml::from_str(&text).map_err(|error| {
            // toml's own text spans several lines (a snippet of the file); one line here.
            let line = error
                .span()
                .map(|span| text[..span.start].matches('\n').count() + 1);
            anyhow::anyhow!(
                "cannot use rollout thresholds {}{}: {}",
                path.display(),
                line.map(|l| format!(", line {l}")).unwrap_or_default(),
                // serde's type names, in the file's words.
                error
                    .message()
                    .trim()
                    .replace("expected usize", "expected a whole number ≥ 0")
                    .replace("expected f64", "expected a number")
            )
        })?;
        let (psi, shares) = (
            thresholds.max_psi,
            [
                (
                    "max_share_beyond_10_percent",
                    thresholds.max_share_beyond_10_percent,
                ),
                ("max_median_deviation", thresholds.max_median_deviation),
                (
                    "max_extrapolation_share",
                    thresholds.max_extrapolation_share,
                ),
            ],
        );
        anyhow::ensure!(
            psi.is_finite() && psi >= 0.0,
            "{}: max_psi must be a number ≥ 0 (got {psi})",
            path.display()
        );
        for (name, value) in shares {
            // A share written as a percent (10 for 10%) would never be crossed.
            anyhow::ensure!(
                value.is_finite() && (0.0..=1.0).contains(&value),
                "{}: {name} is a fraction from 0 to 1 (0.10 = 10%), got {value}{}",
                path.display(),
                if value > 1.0 && value <= 100.0 {
                    format!(": did you mean {}?", value / 100.0)
                } else {
                    String::new()
                }
            );
        }
        Ok(thresholds)
    }
}

/// "1 quote", "2 quotes".
fn count_quotes(n: usize) -> String {
    counted(n as u64, "quote")
}

/// Judges a report against thresholds.
pub fn check(report: &Report, thresholds: &Thresholds) -> Verdict {
    if report.quotes < thresholds.min_quotes || report.quotes == 0 {
        return Verdict::TooFewQuotes {
            quotes: report.quotes,
            min: thresholds.min_quotes,
        };
    }
    let mut crossed = Vec::new();
    if let Some(r) = &report.ratio {
        if r.beyond_10_percent > thresholds.max_share_beyond_10_percent {
            crossed.push(format!(
                "{} of quotes are priced more than 10% apart by the two models (max {})",
                percent(r.beyond_10_percent),
                percent(thresholds.max_share_beyond_10_percent)
            ));
        }
        if (r.median - 1.0).abs() > thresholds.max_median_deviation {
            crossed.push(format!(
                "the median price ratio is {:.3}, more than {} from 1",
                r.median, thresholds.max_median_deviation
            ));
        }
    }
    if let Some(share) = report.extrapolated_share {
        if share > thresholds.max_extrapolation_share {
            crossed.push(format!(
                "{} of quotes are flagged as extrapolation (max {})",
                percent(share),
                percent(thresholds.max_extrapolation_share)
            ));
        }
    }
    for row in &report.drift {
        let Some(drift) = &row.drift else { continue };
        match drift.psi {
            Some(psi) if drift.values >= thresholds.min_quotes && psi > thresholds.max_psi => {
                crossed.push(format!(
                    "input drift of {}: PSI {psi:.3} > {} ({} values)",
                    row.attribute, thresholds.max_psi, drift.values
                ));
            }
            _ => {}
        }
    }
    if crossed.is_empty() {
        Verdict::Within
    } else {
        Verdict::Crossed(crossed)
    }
}

/// `carprice monitor`: prints the report (a table, or JSON with `--json`).
pub fn run(args: &MonitorArgs) -> Result<()> {
    let report = gather(&args.telemetry, &args.registry, args.min_quotes)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        out!("{}", report.table())?;
    }
    Ok(())
}

/// `carprice rollout --check`: prints the report and the verdict; exits 0 within the thresholds,
/// 4 when one is crossed, 3 with too few quotes to judge.
pub fn run_check(
    config: &Path,
    telemetry: &TelemetryArgs,
    registry: &ModelSource,
) -> Result<ExitCode> {
    let thresholds = Thresholds::read(config)?;
    let report = gather(telemetry, registry, thresholds.min_quotes)?;
    let verdict = check(&report, &thresholds);
    unless_closed_pipe((|| {
        out!("{}", report.table())?;
        match &verdict {
            Verdict::Within => outln!(
                "rollout check: within the thresholds of {}",
                config.display()
            ),
            Verdict::Crossed(reasons) => reasons
                .iter()
                .try_for_each(|reason| outln!("rollout check: CROSSED: {reason}")),
            Verdict::TooFewQuotes { quotes, min } => {
                outln!(
                    "rollout check: {}, fewer than the {min} needed to judge",
                    count_quotes(*quotes)
                )
            }
        }
    })())?;
    Ok(match verdict {
        Verdict::Within => ExitCode::SUCCESS,
        Verdict::Crossed(reasons) => {
            errln!(
                "carprice: rollout check failed: {} threshold(s) of {} crossed; halt the rollout (carprice rollout --halt)",
                reasons.len(),
                config.display()
            );
            ExitCode::from(CROSSED)
        }
        Verdict::TooFewQuotes { .. } => ExitCode::from(TOO_FEW),
    })
}

/// Reads the telemetry of the period and the two models, and computes the report.
fn gather(args: &TelemetryArgs, source: &ModelSource, min_quotes: usize) -> Result<Report> {
    let Some(place) = args.telemetry.as_deref() else {
        bail!(
            "no telemetry: pass --telemetry <folder or container URL> (or set CARPRICE_TELEMETRY)"
        );
    };
    let period = Period::parse(args.since.as_deref(), args.until.as_deref())?;
    let sas = std::env::var("CARPRICE_TELEMETRY_SAS").ok();
    let store = TelemetryStore::open(place, sas.as_deref(), args.telemetry_auth.choice)?;
    // Each error of the store names the folder, file, container or blob.
    let batches = store.read(period.until)?;
    let quotes: Vec<&TelemetryQuote> = batches
        .iter()
        .flat_map(|b| &b.quotes)
        .filter(|q| period.contains(q.time()))
        .collect();
    let (champion, challenger) = match (&args.champion, &args.challenger) {
        (Some(champion), Some(challenger)) => (read_model(champion)?, read_model(challenger)?),
        _ => {
            let Some(latest) = quotes.iter().max_by_key(|q| q.time()) else {
                bail!(
                    "no quotes in {store} for this period, and no --champion and --challenger to report on"
                );
            };
            let Some(container) = source.url() else {
                bail!("the models of the latest quote ({} and {}) are needed: pass --champion and --challenger files, or --container (CARPRICE_CONTAINER_URL) to fetch them from the registry", latest.champion, latest.challenger);
            };
            let sas = std::env::var("CARPRICE_SAS").ok();
            let registry = Registry::open(&container, sas.as_deref(), source.auth)?;
            (
                fetch_model(&registry, &latest.champion)?,
                fetch_model(&registry, &latest.challenger)?,
            )
        }
    };
    Ok(Report::of(
        &champion,
        &challenger,
        &quotes,
        &period,
        min_quotes,
    ))
}

/// A model file, or a folder holding `model.json` (e.g. a fetched version).
fn read_model(path: &Path) -> Result<Model> {
    if path.is_dir() {
        files::read_model(&path.join(MODEL_FILE))
    } else {
        files::read_model(path)
    }
}

fn fetch_model(registry: &Registry, version: &str) -> Result<Model> {
    let version = version
        .parse()
        .with_context(|| format!("telemetry names version {version:?}"))?;
    let fetched = registry.fetch(&VersionChoice::Version(version))?;
    files::parse_model(
        &fetched.model_json,
        &format!("{} in {}", fetched.version, registry.container_name()),
    )
}

#[cfg(test)]
mod tests {
    use super::count_quotes;

    #[test]
    fn a_since_without_a_time_zone_was_read_as_utc() {
        let error = |text: &str| super::Period::parse(Some(text), None).unwrap_err();
        assert!(error("2026-11-30T10:00:00")
            .to_string()
            .contains("has no UTC mark (Z)"));
        assert!(error("2026-11-30T10:00:00+02:00")
            .to_string()
            .contains("has an offset from UTC"));
        assert!(error("yesterday").to_string().contains("is not a time"));
        // A wrong command line: exit code 2.
        assert!(error("yesterday")
            .downcast_ref::<super::super::UsageError>()
            .is_some());
        for utc in [
            "2026-11-30T10:00:00Z",
            "2026-11-30T10:00:00+00:00",
            "2026-11-30",
        ] {
            assert!(
                super::Period::parse(Some(utc), Some("2026-12-01")).is_ok(),
                "{utc}"
            );
        }
    }

    #[test]
    fn monitor_said_1_quotes() {
        assert_eq!(count_quotes(1), "1 quote");
        assert_eq!(count_quotes(0), "0 quotes");
        assert_eq!(count_quotes(12), "12 quotes");
    }
}
