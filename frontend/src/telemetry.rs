//! Anonymous rollout telemetry, the wasm side: while a release has a challenger, the car on
//! screen is offered for recording ([`crate::rollout::offer`]); the record (model versions, both
//! prices, extrapolation flags, the car's attribute values; no person, no free text) is made by
//! `telemetry.js` with [`crate::rollout::telemetry_quote`].
//!
//! Everything else is `static/telemetry.js`, an ES module that `boot.js` imports only when there
//! is something to record or send, so a site without a rollout never runs it: it records the
//! offered quote once the car has stayed the same for 2 s, keeps the bounded queue in
//! `localStorage` and sends it to `POST /api/telemetry`. The two talk through this tab's
//! `sessionStorage` ([`PENDING_KEY`], [`URL_KEY`]) and the [`CHANGED_EVENT`] event on `window`.

/// `sessionStorage` key of the car on screen ([`crate::rollout::offer`]'s JSON), absent when
/// the release has no challenger.
pub const PENDING_KEY: &str = "carprice.telemetry.pending";
/// `sessionStorage` key of the URL of `POST /api/telemetry`.
pub const URL_KEY: &str = "carprice.telemetry.url";
/// The event telling `boot.js` and the sender that one of them changed.
pub const CHANGED_EVENT: &str = "carprice-telemetry";

/// Sets `key` in this tab's `sessionStorage` (removes it for `None`) and says so.
fn offer(key: &str, value: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(storage)) = window.session_storage() {
        // Storage that is disabled records nothing.
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
    if let Ok(event) = web_sys::Event::new(CHANGED_EVENT) {
        let _ = window.dispatch_event(&event);
    }
}

/// The site's telemetry endpoint is known: quotes queued earlier can go.
pub fn start(url: &str) {
    offer(URL_KEY, Some(url));
}

/// The car on screen changed: during a rollout, `offer` ([`crate::rollout::offer`]) is recorded
/// if nothing changes for 2 s; `None` without a rollout, when the sender is not needed.
pub fn quote_changed(offer: Option<String>) {
    self::offer(PENDING_KEY, offer.as_deref());
}
