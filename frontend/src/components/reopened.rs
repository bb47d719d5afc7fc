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
    let same_model = now.is_some_and(|q| *q.model_version == *saved.model_version);
    html! {
        <section class="card reopened" data-testid="reopened" aria-labelledby="reopened-title">
            <div class="reopened-head">
                <h2 id="reopened-title">{ format!("Saved quote of {}", when(&saved.saved_at)) }</h2>
                <button type="button" class="notice-close" aria-label="Close the saved quote" onclick={on_close}>{ "×" }</button>
            </div>
            <dl class="then-now">
                <dt>{ "Then" }</dt>
                <dd data-testid="then" data-price={model_core::format_fixed(saved.price, 2)}>
                    { format!("{} · model {}", figures::headline(saved.price, step), saved.model_version) }</dd>
                <dt>{ "Now" }</dt>
                <dd data-testid="now">{ match now {
                    Some(q) => format!("{} · model {}", figures::headline(q.price, step), q.model_version),
                    None => "no price until the form is fixed".to_string(),
                } }</dd>
            </dl>
            if !same_model && now.is_some() {
                <p class="muted">{ "Another model prices it now; the saved price came from the model named above." }</p>
            }
        </section>
    }
}
