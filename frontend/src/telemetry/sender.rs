//! Records quotes into the telemetry queue kept in this browser's `localStorage` and sends it to
//! `POST /api/telemetry`: at start-up, when a quote is recorded, when the browser comes back
//! online and every minute, one batch at a time. Pricing never waits for any of it.
//!
//! A quote is recorded once the car has stayed the same for [`STABLE_MILLIS`] (typing records
//! one quote, not one per keystroke; a quote left within that time is not recorded). A batch
//! leaves the queue only when the server answers 202; 400 and 415 drop it (logged) so the other
//! batches still go; 413 splits it; 429 pauses sending for `retry-after` seconds (the first send
//! after the pause goes ahead, at most a minute later); anything else (offline, 404 from a site
//! without the endpoint, 5xx) keeps it for the next attempt. Pages in
//! several tabs share the queue; a batch sent twice is stored once (same id).

use std::any::Any;
use std::cell::RefCell;

use gloo_events::EventListener;
use gloo_net::http::Request;
use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen_futures::spawn_local;

use super::queue::{Answer, Queue};
use crate::services::{browser, device, storage};

/// Storage key of the queue's text ([`Queue::write`]); bump the suffix if its format changes.
const QUEUE_KEY: &str = "carprice.telemetry.v1";
/// How long the car must stay the same before its quote is recorded.
pub const STABLE_MILLIS: u32 = 2_000;
/// How often the queue is sent while the page is open.
const SEND_MILLIS: u32 = 60_000;
/// The pause after a 429 without a `retry-after` in seconds.
const RETRY_SECONDS: u32 = 60;

/// The sender's state for this page.
struct Sender {
    /// `POST /api/telemetry`'s URL, once started.
    url: Option<String>,
    /// A batch is on its way.
    sending: bool,
    /// No sending before this time (`Date.now()`, ms), after a 429.
    not_before: f64,
    /// The quote waiting to be recorded, if the car stays the same.
    pending: Option<Timeout>,
    /// The `online` listener and the periodic send.
    keep_alive: Vec<Box<dyn Any>>,
}

thread_local! {
    static SENDER: RefCell<Sender> = const {
        RefCell::new(Sender {
            url: None,
            sending: false,
            not_before: 0.0,
            pending: None,
            keep_alive: Vec::new(),
        })
    };
}

/// Runs `f` on the sender's state (`None` only while the page is being torn down; not
/// panicking there also keeps the panic's formatting code out of the download).
fn with_sender<R>(f: impl FnOnce(&mut Sender) -> R) -> Option<R> {
    SENDER.try_with(|s| f(&mut s.borrow_mut())).ok()
}

/// Starts sending to `url`: now, every minute and whenever the browser comes back online.
pub fn start(url: String) {
    let mut keep_alive: Vec<Box<dyn Any>> = vec![Box::new(Interval::new(SEND_MILLIS, send))];
    if let Some(window) = web_sys::window() {
        keep_alive.push(Box::new(EventListener::new(&window, "online", |_| send())));
    }
    with_sender(|sender| {
        sender.url = Some(url);
        sender.keep_alive.extend(keep_alive);
    });
    send();
}

/// The quote on screen changed: `record` ([`crate::rollout::record`]) is queued if nothing
/// changes for [`STABLE_MILLIS`]; any quote still waiting is forgotten.
pub fn quote_changed(record: Option<String>) {
    let pending = record.map(|record| {
        Timeout::new(STABLE_MILLIS, move || {
            let at = String::from(js_sys::Date::new_0().to_iso_string());
            let mut queue = load();
            queue.push(format!("{{\"at\":\"{at}\",{record}}}"));
            save(&queue);
            send();
        })
    });
    // Replacing the pending timeout drops (cancels) the previous one.
    with_sender(|sender| sender.pending = pending);
}

fn load() -> Queue {
    storage::local_storage()
        .and_then(|s| s.get_item(QUEUE_KEY).ok().flatten())
        .map(|text| Queue::read(&text))
        .unwrap_or_default()
}

/// Stores the queue; storage that is full or disabled loses what was not stored.
fn save(queue: &Queue) {
    if let Some(storage) = storage::local_storage() {
        let _ = storage.set_item(QUEUE_KEY, &queue.write());
    }
}

fn send() {
    spawn_local(flush());
}

/// Sends batches until the queue is empty or an answer says to stop.
async fn flush() {
    let url = with_sender(|sender| {
        let ready =
            !sender.sending && browser::is_online() && js_sys::Date::now() >= sender.not_before;
        let url = sender.url.clone().filter(|_| ready);
        sender.sending |= url.is_some();
        url
    })
    .flatten();
    let Some(url) = url else {
        return;
    };
    loop {
        let mut queue = load();
        let Some(batch) = queue.next_batch(device::random_id) else {
            break;
        };
        // The batch's id is stored before it is sent, so a resend after a lost answer reuses it.
        save(&queue);
        let response = match Request::post(&url)
            .header("content-type", "application/json")
            .body(batch.body())
        {
            Ok(request) => request.send().await,
            Err(error) => Err(error),
        };
        let answer = match response.as_ref().map(|r| r.status()) {
            Ok(202) => Answer::Accepted,
            Ok(413) => Answer::TooLarge,
            Ok(status @ (400 | 415)) => {
                web_sys::console::warn_1(
                    &format!(
                        "carprice: telemetry batch {} refused (HTTP {status}); dropped",
                        batch.id
                    )
                    .into(),
                );
                Answer::Refused
            }
            Ok(429) => {
                let seconds = response
                    .ok()
                    .and_then(|r| r.headers().get("retry-after"))
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .unwrap_or(RETRY_SECONDS);
                // The next send after the pause (periodic, online, a new record) goes ahead.
                with_sender(|sender| {
                    sender.not_before = js_sys::Date::now() + f64::from(seconds) * 1000.0;
                });
                break;
            }
            _ => break,
        };
        // Read again: quotes may have been recorded while the batch was on its way.
        let mut queue = load();
        queue.settle(&batch.id, answer, device::random_id);
        save(&queue);
    }
    with_sender(|sender| sender.sending = false);
}
