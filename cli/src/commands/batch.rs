//! `carprice predict --cars IN.csv --out OUT.csv`: prices a CSV of any size, in blocks of rows
//! passed between threads.
//!
//! One thread reads records (the `csv` crate's byte records, reused), pricing threads check, price
//! and format whole blocks (model-core's [`model_core::RowPricer`]: the header matched once, no
//! description or full quote per row), and the calling thread writes the blocks in input order.
//! The channels between them are bounded and blocks are recycled, so memory stays a small constant
//! whatever the file's size. A row the model cannot price gets one line on stderr (its CSV line and
//! the model's message naming the attribute) and is left out of the output; the rest are priced.
//! A file output is written to a temporary file beside it and renamed at the end.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;

use anyhow::{Context, Result};
use model_core::{DataError, Extrapolation, Model, RowQuote};

use crate::files;
use crate::line_numbers::LineNumbered;

/// The columns added after the input's.
const ADDED: [&str; 4] = ["price", "price_low", "price_high", "flags"];

/// Rows between progress updates on a terminal.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Rows per block handed between threads.
const BLOCK_ROWS: usize = 4096;

/// Blocks waiting for each pricing thread, and priced blocks waiting to be written, per thread:
/// enough that a thread the scheduler leaves waiting (a busy machine) finds work queued, and
/// memory stays about 40 blocks of a few hundred bytes a row at most.
const QUEUED_BLOCKS: usize = 4;

/// The `csv` reader's buffer.
const READ_BUFFER: usize = 1 << 16;

