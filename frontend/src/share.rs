//! The car survives: the form as link text (`make=audi&curb-weight=2337`, URL form encoding), kept
//! in the page's address (after `#`, so it never reaches a server) and in this browser's storage,
//! and read back as the nearest car the model can price, saying what was dropped.

use form_urlencoded::{parse, Serializer};
use model_core::Model;

use crate::form::{price, FormState, Pricing};

/// Storage key of the last car described in this browser.
const STORAGE_KEY: &str = "carprice.car.v1";

/// The form as link text: every attribute of the model, in the model's order.
pub fn encode(model: &Model, form: &FormState) -> String {
    let mut text = Serializer::new(String::new());
    for attribute in model.attributes() {
        text.append_pair(&attribute.name, form.value(&attribute.name).trim());
    }
    text.finish()
}

/// The pairs of link text, in order (a value given twice: the last wins when read).
pub fn pairs(text: &str) -> Vec<(String, String)> {
    parse(text.trim_start_matches('#').as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// A car read back from link text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The nearest form the model can price: the model's reference car with every valid value.
    pub form: FormState,
    /// What was left out, in words (`colour=red (not priced by this model)`), in link order.
    pub dropped: Vec<String>,
}

/// Reads link text onto a model: unknown attributes are dropped, and so is every value the model
/// cannot price (its field keeps the reference car's value).
pub fn decode(model: &Model, text: &str) -> Restored {
    let defaults = FormState::for_model(model);
    let mut form = defaults.clone();
    let mut dropped = Vec::new();
    for (name, value) in pairs(text) {
        if model.attributes().any(|a| a.name == name) {
            form.set(name, value);
        } else {
            dropped.push(format!("{name}={value} (not priced by this model)"));
        }
    }
    if let Pricing::Invalid { problems } = price(model, &form) {
        for (name, problem) in problems {
            dropped.push(format!("{name}={} ({problem})", form.value(&name)));
            form.set(name.clone(), defaults.value(&name));
        }
    }
    Restored { form, dropped }
}

/// Puts link text in the address bar (without a new history entry) and in this browser's
/// storage. Storage that is full or disabled only loses the car on reload, so it is ignored.
pub fn remember(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{text}")),
        );
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item(STORAGE_KEY, text);
    }
}

/// The car to start from: the address's (a shared link) or else the one kept in this browser.
pub fn recalled() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok().filter(|h| h.len() > 1);
    hash.or_else(|| window.local_storage().ok()??.get_item(STORAGE_KEY).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{categorical, model, numeric};

    #[test]
    fn a_link_reproduces_the_form() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (name, min, max, _) = numeric(&model, 0, false);
        let mut form = FormState::for_model(&model);
        form.set(category.name.clone(), value.clone());
        form.set(name.clone(), format_number_text((min + max) / 2.0));
        let text = encode(&model, &form);
        assert!(
            text.contains(&format!("{}={value}", category.name)),
            "{text}"
        );
        let restored = decode(&model, &format!("#{text}"));
        assert_eq!(restored.dropped, Vec::<String>::new());
        assert_eq!(restored.form, form);
    }

    fn format_number_text(x: f64) -> String {
        model_core::format_number(x)
    }

    #[test]
    fn texts_with_separators_survive_the_link() {
        let pairs = pairs("a=x%26y%3Dz&b=two+words&c=%C3%A9");
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "x&y=z".into()),
                ("b".into(), "two words".into()),
                ("c".into(), "é".into())
            ]
        );
    }

    #[test]
    fn a_bad_link_opens_the_nearest_valid_car_and_says_what_was_dropped() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (number, ..) = numeric(&model, 0, false);
        let defaults = FormState::for_model(&model);
        let text = format!(
            "colour=red&{}={value}&{number}=heavy&{}=trabant",
            category.name, category.name
        );
        let restored = decode(&model, &text);
        // The last value of the category wins, and is refused; the number is refused.
        assert_eq!(
            restored.form.value(&category.name),
            defaults.value(&category.name)
        );
        assert_eq!(restored.form.value(&number), defaults.value(&number));
        assert_eq!(restored.dropped.len(), 3, "{:?}", restored.dropped);
        assert_eq!(restored.dropped[0], "colour=red (not priced by this model)");
        assert!(restored
            .dropped
            .iter()
            .any(|d| d.starts_with(&format!("{number}=heavy (Enter a number"))));
        assert!(restored.dropped.iter().any(|d| *d
            == format!(
                "{}=trabant (Pick one of the listed options.)",
                category.name
            )));
        assert!(matches!(
            price(&model, &restored.form),
            Pricing::Priced { .. }
        ));
        // Garbage is not a car: the reference car, nothing said about empty text.
        assert_eq!(decode(&model, "").form, defaults);
        assert_eq!(decode(&model, "").dropped, Vec::<String>::new());
    }
}
