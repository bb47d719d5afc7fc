//! `carprice predict --cars IN.csv --out OUT.csv`: prices a CSV of any size, record by record.
//!
//! Memory stays a small constant: one record is read, priced and written at a time through the
//! `csv` crate's buffered reader and writer. A row the model cannot price gets one line on stderr
//! (its CSV line and the model's message naming the attribute) and is left out of the output; the
//! rest are priced. A file output is written to a temporary file beside it and renamed at the end.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use model_core::{
    is_missing, AttributeValue, CarDescription, DataError, Extrapolation, Model, Quote,
};

use crate::files;
use crate::line_numbers::LineNumbered;

/// The columns added after the input's.
const ADDED: [&str; 4] = ["price", "price_low", "price_high", "flags"];

/// Rows between progress updates on a terminal.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Prices every row of `cars` (`-`: stdin) into `out` (`-`: stdout).
pub fn run(model: &Path, cars: &Path, out: &Path, delimiter: u8) -> Result<ExitCode> {
    let model = files::read_model(model)?;
    let input: Box<dyn Read> = if cars == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(cars).with_context(|| format!("cannot read {}", cars.display()))?)
    };
    let counts = if out == Path::new("-") {
        let stdout = std::io::stdout().lock();
        price_all(&model, input, stdout, delimiter, cars)?
    } else {
        let dir = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temporary = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot write {}", out.display()))?;
        let counts = price_all(
            &model,
            input,
            BufWriter::new(temporary.as_file()),
            delimiter,
            cars,
        )?;
        temporary
            .as_file()
            .sync_all()
            .and_then(|()| temporary.persist(out).map_err(|e| e.error))
            .with_context(|| format!("cannot write {}", out.display()))?;
        counts
    };
    eprintln!(
        "carprice: {} rows priced, {} rows refused",
        counts.priced, counts.refused
    );
    Ok(if counts.refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Rows priced and refused.
struct Counts {
    priced: u64,
    refused: u64,
}

fn price_all(
    model: &Model,
    input: impl Read,
    output: impl Write,
    delimiter: u8,
    source: &Path,
) -> Result<Counts> {
    let name = source.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(LineNumbered::new(input));
    let columns: Vec<String> = reader
        .headers()
        .with_context(|| format!("cannot read the header of {name}"))?
        .iter()
        .map(str::to_string)
        .collect();
    let target = model.document().target.name.as_str();
    if let Some(clash) = columns
        .iter()
        .find(|c| ADDED.contains(&c.as_str()) && c.as_str() != target)
    {
        anyhow::bail!(
            "{name} has a column `{clash}`, which the output adds: rename or remove it ({} are added)",
            ADDED.join(", ")
        );
    }
    check_header(model, &columns, delimiter)
        .with_context(|| format!("cannot use car table {name}"))?;
    // The target column (actual prices, if any) is kept in the output under its own name unless
    // it is `price`, which the output's predicted price replaces.
    let kept: Vec<usize> = (0..columns.len())
        .filter(|&i| !ADDED.contains(&columns[i].as_str()))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(output);
    // Write errors become `std::io::Error`s, so that a closed pipe (`--out - | head`) is the error
    // `main` ends quietly on.
    writer
        .write_record(kept.iter().map(|&i| columns[i].as_str()).chain(ADDED))
        .map_err(io_error)?;
    let progress = std::io::stderr().is_terminal();
    let mut counts = Counts {
        priced: 0,
        refused: 0,
    };
    // The columns a car description takes: all but the target and the columns the model ignores
    // (which `Model::car` would accept and skip), so unknown columns are still refused.
    let ignored = &model.document().ignored_attributes;
    let priced: Vec<usize> = (0..columns.len())
        .filter(|&i| columns[i] != target && !ignored.contains(&columns[i]))
        .collect();
    let mut record = csv::StringRecord::new();
    let mut description = CarDescription::new();
    let mut flags = String::new();
    loop {
        let read = reader.read_record(&mut record);
        let byte = match &read {
            Ok(_) => record.position().map_or(0, csv::Position::byte),
            Err(e) => e.position().map_or(0, csv::Position::byte),
        };
        let line = reader.get_mut().line(byte);
        match read {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) if e.is_io_error() => {
                return Err(e).with_context(|| format!("cannot read {name}"));
            }
            Err(e) => {
                refuse(&mut counts, &name, line, &csv_problem(&e));
                continue;
            }
        }
        if record.len() != columns.len() {
            let problem = format!(
                "row has {} fields, but the header has {}",
                record.len(),
                columns.len()
            );
            refuse(&mut counts, &name, line, &problem);
            continue;
        }
        fill(&mut description, &priced, &columns, &record);
        let quote = model.car(&description).and_then(|car| model.quote(&car));
        match quote {
            Ok(quote) => {
                write_flags(&mut flags, &quote);
                let price = quote.price.to_string();
                let low = quote.interval.low.to_string();
                let high = quote.interval.high.to_string();
                writer
                    .write_record(kept.iter().map(|&i| &record[i]).chain([
                        price.as_str(),
                        low.as_str(),
                        high.as_str(),
                        flags.as_str(),
                    ]))
                    .map_err(io_error)?;
                counts.priced += 1;
            }
            Err(error) => refuse(&mut counts, &name, line, &error.to_string()),
        }
        let done = counts.priced + counts.refused;
        if progress && done.is_multiple_of(PROGRESS_EVERY) {
            eprint!("\rcarprice: {done} rows");
        }
    }
    if progress {
        eprint!("\r");
    }
    writer.flush()?;
    Ok(counts)
}

