//! The screen: the [`App`] component and plain view functions, over [`crate::state`] and [`crate::form`].

mod app;
mod chart;
mod desk_actions;
mod field;
mod model_card;
mod nav;
mod notices;
mod pricing_form;
mod quote_actions;
mod quote_panel;
mod reopened;
mod saved_screen;

pub use app::App;
