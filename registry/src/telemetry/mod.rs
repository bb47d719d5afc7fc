//! Telemetry of a rollout: the quotes the web app priced with both the champion and the
//! challenger, as batches sent to `POST /api/telemetry`, checked strictly ([`Batch::from_json`])
//! and stored one file or blob per batch, create-only ([`TelemetryStore`]).
//!
//! The wire format (one batch):
//!
//! ```json
//! {"batch": "k3J9-x_0", "quotes": [{"at": "2026-11-30T07:07:43.120Z",
//!   "champion": "1.0.0", "challenger": "1.1.0", "mode": "shadow", "shown": "champion",
//!   "champion_price": 13495.0, "challenger_price": 13710.5, "extrapolated": [],
//!   "car": {"make": "audi", "horsepower": 102, "turbo": false}}]}
//! ```
//!
//! Nothing about a person and no free text: a car holds at most [`MAX_ATTRIBUTES`] values, each a
//! number, a boolean or a string of at most [`MAX_TEXT`] characters.

mod batch;
mod store;

pub use batch::{
    Batch, BatchError, CarValue, Mode, Shown, TelemetryQuote, MAX_AHEAD, MAX_ATTRIBUTES,
    MAX_BATCH_BYTES, MAX_BATCH_ID, MAX_QUOTES, MAX_TEXT,
};
#[cfg(feature = "clap")]
pub use store::TelemetryAuth;
pub use store::{Stored, TelemetryStore, TelemetryStoreError, TELEMETRY_PREFIX};
