//! `carprice predict --cars IN.csv --out OUT.csv`: prices a CSV of any size, record by record.
//!
//! Memory stays a small constant: [`model_core::batch::TablePricer`] reads, prices and writes one
//! record at a time (the web app's stock-list pricing runs the same code). A row the model cannot
//! price gets one line on stderr (its CSV line and the model's message naming the attribute) and
//! is left out of the output; the rest are priced. A file output is written to a temporary file
//! beside it and renamed at the end.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use model_core::batch::{Counts, RowOutcome, TablePricer};
use model_core::Model;

use crate::files;

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

fn price_all(
    model: &Model,
    input: impl Read,
    output: impl Write,
    delimiter: u8,
    source: &Path,
) -> Result<Counts> {
    let name = source.display().to_string();
    let mut pricer = TablePricer::new(model, input, output, delimiter)
        .with_context(|| format!("cannot use car table {name}"))?;
    let progress = std::io::stderr().is_terminal();
    while let Some(outcome) = pricer
        .price_next()
        .with_context(|| format!("cannot price {name}"))?
    {
        if let RowOutcome::Refused(problem) = outcome {
            eprintln!(
                "carprice: {name}: CSV line {}: {}",
                problem.line, problem.message
            );
        }
        let counts = pricer.counts();
        let done = counts.priced + counts.refused;
        if progress && done.is_multiple_of(PROGRESS_EVERY) {
            eprint!("\rcarprice: {done} rows");
        }
    }
    if progress {
        eprint!("\r");
    }
    let counts = pricer.counts();
    pricer
        .finish()
        .with_context(|| format!("cannot price {name}"))?;
    Ok(counts)
}
