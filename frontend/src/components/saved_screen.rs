//! The saved quotes screen: reopen, delete, export as CSV.

use yew::prelude::*;

use super::model_card::when;
use super::quote_actions::outcome_line;
use crate::desk::Desk;
use crate::figures;
use crate::saved::{SavedQuote, LIMIT};
use crate::share::readable_pairs;
use model_core::Model;

/// How many of a car's values the list shows (in the model's order).
const SUMMARY_VALUES: usize = 4;

/// What the saved quotes screen does with a quote.
pub struct SavedHandlers {
    /// Reopen it on the pricing screen.
    pub on_reopen: Callback<SavedQuote>,
    /// Delete it (by id).
    pub on_delete: Callback<f64>,
    /// Export every saved quote as CSV.
    pub on_export: Callback<MouseEvent>,
}

/// The first values of a car, by label, e.g. `Make: Audi · Body style: Sedan`.
fn summary(model: &Model, car: &str) -> String {
    let values = readable_pairs(car);
    let mut shown = Vec::new();
    for attribute in model.attributes() {
        if shown.len() == SUMMARY_VALUES {
            break;
        }
        if let Some((_, value)) = values.iter().rev().find(|(n, _)| *n == attribute.name) {
            shown.push(format!(
                "{}: {}",
                figures::attribute_label(attribute),
                figures::value_text(model, &attribute.name, value)
            ));
        }
    }
    shown.join(" · ")
}

/// The list of saved quotes.
pub fn saved_screen(desk: &Desk, model: &Model, step: f64, handlers: &SavedHandlers) -> Html {
    let quotes = desk.saved.as_deref();
    let count = quotes.map_or(0, <[SavedQuote]>::len);
    html! {
        <section class="saved" aria-labelledby="saved-title" data-testid="saved-screen">
            <div class="saved-head">
                <div>
                    <h1 id="saved-title">{ "Saved quotes" }</h1>
                    <p class="lede">{ format!("{count} of {LIMIT} kept in this browser, newest first.") }</p>
                </div>
                <button type="button" class="button button-quiet" data-testid="export-csv"
                    disabled={count == 0} onclick={handlers.on_export.clone()}>{ "Export CSV" }</button>
            </div>
            { outcome_line(desk.outcome.as_ref()) }
            if quotes.is_some() && count == 0 {
                <p class="card empty">{ "No saved quotes yet. Price a car and choose “Save quote”." }</p>
            }
            <ul class="saved-list">
                { for quotes.unwrap_or_default().iter().map(|quote| {
                    let title = when(&quote.saved_at);
                    let reopen = { let q = quote.clone(); handlers.on_reopen.reform(move |_: MouseEvent| q.clone()) };
                    let id = quote.id;
                    let delete = handlers.on_delete.reform(move |_: MouseEvent| id);
                    html! {
                        <li class="card saved-quote" key={model_core::format_number(quote.id)} data-testid="saved-quote">
                            <div class="saved-quote-main">
                                <p class="saved-price" data-price={model_core::format_fixed(quote.price, 2)}>
                                    { format!("{} · range {}", figures::headline(quote.price, step), figures::range(quote.low, quote.high)) }
                                </p>
                                <p>{ format!("{} · saved {title} · model {}", summary(model, &quote.car), quote.model_version) }</p>
                            </div>
                            <div class="actions">
                                <button type="button" class="button" onclick={reopen}
                                    aria-label={format!("Reopen the quote of {title}")}>{ "Reopen" }</button>
                                <button type="button" class="button button-quiet" onclick={delete}
                                    aria-label={format!("Delete the quote of {title}")}>{ "Delete" }</button>
                            </div>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
