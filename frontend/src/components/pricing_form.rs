//! The form, generated from the model's attributes and grouped by their `group`.

use std::rc::Rc;

use model_core::format_number;
use yew::prelude::*;

use super::field::{field, FieldProps};
use crate::form::{FormState, Pricing};
use crate::release::LoadedModel;
use model_core::Extrapolation;

/// What [`pricing_form`] shows.
pub struct PricingFormProps {
    /// The model whose attributes make the form.
    pub loaded: Rc<LoadedModel>,
    /// What was typed.
    pub form: FormState,
    /// What the model makes of it.
    pub pricing: Rc<Pricing>,
    /// Called with (attribute, text) on every change.
    pub on_edit: Callback<(String, String)>,
}

/// Heading of a form group.
fn group_title(group: &str) -> String {
    match group {
        "identity" => "Identity".to_string(),
        "body" => "Body and dimensions".to_string(),
        "engine" => "Engine".to_string(),
        "economy" => "Fuel economy".to_string(),
        // Legends are upper-cased by the style sheet; `char::to_uppercase` here would add
        // Rust's Unicode case tables (about 6 KB brotli) to the download.
        "" => "Other".to_string(),
        other => other.to_string(),
    }
}

/// The pricing form: one fieldset per group, in the model's attribute order.
pub fn pricing_form(props: &PricingFormProps) -> Html {
    let model = props.loaded.model();
    let mut groups: Vec<&str> = Vec::new();
    for attribute in model.attributes() {
        if !groups.contains(&attribute.group.as_str()) {
            groups.push(&attribute.group);
        }
    }
    let extrapolations = match props.pricing.as_ref() {
        Pricing::Priced { quote, .. } => quote.extrapolations.clone(),
        Pricing::Invalid { .. } => Vec::new(),
    };
    let warning = |name: &str| -> Option<AttrValue> {
        extrapolations
            .iter()
            .find(|e| e.attribute() == name)
            .map(|e| match e {
                Extrapolation::OutOfRange { min, max, .. } => AttrValue::from(format!(
                    "Outside the {}–{} the model was trained on; the price is an extrapolation.",
                    format_number(*min),
                    format_number(*max)
                )),
                Extrapolation::UntrainedCategory { .. } => {
                    AttrValue::from("No training cars had this value: its effect is unknown.")
                }
            })
    };
    html! {
        <form class="pricing-form" novalidate=true onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            { for groups.iter().map(|group| html! {
                <fieldset class="card group" key={group.to_string()}>
                    <legend>{ group_title(group) }</legend>
                    <div class="fields">
                        { for model.attributes().filter(|a| a.group == *group).map(|attribute| html! {
                            field(&FieldProps {
                                attribute: attribute.clone(),
                                value: AttrValue::from(props.form.value(&attribute.name).to_string()),
                                problem: props.pricing.problem(&attribute.name).cloned(),
                                warning: warning(&attribute.name),
                                on_edit: props.on_edit.clone(),
                            })
                        }) }
                    </div>
                </fieldset>
            }) }
        </form>
    }
}
