//! Champion and challenger on this device, the wasm side (plain Rust, tested natively).
//!
//! While `release.json` names a challenger, a canary device inside the release's percentage shows
//! the challenger's prices: it loads `challenger.json` as its model
//! ([`crate::release::shown_file`]), and everything else here follows from that. Every device
//! also offers the car on screen for telemetry ([`offer`]); `static/telemetry.js`, loaded only
//! during a rollout, prices that car with both models through [`telemetry_quote`] (the stock-list wasm's
//! export `telemetryQuote`) and records the quote, so none of that is in the first load.

use model_core::json::write_string;
use model_core::release::RolloutMode;
use model_core::{format_number, hex_sha256, Model};

use crate::form::{price, FormState, Pricing};
use crate::quote::write_car;
use crate::release::LoadedModel;

/// The role of the model a device shows: `challenger` or `champion`.
fn role(loaded: &LoadedModel) -> &'static str {
    if loaded.is_challenger() {
        "challenger"
    } else {
        "champion"
    }
}

/// The model card's line about a rollout in progress (`None` without a challenger).
pub fn summary(loaded: &LoadedModel) -> Option<String> {
    let release = loaded.release();
    let named = release.challenger.as_ref()?;
    let how = match named.mode {
        RolloutMode::Shadow => "in the shadow, never shown".to_string(),
        RolloutMode::Canary => format!("canary on {}% of devices", u32::from(named.percent)),
    };
    Some(format!(
        "champion {}, challenger {}: {how}; this device shows the {}",
        release.model_version,
        named.model_version,
        role(loaded)
    ))
}

/// What the app offers `telemetry.js` about the car on screen, as JSON:
/// `{"shown": "champion"|"challenger", "car": <the car as link text, see crate::share>,
/// "release": <release.json>, "champion_url": …, "challenger_url": …}`. `car` is empty while
/// there is nothing to record: the form does not price, or it is still the shown model's
/// reference car (nothing was entered).
///
/// `None` without a challenger in the release (nothing is recorded, the sender is not needed).
pub fn offer(
    loaded: &LoadedModel,
    form: &FormState,
    link: impl FnOnce() -> String,
    urls: [String; 2],
) -> Option<String> {
    loaded.release().challenger.as_ref()?;
    let model = loaded.model();
    let recordable = *form != FormState::for_model(model)
        && matches!(price(model, form), Pricing::Priced { .. });
    let mut out = String::from("{\"shown\":");
    write_string(&mut out, role(loaded));
    out.push_str(",\"car\":");
    write_string(&mut out, &if recordable { link() } else { String::new() });
    out.push_str(",\"release\":");
    out.push_str(loaded.release_json());
    for (key, url) in [",\"champion_url\":", ",\"challenger_url\":"]
        .iter()
        .zip(urls)
    {
        out.push_str(key);
        write_string(&mut out, &url);
    }
    out.push('}');
    Some(out)
}

