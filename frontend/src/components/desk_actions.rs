//! The desk's wiring on the app: navigation, save, print and reopen handlers, and
//! what the pricing screen shows around the price (a reopened quote, the actions, and the dealer
//! and date that head the printed quote).

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::quote_actions::quote_actions;
use super::quote_panel::Shown;
use super::reopened::reopened;
use super::saved_screen::summary;
use crate::desk::{DeskAction, Screen};
use crate::drivers::drivers;
use crate::figures;
use crate::release::LoadedModel;
use crate::saved::{self, store};
use crate::services::browser;
use crate::share;
use crate::state::{Action, AppState};

/// How many drivers a saved quote keeps.
const MAIN_DRIVERS: usize = 5;

/// The desk's handlers.
pub struct DeskHandlers {
    /// Show a screen (the saved quotes' module draws theirs).
    pub on_show: Callback<Screen>,
    /// Save the quote on screen.
    pub on_save: Callback<MouseEvent>,
    /// Close the reopened quote.
    pub on_close_reopened: Callback<MouseEvent>,
}

/// The quote on screen, if any.
fn shown_quote(shown: Option<&Shown>) -> Option<&model_core::Quote<'static>> {
    match shown {
        Some(Shown::Quote(quote, _)) => Some(quote),
        _ => None,
    }
}

/// Saves a quote (its [`saved::to_fields`]) or, given none, shows the saved quotes screen and
/// reopens the quote chosen there; dispatches what came of it once done (one future for both
/// keeps the download small).
fn run_quotes(
    dispatch: &Callback<Action>,
    current: Option<Rc<LoadedModel>>,
    fields: Option<String>,
) {
    let dispatch = dispatch.clone();
    spawn_local(async move {
        let Some(fields) = fields else {
            // Only a module that did not load fails here, and saving says so in words.
            if let (Ok(quote), Some(loaded)) = (store::show().await, current) {
                let restored = share::decode(loaded.model(), &quote.car);
                dispatch.emit(Action::Restore {
                    form: restored.form,
                    dropped: restored.dropped,
                });
                dispatch.emit(Action::Desk(DeskAction::Reopen(quote)));
            }
            return;
        };
        dispatch.emit(Action::Desk(DeskAction::Saved(store::save(&fields).await)));
    });
}

/// The handlers, over the app's state.
pub fn desk_handlers(
    state: &AppState,
    dispatch: &Callback<Action>,
    shown: Option<&Shown>,
) -> DeskHandlers {
    let on_show = {
        let dispatch = dispatch.clone();
        let current = state.current.clone();
        Callback::from(move |screen: Screen| {
            dispatch.emit(Action::Desk(DeskAction::Show(screen)));
            if screen == Screen::Saved {
                run_quotes(&dispatch, current.clone(), None);
            }
        })
    };
    let on_save = {
        let dispatch = dispatch.clone();
        let current = state.current.clone();
        let form = state.form.clone();
        let quote = shown_quote(shown).cloned();
        let step = state.config.price_step;
        Callback::from(move |_: MouseEvent| {
            let (Some(loaded), Some(quote)) = (&current, &quote) else {
                return;
            };
            let model = loaded.model();
            let drivers: Vec<String> = drivers(quote, model, &form, MAIN_DRIVERS)
                .into_iter()
                .map(|d| format!("{} {}", d.label, d.text))
                .collect();
            let shown = [
                figures::headline(quote.price, step),
                figures::range(quote.interval.low, quote.interval.high),
                summary(model, &form),
            ];
            let fields = saved::to_fields(quote, &share::encode(model, &form), shown, &drivers);
            run_quotes(&dispatch, None, Some(fields));
        })
    };
    DeskHandlers {
        on_show,
        on_save,
        on_close_reopened: dispatch.reform(|_: MouseEvent| Action::Desk(DeskAction::CloseReopened)),
    }
}

/// Around the price: the reopened quote, the actions, and (on paper only) who quotes and when.
pub fn pricing_extras(state: &AppState, shown: Option<&Shown>, handlers: &DeskHandlers) -> Html {
    let quote = shown_quote(shown);
    // The showroom's own date (the device's time zone), as "Mon Nov 30 2026".
    let today = String::from(js_sys::Date::new_0().to_date_string());
    html! {
        <>
        <p class="print-only sheet-dealer" data-testid="print-heading">
            { format!("{} · price quote of {today}", state.config.dealer_name) }
        </p>
        if let Some(saved) = &state.desk.reopened {
            { reopened(saved, quote, state.config.price_step, handlers.on_close_reopened.clone()) }
        }
        if quote.is_some() {
            { quote_actions(state.desk.outcome.as_ref(), handlers.on_save.clone(),
                Callback::from(|_: MouseEvent| browser::print())) }
        }
        </>
    }
}
