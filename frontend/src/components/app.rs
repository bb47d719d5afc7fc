//! The whole app: loads the model, keeps it fresh, and lays out the pricing screen.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::desk_actions::{desk_handlers, pricing_extras, DeskHandlers};
use super::model_card::{model_card, ModelCardProps};
use super::nav::nav;
use super::notices::{notices, NoticesProps};
use super::pricing_form::{pricing_form, PricingFormProps};
use super::quote_panel::{quote_panel, QuotePanelProps, Shown};
use super::saved_screen::saved_screen;
use crate::desk::{DeskAction, Screen};
use crate::form::{price, Pricing};
use crate::release::{LoadError, LoadedModel, PricingMode, SiteConfig};
use crate::rollout;
use crate::services::{browser, site, storage};
use crate::share;
use crate::state::{Action, AppState, ModelSource, RemoteQuote};
use crate::telemetry;
use model_core::release::{CHALLENGER_FILE, MODEL_FILE};

/// What a release check comes to; a verified model is also kept as the last good one.
fn outcome(latest: Result<LoadedModel, LoadError>) -> Action {
    match latest {
        Ok(model) => {
            storage::save(&model);
            Action::Loaded {
                model: Rc::new(model),
                source: ModelSource::Network,
            }
        }
        Err(error @ LoadError::Network { .. }) => Action::Unreachable(error),
        Err(error) => Action::Rejected(error),
    }
}

/// Fetches the live release (the model this device shows under it) and dispatches what came of it.
async fn check_release(config: SiteConfig, dispatch: Callback<Action>) {
    dispatch.emit(outcome(site::latest(&config, &storage::device_id()).await));
}

/// What the app keeps across renders outside its state: the start-up flag, what must live as long
/// as the app (the release-check interval, the online/offline listeners), the configuration for
/// release checks, and bookkeeping of the first price and the endpoint requests.
#[derive(Default)]
struct Session {
    started: bool,
    keep_alive: Vec<Box<dyn std::any::Any>>,
    config: Option<SiteConfig>,
    first_price_marked: bool,
    asked_revision: Option<u64>,
    restored: bool,
}

/// Start-up: the saved model at once, then the site's configuration and live release; then a
/// check every few minutes and whenever the browser comes back online.
fn start(session: &Rc<RefCell<Session>>, dispatch: &Callback<Action>) {
    if let Some(saved) = storage::load() {
        dispatch.emit(Action::Loaded {
            model: Rc::new(saved),
            source: ModelSource::Saved,
        });
    }
    if let Some(window) = web_sys::window() {
        for (event, online) in [("online", true), ("offline", false)] {
            let dispatch = dispatch.clone();
            let listening = session.clone();
            let listener = EventListener::new(&window, event, move |_| {
                dispatch.emit(Action::Online(online));
                let config = listening.borrow().config.clone();
                if let (true, Some(config)) = (online, config) {
                    spawn_local(check_release(config, dispatch.clone()));
                }
            });
            session.borrow_mut().keep_alive.push(Box::new(listener));
        }
    }
    let session = session.clone();
    let dispatch = dispatch.clone();
    spawn_local(async move {
        // One file after the other: `index.html` preloads all three, so waiting for the
        // configuration before the release costs no round trip.
        let config = match site::config().await {
            Ok(config) => config,
            Err(error) => {
                if let LoadError::Config(_) = error {
                    dispatch.emit(Action::Rejected(error));
                }
                SiteConfig::default()
            }
        };
        session.borrow_mut().config = Some(config.clone());
        dispatch.emit(Action::Configured(config.clone()));
        telemetry::start(&config.telemetry_url());
        check_release(config.clone(), dispatch.clone()).await;
        let interval = Interval::new(config.release_check_millis(), move || {
            spawn_local(check_release(config.clone(), dispatch.clone()));
        });
        session.borrow_mut().keep_alive.push(Box::new(interval));
    });
}

