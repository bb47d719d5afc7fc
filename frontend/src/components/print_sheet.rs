//! The printed quote sheet: only the print style sheet shows it (dealer, date, car, price,
//! range, main drivers, model version; no form controls).

use model_core::{format_dollars, Quote};
use yew::prelude::*;

use crate::drivers::Driver;
use crate::figures;
use crate::form::FormState;
use crate::release::LoadedModel;

/// What [`print_sheet`] shows.
pub struct PrintSheet<'a> {
    /// The dealer named at the top (`config.json`).
    pub dealer: &'a str,
    /// Today, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The model in use.
    pub loaded: &'a LoadedModel,
    /// The car as typed.
    pub form: &'a FormState,
    /// Its quote.
    pub quote: &'a Quote<'static>,
    /// The main drivers.
    pub drivers: &'a [Driver],
    /// The headline price's rounding step.
    pub price_step: f64,
}

/// The quote sheet.
pub fn print_sheet(sheet: &PrintSheet<'_>) -> Html {
    let model = sheet.loaded.model();
    let quote = sheet.quote;
    html! {
        <section class="print-sheet" data-testid="print-sheet">
            <p class="sheet-dealer">{ sheet.dealer }</p>
            <h2 class="sheet-title">{ format!("Price quote · {}", sheet.date) }</h2>
            <p class="sheet-price">{ format!("Estimated price {}", figures::headline(quote.price, sheet.price_step)) }</p>
            <p>{ format!("{}% range {}", (quote.interval.level * 100.0).round(), figures::range(quote.interval.low, quote.interval.high)) }</p>
            <h3>{ "The car" }</h3>
            <dl class="sheet-car">
                { for model.attributes().map(|a| html! {
                    <>
                    <dt>{ figures::attribute_label(a) }</dt>
                    <dd>{ figures::value_text(model, &a.name, sheet.form.value(&a.name)) }</dd>
                    </>
                }) }
            </dl>
            if !sheet.drivers.is_empty() {
                <h3>{ "What drives this price" }</h3>
                <ul>
                    { for sheet.drivers.iter().map(|d| html! { <li>{ format!("{} {}", d.label, d.text) }</li> }) }
                </ul>
            }
            <p class="sheet-model">{ format!("Priced by model {} {} (exact estimate {}). An estimate, not an offer.",
                model.document().name, quote.model_version, format_dollars(quote.price)) }</p>
        </section>
    }
}
