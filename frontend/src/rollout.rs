//! Champion and challenger on this device: which of a release's models the screen shows, and the
//! telemetry record of a quote priced by both (plain Rust, tested natively).
//!
//! While `release.json` names a challenger, every quote is priced by both models. In shadow mode
//! the champion's price is shown; in canary mode a device shows the challenger's price when its
//! bucket ([`model_core::release::canary_bucket`] of the device id and the challenger's version)
//! is below the release's percentage. In endpoint mode the pricing service prices with the
//! champion, so the champion is shown there.

use std::rc::Rc;

use model_core::json::write_string;
use model_core::release::RolloutMode;
use model_core::{format_number, CarDescription};

use crate::form::{price, FormState, Pricing};
use crate::quote::write_car;
use crate::release::{LoadedModel, PricingMode};

/// The model whose prices this device shows: the verified challenger when the release's rollout
/// shows it on this device, the champion otherwise.
pub fn shown(loaded: &Rc<LoadedModel>, device: &str, pricing: PricingMode) -> Rc<LoadedModel> {
    match (loaded.challenger(), &loaded.release().challenger) {
        (Some(challenger), Some(named))
            if pricing == PricingMode::Browser && named.shown_on(device) =>
        {
            challenger.clone()
        }
        _ => loaded.clone(),
    }
}

/// The role of the model a device shows: `challenger` or `champion`.
fn which(shows_challenger: bool) -> &'static str {
    if shows_challenger {
        "challenger"
    } else {
        "champion"
    }
}

/// The model card's line about a rollout in progress (`None` without a verified challenger).
pub fn summary(loaded: &LoadedModel, shows_challenger: bool) -> Option<String> {
    let challenger = loaded.challenger()?;
    let named = loaded.release().challenger.as_ref()?;
    let versions = format!(
        "champion {}, challenger {}",
        loaded.model().version(),
        challenger.model().version()
    );
    let how = match named.mode {
        RolloutMode::Shadow => "shadow, both price every quote".to_string(),
        RolloutMode::Canary => format!("canary on {}% of devices", named.percent),
    };
    Some(format!(
        "{versions}: {how}; this device shows the {}",
        which(shows_challenger)
    ))
}

