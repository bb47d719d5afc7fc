//! What can be done with a quote on screen: save it, print it; and what came of the last save.

use yew::prelude::*;

use crate::desk::Outcome;

/// The actions row under the price; `on_save` and `on_print` are the buttons' handlers.
pub fn quote_actions(
    outcome: Option<&Outcome>,
    on_save: Callback<MouseEvent>,
    on_print: Callback<MouseEvent>,
) -> Html {
    html! {
        <div class="card quote-actions">
            <div class="actions">
                <button type="button" class="button" data-testid="save-quote" onclick={on_save}>{ "Save quote" }</button>
                <button type="button" class="button button-quiet" data-testid="print-quote" onclick={on_print}>{ "Print quote" }</button>
            </div>
            { outcome_line(outcome) }
        </div>
    }
}

/// The outcome of the last save, delete or export, announced to screen readers.
pub fn outcome_line(outcome: Option<&Outcome>) -> Html {
    let (class, text) = match outcome {
        None => ("outcome", String::new()),
        Some(Outcome::Done(text)) => ("outcome", text.clone()),
        Some(Outcome::Failed(error)) => ("outcome outcome-error", error.to_string()),
    };
    html! { <p class={class} role="status" data-testid="outcome">{ text }</p> }
}
