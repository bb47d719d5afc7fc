//! `carprice predict`: quotes for one car (JSON on stdin) or every row of a CSV.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use model_core::batch::{BatchError, Records, RowProblem};
use model_core::{
    format_dollars, CarDescription, CarError, CarTable, Effect, Extrapolation, Model, Quote,
};

use crate::files;

/// Largest JSON car accepted on stdin.
const MAX_STDIN_BYTES: u64 = 1024 * 1024;

pub fn run(model: &Path, cars: Option<&Path>, delimiter: u8, json: bool) -> Result<()> {
    let model = files::read_model(model)?;
    let Some(path) = cars else {
        let car = read_stdin_car()?;
        let car = model.car(&car).context("stdin")?;
        return print_quote(&model.quote(&car).context("stdin")?, json);
    };
    let table = read_table(&model, path, delimiter)?;
    table.require_columns(model.attributes().map(|a| a.name.as_str()))?;
    // Only the model's attributes are read, as `predict --out` reads them: the target, a VIN or a
    // stock number is left out.
    let others: Vec<&str> = table
        .columns()
        .iter()
        .map(String::as_str)
        .filter(|column| model.attributes().all(|a| a.name != *column))
        .collect();
    for row in 0..table.len() {
        let description = table.description(row, &others);
        // Refused as `predict --out` refuses a row: `CSV line N: ` and the model's message, on
        // one line.
        let refused = |error: CarError| {
            let problem = RowProblem {
                line: table.line(row),
                attribute: None,
                message: error.to_string(),
            };
            anyhow::anyhow!("{problem}")
        };
        let car = model.car(&description).map_err(refused)?;
        let quote = model.quote(&car).map_err(refused)?;
        print_quote(&quote, json)?;
    }
    Ok(())
}

/// Reads a car table (`-`: stdin). A record that stops `predict --out` (a quote left open, a
/// record longer than 1 MiB) is refused with the same message, found by the same reader.
fn read_table(model: &Model, path: &Path, delimiter: u8) -> Result<CarTable> {
    let bytes = if path == Path::new("-") {
        read_stdin(model_core::MAX_TABLE_BYTES as u64, "the car table")?
    } else {
        files::read(path)?
    };
    let cannot_use = || format!("cannot use car table {}", path.display());
    stopping_record(model, &bytes, delimiter).with_context(cannot_use)?;
    CarTable::from_csv_with(&bytes, delimiter).with_context(cannot_use)
}

/// The error of a record that stops the streaming reader, if any; the table's other faults are
/// left to [`CarTable`], which names them as before.
fn stopping_record(model: &Model, bytes: &[u8], delimiter: u8) -> Result<(), BatchError> {
    let stops = |error: BatchError| match error {
        e @ (BatchError::UnclosedQuote { .. } | BatchError::RecordTooLong { .. }) => Err(e),
        _ => Ok(()),
    };
    let mut records = match Records::new(model, bytes, delimiter) {
        Ok((records, _)) => records,
        Err(e) => return stops(e),
    };
    let mut record = csv::ByteRecord::new();
    loop {
        match records.read(&mut record) {
            Ok(Some(_)) => {}
            Ok(None) => return Ok(()),
            Err(e) => return stops(e),
        }
    }
}

/// Reads standard input, at most `limit` bytes; `what` names it in errors.
fn read_stdin(limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} from stdin"))?;
    anyhow::ensure!(
        bytes.len() as u64 <= limit,
        "{what} on stdin is larger than {limit} bytes"
    );
    Ok(bytes)
}

fn read_stdin_car() -> Result<CarDescription> {
    let bytes = read_stdin(MAX_STDIN_BYTES, "the car")?;
    anyhow::ensure!(
        !bytes.trim_ascii().is_empty(),
        "no car on stdin: pipe a JSON object such as {{\"make\": \"audi\", ...}} or pass --cars FILE.csv"
    );
    serde_json::from_slice(&bytes)
        .context("the car on stdin is not a JSON object of attribute values")
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
                "  warning: {attribute} = {category} had no training cars: its effect on the price is unknown"
            ),
        };
        written?;
    }
    Ok(())
}
