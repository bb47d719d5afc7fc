//! A CSV table's text in large chunks cut at record boundaries, for pricing threads that split
//! lines and fields themselves: the reading thread only copies bytes, finds the last record end
//! and counts line endings.
//!
//! A chunk without `"` and whose every `\r` ends a `\r\n` is split into lines at `\n` and into
//! fields at the delimiter ([`RowWriter::write_line`]): the `csv` reader reads such text the
//! same way. Any other chunk is read by the `csv` reader itself ([`Records`]), so quoted fields,
//! doubled quotes, line ends inside quotes and lone `\r` line ends are read exactly as a reader
//! of the whole table reads them. A chunk starts where a reader of the whole table starts a
//! record (found with `csv_core`, the `csv` reader's parser, when the text holds a `"`).

use std::io::Read;

use super::{limited, BatchError, Records, RowProblem, RowWriter, Table, MAX_RECORD_BYTES};
use crate::model::Model;

/// Bytes a chunk is filled to (a record longer than that makes a longer chunk, up to
/// [`MAX_RECORD_BYTES`]).
pub const CHUNK_BYTES: usize = 1 << 19;

/// Whole records of a table's text after its header, and the line the first starts on.
#[derive(Debug, Default)]
pub struct Chunk {
    text: Vec<u8>,
    /// The 1-based line of `text`'s first byte.
    first_line: u64,
    /// Whether `text` holds a `"`.
    quoted: bool,
}

impl Chunk {
    /// An empty chunk, to be filled by [`Chunks::fill`].
    pub fn new() -> Self {
        Chunk::default()
    }

    /// Checks, prices and writes every row of the chunk with `rows`: output rows appended to
    /// `out`, the refused rows' problems to `refusals`, in row order. Returns the number of rows.
    ///
    /// # Errors
    /// [`BatchError::UnclosedQuote`] when the table's text ends inside a quoted field (the
    /// chunk's rows before it are priced), or [`BatchError::RecordTooLong`].
    pub fn price(
        &self,
        rows: &mut RowWriter<'_>,
        out: &mut Vec<u8>,
        refusals: &mut Vec<RowProblem>,
    ) -> Result<u64, BatchError> {
        let mut count = 0;
        let mut row = |written: Result<(), RowProblem>| {
            count += 1;
            if let Err(problem) = written {
                refusals.push(problem);
            }
        };
        let text = self.text.as_slice();
        if !self.quoted && lone_returns(text).is_none() {
            // Lines cut at a `\n` (or before a `\r\n`) of a text are text: the chunk is checked
            // once, and only a chunk that is not text line by line.
            let whole_text = std::str::from_utf8(text).ok();
            let mut start = 0;
            for (n, end) in memchr::memchr_iter(b'\n', text)
                .chain([text.len()])
                .enumerate()
            {
                let Some(whole) = text.get(start..end) else {
                    break;
                };
                start = end + 1;
                let line = whole.strip_suffix(b"\r").unwrap_or(whole);
                // The `csv` reader skips empty lines.
                if !line.is_empty() {
                    let at = end - whole.len();
                    let line_text = match whole_text.and_then(|all| all.get(at..at + line.len())) {
                        Some(checked) => Ok(checked),
                        None => std::str::from_utf8(line),
                    };
                    row(rows.write_line(self.first_line + n as u64, line_text, out));
                }
            }
        } else {
            // The `csv` reader strips a byte order mark at the start of what it reads, which is
            // only right at the table's start: a line end put before the chunk keeps it.
            let input = (&b"\n"[..]).chain(text);
            let mut records = Records::continuing(input, rows.delimiter(), self.first_line - 1);
            let mut record = csv::ByteRecord::new();
            while let Some(read) = records.read(&mut record)? {
                row(rows.write(&read, &record, out));
            }
        }
        Ok(count)
    }
}

/// The offset of a `\r` not followed by `\n` in `text`, if any.
fn lone_returns(text: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\r', text).find(|&at| text.get(at + 1) != Some(&b'\n'))
}

/// Line endings in `text` as a text editor counts them (`\n`, `\r\n`, `\r`), `text` not ending
/// between the two bytes of a `\r\n`.
fn line_endings(text: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\r', b'\n', text)
        .filter(|&at| !(text[at] == b'\n' && at > 0 && text[at - 1] == b'\r'))
        .count() as u64
}

/// Reads a CSV table's text in [`Chunk`]s after checking its header against a model.
pub struct Chunks<R> {
    input: R,
    delimiter: u8,
    /// Bytes a chunk is filled to.
    size: usize,
    /// Bytes read after the last chunk's end.
    rest: Vec<u8>,
    /// The line of `rest`'s first byte.
    line: u64,
    /// Whether the input has ended.
    ended: bool,
}

impl<R: Read> Chunks<R> {
    /// Reads the header of `input` and checks it against the model; chunks are filled to `size`
    /// bytes ([`CHUNK_BYTES`] in production; tests use small ones to cut everywhere; at most
    /// [`MAX_RECORD_BYTES`]).
    ///
    /// # Errors
    /// [`BatchError`] when the header cannot be read or does not suit the model.
    pub fn new(
        model: &Model,
        input: R,
        delimiter: u8,
        size: usize,
    ) -> Result<(Self, Table), BatchError> {
        let mut chunks = Chunks {
            input,
            delimiter,
            size: size.clamp(1, MAX_RECORD_BYTES),
            rest: Vec::new(),
            line: 1,
            ended: false,
        };
        let mut header = Chunk::new();
        chunks.cut(&mut header, Cut::First)?;
        let (_, table) = Records::new(model, header.text.as_slice(), delimiter)?;
        Ok((chunks, table))
    }

