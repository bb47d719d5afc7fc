//! The "Price a stock list" screen: choose or drop a CSV of cars, follow the progress, download
//! the priced file and see the rows that could not be priced. It is a Yew app of its own in the
//! stock-list wasm, mounted into the app's stock-list screen (the element [`HOST_ID`], shown by the
//! desk's navigation) when that wasm is imported; the pricing happens in a worker
//! ([`super::worker`]), so the page stays responsive.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use js_sys::Array;
use model_core::{format_fixed, format_whole_dollars};
use wasm_bindgen::JsCast;
use web_sys::{Blob, DragEvent, File, HtmlInputElement, Url, Worker, WorkerOptions, WorkerType};
use yew::prelude::*;

use super::summary::Summary;
use crate::release::LoadedModel;
use crate::services::{site, storage};

/// The stock-list wasm's loader script (trunk's loader shim for `src/bin/stock_list.rs`); the
/// worker runs it too.
const WORKER_SCRIPT: &str = "stock_list_loader.js";

/// The screen's stylesheet, loaded with it rather than with the app.
const STYLESHEET: &str = "stock-list.css";

/// Id of the app's element for the stock-list screen (`components/app.rs`), which the app keeps
/// while other screens show and hides; the screen is mounted into it.
pub const HOST_ID: &str = "stock-list-screen";

/// Id of the screen's root element.
const ROOT_ID: &str = "stock-list";

/// Where a stock list is.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Nothing chosen yet.
    Idle,
    /// Being priced: the file's name, the share read (0..=1) and the rows so far.
    Pricing {
        /// The file's name.
        file: String,
        /// Share of the file read, 0 to 1.
        share: f64,
        /// Rows priced or refused so far.
        rows: u64,
    },
    /// Priced: what came of it and the two files to download (object URLs).
    Done {
        /// The file's name.
        file: String,
        /// Counts and the first problems.
        summary: Rc<Summary>,
        /// Version of the model that priced the list.
        model_version: String,
        /// The priced table.
        priced_url: String,
        /// The problems, one row each.
        problems_url: String,
    },
    /// The table could not be priced at all (e.g. a column the model needs is absent).
    Failed {
        /// The file's name.
        file: String,
        /// Why.
        message: String,
    },
}

/// `stock.csv` → `stock-priced.csv` (with `what` = "priced").
pub fn download_name(file: &str, what: &str) -> String {
    let stem = file
        .strip_suffix(".csv")
        .or_else(|| file.strip_suffix(".CSV"))
        .unwrap_or(file);
    format!("{stem}-{what}.csv")
}

/// A count with thousands separators, e.g. `10,000`.
fn count(n: u64) -> String {
    // The dollar formatter groups digits; the page has it anyway.
    format_whole_dollars(n as f64)
        .trim_start_matches('$')
        .to_string()
}

/// "1 row", "100,000 rows".
fn rows(n: u64) -> String {
    format!("{} row{}", count(n), if n == 1 { "" } else { "s" })
}

/// The running job: the worker, what listens to it and the object URLs of the last result,
/// all released when the next list is chosen or the screen goes away.
#[derive(Default)]
struct Running {
    worker: Option<Worker>,
    listeners: Vec<EventListener>,
    urls: Vec<String>,
}

