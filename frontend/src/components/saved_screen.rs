//! The saved quotes screen: an empty section that the saved quotes' module draws into
//! ([`crate::saved::store::show`]), and the car summary each quote keeps for it when saved.

use yew::prelude::*;

use crate::figures;
use crate::form::FormState;
use model_core::Model;

/// How many of a car's values the list shows (in the model's order).
const SUMMARY_VALUES: usize = 4;

/// The first values of a car, by label, e.g. `Make: Audi · Body style: Sedan`.
pub fn summary(model: &Model, form: &FormState) -> String {
    let shown: Vec<String> = model
        .attributes()
        .take(SUMMARY_VALUES)
        .map(|attribute| {
            let value = figures::value_text(model, &attribute.name, form.value(&attribute.name));
            format!("{}: {value}", figures::attribute_label(attribute))
        })
        .collect();
    shown.join(" · ")
}

/// The screen's section, left empty for `quotes.js` (Yew leaves children it did not make alone).
pub fn saved_screen() -> Html {
    html! {
        <section class="saved" id="saved" aria-labelledby="saved-title" data-testid="saved-screen"></section>
    }
}
