//! `carprice predict --cars IN.csv --out OUT.csv`: prices a CSV of any size, in blocks of rows
//! passed between threads.
//!
//! One thread reads the input in chunks of whole records ([`model_core::batch::Chunks`]: bytes
//! copied, cut at the last record end, line ends counted), pricing threads split each chunk into
//! rows and cells and check, price and write them with [`model_core::batch::RowWriter`] (the rows
//! of the web app's stock-list pricing, which runs the same code one row at a time), and the
//! calling thread writes the blocks in input order. The channels between them are bounded and blocks are
//! recycled, so memory stays a small constant whatever the file's size. A row the model cannot
//! price gets one line on stderr (its CSV line and the model's message naming the attribute) and
//! is left out of the output; the rest are priced. A file output is written through
//! [`OutFile`]: to a temporary file beside it, renamed at the end (a device or FIFO directly).

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;

use anyhow::{Context, Result};
use model_core::batch::{
    BatchError, Chunk, Chunks, Counts, RowProblem, RowWriter, Table, CHUNK_BYTES,
};
use model_core::Model;

use crate::files;
use crate::out_file::OutFile;
use crate::print::counted;

/// Rows between progress updates on a terminal.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Blocks waiting for each pricing thread, and priced blocks waiting to be written, per thread:
/// enough that a thread the scheduler leaves waiting (a busy machine) finds work queued, and
/// memory stays about 20 blocks of a chunk of input and its output at most.
const QUEUED_BLOCKS: usize = 4;

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
        price_all(model, input, stdout, delimiter, cars, "the standard output")?
    } else {
        let file = OutFile::create(out)?;
        let counts = price_all(
            model,
            input,
            BufWriter::new(file.as_file()),
            delimiter,
            cars,
            &out.display().to_string(),
        )?;
        file.commit()?;
        counts
    };
    errln!(
        "carprice: {} priced, {} refused",
        counted(counts.priced, "row"),
        counted(counts.refused, "row")
    );
    Ok(if counts.refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A chunk of the input's records, then what pricing made of them. Blocks go reader → pricing
/// thread → writer and back to the reader to be filled again.
struct Block {
    /// The records read.
    chunk: Chunk,
    /// The error that ended the reading, after this block's rows.
    failure: Option<BatchError>,
    /// The rows in the chunk.
    rows: u64,
    /// The priced rows as output CSV text.
    text: Vec<u8>,
    /// The refused rows, in row order.
    refusals: Vec<RowProblem>,
}

impl Block {
    fn new() -> Self {
        Block {
            chunk: Chunk::new(),
            failure: None,
            rows: 0,
            text: Vec::new(),
            refusals: Vec::new(),
        }
    }

    /// Fills the block with the next records; returns whether the input ended (or failed).
    fn fill<R: Read>(&mut self, chunks: &mut Chunks<R>) -> bool {
        match chunks.fill(&mut self.chunk) {
            Ok(more) => !more,
            Err(e) => {
                self.failure = Some(e);
                true
            }
        }
    }

    /// Prices the block's rows into its text and refusals (up to a record that stops the
    /// reading, noted as the block's failure).
    fn price(&mut self, rows: &mut RowWriter<'_>) {
        self.refusals.clear();
        self.text.clear();
        match self.chunk.price(rows, &mut self.text, &mut self.refusals) {
            Ok(count) => self.rows = count,
            Err(e) => {
                self.rows = self.refusals.len() as u64;
                self.failure = Some(e);
            }
        }
    }
}

/// Prices `input` (read from `source`) into `output` (named `destination` in messages).
fn price_all(
    model: Arc<Model>,
    input: impl Read + Send + 'static,
    mut output: impl Write,
    delimiter: u8,
    source: &Path,
    destination: &str,
) -> Result<Counts> {
    let name = source.display().to_string();
    let (chunks, table) = Chunks::new(&model, input, delimiter, CHUNK_BYTES)
        .with_context(|| format!("cannot use car table {name}"))?;
    // Write errors keep their `std::io::Error` as the cause, so that a closed pipe (`--out - |
    // head`) is the error `main` ends quietly on; a full disk names the output.
    let cannot_write = || format!("cannot write {destination}");
    output
        .write_all(&table.header_row())
        .with_context(cannot_write)?;

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let table = Arc::new(table);
    let (free, recycled) = mpsc::channel::<Block>();
    let mut to_pricing = Vec::new();
    let mut priced = Vec::new();
    for _ in 0..threads {
        let (to, from_reader) = mpsc::sync_channel::<Block>(QUEUED_BLOCKS);
        let (done, from_pricing) = mpsc::sync_channel::<Block>(QUEUED_BLOCKS);
        to_pricing.push(to);
        priced.push(from_pricing);
        let (model, table): (Arc<Model>, Arc<Table>) = (model.clone(), table.clone());
        // Threads are not joined: on an error the command ends and they stop with it.
        std::thread::spawn(move || price_blocks(&mut table.row_writer(&model), from_reader, done));
    }
    std::thread::spawn(move || read_blocks(chunks, recycled, to_pricing));

    let progress = std::io::stderr().is_terminal();
    let mut counts = Counts::default();
    // Blocks were handed to the pricing threads in turn, so taking them back in turn keeps
    // the input's order; the first thread with nothing more means the input has ended.
    for turn in (0..threads).cycle() {
        let Ok(mut block) = priced[turn].recv() else {
            break;
        };
        output.write_all(&block.text).with_context(cannot_write)?;
        for refusal in &block.refusals {
            errln!("carprice: {name}: {refusal}");
        }
        let before = counts.priced + counts.refused;
        counts.refused += block.refusals.len() as u64;
        counts.priced += block.rows - block.refusals.len() as u64;
        let done = counts.priced + counts.refused;
        if progress && done / PROGRESS_EVERY > before / PROGRESS_EVERY {
            err!("\rcarprice: {done} rows");
        }
        if let Some(failure) = block.failure.take() {
            return Err(failure).with_context(|| format!("cannot price {name}"));
        }
        // The reader may have finished already.
        let _ = free.send(block);
    }
    if progress {
        err!("\r");
    }
    output.flush().with_context(cannot_write)?;
    Ok(counts)
}

/// The reading thread: fills blocks (recycled ones first) and hands them to the pricing threads in
/// turn, until the input ends or the pricing threads are gone.
fn read_blocks<R: Read>(
    mut chunks: Chunks<R>,
    recycled: Receiver<Block>,
    to_pricing: Vec<SyncSender<Block>>,
) {
    for turn in (0..to_pricing.len()).cycle() {
        let mut block = recycled.try_recv().unwrap_or_else(|_| Block::new());
        let ended = block.fill(&mut chunks);
        if to_pricing[turn].send(block).is_err() || ended {
            return;
        }
    }
}

/// A pricing thread: prices the blocks it is given, in order, until the reader is done.
fn price_blocks(rows: &mut RowWriter<'_>, blocks: Receiver<Block>, priced: SyncSender<Block>) {
    for mut block in blocks {
        block.price(rows);
        if priced.send(block).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::print::counted;

    #[test]
    fn a_table_of_one_row_said_1_rows_priced() {
        assert_eq!(counted(1, "row"), "1 row");
        assert_eq!(counted(0, "row"), "0 rows");
    }
}
