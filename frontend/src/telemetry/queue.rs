//! The device's telemetry queue: quotes waiting to be sent, bounded (the oldest dropped), kept as
//! text in the browser's storage, and sealed into batches whose ids stay the same on every resend
//! (the server stores a batch id once, so a resend after a lost answer never duplicates).
//!
//! Stored text, one item per line (a quote is one line of JSON: strings are escaped):
//! `batch <id>` opens a sealed batch, `waiting` opens the quotes not yet in a batch, and a line
//! starting with `{` is a quote of the section above it. Anything else is ignored, so damaged
//! text costs at most its own lines.

/// Most quotes kept; recording one more drops the oldest.
pub const CAPACITY: usize = 1000;
/// Most quotes in one batch (the server's limit).
pub const BATCH_QUOTES: usize = 200;
/// Most bytes of one batch's body (the server's limit, 64 KiB).
pub const BATCH_BYTES: usize = 64 * 1024;

/// Quotes sent together under one id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Random, 1..=64 characters of `[A-Za-z0-9_-]`, the same on every resend.
    pub id: String,
    /// Quotes as JSON objects, oldest first.
    pub quotes: Vec<String>,
}

impl Batch {
    /// The body of `POST /api/telemetry`: `{"batch": id, "quotes": [...]}`.
    pub fn body(&self) -> String {
        let mut body = format!("{{\"batch\":\"{}\",\"quotes\":[", self.id);
        for (i, quote) in self.quotes.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(quote);
        }
        body.push_str("]}");
        body
    }
}

/// What the server's answer means for a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 202: stored (or stored before); remove it.
    Accepted,
    /// 400 or 415: it will never be accepted; remove it so the others still go.
    Refused,
    /// 413: too large; split it in two (a single quote that is too large is removed).
    TooLarge,
}

/// The queue: sealed batches (oldest first), then quotes waiting for a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queue {
    batches: Vec<Batch>,
    waiting: Vec<String>,
}

impl Queue {
    /// Reads the stored text (see the module's documentation).
    pub fn read(text: &str) -> Queue {
        let mut queue = Queue::default();
        let mut in_batch = false;
        for line in text.lines() {
            if let Some(id) = line.strip_prefix("batch ") {
                queue.batches.push(Batch {
                    id: id.to_string(),
                    quotes: Vec::new(),
                });
                in_batch = true;
            } else if line == "waiting" {
                in_batch = false;
            } else if line.starts_with('{') {
                match (in_batch, queue.batches.last_mut()) {
                    (true, Some(batch)) => batch.quotes.push(line.to_string()),
                    _ => queue.waiting.push(line.to_string()),
                }
            }
        }
        queue.batches.retain(|b| !b.quotes.is_empty());
        queue
    }

    /// The text to store.
    pub fn write(&self) -> String {
        let mut text = String::new();
        for batch in &self.batches {
            text.push_str("batch ");
            text.push_str(&batch.id);
            text.push('\n');
            for quote in &batch.quotes {
                text.push_str(quote);
                text.push('\n');
            }
        }
        text.push_str("waiting\n");
        for quote in &self.waiting {
            text.push_str(quote);
            text.push('\n');
        }
        text
    }

