//! A reopened saved quote: its price then and now, and which model made each.

use model_core::Quote;
use yew::prelude::*;

use super::model_card::when;
use crate::figures;
use crate::saved::SavedQuote;

/// Then (as saved) and now (the model in use, same car); `now` is `None` while the car does not
/// price.
pub fn reopened(
    saved: &SavedQuote,
    now: Option<&Quote<'static>>,
    step: f64,
    on_close: Callback<MouseEvent>,
) -> Html {
    let now_text = match now {
        Some(q) if *q.model_version == *saved.model_version => {
            format!("{} · same model", figures::headline(q.price, step))
        }
        Some(q) => format!(
            "{} · model {} (another model prices it now)",
            figures::headline(q.price, step),
            q.model_version
        ),
        None => "no price until the form is fixed".to_string(),
    };
    html! {
        <section class="card reopened" data-testid="reopened" aria-label="Saved quote, then and now">
            <button type="button" class="notice-close" aria-label="Close the saved quote" onclick={on_close}>{ "×" }</button>
            <p data-testid="then">{ format!("Saved {}: {} · model {}", when(&saved.saved_at),
                figures::headline(saved.price, step), saved.model_version) }</p>
            <p data-testid="now">{ format!("Now: {now_text}") }</p>
        </section>
    }
}