/// The telemetry record of the form as priced by both models, as the JSON members of the
/// contract's quote after `at` (`"champion":…,"car":{…}`): model versions, mode, which price is
/// shown, both prices, the attributes either model extrapolates on, and the car as the models
/// took it (the shown model's values, then any attribute only the other has).
///
/// `None` when the release has no verified challenger, when either model cannot price the form,
/// or when the form is still the shown model's reference car (nothing was entered).
pub fn record(loaded: &LoadedModel, shows_challenger: bool, form: &FormState) -> Option<String> {
    let challenger = loaded.challenger()?;
    let named = loaded.release().challenger.as_ref()?;
    let (shown, other) = match shows_challenger {
        true => (challenger.model(), loaded.model()),
        false => (loaded.model(), challenger.model()),
    };
    if *form == FormState::for_model(shown) {
        return None;
    }
    let Pricing::Priced {
        car: shown_car,
        quote: shown_quote,
    } = price(shown, form)
    else {
        return None;
    };
    let Pricing::Priced {
        car: other_car,
        quote: other_quote,
    } = price(other, &form.carried_over(other))
    else {
        return None;
    };
    let (champion_price, challenger_price) = match shows_challenger {
        true => (other_quote.price, shown_quote.price),
        false => (shown_quote.price, other_quote.price),
    };
    let mut car: CarDescription = shown_car;
    for (name, value) in other_car.iter() {
        if car.get(name).is_none() {
            car.set(name, value.clone());
        }
    }
    let mut out = String::from("\"champion\":");
    write_string(&mut out, loaded.model().version());
    out.push_str(",\"challenger\":");
    write_string(&mut out, challenger.model().version());
    out.push_str(&format!(
        ",\"mode\":\"{}\",\"shown\":\"{}\",\"champion_price\":{},\"challenger_price\":{},\"extrapolated\":[",
        named.mode.as_str(),
        which(shows_challenger),
        format_number(champion_price),
        format_number(challenger_price),
    ));
    let mut flagged: Vec<&str> = Vec::new();
    for extrapolation in shown_quote
        .extrapolations
        .iter()
        .chain(&other_quote.extrapolations)
    {
        let attribute = extrapolation.attribute();
        if !flagged.contains(&attribute) {
            if !flagged.is_empty() {
                out.push(',');
            }
            write_string(&mut out, attribute);
            flagged.push(attribute);
        }
    }
    out.push_str("],\"car\":");
    write_car(&mut out, &car);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model_core::release::{canary_bucket, Challenger, Release};
    use model_core::{hex_sha256, Model};

    use crate::state::{Action, AppState, ModelSource, NoticeKind};
    use crate::test_support::{numeric, MODEL_JSON};

    /// The default model as champion and, under version 1.1.0 with a higher intercept, as the
    /// challenger of a release in `mode` at `percent`.
    fn release(mode: RolloutMode, percent: u8) -> (Rc<LoadedModel>, Model) {
        let mut document = Model::from_json(MODEL_JSON).unwrap().document().clone();
        document.version = "1.1.0".into();
        document.intercept += 0.1;
        let challenger = serde_json::to_string(&document).unwrap();
        let mut release = Release::for_model(
            MODEL_JSON.as_bytes(),
            Model::from_json(MODEL_JSON).unwrap().version(),
            "0.1.0",
            "abc1234",
            "2026-11-30T07:00:00Z",
        );
        release.challenger = Some(Challenger {
            model_version: "1.1.0".into(),
            model_sha256: hex_sha256(challenger.as_bytes()),
            mode,
            percent,
        });
        let mut loaded = LoadedModel::verify(&release.to_json(), MODEL_JSON.as_bytes()).unwrap();
        loaded.attach_challenger(challenger.as_bytes()).unwrap();
        (Rc::new(loaded), Model::from_json(&challenger).unwrap())
    }

    /// A device id whose bucket for challenger 1.1.0 is below (or not below) `percent`.
    fn device(below: bool, percent: u8) -> String {
        (0..)
            .map(|i| format!("{i:032x}"))
            .find(|id| (canary_bucket(id, "1.1.0") < percent) == below)
            .unwrap()
    }

    fn edited(model: &Model) -> FormState {
        let (name, min, max, _) = numeric(model, 0, false);
        let mut form = FormState::for_model(model);
        form.set(name, format_number(((min + max) / 2.0).round()));
        form
    }

    #[test]
    fn shadow_mode_shows_the_champion_on_every_device() {
        let (loaded, _) = release(RolloutMode::Shadow, 0);
        for below in [true, false] {
            let shown = shown(&loaded, &device(below, 50), PricingMode::Browser);
            assert!(Rc::ptr_eq(&shown, &loaded));
        }
    }

    #[test]
    fn canary_mode_shows_the_challenger_below_the_percentage_in_browser_pricing_only() {
        let (loaded, challenger) = release(RolloutMode::Canary, 50);
        let inside = device(true, 50);
        let shown_inside = shown(&loaded, &inside, PricingMode::Browser);
        assert_eq!(shown_inside.model().version(), challenger.version());
        assert_eq!(
            shown_inside.text(),
            serde_json::to_string(challenger.document()).unwrap()
        );
        let outside = shown(&loaded, &device(false, 50), PricingMode::Browser);
        assert!(Rc::ptr_eq(&outside, &loaded));
        assert!(Rc::ptr_eq(
            &shown(&loaded, &inside, PricingMode::Endpoint),
            &loaded
        ));
        let line = summary(&loaded, true).unwrap();
        assert!(line.contains("challenger 1.1.0"), "{line}");
        assert!(
            line.ends_with("canary on 50% of devices; this device shows the challenger"),
            "{line}"
        );
    }

    #[test]
    fn a_record_has_both_prices_and_the_car_and_nothing_else() {
        let (loaded, challenger) = release(RolloutMode::Shadow, 0);
        let champion = loaded.model();
        assert_eq!(
            record(&loaded, false, &FormState::for_model(champion)),
            None
        );
        let form = edited(champion);
        let text = format!(
            "{{\"at\":\"2026-11-30T07:00:00Z\",{}}}",
            record(&loaded, false, &form).unwrap()
        );
        let quote: serde_json::Value = serde_json::from_str(&text).unwrap();
        let Pricing::Priced { quote: priced, car } = price(champion, &form) else {
            panic!("the form prices")
        };
        let Pricing::Priced { quote: other, .. } = price(&challenger, &form) else {
            panic!("the challenger prices")
        };
        assert_eq!(quote["champion"], champion.version());
        assert_eq!(quote["challenger"], "1.1.0");
        assert_eq!(quote["mode"], "shadow");
        assert_eq!(quote["shown"], "champion");
        // Dollars to 9 decimals (`format_number`): far below a cent.
        let sent_price = |key: &str| quote[key].as_f64().unwrap();
        assert!((sent_price("champion_price") - priced.price).abs() < 1e-9);
        assert!((sent_price("challenger_price") - other.price).abs() < 1e-9);
        assert!(other.price > priced.price);
        let sent: CarDescription = serde_json::from_value(quote["car"].clone()).unwrap();
        assert_eq!(sent.iter().len(), car.iter().len());
        for (name, value) in car.iter() {
            assert_eq!(sent.get(name), Some(value), "{name}");
        }
        let mut keys: Vec<&str> = quote
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "at",
                "car",
                "challenger",
                "challenger_price",
                "champion",
                "champion_price",
                "extrapolated",
                "mode",
                "shown"
            ]
        );
    }

    #[test]
    fn a_record_of_a_canary_device_says_the_challenger_was_shown_and_lists_extrapolations() {
        let (loaded, challenger) = release(RolloutMode::Canary, 100);
        let (name, _, max, _) = numeric(&challenger, 0, false);
        let mut form = FormState::for_model(&challenger);
        form.set(name.clone(), format_number(max + 1.0));
        let text = format!("{{{}}}", record(&loaded, true, &form).unwrap());
        let quote: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(quote["shown"], "challenger");
        assert_eq!(quote["mode"], "canary");
        assert_eq!(quote["extrapolated"], serde_json::json!([name]));
        assert!(quote["challenger_price"].as_f64() > quote["champion_price"].as_f64());
    }

    /// The champion's release without its challenger (a halted or not yet started rollout).
    fn champion_alone() -> Rc<LoadedModel> {
        let model = Model::from_json(MODEL_JSON).unwrap();
        let release = Release::for_model(MODEL_JSON.as_bytes(), model.version(), "", "", "");
        Rc::new(LoadedModel::verify(&release.to_json(), MODEL_JSON.as_bytes()).unwrap())
    }

    fn network(model: Rc<LoadedModel>) -> Action {
        Action::Loaded {
            model,
            source: ModelSource::Network,
        }
    }

    #[test]
    fn a_halted_canary_gives_the_screen_back_to_the_champion_keeping_the_form() {
        let (loaded, challenger) = release(RolloutMode::Canary, 100);
        let (name, ..) = numeric(&challenger, 0, false);
        let state = AppState::new(true)
            .with_device("d".into())
            .apply(network(champion_alone()))
            .apply(network(loaded));
        assert_eq!(state.shown().unwrap().model().version(), "1.1.0");
        assert!(matches!(&state.notices[0].kind, NoticeKind::Updated { to, .. } if to == "1.1.0"));
        let state = state
            .apply(Action::Edit {
                attribute: name.clone(),
                text: "120".into(),
            })
            .apply(network(champion_alone()));
        let champion = Model::from_json(MODEL_JSON).unwrap();
        assert_eq!(state.shown().unwrap().model().version(), champion.version());
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
        let (loaded, _) = release(RolloutMode::Shadow, 0);
        let state = AppState::new(true)
            .with_device("d".into())
            .apply(network(champion_alone()));
        let revision = state.revision;
        let state = state.apply(network(loaded));
        assert!(state.notices.is_empty());
        assert_eq!(state.revision, revision);
        assert!(state.current.as_ref().unwrap().challenger().is_some());
        let state = state.apply(network(champion_alone()));
        assert!(state.current.as_ref().unwrap().challenger().is_none());
        assert!(state.notices.is_empty());
    }

    #[test]
    fn without_a_challenger_nothing_is_recorded() {
        let loaded = champion_alone();
        let model = Model::from_json(MODEL_JSON).unwrap();
        assert_eq!(record(&loaded, false, &edited(&model)), None);
        assert_eq!(summary(&loaded, false), None);
    }
}
