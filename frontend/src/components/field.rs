//! One form field: a select for a categorical attribute (showing its display labels), a checkbox
//! for a yes/no one, a text box for a numeric one with its unit and the range the model was
//! trained on; the attribute's description as help text, and an inline message.

use model_core::{format_number, parse_yes_no, Attribute, AttributeKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::form::FieldProblem;

/// What [`field`] shows.
pub struct FieldProps {
    /// The attribute.
    pub attribute: Attribute,
    /// The field's text.
    pub value: AttrValue,
    /// What is wrong with it, if anything.
    pub problem: Option<FieldProblem>,
    /// A warning that the value is outside the training data (the car still prices).
    pub warning: Option<AttrValue>,
    /// Called with (attribute, text) on every change.
    pub on_edit: Callback<(String, String)>,
}

/// A labelled input for one attribute.
pub fn field(props: &FieldProps) -> Html {
    let attribute = &props.attribute;
    let name = attribute.name.clone();
    let id = format!("field-{name}");
    let hint_id = format!("hint-{name}");
    let message_id = format!("message-{name}");
    let label = if attribute.label.is_empty() {
        name.clone()
    } else {
        attribute.label.clone()
    };
    let invalid = props.problem.is_some();

    let has_hint =
        matches!(attribute.kind, AttributeKind::Numeric { .. }) || attribute.description.is_some();
    let has_message = props.problem.is_some() || props.warning.is_some();
    let described_by = match (has_hint, has_message) {
        (true, true) => Some(format!("{hint_id} {message_id}")),
        (true, false) => Some(hint_id.clone()),
        (false, true) => Some(message_id.clone()),
        (false, false) => None,
    };
    let (control, hint) = match &attribute.kind {
        AttributeKind::Categorical {
            categories,
            untrained,
            labels,
            ..
        } => {
            let on_change = {
                let on_edit = props.on_edit.clone();
                let name = name.clone();
                Callback::from(move |e: Event| {
                    let select: HtmlSelectElement = e.target_unchecked_into();
                    on_edit.emit((name.clone(), select.value()));
                })
            };
            let control = html! {
                <select id={id.clone()} name={name.clone()} onchange={on_change}
                    aria-describedby={described_by.clone()} aria-invalid={invalid.to_string()}>
                    { for categories.iter().enumerate().map(|(i, category)| {
                        let shown = labels.get(i).unwrap_or(category);
                        let text = if untrained.contains(category) {
                            format!("{shown} (no training data)")
                        } else {
                            shown.clone()
                        };
                        html! {
                            <option value={category.clone()} selected={*category == *props.value}>{ text }</option>
                        }
                    }) }
                </select>
            };
            (control, None)
        }
        AttributeKind::YesNo { .. } => {
            let on_change = {
                let on_edit = props.on_edit.clone();
                let name = name.clone();
                Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    let answer = if input.checked() { "yes" } else { "no" };
                    on_edit.emit((name.clone(), answer.to_string()));
                })
            };
            let control = html! {
                <input id={id.clone()} name={name.clone()} type="checkbox" class="yes-no"
                    checked={parse_yes_no(&props.value) == Some(true)} onchange={on_change}
                    aria-describedby={described_by.clone()} aria-invalid={invalid.to_string()} />
            };
            (control, None)
        }
        AttributeKind::Numeric {
            unit,
            min,
            max,
            integer,
            ..
        } => {
            let on_input = {
                let on_edit = props.on_edit.clone();
                let name = name.clone();
                Callback::from(move |e: InputEvent| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    on_edit.emit((name.clone(), input.value()));
                })
            };
            let control = html! {
                <div class="number">
                    <input id={id.clone()} name={name.clone()} type="text"
                        inputmode={if *integer { "numeric" } else { "decimal" }}
                        autocomplete="off" spellcheck="false"
                        value={props.value.clone()} oninput={on_input}
                        aria-describedby={described_by.clone()} aria-invalid={invalid.to_string()} />
                    if !unit.is_empty() {
                        <span class="unit" aria-hidden="true">{ unit.clone() }</span>
                    }
                </div>
            };
            let unit_text = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            let (min, max) = (format_number(*min), format_number(*max));
            (control, Some(format!("Trained on {min}–{max}{unit_text}")))
        }
    };

    let hint = match (attribute.description.as_deref(), hint) {
        (Some(help), Some(range)) => Some(format!("{help}. {range}")),
        (Some(help), None) => Some(help.to_string()),
        (None, range) => range,
    };
    html! {
        <div class={match (invalid, props.warning.is_some()) {
                (true, _) => "field field-invalid",
                (false, true) => "field field-warning",
                (false, false) => "field",
            }}
             key={name.clone()} data-attribute={name.clone()}>
            <label for={id}>{ label }</label>
            { control }
            if let Some(hint) = hint {
                <p class="hint" id={hint_id}>{ hint }</p>
            }
            if let Some(problem) = &props.problem {
                <p class="message message-error" id={message_id} role="alert">{ problem.to_string() }</p>
            } else if let Some(warning) = &props.warning {
                <p class="message message-warning" id={message_id}>{ warning.clone() }</p>
            }
        </div>
    }
}