impl Running {
    fn stop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
        self.listeners.clear();
        for url in self.urls.drain(..) {
            let _ = Url::revoke_object_url(&url);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The model the page prices with: the last good model it keeps in this browser, verified again;
/// the site's live release when there is none (storage disabled).
async fn current_model() -> Result<LoadedModel, String> {
    if let Some(saved) = storage::load() {
        return Ok(saved);
    }
    let config = site::config().await.unwrap_or_default();
    site::latest(&config, &storage::device_id())
        .await
        .map_err(|e| e.to_string())
}

/// Starts pricing `file` in a new worker; every message of the worker becomes a [`Stage`].
fn price(file: File, model: &LoadedModel, running: &Rc<RefCell<Running>>, set: Callback<Stage>) {
    running.borrow_mut().stop();
    let name = file.name();
    let failed = {
        let (set, name) = (set.clone(), name.clone());
        move |message: String| {
            set.emit(Stage::Failed {
                file: name.clone(),
                message,
            })
        }
    };
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = match Worker::new_with_options(WORKER_SCRIPT, &options) {
        Ok(worker) => worker,
        Err(_) => return failed("this browser cannot start the stock-list pricer".to_string()),
    };
    set.emit(Stage::Pricing {
        file: name.clone(),
        share: 0.0,
        rows: 0,
    });
    let job = Array::of2(&model.text().into(), &file);
    let model_version = model.model().version().to_string();
    let on_message = {
        let (worker, held, failed) = (worker.clone(), Rc::downgrade(running), failed.clone());
        EventListener::new(&worker.clone(), "message", move |event| {
            let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                return;
            };
            let message = Array::from(&event.data());
            let number = |i| message.get(i).as_f64().unwrap_or(0.0);
            match message.get(0).as_string().as_deref() {
                Some("ready") => {
                    let _ = worker.post_message(&job);
                }
                Some("progress") => set.emit(Stage::Pricing {
                    file: name.clone(),
                    share: number(1) / number(2).max(1.0),
                    rows: number(3) as u64,
                }),
                Some("done") => {
                    let summary = message.get(1).as_string().unwrap_or_default();
                    let url = |i| {
                        message
                            .get(i)
                            .dyn_into::<Blob>()
                            .ok()
                            .and_then(|blob| Url::create_object_url_with_blob(&blob).ok())
                            .unwrap_or_default()
                    };
                    let (priced_url, problems_url) = (url(2), url(3));
                    if let Some(held) = held.upgrade() {
                        let mut held = held.borrow_mut();
                        held.urls = vec![priced_url.clone(), problems_url.clone()];
                        if let Some(worker) = held.worker.take() {
                            worker.terminate();
                        }
                    }
                    match Summary::from_json(&summary) {
                        Ok(summary) => set.emit(Stage::Done {
                            file: name.clone(),
                            summary: Rc::new(summary),
                            model_version: model_version.clone(),
                            priced_url,
                            problems_url,
                        }),
                        Err(error) => failed(error.to_string()),
                    }
                }
                _ => failed(message.get(1).as_string().unwrap_or_default()),
            }
        })
    };
    // The script itself failed: offline before the worker was ever cached, say.
    let on_error = EventListener::new(&worker, "error", move |_| {
        failed(
            "the stock-list pricer could not be loaded; check the connection and try again"
                .to_string(),
        )
    });
    let mut held = running.borrow_mut();
    held.worker = Some(worker);
    held.listeners = vec![on_message, on_error];
}

/// Shows the screen in the app's stock-list screen (at the end of the page if there is none), with
/// its stylesheet (once: a second call does nothing).
pub fn mount() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let host = document
        .get_element_by_id(HOST_ID)
        .or_else(|| document.body().map(Into::into));
    let (Some(head), Some(host)) = (document.head(), host) else {
        return;
    };
    if document.get_element_by_id(ROOT_ID).is_some() {
        return;
    }
    if let Ok(link) = document.create_element("link") {
        let _ = link.set_attribute("rel", "stylesheet");
        let _ = link.set_attribute("href", STYLESHEET);
        let _ = head.append_child(&link);
    }
    let Ok(root) = document.create_element("div") else {
        return;
    };
    root.set_id(ROOT_ID);
    let _ = host.append_child(&root);
    yew::Renderer::<StockList>::with_root(root).render();
}

