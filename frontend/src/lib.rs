//! # frontend
//!
//! The carprice staff web app: a Yew (client-side rendering) app built by trunk from the root
//! `Trunk.toml`. It fetches the site's model and release manifest, verifies and keeps the last
//! good model in the browser, and prices a car on every keystroke with model-core (or, in endpoint
//! mode, with `POST /api/score`).
//!
//! The logic that decides what the screen shows is plain Rust, tested natively
//! (`cargo test -p frontend`):
//! - [`form`]: form text → a quote or per-field problems ([`form::price`]);
//! - [`drivers`]: the chart's bars;
//! - [`release`]: `config.json`, `release.json` and verifying a fetched model;
//! - [`state`]: every state transition ([`state::Action`]);
//! - [`batch`]: pricing a stock list (a CSV) in a Web Worker of its own;
//! - [`figures`]: prices rounded for people, categories by their display labels;
//! - [`share`]: the car as link text, kept in the address and across reloads;
//! - [`saved`]: saved quotes (IndexedDB) and their CSV export;
//! - [`desk`]: the screens around pricing and the saved quotes' state ([`desk::DeskAction`]);
//! - [`rollout`]: champion and challenger (which one a device shows, telemetry records);
//! - [`telemetry`]: quotes offered to the telemetry sender (`static/telemetry.js`).
//!
//! [`components`] and [`services`] are the thin browser side.

pub mod batch;
pub mod components;
pub mod desk;
pub mod drivers;
pub mod figures;
pub mod form;
pub mod quote;
pub mod release;
pub mod rollout;
pub mod saved;
pub mod services;
pub mod share;
pub mod state;
pub mod telemetry;
#[cfg(test)]
mod test_support;

/// Mounts the app on the page's `<body>`.
pub fn start() {
    yew::Renderer::<components::App>::new().render();
}