/// A car priced by one model for telemetry, as JSON: `{"version": …, "price": dollars,
/// "extrapolated": [attribute, …], "car": {attribute: value, …}}`, or `{"error": "…"}`.
///
/// `model_text` must have the sha256 (hex) `sha256`, as `release.json` names it. The car is
/// `pairs` (link text's pairs, see [`crate::share::pairs`]) carried over to this model as a new
/// release carries the form over: the attributes it prices take their values, the others are
/// ignored, and attributes missing from the pairs take the reference car's values. A value the
/// model cannot price is an error (the quote is then not recorded).
pub fn telemetry_quote(
    model_text: &str,
    sha256: &str,
    pairs: impl IntoIterator<Item = (String, String)>,
) -> String {
    let error = |message: &str| {
        let mut out = String::from("{\"error\":");
        write_string(&mut out, message);
        out.push('}');
        out
    };
    if !sha256
        .trim()
        .eq_ignore_ascii_case(&hex_sha256(model_text.as_bytes()))
    {
        return error("the model file is not the one release.json names");
    }
    let model = match Model::from_json(model_text) {
        Ok(model) => model,
        Err(e) => return error(&e.to_string()),
    };
    let mut form = FormState::for_model(&model);
    for (name, value) in pairs {
        if model.attributes().any(|a| a.name == name) {
            form.set(name, value);
        }
    }
    let Pricing::Priced { car, quote } = price(&model, &form) else {
        return error("this model cannot price the car");
    };
    let mut out = String::from("{\"version\":");
    write_string(&mut out, model.version());
    out.push_str(",\"price\":");
    out.push_str(&format_number(quote.price));
    out.push_str(",\"extrapolated\":[");
    for (i, extrapolation) in quote.extrapolations.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(&mut out, extrapolation.attribute());
    }
    out.push_str("],\"car\":");
    write_car(&mut out, &car);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use model_core::release::{canary_bucket, Challenger, Release, CHALLENGER_FILE, MODEL_FILE};
    use model_core::CarDescription;

    use crate::release::{shown_file, PricingMode};
    use crate::state::{Action, AppState, ModelSource, NoticeKind};
    use crate::test_support::{categorical, numeric, MODEL_JSON};

    /// The default model under version 1.1.0 with a higher intercept: a challenger.
    fn challenger_text() -> String {
        let mut document = Model::from_json(MODEL_JSON).unwrap().document().clone();
        document.version = "1.1.0".into();
        document.intercept += 0.1;
        serde_json::to_string(&document).unwrap()
    }

    /// The default model's release with the challenger in `mode` at `percent`.
    fn release(mode: RolloutMode, percent: u8) -> Release {
        let mut release = Release::for_model(
            MODEL_JSON.as_bytes(),
            Model::from_json(MODEL_JSON).unwrap().version(),
            "0.1.0",
            "abc1234",
            "2026-11-30T07:00:00Z",
        );
        release.challenger = Some(Challenger {
            model_version: "1.1.0".into(),
            model_sha256: hex_sha256(challenger_text().as_bytes()),
            mode,
            percent,
        });
        release
    }

    /// A device id whose bucket for challenger 1.1.0 is below (or not below) `percent`.
    fn device(below: bool, percent: u8) -> String {
        (0..)
            .map(|i| format!("{i:032x}"))
            .find(|id| (canary_bucket(id, "1.1.0") < percent) == below)
            .unwrap()
    }

    fn loaded(release: &Release, text: &str) -> Rc<LoadedModel> {
        Rc::new(LoadedModel::verify(&release.to_json(), text.as_bytes()).unwrap())
    }

    fn edited(model: &Model) -> FormState {
        let (name, min, max, _) = numeric(model, 0, false);
        let mut form = FormState::for_model(model);
        form.set(name, format_number(((min + max) / 2.0).round()));
        form
    }

    fn pairs_of(model: &Model, form: &FormState) -> Vec<(String, String)> {
        model
            .attributes()
            .map(|a| (a.name.clone(), form.value(&a.name).to_string()))
            .collect()
    }

    const URLS: fn() -> [String; 2] = || ["model.json".into(), "challenger.json".into()];

    #[test]
    fn shadow_mode_shows_the_champion_on_every_device() {
        let release = release(RolloutMode::Shadow, 0);
        for below in [true, false] {
            let file = shown_file(&release, &device(below, 50), PricingMode::Browser);
            assert_eq!(file, MODEL_FILE);
        }
    }

    #[test]
    fn canary_mode_shows_the_challenger_below_the_percentage_in_browser_pricing_only() {
        let release = release(RolloutMode::Canary, 50);
        let inside = device(true, 50);
        assert_eq!(
            shown_file(&release, &inside, PricingMode::Browser),
            CHALLENGER_FILE
        );
        assert_eq!(
            shown_file(&release, &device(false, 50), PricingMode::Browser),
            MODEL_FILE
        );
        assert_eq!(
            shown_file(&release, &inside, PricingMode::Endpoint),
            MODEL_FILE
        );
        let shown = loaded(&release, &challenger_text());
        assert!(shown.is_challenger());
        assert_eq!(shown.model().version(), "1.1.0");
        let line = summary(&shown).unwrap();
        assert!(line.contains("challenger 1.1.0"), "{line}");
        assert!(
            line.ends_with("canary on 50% of devices; this device shows the challenger"),
            "{line}"
        );
        let champion = loaded(&release, MODEL_JSON);
        assert!(!champion.is_challenger());
        assert!(summary(&champion)
            .unwrap()
            .ends_with("this device shows the champion"));
    }

    #[test]
    fn the_challenger_file_is_checked_against_the_release_like_the_model() {
        let mut release = release(RolloutMode::Canary, 50);
        // Another version under the challenger's hash is refused by name.
        release.challenger.as_mut().unwrap().model_version = "1.2.0".into();
        let error = LoadedModel::verify(&release.to_json(), challenger_text().as_bytes())
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "release.json names model 1.2.0 but model.json is version 1.1.0"
        );
        // Without a challenger in the release, its file matches nothing.
        release.challenger = None;
        let error = LoadedModel::verify(&release.to_json(), challenger_text().as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("model.json does not match release.json"),
            "{error}"
        );
    }

    #[test]
    fn the_offer_is_the_car_on_screen_during_a_rollout_only() {
        let release = release(RolloutMode::Shadow, 0);
        let shown = loaded(&release, MODEL_JSON);
        let model = shown.model();
        let link = || "make=x".to_string();
        let car = |form: &FormState| {
            let text = offer(&shown, form, link, URLS()).unwrap();
            let offered: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(offered["shown"], "champion");
            assert_eq!(offered["release"]["challenger"]["model_version"], "1.1.0");
            assert_eq!(offered["challenger_url"], "challenger.json");
            offered["car"].as_str().unwrap().to_string()
        };
        assert_eq!(car(&edited(model)), "make=x");
        // Nothing to record: the reference car, a form that does not price.
        assert_eq!(car(&FormState::for_model(model)), "");
        let mut bad = edited(model);
        bad.set(numeric(model, 0, false).0, "not a number");
        assert_eq!(car(&bad), "");
        let alone = Release::for_model(MODEL_JSON.as_bytes(), model.version(), "", "", "");
        assert_eq!(
            offer(&loaded(&alone, MODEL_JSON), &edited(model), link, URLS()),
            None
        );
    }

    #[test]
    fn a_telemetry_quote_is_the_car_priced_by_the_model_as_the_screen_prices_it() {
        let challenger = challenger_text();
        let champion = Model::from_json(MODEL_JSON).unwrap();
        let form = edited(&champion);
        let mut pairs = pairs_of(&champion, &form);
        // An attribute this model does not price is ignored.
        pairs.push(("colour".into(), "red".into()));
        let text = telemetry_quote(
            &challenger,
            &hex_sha256(challenger.as_bytes()).to_uppercase(),
            pairs,
        );
        let quote: serde_json::Value = serde_json::from_str(&text).unwrap();
        let model = Model::from_json(&challenger).unwrap();
        let Pricing::Priced { quote: priced, car } = price(&model, &form) else {
            panic!("the form prices")
        };
        assert_eq!(quote["version"], "1.1.0");
        // Dollars to 9 decimals (`format_number`): far below a cent.
        assert!((quote["price"].as_f64().unwrap() - priced.price).abs() < 1e-9);
        assert_eq!(quote["extrapolated"], serde_json::json!([]));
        let sent: CarDescription = serde_json::from_value(quote["car"].clone()).unwrap();
        assert_eq!(sent.iter().len(), car.iter().len());
        for (name, value) in car.iter() {
            assert_eq!(sent.get(name), Some(value), "{name}");
        }
    }

    #[test]
    fn a_telemetry_quote_lists_extrapolations_and_refuses_what_it_cannot_price() {
        let model = Model::from_json(MODEL_JSON).unwrap();
        let sha = hex_sha256(MODEL_JSON.as_bytes());
        let (name, _, max, _) = numeric(&model, 0, false);
        let beyond = telemetry_quote(MODEL_JSON, &sha, [(name.clone(), format_number(max + 1.0))]);
        let quote: serde_json::Value = serde_json::from_str(&beyond).unwrap();
        assert_eq!(quote["extrapolated"], serde_json::json!([name]));
        let (attribute, _, _) = categorical(&model);
        let unknown = telemetry_quote(MODEL_JSON, &sha, [(attribute.name.clone(), "zzz".into())]);
        assert_eq!(unknown, "{\"error\":\"this model cannot price the car\"}");
        assert_eq!(
            telemetry_quote(MODEL_JSON, &"0".repeat(64), []),
            "{\"error\":\"the model file is not the one release.json names\"}"
        );
    }

    fn network(model: Rc<LoadedModel>) -> Action {
        Action::Loaded {
            model,
            source: ModelSource::Network,
        }
    }

    #[test]
    fn a_halted_canary_gives_the_screen_back_to_the_champion_keeping_the_form() {
        let rollout = release(RolloutMode::Canary, 100);
        let champion = Model::from_json(MODEL_JSON).unwrap();
        let alone = Release::for_model(MODEL_JSON.as_bytes(), champion.version(), "", "", "");
        let (name, ..) = numeric(&champion, 0, false);
        let state = AppState::new(true)
            .apply(network(loaded(&alone, MODEL_JSON)))
            .apply(network(loaded(&rollout, &challenger_text())));
        assert_eq!(state.current.as_ref().unwrap().model().version(), "1.1.0");
        assert!(matches!(&state.notices[0].kind, NoticeKind::Updated { to, .. } if to == "1.1.0"));
        let state = state
            .apply(Action::Edit {
                attribute: name.clone(),
                text: "120".into(),
            })
            .apply(network(loaded(&alone, MODEL_JSON)));
        let current = state.current.as_ref().unwrap();
        assert_eq!(current.model().version(), champion.version());
        assert_eq!(summary(current), None);
        assert_eq!(
            state.notices.last().unwrap().kind,
            NoticeKind::Updated {
                from: "1.1.0".into(),
                to: champion.version().into()
            }
        );
        assert_eq!(state.form.value(&name), "120");
    }

    #[test]
    fn a_shadow_rollout_is_picked_up_without_a_notice_or_a_new_form() {
        let champion = Model::from_json(MODEL_JSON).unwrap();
        let alone = Release::for_model(MODEL_JSON.as_bytes(), champion.version(), "", "", "");
        let state = AppState::new(true).apply(network(loaded(&alone, MODEL_JSON)));
        let revision = state.revision;
        let state = state.apply(network(loaded(
            &release(RolloutMode::Shadow, 0),
            MODEL_JSON,
        )));
        assert!(state.notices.is_empty());
        assert_eq!(state.revision, revision);
        assert!(summary(state.current.as_ref().unwrap()).is_some());
        let state = state.apply(network(loaded(&alone, MODEL_JSON)));
        assert!(summary(state.current.as_ref().unwrap()).is_none());
        assert!(state.notices.is_empty());
    }
}
