//! The desk's wiring on the app: navigation, save, print, reopen, delete and export handlers, and
//! what the pricing screen shows around the price (a reopened quote, the actions, the print sheet).

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::print_sheet::{print_sheet, PrintSheet};
use super::quote_actions::quote_actions;
use super::quote_panel::Shown;
use super::reopened::reopened;
use super::saved_screen::SavedHandlers;
use crate::desk::{Desk, DeskAction, Outcome, Screen};
use crate::drivers::{drivers, Driver};
use crate::release::LoadedModel;
use crate::saved::{csv, store, SavedQuote, StoreError};
use crate::services::browser;
use crate::share;
use crate::state::{Action, AppState};

/// How many drivers a saved quote and the print sheet keep.
const MAIN_DRIVERS: usize = 5;

/// The desk's handlers.
pub struct DeskHandlers {
    /// Show a screen (listing the saved quotes when it is theirs).
    pub on_show: Callback<Screen>,
    /// Save the quote on screen.
    pub on_save: Callback<MouseEvent>,
    /// Print the quote sheet.
    pub on_print: Callback<MouseEvent>,
    /// Close the reopened quote.
    pub on_close_reopened: Callback<MouseEvent>,
    /// The saved quotes screen's.
    pub saved: SavedHandlers,
}

/// The quote on screen, if any.
fn shown_quote(shown: Option<&Shown>) -> Option<&model_core::Quote<'static>> {
    match shown {
        Some(Shown::Quote(quote, _)) => Some(quote),
        _ => None,
    }
}

fn main_drivers(
    state: &AppState,
    loaded: &LoadedModel,
    quote: &model_core::Quote<'static>,
) -> Vec<Driver> {
    drivers(quote, loaded.model(), &state.form, MAIN_DRIVERS)
}

fn list(desk: UseReducerHandle<Desk>) {
    spawn_local(async move { desk.dispatch(DeskAction::Listed(store::list().await)) });
}

/// The handlers, over the app's state and the desk's.
pub fn desk_handlers(
    state: &AppState,
    desk: &UseReducerHandle<Desk>,
    dispatch: &Callback<Action>,
    shown: Option<&Shown>,
) -> DeskHandlers {
    let on_show = {
        let desk = desk.clone();
        Callback::from(move |screen: Screen| {
            desk.dispatch(DeskAction::Show(screen));
            if screen == Screen::Saved {
                list(desk.clone());
            }
        })
    };
    let to_save = state
        .current
        .as_ref()
        .zip(shown_quote(shown))
        .map(|(loaded, quote)| {
            let drivers = main_drivers(state, loaded, quote)
                .into_iter()
                .map(|d| format!("{} {}", d.label, d.text))
                .collect::<Vec<_>>();
            (
                quote.clone(),
                drivers,
                share::encode(loaded.model(), &state.form),
            )
        });
    let on_save = {
        let desk = desk.clone();
        Callback::from(move |_: MouseEvent| {
            let Some((quote, drivers, car)) = to_save.clone() else {
                return;
            };
            let now = js_sys::Date::new_0();
            let saved = SavedQuote::new(
                now.get_time(),
                now.to_iso_string().into(),
                &quote,
                drivers,
                car,
            );
            let desk = desk.clone();
            spawn_local(async move {
                let result = store::save(&saved).await.map(|()| saved);
                desk.dispatch(DeskAction::Saved(result));
            });
        })
    };
    let on_reopen = {
        let desk = desk.clone();
        let dispatch = dispatch.clone();
        let current: Option<Rc<LoadedModel>> = state.current.clone();
        Callback::from(move |quote: SavedQuote| {
            if let Some(loaded) = &current {
                let restored = share::decode(loaded.model(), &quote.car);
                dispatch.emit(Action::Restore {
                    form: restored.form,
                    dropped: restored.dropped,
                });
            }
            desk.dispatch(DeskAction::Reopen(quote));
        })
    };
    let on_delete = {
        let desk = desk.clone();
        Callback::from(move |id: f64| {
            let desk = desk.clone();
            spawn_local(async move {
                desk.dispatch(DeskAction::Deleted(store::delete(id).await.map(|()| id)));
            });
        })
    };
    let on_export = {
        let desk = desk.clone();
        Callback::from(move |_: MouseEvent| {
            let quotes = desk.saved.clone().unwrap_or_default();
            let outcome = match browser::download("carprice-quotes.csv", "text/csv", &csv(&quotes))
            {
                Ok(()) => Outcome::Done(format!(
                    "Exported {} quotes to carprice-quotes.csv.",
                    quotes.len()
                )),
                Err(_) => {
                    Outcome::Failed(StoreError::Refused("the download was blocked".to_string()))
                }
            };
            desk.dispatch(DeskAction::Report(outcome));
        })
    };
    let on_close_reopened = {
        let desk = desk.clone();
        Callback::from(move |_: MouseEvent| desk.dispatch(DeskAction::CloseReopened))
    };
    DeskHandlers {
        on_show,
        on_save,
        on_print: Callback::from(|_: MouseEvent| browser::print()),
        on_close_reopened,
        saved: SavedHandlers {
            on_reopen,
            on_delete,
            on_export,
        },
    }
}

/// Around the price: the reopened quote, the actions and the print-only quote sheet.
pub fn pricing_extras(
    state: &AppState,
    desk: &Desk,
    loaded: &LoadedModel,
    shown: Option<&Shown>,
    handlers: &DeskHandlers,
) -> Html {
    let step = state.config.price_step;
    let quote = shown_quote(shown);
    let today = String::from(js_sys::Date::new_0().to_iso_string());
    html! {
        <>
        if let Some(saved) = &desk.reopened {
            { reopened(saved, quote, step, handlers.on_close_reopened.clone()) }
        }
        if let Some(quote) = quote {
            { quote_actions(desk.outcome.as_ref(), handlers.on_save.clone(), handlers.on_print.clone()) }
            { print_sheet(&PrintSheet {
                dealer: &state.config.dealer_name,
                date: today.get(..10).unwrap_or_default(),
                loaded,
                form: &state.form,
                quote,
                drivers: &main_drivers(state, loaded, quote),
                price_step: step,
            }) }
        }
        </>
    }
}
