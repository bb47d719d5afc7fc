//! The desk around the pricing screen: which screen is shown, the outcome of the last save, and
//! a reopened quote (then and now). The saved quotes screen itself is drawn by the saved quotes'
//! module ([`crate::saved::store::show`]). Part of the app's
//! state ([`crate::state::Action::Desk`]), kept free of browser calls.
//!
//! Screens: [`Screen::ALL`] is the navigation, in order. A new screen adds a variant, its entry in
//! `ALL` and [`Screen::title`], and its view in the `match` on the screen in `components/app.rs`.
//! The stock list's screen is drawn by a wasm of its own ([`crate::batch`]), which `boot.js`
//! imports when its navigation entry is first pressed.

use crate::saved::{SavedQuote, StoreError};

/// A screen of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    /// Describe a car, see its price.
    #[default]
    Pricing,
    /// The quotes saved in this browser.
    Saved,
    /// Price a stock list (a CSV of cars).
    StockList,
}

impl Screen {
    /// Every screen, in navigation order.
    pub const ALL: &'static [Screen] = &[Screen::Pricing, Screen::Saved, Screen::StockList];

    /// The screen's name in the navigation.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Pricing => "Price a car",
            Screen::Saved => "Saved quotes",
            Screen::StockList => "Price a stock list",
        }
    }

    /// A stable name for tests and styles (`data-screen`).
    pub fn key(self) -> &'static str {
        match self {
            Screen::Pricing => "pricing",
            Screen::Saved => "saved",
            Screen::StockList => "stock-list",
        }
    }
}

/// The outcome of the last save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It worked (in words).
    Done(String),
    /// It did not.
    Failed(StoreError),
}

/// The desk's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Desk {
    /// The screen shown.
    pub screen: Screen,
    /// The outcome of the last save.
    pub outcome: Option<Outcome>,
    /// A saved quote reopened on the pricing screen.
    pub reopened: Option<SavedQuote>,
}

/// Everything that changes the desk.
#[derive(Debug, Clone, PartialEq)]
pub enum DeskAction {
    /// Show a screen.
    Show(Screen),
    /// A quote was saved (with how many are saved now), or not.
    Saved(Result<f64, StoreError>),
    /// A saved quote was reopened: the pricing screen shows it then and now.
    Reopen(SavedQuote),
    /// The then-and-now panel was closed.
    CloseReopened,
}

impl Desk {
    /// The desk after an action.
    pub fn apply(mut self, action: DeskAction) -> Desk {
        match action {
            DeskAction::Show(screen) => {
                self.screen = screen;
                self.outcome = None;
            }
            DeskAction::Saved(Ok(count)) => {
                self.outcome = Some(Outcome::Done(format!(
                    "Quote saved ({} saved in this browser).",
                    model_core::format_number(count)
                )));
            }
            DeskAction::Saved(Err(error)) => self.outcome = Some(Outcome::Failed(error)),
            DeskAction::Reopen(quote) => {
                self.reopened = Some(quote);
                self.screen = Screen::Pricing;
                self.outcome = None;
            }
            DeskAction::CloseReopened => self.reopened = None,
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote() -> SavedQuote {
        SavedQuote {
            car: "make=audi".into(),
            saved_at: "2026-11-30T07:15:00.000Z".into(),
            price: 10_000.0,
            model_version: "1.0.0".into(),
        }
    }

    #[test]
    fn saving_says_how_many_are_kept_or_why_not() {
        let desk = Desk::default().apply(DeskAction::Saved(Ok(2.0)));
        assert_eq!(
            desk.outcome,
            Some(Outcome::Done(
                "Quote saved (2 saved in this browser).".into()
            ))
        );
        let desk = desk.apply(DeskAction::Saved(Err(StoreError("full".into()))));
        assert_eq!(
            desk.outcome,
            Some(Outcome::Failed(StoreError("full".into())))
        );
        assert_eq!(desk.apply(DeskAction::Show(Screen::Saved)).outcome, None);
    }

    #[test]
    fn reopening_a_quote_shows_the_pricing_screen() {
        let desk = Desk::default()
            .apply(DeskAction::Show(Screen::Saved))
            .apply(DeskAction::Reopen(quote()));
        assert_eq!(desk.screen, Screen::Pricing);
        assert_eq!(desk.reopened, Some(quote()));
        assert_eq!(desk.apply(DeskAction::CloseReopened).reopened, None);
        assert_eq!(Screen::ALL[0], Screen::default());
    }
}