/// Refuses a header as `CarTable` does: another delimiter evidently used, a repeated column, or
/// a column the model needs absent.
fn check_header(model: &Model, columns: &[String], delimiter: u8) -> Result<(), DataError> {
    if let [only] = columns {
        if let Some(found) = [',', ';', '\t', '|']
            .into_iter()
            .find(|&d| d != char::from(delimiter) && only.contains(d))
        {
            return Err(DataError::Delimiter {
                found,
                expected: char::from(delimiter),
            });
        }
    }
    if let Some((_, column)) = columns
        .iter()
        .enumerate()
        .find(|(i, c)| columns[..*i].contains(c))
    {
        return Err(DataError::DuplicateColumn {
            column: column.clone(),
        });
    }
    match model.attributes().find(|a| !columns.contains(&a.name)) {
        Some(attribute) => Err(DataError::MissingColumn {
            column: attribute.name.clone(),
            columns: columns.join(", "),
        }),
        None => Ok(()),
    }
}

/// The I/O error inside a `csv` write error (`From` would wrap it and lose its kind), so that
/// `main` recognises a closed pipe.
fn io_error(error: csv::Error) -> std::io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => std::io::Error::other(format!("cannot write the CSV: {other:?}")),
    }
}

/// Reports one refused row on stderr.
fn refuse(counts: &mut Counts, name: &str, line: u64, problem: &str) {
    counts.refused += 1;
    eprintln!("carprice: {name}: CSV line {line}: {problem}");
}

/// The message for a malformed record.
fn csv_problem(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8 text".to_string(),
        _ => error.to_string(),
    }
}

/// Puts one record into `description` as `CarTable::description` would (missing cells left
/// out), taking only the `priced` columns.
fn fill(
    description: &mut CarDescription,
    priced: &[usize],
    columns: &[String],
    record: &csv::StringRecord,
) {
    *description = priced
        .iter()
        .map(|&i| (columns[i].as_str(), &record[i]))
        .filter(|&(_, cell)| !is_missing(cell))
        .map(|(column, cell)| (column, AttributeValue::Text(cell.to_string())))
        .collect();
}

/// The flags column: `out_of_range:A`, `untrained:A=C`, `imputed:A`, separated by spaces.
fn write_flags(flags: &mut String, quote: &Quote<'_>) {
    use std::fmt::Write as _;
    flags.clear();
    for e in &quote.extrapolations {
        let _ = match e {
            Extrapolation::OutOfRange { attribute, .. } => {
                write!(flags, " out_of_range:{attribute}")
            }
            Extrapolation::UntrainedCategory {
                attribute,
                category,
            } => {
                write!(flags, " untrained:{attribute}={category}")
            }
        };
    }
    for attribute in &quote.imputed {
        let _ = write!(flags, " imputed:{attribute}");
    }
    if flags.starts_with(' ') {
        flags.remove(0);
    }
}
