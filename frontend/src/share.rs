//! The car survives: the form as link text (`make=audi&curb-weight=2337`, names and values
//! encoded with the browser's own `encodeURIComponent`, which costs the download nothing), kept in
//! the page's address (after `#`, so it never reaches a server) and in this browser's storage,
//! and read back as the nearest car the model can price, saying what was dropped.

use js_sys::{decode_uri_component, encode_uri_component};
use model_core::Model;

use crate::form::{price, FormState, Pricing};

/// Storage key of the last car described in this browser.
const STORAGE_KEY: &str = "carprice.car.v1";

/// The form as link text: every attribute of the model, in the model's order (browser only).
pub fn encode(model: &Model, form: &FormState) -> String {
    let mut text = String::new();
    for attribute in model.attributes() {
        if !text.is_empty() {
            text.push('&');
        }
        text.push_str(&String::from(encode_uri_component(&attribute.name)));
        text.push('=');
        text.push_str(&String::from(encode_uri_component(
            form.value(&attribute.name).trim(),
        )));
    }
    text
}

/// The pairs of link text, in order (browser only). A pair whose escapes are malformed (`%zz`)
/// comes back as `Err` with its text.
pub fn pairs(text: &str) -> Vec<Result<(String, String), String>> {
    let decode = |part: &str| decode_uri_component(part).map(String::from);
    text.trim_start_matches('#')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (decode(name), decode(value)) {
                (Ok(name), Ok(value)) => Ok((name, value)),
                _ => Err(pair.to_string()),
            }
        })
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

/// Reads link text onto a model ([`nearest`] of its [`pairs`]; browser only).
pub fn decode(model: &Model, text: &str) -> Restored {
    nearest(model, pairs(text))
}

/// The nearest car a model can price to the pairs of a link: unknown attributes and unreadable
/// pairs are dropped, and so is every value the model cannot price (its field keeps the reference
/// car's value).
pub fn nearest(model: &Model, pairs: Vec<Result<(String, String), String>>) -> Restored {
    let defaults = FormState::for_model(model);
    let mut form = defaults.clone();
    let mut dropped = Vec::new();
    for pair in pairs {
        match pair {
            // Read as a field's value: without the spaces around it (a select shows a category
            // only by its exact code).
            Ok((name, value)) if model.attributes().any(|a| a.name == name) => {
                form.set(name, value.trim())
            }
            Ok((name, value)) => dropped.push(format!("{name}={value} (not priced by this model)")),
            Err(text) => dropped.push(format!("{text} (not readable)")),
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

    fn ok(pairs: &[(&str, &str)]) -> Vec<Result<(String, String), String>> {
        pairs
            .iter()
            .map(|(n, v)| Ok((n.to_string(), v.to_string())))
            .collect()
    }

    #[test]
    fn a_valid_car_comes_back_whole() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (name, min, max, _) = numeric(&model, 0, false);
        let number = model_core::format_number((min + max) / 2.0);
        let mut form = FormState::for_model(&model);
        form.set(category.name.clone(), value.clone());
        form.set(name.clone(), number.clone());
        let restored = nearest(&model, ok(&[(&category.name, &value), (&name, &number)]));
        assert_eq!(restored.dropped, Vec::<String>::new());
        assert_eq!(restored.form, form);
    }

    #[test]
    fn a_link_value_with_spaces_showed_another_category_than_it_priced() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (number, min, max, _) = numeric(&model, 0, false);
        let middle = model_core::format_number((min + max) / 2.0);
        let padded = format!(" {value}\t");
        let restored = nearest(
            &model,
            ok(&[(&category.name, &padded), (&number, &format!(" {middle} "))]),
        );
        assert_eq!(restored.dropped, Vec::<String>::new());
        // The field holds the category's code itself, which its select shows.
        assert_eq!(restored.form.value(&category.name), value);
        assert_eq!(restored.form.value(&number), middle);
    }

    #[test]
    fn a_bad_link_opens_the_nearest_valid_car_and_says_what_was_dropped() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (number, ..) = numeric(&model, 0, false);
        let defaults = FormState::for_model(&model);
        let mut pairs = ok(&[
            ("colour", "red"),
            (&category.name, &value),
            (&number, "heavy"),
            (&category.name, "trabant"),
        ]);
        pairs.push(Err("make=%zz".to_string()));
        let restored = nearest(&model, pairs);
        // The last value of the category wins, and is refused; the number is refused.
        assert_eq!(
            restored.form.value(&category.name),
            defaults.value(&category.name)
        );
        assert_eq!(restored.form.value(&number), defaults.value(&number));
        assert_eq!(restored.dropped.len(), 4, "{:?}", restored.dropped);
        assert_eq!(restored.dropped[0], "colour=red (not priced by this model)");
        assert_eq!(restored.dropped[1], "make=%zz (not readable)");
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
        assert_eq!(nearest(&model, Vec::new()).form, defaults);
    }
}