    /// How many quotes are queued.
    pub fn len(&self) -> usize {
        self.batches.iter().map(|b| b.quotes.len()).sum::<usize>() + self.waiting.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a quote (one line of JSON), dropping the oldest beyond [`CAPACITY`].
    pub fn push(&mut self, quote: String) {
        self.waiting.push(quote);
        while self.len() > CAPACITY {
            match self.batches.first_mut() {
                Some(batch) => {
                    batch.quotes.remove(0);
                    if batch.quotes.is_empty() {
                        self.batches.remove(0);
                    }
                }
                None => {
                    self.waiting.remove(0);
                }
            }
        }
    }

    /// The batch to send next: the oldest sealed one, or the oldest waiting quotes sealed into a
    /// new batch of id `new_id()` (at most [`BATCH_QUOTES`] quotes and [`BATCH_BYTES`] of body).
    pub fn next_batch(&mut self, new_id: impl FnOnce() -> String) -> Option<Batch> {
        if self.batches.is_empty() && !self.waiting.is_empty() {
            let id = new_id();
            let mut bytes = id.len() + 24;
            let mut count = 0;
            for quote in self.waiting.iter().take(BATCH_QUOTES) {
                bytes += quote.len() + 1;
                if count > 0 && bytes > BATCH_BYTES {
                    break;
                }
                count += 1;
            }
            let quotes = self.waiting.drain(..count).collect();
            self.batches.push(Batch { id, quotes });
        }
        self.batches.first().cloned()
    }

    /// Applies the server's answer about batch `id` (a batch no longer queued is left alone).
    /// Splitting keeps the first half under `id` (the server stored nothing of it) and gives the
    /// second half `new_id()`.
    pub fn settle(&mut self, id: &str, answer: Answer, new_id: impl FnOnce() -> String) {
        let Some(at) = self.batches.iter().position(|b| b.id == id) else {
            return;
        };
        let batch = &mut self.batches[at];
        if answer == Answer::TooLarge && batch.quotes.len() > 1 {
            let second = batch.quotes.split_off(batch.quotes.len() / 2);
            self.batches.insert(
                at + 1,
                Batch {
                    id: new_id(),
                    quotes: second,
                },
            );
        } else {
            self.batches.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(n: usize) -> String {
        format!("{{\"n\":{n}}}")
    }

    fn ids() -> impl FnMut() -> String {
        let mut next = 0;
        move || {
            next += 1;
            format!("b{next}")
        }
    }

    fn numbers(batch: &Batch) -> Vec<usize> {
        batch
            .quotes
            .iter()
            .map(|q| q[5..q.len() - 1].parse().unwrap())
            .collect()
    }

    #[test]
    fn a_stored_queue_reads_back_with_its_batch_ids() {
        let mut queue = Queue::default();
        for n in 0..5 {
            queue.push(quote(n));
        }
        let sealed = queue.next_batch(|| "first".into()).unwrap();
        queue.push(quote(5));
        let read = Queue::read(&queue.write());
        assert_eq!(read, queue);
        assert_eq!(read.len(), 6);
        let mut read = read;
        // The sealed batch is sent again under the same id: the server dedups the resend.
        assert_eq!(read.next_batch(|| unreachable!()), Some(sealed));
    }

    #[test]
    fn damaged_text_loses_only_its_own_lines() {
        let queue =
            Queue::read("batch a\n{\"n\":1}\ngarbage\nbatch empty\nwaiting\n{\"n\":2}\n{\"n\":3");
        assert_eq!(queue.len(), 3);
        assert_eq!(Queue::read(""), Queue::default());
        let mut queue = Queue::read("{\"n\":7}\n");
        assert_eq!(numbers(&queue.next_batch(|| "x".into()).unwrap()), [7]);
    }

    #[test]
    fn the_queue_is_bounded_and_drops_the_oldest() {
        let mut queue = Queue::default();
        let mut id = ids();
        for n in 0..300 {
            queue.push(quote(n));
        }
        queue.next_batch(&mut id);
        for n in 300..CAPACITY + 100 {
            queue.push(quote(n));
        }
        assert_eq!(queue.len(), CAPACITY);
        // The oldest 100 went from the sealed batch, which keeps its id.
        let first = queue.next_batch(&mut id).unwrap();
        assert_eq!(first.id, "b1");
        assert_eq!(numbers(&first), (100..200).collect::<Vec<_>>());
        for n in CAPACITY + 100..CAPACITY + 250 {
            queue.push(quote(n));
        }
        // Emptied, the batch is gone; the oldest waiting quotes go next.
        let first = queue.next_batch(&mut id).unwrap();
        assert_eq!(first.id, "b2");
        assert_eq!(numbers(&first)[0], 250);
    }

    #[test]
    fn batches_hold_at_most_200_quotes_and_64_kib() {
        let mut queue = Queue::default();
        for n in 0..450 {
            queue.push(quote(n));
        }
        let mut id = ids();
        let mut sizes = Vec::new();
        while let Some(batch) = queue.next_batch(&mut id) {
            sizes.push(batch.quotes.len());
            queue.settle(&batch.id, Answer::Accepted, &mut id);
        }
        assert_eq!(sizes, [200, 200, 50]);
        let big = format!("{{\"car\":\"{}\"}}", "x".repeat(20_000));
        for _ in 0..7 {
            queue.push(big.clone());
        }
        let batch = queue.next_batch(&mut id).unwrap();
        assert_eq!(batch.quotes.len(), 3);
        assert!(batch.body().len() <= BATCH_BYTES);
    }

    #[test]
    fn a_batch_is_removed_only_when_accepted_or_refused() {
        let mut queue = Queue::default();
        let mut id = ids();
        queue.push(quote(0));
        let batch = queue.next_batch(&mut id).unwrap();
        let body: serde_json::Value = serde_json::from_str(&batch.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"batch": "b1", "quotes": [{"n": 0}]})
        );
        queue.push(quote(1));
        // Unknown ids (an answer about a batch already settled) change nothing.
        queue.settle("elsewhere", Answer::Accepted, &mut id);
        assert_eq!(queue.next_batch(&mut id), Some(batch.clone()));
        queue.settle(&batch.id, Answer::Refused, &mut id);
        let next = queue.next_batch(&mut id).unwrap();
        assert_eq!((next.id.as_str(), numbers(&next)), ("b2", vec![1]));
        queue.settle(&next.id, Answer::Accepted, &mut id);
        assert!(queue.is_empty());
        assert_eq!(queue.next_batch(&mut id), None);
    }

    #[test]
    fn a_batch_too_large_is_split_and_a_single_quote_too_large_is_dropped() {
        let mut queue = Queue::default();
        let mut id = ids();
        for n in 0..5 {
            queue.push(quote(n));
        }
        let batch = queue.next_batch(&mut id).unwrap();
        queue.settle(&batch.id, Answer::TooLarge, &mut id);
        let first = queue.next_batch(&mut id).unwrap();
        assert_eq!((first.id.as_str(), numbers(&first)), ("b1", vec![0, 1]));
        queue.settle(&first.id, Answer::Accepted, &mut id);
        let second = queue.next_batch(&mut id).unwrap();
        assert_eq!(
            (second.id.as_str(), numbers(&second)),
            ("b2", vec![2, 3, 4])
        );
        queue.settle("b2", Answer::TooLarge, &mut id);
        assert_eq!(numbers(&queue.next_batch(&mut id).unwrap()), [2]);
        queue.settle("b2", Answer::TooLarge, &mut id);
        assert_eq!(queue.len(), 2);
        let last = queue.next_batch(&mut id).unwrap();
        assert_eq!((last.id.as_str(), numbers(&last)), ("b3", vec![3, 4]));
    }
}
