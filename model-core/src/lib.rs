//! # model-core
//!
//! The car price model of carprice: one library, compiled natively (CLI, server) and to
//! `wasm32-unknown-unknown` (the staff web app), so a car gets the same price everywhere, to the bit.
//!
//! It owns:
//! - the **model document** ([`ModelDocument`]): versioned JSON of attributes, term weights and
//!   encodings, read only through a validating constructor into a [`Model`];
//! - **pricing**: a [`CarDescription`] (named attribute values) is checked into a [`Car`], which the
//!   model turns into a [`Quote`]: price, prediction interval, per-attribute contributions that
//!   rebuild the price from a reference car's, and extrapolation flags;
//! - **pricing tables column by column** ([`Model::price_columns`]): numbers as slices, text as codes
//!   into distinct values checked once ([`Model::check_value`]), to the same bits as car by car;
//! - **pricing a table's text rows** ([`Model::row_pricer`]): the header matched once, each row's
//!   cells checked and priced with its range and flags, as the quote of its description;
//! - **metrics** ([`Metrics`]): R², MAE, RMSE, MAPE;
//! - **training** ([`train()`], feature `train`): one-hot categories, identity/log numeric
//!   transforms, standardisation, log target, ridge regression with every choice made by exact
//!   leave-one-out cross-validation;
//! - **car tables** ([`CarTable`], feature `train`): CSV with errors that give line, column and value;
//! - **pricing a CSV row by row** ([`batch`], feature `csv`): the same rows plus price, range and
//!   flags, for tables of any size;
//! - **JSON reading** ([`json`]) and **numbers as text** ([`parse_number`], [`format_number`],
//!   [`format_fixed`], [`format_dollars`]): small and exact, without the standard library's float
//!   tables and formatter, since every byte of them is downloaded by the web app.
//!
//! ```
//! use model_core::{CarDescription, Model};
//!
//! let model = Model::from_json(include_str!("../../assets/model.json")).unwrap();
//! let mut car: CarDescription = model.default_description();
//! car.set("make", "audi");
//! let quote = model.quote(&model.car(&car).unwrap()).unwrap();
//! assert!(quote.interval.low < quote.price && quote.price < quote.interval.high);
//! ```
//!
//! Exponentials and logarithms come from `libm`, never the platform, so native and wasm builds
//! compute identical bits.
//!
//! The default feature `train` adds training and CSV tables (with `ndarray` and `csv`); the web
//! app builds without it, since it only prices. The feature `csv` alone adds [`batch`] (the web
//! app's stock-list worker uses it, never the page itself).

#[cfg(feature = "csv")]
pub mod batch;
mod car;
mod cells;
mod columns;
mod compiled;
#[cfg(feature = "train")]
pub mod data;
mod decimal;
mod digest;
mod document;
mod error;
pub mod json;
mod metrics;
mod model;
mod money;
mod names;
mod number;
mod priceable;
mod quote;
pub mod release;
mod rows;
#[cfg(feature = "train")]
mod schema;
#[cfg(feature = "train")]
mod table;
#[cfg(feature = "train")]
pub mod train;
mod transform;
mod validation;
mod version;

pub use car::{AttributeValue, Car, CarDescription};
pub use cells::{is_missing, parse_yes_no, MISSING_MARKERS};
pub use columns::{CheckedValue, Column, ColumnsError};
pub use decimal::parse_number;
pub use digest::hex_sha256;
pub use document::{
    Attribute, AttributeKind, Factor, Interval, ModelDocument, Target, Term, TrainingInfo,
    FORMAT_MAJOR, FORMAT_NAME, FORMAT_VERSION,
};
pub use error::{CarError, DataError, MetricsError, ModelError, TrainError};
pub use metrics::Metrics;
pub use model::Model;
pub use money::{format_dollars, format_whole_dollars};
pub use number::{format_fixed, format_number};
pub use quote::{Contribution, Effect, Extrapolation, PriceRange, Quote};
pub use rows::{RowPricer, RowQuote};
#[cfg(feature = "train")]
pub use schema::{AttributeSchema, KindOverride, Schema};
#[cfg(feature = "train")]
pub use table::{parse_row_list, CarTable, MAX_TABLE_BYTES};
#[cfg(feature = "train")]
pub use train::{train, MissingValues, TrainOptions};
pub use transform::Transform;
pub use validation::{MAX_DOCUMENT_BYTES, MAX_WEIGHTS};
pub use version::{ModelVersion, VersionError};