    /// Fills `chunk` with the next records; returns `false` when the input has ended and the
    /// chunk holds its last records (perhaps none).
    ///
    /// # Errors
    /// [`BatchError::Read`] when the input cannot be read; [`BatchError::RecordTooLong`] or
    /// [`BatchError::UnclosedQuote`] when the next record does not end within
    /// [`MAX_RECORD_BYTES`] (the chunk is left empty).
    pub fn fill(&mut self, chunk: &mut Chunk) -> Result<bool, BatchError> {
        self.cut(chunk, Cut::Last)?;
        Ok(!(self.ended && self.rest.is_empty()))
    }

    /// Moves into `chunk` the pending bytes up to the first or last record end after reading
    /// enough input to hold one.
    fn cut(&mut self, chunk: &mut Chunk, which: Cut) -> Result<(), BatchError> {
        chunk.text.clear();
        chunk.text.extend_from_slice(&self.rest);
        self.rest.clear();
        let end = self.end(&mut chunk.text, which).inspect_err(|_| {
            chunk.text.clear();
            self.ended = true;
        })?;
        self.rest.extend_from_slice(&chunk.text[end..]);
        chunk.text.truncate(end);
        chunk.first_line = self.line;
        chunk.quoted = memchr::memchr(b'"', &chunk.text).is_some();
        self.line += line_endings(&chunk.text);
        Ok(())
    }

    /// Reads onto `text` (the pending bytes) until it holds the first or last record end, and
    /// returns the offset after it.
    fn end(&mut self, text: &mut Vec<u8>, which: Cut) -> Result<usize, BatchError> {
        let mut wanted = self.size;
        loop {
            if !self.ended && text.len() < wanted {
                let missing = (wanted - text.len()) as u64;
                text.reserve(wanted - text.len());
                let read = (&mut self.input)
                    .take(missing)
                    .read_to_end(text)
                    .map_err(BatchError::Read)?;
                self.ended = (read as u64) < missing;
            }
            let found = match (self.ended, which) {
                (true, Cut::Last) => Some(text.len()),
                (true, Cut::First) => {
                    Some(record_end(text, self.delimiter, which).unwrap_or(text.len()))
                }
                (false, _) => record_end(text, self.delimiter, which),
            };
            // Only a chunk made longer than a fill can hold a record that is too long: its first.
            if text.len() > MAX_RECORD_BYTES || found.is_some_and(|end| end > self.size) {
                let first = record_end(text, self.delimiter, Cut::First)
                    .or(self.ended.then_some(text.len()));
                if first.is_none_or(|end| end > MAX_RECORD_BYTES) {
                    return Err(self.too_long(text));
                }
            }
            if let Some(end) = found {
                return Ok(end);
            }
            // One record longer than the chunk: read on, a little past the most a record spans.
            wanted = (wanted.max(text.len()) * 2).min(MAX_RECORD_BYTES + 2);
        }
    }

    /// The error for a record at the start of `text` that spans more than [`MAX_RECORD_BYTES`].
    fn too_long(&self, text: &[u8]) -> BatchError {
        // The record's line is that of its first text byte (blank lines before it are skipped).
        let blank = text
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let line = self.line + line_endings(&text[..blank]);
        if quote_left_open(limited(text), self.delimiter) {
            BatchError::UnclosedQuote { line }
        } else {
            BatchError::RecordTooLong { line }
        }
    }
}

/// Which record end a cut is made at.
#[derive(Clone, Copy)]
enum Cut {
    /// The first (the header's).
    First,
    /// The last.
    Last,
}

/// The offset just after the first or last record end in `text`, which starts at a record's
/// start and is not the input's end, such that the chunk ending there does not end between the
/// two bytes of a `\r\n` (a `\r` last in `text` is not known to end a record alone).
fn record_end(text: &[u8], delimiter: u8, which: Cut) -> Option<usize> {
    // A record ending in `\r` followed by `\n`: the `\n` is an empty line, skipped.
    let after = |end: usize| match (text[end - 1], text.get(end)) {
        (b'\r', None) => None,
        (b'\r', Some(b'\n')) => Some(end + 1),
        _ => Some(end),
    };
    // Without quotes, every line end ends a record or an empty line. (The header is found by
    // the parser, which skips empty lines.)
    if matches!(which, Cut::Last) && memchr::memchr(b'"', text).is_none() {
        return memchr::memrchr2_iter(b'\r', b'\n', text).find_map(|at| after(at + 1));
    }
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let (mut output, mut ends) = ([0; 1024], [0; 64]);
    let (mut at, mut last) = (0, None);
    loop {
        let (result, read, _, _) = reader.read_record(&text[at..], &mut output, &mut ends);
        at += read;
        match result {
            csv_core::ReadRecordResult::Record => {
                if let Some(end) = after(at) {
                    match which {
                        Cut::First => return Some(end),
                        Cut::Last => last = Some(end),
                    }
                }
            }
            // Fields are not kept: only where records end matters.
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
            }
            csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => {
                return last
            }
        }
    }
}

/// Whether `text`, from a record's start, ends inside a quoted field: a quote opened in its last
/// record is not closed (a line end after it would be part of the field, not end the record).
pub(super) fn quote_left_open(text: &[u8], delimiter: u8) -> bool {
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let (mut output, mut ends) = ([0; 1024], [0; 64]);
    let mut at = 0;
    while at < text.len() {
        let (_, read, _, _) = reader.read_record(&text[at..], &mut output, &mut ends);
        at += read;
    }
    // Only inside quotes is a line end copied into the field.
    let (_, _, written, _) = reader.read_record(b"\n", &mut output, &mut ends);
    written == 1
}