/// The stock-list screen.
#[function_component(StockList)]
pub fn stock_list() -> Html {
    let stage = use_state(|| Stage::Idle);
    let running = use_mut_ref(Running::default);
    let start = {
        let setter = stage.setter();
        let set = Callback::from(move |s| setter.set(s));
        Callback::from(move |file: Option<File>| {
            let Some(file) = file else { return };
            let (running, set) = (running.clone(), set.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match current_model().await {
                    Ok(model) => price(file, &model, &running, set),
                    Err(message) => set.emit(Stage::Failed {
                        file: file.name(),
                        message,
                    }),
                }
            });
        })
    };
    let on_change = start.reform(|event: Event| {
        let input: HtmlInputElement = event.target_unchecked_into();
        let file = input.files().and_then(|files| files.get(0));
        // Choosing the same file again prices it again.
        input.set_value("");
        file
    });
    let on_drop = start.reform(|event: DragEvent| {
        event.prevent_default();
        event
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
    });
    let busy = matches!(*stage, Stage::Pricing { .. });
    html! {
        <section class="card stock-list" aria-labelledby="stock-title" data-testid="stock-list">
            <h1 id="stock-title">{ "Price a stock list" }</h1>
            <p class="lede">
                { "A CSV of cars, one per row, with the model's attributes as columns. It is priced \
                   here in the browser (nothing is uploaded, it works offline) and you get the same \
                   rows back with price, price_low, price_high and flags." }
            </p>
            <label class="drop" ondragover={|e: DragEvent| e.prevent_default()} ondrop={on_drop}>
                <input type="file" accept=".csv,text/csv" class="drop-input" disabled={busy}
                    onchange={on_change} data-testid="stock-file" />
                <strong>{ "Choose a CSV file" }</strong>
                <span class="muted">{ " or drop it here" }</span>
            </label>
            { view_stage(&stage) }
        </section>
    }
}

fn view_stage(stage: &Stage) -> Html {
    match stage {
        Stage::Idle => html! {},
        Stage::Pricing { file, share, rows } => html! {
            <div class="stock-status" role="status" data-testid="stock-progress">
                <p>{ format!("Pricing {file}: {} rows, {}%", count(*rows), format_fixed(share * 100.0, 0)) }</p>
                <progress max="1" value={format_fixed(*share, 3)} aria-label="Share of the file priced" />
            </div>
        },
        Stage::Failed { file, message } => html! {
            <p class="stock-status message-error" role="alert" data-testid="stock-failed">
                { format!("{file} could not be priced: {message}") }
            </p>
        },
        Stage::Done {
            file,
            summary,
            model_version,
            priced_url,
            problems_url,
        } => html! {
            <div class="stock-status" role="status" data-testid="stock-done"
                data-priced={summary.priced.to_string()} data-refused={summary.refused.to_string()}
                data-millis={format_fixed(summary.millis, 0)}>
                <p>
                    <strong>{ format!("{} priced", rows(summary.priced)) }</strong>
                    { format!(", {} not priced, in {} s with model {model_version}.",
                        count(summary.refused), format_fixed(summary.millis / 1000.0, 1)) }
                </p>
                <p class="stock-downloads">
                    <a class="button" href={priced_url.clone()} download={download_name(file, "priced")}
                        data-testid="stock-download">{ "Download the priced list" }</a>
                    if summary.refused > 0 {
                        <a href={problems_url.clone()} download={download_name(file, "problems")}
                            data-testid="stock-problems-download">{ "Download the problems" }</a>
                    }
                </p>
                if !summary.problems.is_empty() {
                    { view_problems(summary) }
                }
            </div>
        },
    }
}

fn view_problems(summary: &Summary) -> Html {
    let shown = summary.problems.len() as u64;
    let caption = if shown < summary.refused {
        format!(
            "Rows not priced (the first {shown} of {})",
            count(summary.refused)
        )
    } else {
        "Rows not priced".to_string()
    };
    html! {
        <div class="stock-problems">
            <table data-testid="stock-problems">
                <caption>{ caption }</caption>
                <thead><tr><th scope="col">{ "Line" }</th><th scope="col">{ "Attribute" }</th>
                    <th scope="col">{ "Problem" }</th></tr></thead>
                <tbody>
                { for summary.problems.iter().map(|p| html! {
                    <tr>
                        <td>{ p.line }</td>
                        <td>{ p.attribute.clone() }</td>
                        <td>{ p.message.clone() }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_named_after_the_list() {
        assert_eq!(download_name("stock.csv", "priced"), "stock-priced.csv");
        assert_eq!(
            download_name("AUCTION.CSV", "problems"),
            "AUCTION-problems.csv"
        );
        assert_eq!(download_name("lot 7", "priced"), "lot 7-priced.csv");
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(7), "7");
    }

    #[test]
    fn a_list_of_one_car_said_1_rows_priced() {
        assert_eq!(rows(1), "1 row");
        assert_eq!(rows(100_000), "100,000 rows");
    }
}
