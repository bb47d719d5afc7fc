//! Anonymous rollout telemetry: while a release has a challenger, each quote the form settles on
//! is recorded on the device ([`crate::rollout::record`]: model versions, both prices,
//! extrapolation flags, the car's attribute values; no person, no free text) and sent in batches
//! to `POST /api/telemetry`.
//!
//! - [`queue`]: the bounded queue and its batches (plain Rust, tested natively);
//! - [`sender`]: the browser side: recording after the car has been stable for
//!   [`sender::STABLE_MILLIS`], keeping the queue in `localStorage`, sending it when online.

pub mod queue;
pub mod sender;
