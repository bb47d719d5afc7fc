//! `carprice predict`: quotes for one car (JSON on stdin) or every row of a CSV.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use model_core::{format_dollars, CarDescription, Effect, Extrapolation, Quote};

use crate::files;

/// Largest JSON car accepted on stdin.
const MAX_STDIN_BYTES: u64 = 1024 * 1024;

pub fn run(model: &Path, cars: Option<&Path>, delimiter: u8, json: bool) -> Result<()> {
    let model = files::read_model(model)?;
    let descriptions = match cars {
        Some(path) => {
            let table = files::read_table(path, delimiter)?;
            let target = model.document().target.name.clone();
            table.require_columns(model.attributes().map(|a| a.name.as_str()))?;
            (0..table.len())
                .map(|row| {
                    (
                        format!("CSV line {}", table.line(row)),
                        table.description(row, &[target.as_str()]),
                    )
                })
                .collect()
        }
        None => vec![("stdin".to_string(), read_stdin_car()?)],
    };
    for (source, description) in descriptions {
        let car = model.car(&description).with_context(|| source.clone())?;
        let quote = model.quote(&car).with_context(|| source.clone())?;
        print_quote(&quote, json)?;
    }
    Ok(())
}

fn read_stdin_car() -> Result<CarDescription> {
    let mut text = String::new();
    std::io::stdin()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_string(&mut text)
        .context("cannot read a car from stdin")?;
    anyhow::ensure!(
        text.len() as u64 <= MAX_STDIN_BYTES,
        "the car on stdin is larger than {MAX_STDIN_BYTES} bytes"
    );
    anyhow::ensure!(
        !text.trim().is_empty(),
        "no car on stdin: pipe a JSON object such as {{\"make\": \"audi\", ...}} or pass --cars FILE.csv"
    );
    serde_json::from_str(&text).context("the car on stdin is not a JSON object of attribute values")
}

/// Writes a quote with `outln!`, so that a closed pipe (`carprice predict | head`) is an error
/// `main` ends quietly on, not a panic.
fn print_quote(quote: &Quote<'_>, json: bool) -> Result<()> {
    if json {
        outln!("{}", serde_json::to_string(quote)?)?;
        return Ok(());
    }
    outln!(
        "{}  ({:.0}% range {} to {}; model {})",
        format_dollars(quote.price),
        quote.interval.level * 100.0,
        format_dollars(quote.interval.low),
        format_dollars(quote.interval.high),
        quote.model_version
    )?;
    let mut drivers: Vec<_> = quote.contributions.iter().collect();
    drivers.sort_by(|a, b| {
        b.effect
            .signed_size()
            .abs()
            .total_cmp(&a.effect.signed_size().abs())
    });
    outln!("  reference car {}", format_dollars(quote.reference_price))?;
    for c in drivers.iter().take(5) {
        let written = match c.effect {
            Effect::Factor(f) => outln!("  {:<18} {:+.1}%", c.attribute, (f - 1.0) * 100.0),
            Effect::Dollars(d) => outln!("  {:<18} {}", c.attribute, format_dollars(d)),
        };
        written?;
    }
    for e in &quote.extrapolations {
        let written = match e {
            Extrapolation::OutOfRange { attribute, value, min, max } => outln!(
                "  warning: {attribute} = {value} is outside the training range {min} to {max}; the price is an extrapolation"
            ),
            Extrapolation::UntrainedCategory { attribute, category } => outln!(
                "  warning: {attribute} = {category} had no training cars; the price ignores it"
            ),
        };
        written?;
    }
    Ok(())
}
