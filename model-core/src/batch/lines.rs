//! Source line numbers of streamed CSV records, right for `\n`, `\r\n` and `\r` line endings,
//! and the bytes of the record being read, at most [`MAX_RECORD_BYTES`] of them.

use std::collections::VecDeque;
use std::io::Read;

use super::MAX_RECORD_BYTES;

/// A reader that notes, as bytes pass through it, where each line's text starts and on which
/// line, so that a record's byte offset (from the `csv` reader) maps to the line a text editor
/// shows. Only starts not yet asked about are kept: about one read-ahead buffer's worth.
///
/// It also keeps the bytes read since the end of the last record (told by
/// [`Self::record_ended`]), and refuses to read on once they are more than [`MAX_RECORD_BYTES`]:
/// a record too long for memory ends the reading with an error instead.
pub struct LineNumbered<R> {
    inner: R,
    /// Offset of the next byte to come through.
    offset: u64,
    /// Line of the next byte to come through (1-based).
    line: u64,
    /// The last byte seen, if any.
    previous: Option<u8>,
    /// (offset, line) of each first text byte after a line ending, oldest first.
    starts: VecDeque<(u64, u64)>,
    /// Offset where the record being read starts (the last record's end).
    record_start: u64,
    /// The bytes read from offset `pending_start` on (at or before `record_start`).
    pending: Vec<u8>,
    pending_start: u64,
    /// Whether the input has ended.
    ended: bool,
    /// Whether reading stopped at a record longer than [`MAX_RECORD_BYTES`].
    overflowed: bool,
}

impl<R: Read> LineNumbered<R> {
    pub fn new(inner: R) -> Self {
        LineNumbered {
            inner,
            offset: 0,
            line: 1,
            previous: None,
            starts: VecDeque::from([(0, 1)]),
            record_start: 0,
            pending: Vec::new(),
            pending_start: 0,
            ended: false,
            overflowed: false,
        }
    }

    /// Numbers the lines of `inner`, whose first byte is a line ending on line `line` (the
    /// first record starts after it).
    pub fn from_line_end(inner: R, line: u64) -> Self {
        LineNumbered {
            line,
            starts: VecDeque::new(),
            record_start: 1,
            ..LineNumbered::new(inner)
        }
    }
}

impl<R> LineNumbered<R> {
    /// The line of a record the `csv` reader places at `byte`. The reader may place a record on
    /// the line ending before it (blank lines and the `\n` of a `\r\n` are skipped), so the record's
    /// line is that of the first text byte at or after `byte`. Offsets must be asked in order.
    pub fn line(&mut self, byte: u64) -> u64 {
        while self.starts.len() > 1 && self.starts[0].0 < byte {
            self.starts.pop_front();
        }
        match self.starts.front() {
            Some(&(start, line)) if start >= byte => line,
            // Not seen yet (cannot happen for a record the reader has parsed): the current line.
            _ => self.line,
        }
    }

    /// Notes that a record ends at `byte` (where the next starts); its bytes are let go.
    pub fn record_ended(&mut self, byte: u64) {
        self.record_start = byte;
    }

    /// Where the record being read starts.
    pub fn record_start(&self) -> u64 {
        self.record_start
    }

    /// The bytes of the record being read, as far as they have been read.
    pub fn pending(&self) -> &[u8] {
        let skipped = self.record_start.saturating_sub(self.pending_start) as usize;
        self.pending.get(skipped..).unwrap_or_default()
    }

    /// Whether the input has ended at `byte` (the reader has read it all and `byte` is its end).
    pub fn ended_at(&self, byte: u64) -> bool {
        self.ended && byte == self.offset
    }

    /// Whether reading stopped because the record being read is longer than [`MAX_RECORD_BYTES`].
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Notes the byte at `offset` (`byte`), which follows the line ending `previous`.
    fn after_ending(&mut self, previous: u8, byte: u8, offset: u64) {
        if previous == b'\n' || byte != b'\n' {
            self.line += 1;
        }
        if byte != b'\r' && byte != b'\n' {
            self.starts.push_back((offset, self.line));
        }
    }
}

impl<R: Read> Read for LineNumbered<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Everything read is the record's (the `csv` reader reads on only when it has parsed
        // all it has), so the record is already longer than allowed.
        if self.offset.saturating_sub(self.record_start) > MAX_RECORD_BYTES as u64 {
            self.overflowed = true;
            return Err(std::io::Error::other(format!(
                "a record longer than {MAX_RECORD_BYTES} bytes"
            )));
        }
        let n = self.inner.read(buf)?;
        let bytes = &buf[..n];
        self.ended |= n == 0 && !buf.is_empty();
        let done =
            (self.record_start.saturating_sub(self.pending_start) as usize).min(self.pending.len());
        self.pending.drain(..done);
        self.pending_start += done as u64;
        self.pending.extend_from_slice(bytes);
        // Only a byte after a line ending moves the count, so only those are looked at.
        if let (Some(previous @ (b'\r' | b'\n')), Some(&first)) = (self.previous, bytes.first()) {
            self.after_ending(previous, first, self.offset);
        }
        for at in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            if let Some(&next) = bytes.get(at + 1) {
                self.after_ending(bytes[at], next, self.offset + at as u64 + 1);
            }
        }
        if let Some(&last) = bytes.last() {
            self.previous = Some(last);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new().from_reader(LineNumbered::new(text.as_bytes()));
        let mut record = csv::StringRecord::new();
        let mut lines = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            let byte = record.position().unwrap().byte();
            lines.push(reader.get_mut().line(byte));
        }
        lines
    }

    /// Hands out its text one byte per read.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn line_endings_split_between_reads_are_counted_once() {
        let text = "a,b\r\n1,2\r\r3,4\n\n5,6\r\n";
        let mut numbered = LineNumbered::new(Trickle(text.as_bytes()));
        std::io::copy(&mut numbered, &mut std::io::sink()).unwrap();
        let starts: Vec<(u64, u64)> = numbered.starts.iter().copied().collect();
        assert_eq!(starts, [(0, 1), (5, 2), (10, 4), (15, 6)]);
    }

    #[test]
    fn line_numbers_count_every_line_ending_as_an_editor_does() {
        assert_eq!(lines_of("a,b\n1,2\n3,4\n"), [2, 3]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n\r\n3,4\r\n"), [2, 4]);
        assert_eq!(lines_of("a,b\r1,2\r\r3,4\r"), [2, 4]);
        assert_eq!(lines_of("a,b\n\"x\ny\",2\n3,4"), [2, 4]);
    }
}
