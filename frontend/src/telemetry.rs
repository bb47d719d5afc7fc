//! Anonymous rollout telemetry, the wasm side: while a release has a challenger, each quote the
//! form settles on is recorded on the device ([`crate::rollout::record`]: model versions, both
//! prices, extrapolation flags, the car's attribute values; no person, no free text) and appended
//! to the queue kept in `localStorage`.
//!
//! Sending the queue to `POST /api/telemetry` (batches, resends, the server's answers) is
//! `static/telemetry.js`, an ES module the app loads only when there is something to send, so a
//! site without a rollout never downloads it. The queue's text is shared with that module, one
//! item per line: `batch <id>` opens a sealed batch, `waiting` opens the quotes not yet in a
//! batch, and a line starting with `{` is a quote (one line of JSON) of the section above it.

use std::cell::{Cell, RefCell};

use gloo_timers::callback::Timeout;

use crate::services::storage;

/// Storage key of the queue's text; bump the suffix if its format changes (`telemetry.js` too).
const QUEUE_KEY: &str = "carprice.telemetry.v1";
/// Most quotes kept; recording one more drops the oldest.
pub const CAPACITY: usize = 1000;
/// How long the car must stay the same before its quote is recorded.
pub const STABLE_MILLIS: u32 = 2_000;
/// The sender module (a file of the site, beside `index.html`).
const SENDER_SRC: &str = "telemetry.js";
/// The event that tells the sender a quote was queued.
const QUEUED_EVENT: &str = "carprice-telemetry";

thread_local! {
    /// Whether the sender module was added to the page.
    static LOADED: Cell<bool> = const { Cell::new(false) };
    /// The quote waiting to be recorded, if the car stays the same.
    static PENDING: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

/// Appends `quote` to the queue's `text` (after the waiting section, which the sender always
/// writes last), dropping the oldest quote beyond [`CAPACITY`] (a sealed batch losing quotes keeps
/// its id; one losing all of them is skipped by the sender).
pub fn append(text: &mut String, quote: &str) {
    text.push_str(quote);
    text.push('\n');
    // Quotes are the lines starting with `{` (one line of JSON each).
    let bytes = text.as_bytes();
    let mut quotes =
        (0..bytes.len()).filter(|&i| bytes[i] == b'{' && (i == 0 || bytes[i - 1] == b'\n'));
    if let Some(oldest) = quotes.next() {
        if quotes.count() >= CAPACITY {
            let end = bytes[oldest..]
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(0);
            text.replace_range(oldest..=oldest + end, "");
        }
    }
}

/// Loads the sender module, once per page, sending to `url`. Without quotes queued it is not
/// loaded at all, unless `always` (a rollout records some).
pub fn start(url: &str, always: bool) {
    let queued = || {
        storage::local_storage()
            .and_then(|s| s.get_item(QUEUE_KEY).ok().flatten())
            .is_some_and(|text| text.contains('{'))
    };
    if LOADED.with(Cell::get) || !(always || queued()) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) {
        let _ = script.set_attribute("type", "module");
        let _ = script.set_attribute("src", SENDER_SRC);
        let _ = script.set_attribute("data-url", url);
        let _ = head.append_child(&script);
        LOADED.with(|loaded| loaded.set(true));
    }
}

/// The quote on screen changed: `record` ([`crate::rollout::record`]) is queued if nothing
/// changes for [`STABLE_MILLIS`] (then the sender, loaded if need be, sends it to `url`); any
/// quote still waiting is forgotten.
pub fn quote_changed(record: Option<String>, url: String) {
    let pending = record.map(|record| {
        Timeout::new(STABLE_MILLIS, move || {
            let at = String::from(js_sys::Date::new_0().to_iso_string());
            if let Some(storage) = storage::local_storage() {
                let mut text = storage
                    .get_item(QUEUE_KEY)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                append(&mut text, &format!("{{\"at\":\"{at}\",{record}}}"));
                // Storage that is full or disabled loses the quote.
                let _ = storage.set_item(QUEUE_KEY, &text);
            }
            start(&url, true);
            if let (Some(window), Ok(event)) =
                (web_sys::window(), web_sys::Event::new(QUEUED_EVENT))
            {
                let _ = window.dispatch_event(&event);
            }
        })
    });
    // Replacing the pending timeout drops (cancels) the previous one.
    let _ = PENDING.try_with(|slot| slot.replace(pending));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with('{')).collect()
    }

    fn appended(text: &str, quote: &str) -> String {
        let mut text = text.to_string();
        append(&mut text, quote);
        text
    }

    #[test]
    fn a_quote_goes_after_the_waiting_quotes() {
        assert_eq!(appended("", "{\"n\":0}"), "{\"n\":0}\n");
        let text = appended("batch a\n{\"n\":0}\nwaiting\n{\"n\":1}\n", "{\"n\":2}");
        assert_eq!(text, "batch a\n{\"n\":0}\nwaiting\n{\"n\":1}\n{\"n\":2}\n");
    }

    #[test]
    fn the_queue_is_bounded_and_drops_the_oldest() {
        let mut text = String::from("batch b1\n");
        for n in 0..200 {
            text.push_str(&format!("{{\"n\":{n}}}\n"));
        }
        text.push_str("waiting\n");
        for n in 200..CAPACITY + 100 {
            append(&mut text, &format!("{{\"n\":{n}}}"));
        }
        assert_eq!(quotes(&text).len(), CAPACITY);
        // The oldest 100 went from the sealed batch, which keeps its id.
        assert!(
            text.starts_with("batch b1\n{\"n\":100}\n"),
            "{}",
            &text[..40]
        );
        for n in CAPACITY + 100..CAPACITY + 250 {
            append(&mut text, &format!("{{\"n\":{n}}}"));
        }
        // Emptied, the batch holds nothing; the oldest waiting quote is next.
        assert!(text.starts_with("batch b1\nwaiting\n{\"n\":250}\n"));
        assert_eq!(quotes(&text).len(), CAPACITY);
        // Waiting quotes only (as the app first writes them): the first line goes.
        let mut text = (0..CAPACITY)
            .map(|n| format!("{{\"n\":{n}}}\n"))
            .collect::<String>();
        append(&mut text, "{\"n\":-1}");
        assert!(text.starts_with("{\"n\":1}\n") && text.ends_with("\n{\"n\":-1}\n"));
        assert_eq!(quotes(&text).len(), CAPACITY);
    }
}
