//! The price, its range, the extrapolation warnings and what drives the price.

use std::rc::Rc;

use model_core::{format_dollars, format_fixed, format_number};
use yew::prelude::*;

use super::chart::{drivers_chart, DriversChartProps};
use crate::drivers::drivers;
use crate::figures;
use crate::form::FormState;
use crate::release::LoadedModel;
use model_core::{Extrapolation, Quote};

/// How many contributions the chart shows.
const CHART_BARS: usize = 8;

/// What the price panel shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A quote; `true` when it came from the pricing service.
    Quote(Quote<'static>, bool),
    /// This many fields need fixing before there is a price.
    Invalid(usize),
    /// Waiting for the pricing service.
    Pending,
}

/// What [`quote_panel`] shows.
pub struct QuotePanelProps {
    /// What to show (`None` before a model is loaded).
    pub shown: Option<Shown>,
    /// The model in use (labels and units).
    pub loaded: Rc<LoadedModel>,
    /// The form (values shown next to each driver).
    pub form: FormState,
    /// The headline price's rounding step in dollars (`config.json`).
    pub price_step: f64,
}

/// The price panel.
pub fn quote_panel(props: &QuotePanelProps) -> Html {
    let model = props.loaded.model();
    let body = match &props.shown {
        Some(Shown::Quote(quote, served)) => {
            let level = format!("{}%", format_fixed(quote.interval.level * 100.0, 0));
            let (low, high) = (quote.interval.low, quote.interval.high);
            let bars = drivers(quote, model, &props.form, CHART_BARS);
            let label_of = |name: &str| {
                model
                    .attributes()
                    .find(|a| a.name == name)
                    .map(|a| a.label.clone())
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| name.to_string())
            };
            html! {
                <>
                // Only the price and its range are announced on every change, not the chart.
                <div aria-live="polite" aria-atomic="true">
                    <p class="price-label">{ "Estimated price" }</p>
                    // Rounded for people; to the cent in the title and data attributes.
                    <p class="price" data-testid="price" data-price={format_fixed(quote.price, 2)}
                        title={format!("Exactly {}", format_dollars(quote.price))}>
                        { figures::headline(quote.price, props.price_step) }
                    </p>
                    <p class="range" data-testid="range" data-low={format_fixed(low, 2)}
                        data-high={format_fixed(high, 2)}
                        title={format!("Exactly {}", figures::exact_range(low, high))}>
                        <span class="range-label">{ format!("{level} range") }</span>
                        <span class="range-value">{ figures::range(low, high) }</span>
                    </p>
                </div>
                <p class="source" data-testid="source" data-source={if *served { "endpoint" } else { "browser" }}>
                    { format!("Model {} · priced {}", quote.model_version,
                        if *served { "by the pricing service" } else { "in this browser" }) }
                </p>
                if !quote.extrapolations.is_empty() {
                    <div class="warnings" data-testid="extrapolations">
                        <strong>{ "Check this price" }</strong>
                        <ul>
                        { for quote.extrapolations.iter().map(|e| html! {
                            <li>{ match e {
                                Extrapolation::OutOfRange { attribute, value, min, max } => format!(
                                    "{} {} is outside the {}–{} the model was trained on.",
                                    label_of(attribute), format_number(*value),
                                    format_number(*min), format_number(*max)),
                                Extrapolation::UntrainedCategory { attribute, category } => format!(
                                    "{} “{category}” had no training cars: its effect is unknown.",
                                    label_of(attribute)),
                            } }</li>
                        }) }
                        </ul>
                    </div>
                }
                <h2 class="chart-title" id="drivers-title">{ "What drives this price" }</h2>
                { drivers_chart(&DriversChartProps { drivers: bars, reference: figures::headline(quote.reference_price, props.price_step) }) }
                </>
            }
        }
        Some(Shown::Invalid(count)) => html! {
            <div class="no-price" data-testid="no-price" role="status">
                <p class="price-label">{ "Estimated price" }</p>
                <p class="price price-missing">{ "—" }</p>
                <p>{ if *count == 1 {
                    "One field needs attention before the car can be priced.".to_string()
                } else {
                    format!("{count} fields need attention before the car can be priced.")
                } }</p>
            </div>
        },
        Some(Shown::Pending) => html! {
            <div class="no-price" role="status">
                <p class="price-label">{ "Estimated price" }</p>
                <p class="price price-missing">{ "Pricing…" }</p>
            </div>
        },
        None => html! {},
    };
    html! {
        <section class="card quote" data-testid="quote">
            { body }
        </section>
    }
}