/// Prices every row of `cars` (`-`: stdin) into `out` (`-`: stdout).
pub fn run(model: &Path, cars: &Path, out: &Path, delimiter: u8) -> Result<ExitCode> {
    let model = Arc::new(files::read_model(model)?);
    let input: Box<dyn Read + Send> = if cars == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(cars).with_context(|| format!("cannot read {}", cars.display()))?)
    };
    let counts = if out == Path::new("-") {
        let stdout = std::io::stdout().lock();
        price_all(model, input, stdout, delimiter, cars)?
    } else {
        let dir = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temporary = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot write {}", out.display()))?;
        let counts = price_all(
            model,
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

/// Up to [`BLOCK_ROWS`] records with their lines, then what pricing made of them. Blocks go
/// reader → pricing thread → writer and back to the reader to be filled again.
struct Block {
    /// The records read; the first `rows` are this block's.
    records: Vec<csv::ByteRecord>,
    rows: usize,
    /// Per row: its line in the input, and why it could not be read as a record, if so.
    lines: Vec<(u64, Option<String>)>,
    /// The error that ended the reading, after this block's rows.
    failure: Option<csv::Error>,
    /// The priced rows as output CSV text.
    text: Vec<u8>,
    /// One message per refused row, in row order: `CSV line N: problem`.
    refusals: Vec<String>,
    priced: u64,
}

impl Block {
    fn new() -> Self {
        Block {
            records: Vec::new(),
            rows: 0,
            lines: Vec::new(),
            failure: None,
            text: Vec::new(),
            refusals: Vec::new(),
            priced: 0,
        }
    }

    /// Fills the block with the next records; returns whether the input ended (or failed).
    fn fill<R: Read>(&mut self, reader: &mut csv::Reader<LineNumbered<R>>) -> bool {
        self.rows = 0;
        self.lines.clear();
        while self.rows < BLOCK_ROWS {
            if self.records.len() == self.rows {
                self.records.push(csv::ByteRecord::new());
            }
            let record = &mut self.records[self.rows];
            let read = reader.read_byte_record(record);
            let byte = match &read {
                Ok(_) => record.position().map_or(0, csv::Position::byte),
                Err(e) => e.position().map_or(0, csv::Position::byte),
            };
            let line = reader.get_mut().line(byte);
            match read {
                Ok(false) => return true,
                Ok(true) => self.lines.push((line, None)),
                Err(e) if e.is_io_error() => {
                    self.failure = Some(e);
                    return true;
                }
                Err(e) => self.lines.push((line, Some(e.to_string()))),
            }
            self.rows += 1;
        }
        false
    }
}

/// What a pricing thread keeps between blocks.
struct Pricing<'m> {
    pricer: model_core::RowPricer<'m>,
    columns: usize,
    /// The input columns copied to the output.
    kept: Arc<[usize]>,
    /// The `csv` writer's settings, for rows that need quoting.
    format: csv::WriterBuilder,
    special: Special,
    /// The block's output so far.
    text: Vec<u8>,
    numbers: [ryu::Buffer; 3],
    spill: [String; 3],
    flags: String,
}

impl Pricing<'_> {
    /// Prices the block's rows into its text and refusals.
    fn price(&mut self, block: &mut Block) {
        block.refusals.clear();
        block.priced = 0;
        let mut cells: Vec<&str> = Vec::with_capacity(self.columns);
        for (record, (line, problem)) in block.records[..block.rows].iter().zip(&block.lines) {
            let problem = match problem {
                Some(problem) => problem.clone(),
                None => match self.price_row(record, &mut cells) {
                    Ok(()) => {
                        block.priced += 1;
                        continue;
                    }
                    Err(problem) => problem,
                },
            };
            block.refusals.push(format!("CSV line {line}: {problem}"));
        }
        // The block's (emptied) buffer takes the next block's text.
        std::mem::swap(&mut self.text, &mut block.text);
    }

    /// Checks, prices and writes one record, or says why it cannot be priced.
    fn price_row<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        cells: &mut Vec<&'r str>,
    ) -> Result<(), String> {
        // The record as text at once: its fields are text if it is and each ends on a character
        // boundary (what the `csv` reader checks of a text record, field by field).
        let text = std::str::from_utf8(record.as_slice());
        cells.clear();
        for i in 0..record.len() {
            let cell = text
                .ok()
                .zip(record.range(i))
                .and_then(|(text, range)| text.get(range))
                .ok_or("the row is not valid UTF-8 text")?;
            cells.push(trim(cell));
        }
        if cells.len() != self.columns {
            return Err(format!(
                "row has {} fields, but the header has {}",
                cells.len(),
                self.columns
            ));
        }
        let quote = self.pricer.quote(cells).map_err(|e| e.to_string())?;
        write_flags(&mut self.flags, &quote);
        let [price, low, high] = &mut self.numbers;
        let [price_text, low_text, high_text] = &mut self.spill;
        let added = [
            display_number(price, price_text, quote.price),
            display_number(low, low_text, quote.interval.low),
            display_number(high, high_text, quote.interval.high),
            self.flags.as_str(),
        ];
        let fields = self.kept.iter().map(|&i| cells[i]).chain(added);
        // Trimmed cells are parts of the record's text, so if neither holds a byte that needs
        // quoting, no field does and the row is its fields joined; else the `csv` writer quotes.
        if self.special.needs_quotes(record.as_slice())
            || self.special.needs_quotes(self.flags.as_bytes())
        {
            let mut row = self.format.from_writer(Vec::new());
            row.write_record(fields)
                .and_then(|()| row.flush().map_err(csv::Error::from))
                .expect("writing CSV to memory");
            self.text.extend_from_slice(row.get_ref());
        } else {
            for (i, field) in fields.enumerate() {
                if i > 0 {
                    self.text.push(self.special.delimiter);
                }
                self.text.extend_from_slice(field.as_bytes());
            }
            self.text.push(b'\n');
        }
        Ok(())
    }
}