/// The carprice staff app.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::new(browser::is_online()));
    let dispatch: Callback<Action> = {
        let state = state.dispatcher();
        Callback::from(move |action| state.dispatch(action))
    };
    let session = use_mut_ref(Session::default);
    // Start-up begins with the first render, not in its effect: Yew runs effects only after
    // yielding to the browser (a frame and a timer) when a render took longer than a frame, as
    // the first one does, and the model's files are wanted at once.
    if !session.borrow().started {
        session.borrow_mut().started = true;
        start(&session, &dispatch);
    }

    // Pricing is a few microseconds: done on every render rather than memoised.
    let pricing: Option<Rc<Pricing>> = state
        .current
        .as_ref()
        .map(|loaded| Rc::new(price(loaded.model(), &state.form)));

    let shown = match (pricing.as_deref(), state.config.pricing, &state.remote) {
        (None, ..) => None,
        (Some(Pricing::Invalid { problems }), ..) => Some(Shown::Invalid(problems.len())),
        (Some(Pricing::Priced { quote, .. }), PricingMode::Browser, _) => {
            Some(Shown::Quote(quote.clone(), false))
        }
        (Some(Pricing::Priced { quote, .. }), PricingMode::Endpoint, remote) => {
            Some(match remote {
                RemoteQuote::Ready(r, served) if *r == state.revision => {
                    Shown::Quote(served.clone(), true)
                }
                RemoteQuote::Failed(r) if *r == state.revision => {
                    Shown::Quote(quote.clone(), false)
                }
                _ => Shown::Pending,
            })
        }
    };

    // One effect after each render that changed these (one hook, not three, keeps the download
    // small): the first-price mark once a price is on screen; in endpoint
    // mode, one request to the scoring API per valid revision of the form; once a model is
    // there, the car of a shared link or of the last visit, then the car kept on every change.
    {
        let current = state.current.clone();
        let form = state.form.clone();
        let dispatch = dispatch.clone();
        let config = state.config.clone();
        let revision = state.revision;
        let priced = matches!(shown, Some(Shown::Quote(..)));
        let pricing = pricing.clone();
        use_effect_with((revision, config.pricing, priced), move |_| {
            telemetry::quote_changed(current.as_ref().and_then(|loaded| {
                let urls = [MODEL_FILE, CHALLENGER_FILE].map(|file| config.model_url(file));
                rollout::offer(loaded, &form, || share::encode(loaded.model(), &form), urls)
            }));
            if let Some(loaded) = &current {
                if session.borrow().restored {
                    share::remember(&share::encode(loaded.model(), &form));
                } else {
                    session.borrow_mut().restored = true;
                    if let Some(text) = share::recalled() {
                        let restored = share::decode(loaded.model(), &text);
                        dispatch.emit(Action::Restore {
                            form: restored.form,
                            dropped: restored.dropped,
                        });
                    }
                }
            }
            if priced && !session.borrow().first_price_marked {
                session.borrow_mut().first_price_marked = true;
                browser::mark_first_price();
            }
            if let (PricingMode::Endpoint, Some(Pricing::Priced { car, .. })) =
                (config.pricing, pricing.as_deref())
            {
                if session.borrow().asked_revision != Some(revision) {
                    session.borrow_mut().asked_revision = Some(revision);
                    let car = car.clone();
                    dispatch.emit(Action::RemoteAsked(revision));
                    spawn_local(async move {
                        let answer = site::score(&config, &car).await;
                        dispatch.emit(Action::RemoteAnswered(revision, answer));
                    });
                }
            }
        });
    }

    let on_edit = {
        let dispatch = dispatch.clone();
        let reopened = state.desk.reopened.is_some();
        Callback::from(move |(attribute, text): (String, String)| {
            dispatch.emit(Action::Edit { attribute, text });
            if reopened {
                dispatch.emit(Action::Desk(DeskAction::CloseReopened));
            }
        })
    };
    let on_dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |id| dispatch.emit(Action::Dismiss(id)))
    };

    let handlers: DeskHandlers = desk_handlers(&state, &dispatch, shown.as_ref());
    let status = status_line(&state);
    html! {
        <>
        <header class="topbar">
            <div class="brand">
                <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                    <rect width="32" height="32" rx="7" />
                    <path d="M7 19l2.5-6.2A2 2 0 0 1 11.4 11.5h9.2a2 2 0 0 1 1.9 1.3L25 19v4h-3v-2H10v2H7z" />
                </svg>
                <div>
                    <span class="brand-name">{ "Cars R Us" }</span>
                    <span class="brand-product">{ "Price desk" }</span>
                </div>
            </div>
            <p class={if state.is_offline() { "status status-offline" } else { "status" }}
               role="status" aria-live="polite" data-testid="status">
                <span class="status-dot" aria-hidden="true"></span>
                { status }
            </p>
            { nav(state.desk.screen, &handlers.on_show) }
        </header>
        { notices(&NoticesProps { notices: state.notices.clone(), on_dismiss }) }
        <main id="main" class="layout">
        {
            match (&state.current, pricing) {
                (Some(_), Some(_)) if state.desk.screen == Screen::Saved => saved_screen(),
                (Some(_), Some(_)) if state.desk.screen == Screen::StockList => html! {},
                (Some(loaded), Some(pricing)) => html! {
                    <>
                    <section class="form-column" aria-labelledby="form-title">
                        <h1 id="form-title">{ "Price a car" }</h1>
                        <p class="lede">{ "Describe the car; the price updates as you type." }</p>
                        { pricing_form(&PricingFormProps { loaded: loaded.clone(),
                            form: state.form.clone(), pricing: pricing.clone(), on_edit }) }
                    </section>
                    <aside class="result-column" aria-label="Price">
                        { quote_panel(&QuotePanelProps { shown: shown.clone(),
                            loaded: loaded.clone(), form: state.form.clone(), price_step: state.config.price_step }) }
                        { pricing_extras(&state, shown.as_ref(), &handlers) }
                        { model_card(&ModelCardProps { rollout: rollout::summary(loaded),
                            loaded: loaded.clone(), source: state.source }) }
                    </aside>
                    </>
                },
                _ => match &state.startup_error {
                    Some(error) => html! {
                        <section class="card startup-error" role="alert">
                            <h1>{ "The pricing model could not be loaded" }</h1>
                            <p>{ error.to_string() }</p>
                            <p>{ "Check the network connection and reload the page." }</p>
                        </section>
                    },
                    None => html! {
                        <section class="card loading" aria-busy="true">
                            <p>{ "Loading the pricing model…" }</p>
                        </section>
                    },
                },
            }
        }
        // The stock list's screen, drawn into this element by its own wasm (`crate::batch`) and
        // kept while other screens show, so a list being priced carries on.
        <div id="stock-list-screen" class="stock-host"
            hidden={state.desk.screen != Screen::StockList}></div>
        </main>
        </>
    }
}

/// The header's status: online or offline, and which model prices.
fn status_line(state: &AppState) -> String {
    let model = state
        .current
        .as_ref()
        .map(|m| format!("model {}", m.model().version()));
    match (state.is_offline(), model) {
        (true, Some(model)) => format!("Offline · pricing with saved {model}"),
        (true, None) => "Offline".to_string(),
        (false, Some(model)) => format!("Online · {model}"),
        (false, None) => "Connecting…".to_string(),
    }
}
