//! The screen: the [`App`] component and plain view functions, over [`crate::state`] and [`crate::form`].

mod app;
mod chart;
mod field;
mod model_card;
mod notices;
mod pricing_form;
mod quote_panel;

pub use app::App;