/// `text` without leading and trailing white space (Unicode's, as `str::trim`), without looking
/// further when its ends are plain ASCII characters.
fn trim(text: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    if plain(text.as_bytes().first()) && plain(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

/// The bytes that make the `csv` writer quote a field (with its default quoting, quotes doubled
/// and `\n` line ends): the delimiter, `"`, `\r` and `\n`.
struct Special {
    delimiter: u8,
}

impl Special {
    fn needs_quotes(&self, text: &[u8]) -> bool {
        memchr::memchr3(self.delimiter, b'"', b'\n', text).is_some()
            || memchr::memchr(b'\r', text).is_some()
    }
}

/// `x` as `f64`'s `Display` writes it (the shortest digits that read back as `x`, never an
/// exponent), found with ryu, several times faster. The two pick different digits only when `x`
/// lies exactly halfway between the two nearest candidates (ryu rounds that half to even,
/// `Display` up), which needs `x` to be a multiple of a power of two no smaller than half the last
/// digit's place (for a price, 26 trailing zero bits); those, and ryu's other forms (`1e16`), are
/// left to `Display`.
fn display_number<'b>(digits: &'b mut ryu::Buffer, spill: &'b mut String, x: f64) -> &'b str {
    if x.is_finite() && x != 0.0 {
        let text = digits.format_finite(x);
        // The power of ten of the last digit written.
        let last_place = match (text.strip_suffix(".0"), text.find('.')) {
            _ if text.contains('e') => None,
            (_, None) => None,
            (Some(whole), _) => Some((whole.len() - whole.trim_end_matches('0').len()) as i32),
            (None, Some(point)) => Some(-((text.len() - point - 1) as i32)),
        };
        if let Some(last_place) = last_place.filter(|&p| lowest_bit(x) < p - 1) {
            return if last_place >= 0 {
                &text[..text.len() - 2]
            } else {
                text
            };
        }
    }
    use std::fmt::Write as _;
    spill.clear();
    let _ = write!(spill, "{x}");
    spill
}

/// The power of two of the lowest set bit of a finite, non-zero `x`.
fn lowest_bit(x: f64) -> i32 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, exponent - 1075)
    };
    power + mantissa.trailing_zeros() as i32
}

fn price_all(
    model: Arc<Model>,
    input: impl Read + Send + 'static,
    mut output: impl Write,
    delimiter: u8,
    source: &Path,
) -> Result<Counts> {
    let name = source.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .buffer_capacity(READ_BUFFER)
        .from_reader(LineNumbered::new(input));
    // Names are trimmed as cells are.
    let columns: Vec<String> = reader
        .headers()
        .with_context(|| format!("cannot read the header of {name}"))?
        .iter()
        .map(|c| c.trim().to_string())
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
    check_header(&model, &columns, delimiter)
        .with_context(|| format!("cannot use car table {name}"))?;
    // The target column (actual prices, if any) is kept in the output under its own name unless
    // it is `price`, which the output's predicted price replaces.
    let kept: Arc<[usize]> = (0..columns.len())
        .filter(|&i| !ADDED.contains(&columns[i].as_str()))
        .collect();
    let mut header = csv_format(delimiter).from_writer(Vec::new());
    header
        .write_record(kept.iter().map(|&i| columns[i].as_str()).chain(ADDED))
        .and_then(|()| header.flush().map_err(csv::Error::from))
        .expect("writing CSV to memory");
    // Write errors are `std::io::Error`s, so that a closed pipe (`--out - | head`) is the error
    // `main` ends quietly on.
    output.write_all(header.get_ref())?;

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let columns: Arc<[String]> = columns.into();
    let (free, recycled) = mpsc::channel::<Block>();
    let mut to_pricing = Vec::new();
    let mut priced = Vec::new();
    for _ in 0..threads {
        let (to, from_reader) = mpsc::sync_channel::<Block>(QUEUED_BLOCKS);
        let (done, from_pricing) = mpsc::sync_channel::<Block>(QUEUED_BLOCKS);
        to_pricing.push(to);
        priced.push(from_pricing);
        let (model, columns, kept) = (model.clone(), columns.clone(), kept.clone());
        // Threads are not joined: on an error the command ends and they stop with it.
        std::thread::spawn(move || {
            let header: Vec<&str> = columns.iter().map(String::as_str).collect();
            let mut pricing = Pricing {
                pricer: model.row_pricer(&header),
                columns: columns.len(),
                kept,
                format: csv_format(delimiter),
                special: Special { delimiter },
                text: Vec::new(),
                numbers: Default::default(),
                spill: Default::default(),
                flags: String::new(),
            };
            price_blocks(&mut pricing, from_reader, done);
        });
    }
    std::thread::spawn(move || read_blocks(reader, recycled, to_pricing));

    let progress = std::io::stderr().is_terminal();
    let mut counts = Counts {
        priced: 0,
        refused: 0,
    };
    // Blocks were handed to the pricing threads in turn, so taking them back in turn keeps
    // the input's order; the first thread with nothing more means the input has ended.
    for turn in (0..threads).cycle() {
        let Ok(mut block) = priced[turn].recv() else {
            break;
        };
        output.write_all(&block.text)?;
        for refusal in &block.refusals {
            eprintln!("carprice: {name}: {refusal}");
        }
        let before = counts.priced + counts.refused;
        counts.priced += block.priced;
        counts.refused += block.refusals.len() as u64;
        let done = counts.priced + counts.refused;
        if progress && done / PROGRESS_EVERY > before / PROGRESS_EVERY {
            eprint!("\rcarprice: {done} rows");
        }
        if let Some(failure) = block.failure.take() {
            return Err(failure).with_context(|| format!("cannot read {name}"));
        }
        block.text.clear();
        // The reader may have finished already.
        let _ = free.send(block);
    }
    if progress {
        eprint!("\r");
    }
    output.flush()?;
    Ok(counts)
}

/// How the output's CSV is written.
fn csv_format(delimiter: u8) -> csv::WriterBuilder {
    let mut format = csv::WriterBuilder::new();
    format.delimiter(delimiter);
    format
}

/// The reading thread: fills blocks (recycled ones first) and hands them to the pricing threads in
/// turn, until the input ends or the pricing threads are gone.
fn read_blocks<R: Read>(
    mut reader: csv::Reader<LineNumbered<R>>,
    recycled: Receiver<Block>,
    to_pricing: Vec<SyncSender<Block>>,
) {
    for turn in (0..to_pricing.len()).cycle() {
        let mut block = recycled.try_recv().unwrap_or_else(|_| Block::new());
        let ended = block.fill(&mut reader);
        if to_pricing[turn].send(block).is_err() || ended {
            return;
        }
    }
}

/// A pricing thread: prices the blocks it is given, in order, until the reader is done.
fn price_blocks(pricing: &mut Pricing<'_>, blocks: Receiver<Block>, priced: SyncSender<Block>) {
    for mut block in blocks {
        pricing.price(&mut block);
        if priced.send(block).is_err() {
            return;
        }
    }
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

/// The flags column: `out_of_range:A`, `untrained:A=C`, `imputed:A`, separated by spaces.
fn write_flags(flags: &mut String, quote: &RowQuote<'_>) {
    use std::fmt::Write as _;
    flags.clear();
    for e in quote.extrapolations() {
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
    for attribute in quote.imputed() {
        let _ = write!(flags, " imputed:{attribute}");
    }
    if flags.starts_with(' ') {
        flags.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        // Bit patterns spread by a multiplicative hash of a counter: every magnitude.
        let spread = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
        let random: Vec<f64> = (0..200_000)
            .map(|i| f64::from_bits(spread(i) >> 1))
            .collect();
        let prices: Vec<f64> = (0..200_000)
            .map(|i| (spread(i) % 10_000_000_000) as f64 / 1e4)
            .collect();
        let (mut digits, mut spill) = (ryu::Buffer::new(), String::new());
        // An exactly halfway case (184682136014194.625: ryu and Display round it differently),
        // integers, extremes.
        let special = [
            5_909_828_352_454_228.0 / 32.0,
            0.5,
            2.5,
            0.0,
            1.0,
            12.0,
            12300.0,
            1e15,
            1e16,
            1e17,
            9_007_199_254_740_992.0,
            1e-5,
            1e-7,
            123.456,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
        ];
        for x in special.into_iter().chain(random).chain(prices) {
            assert_eq!(display_number(&mut digits, &mut spill, x), x.to_string());
        }
    }
}
