//! Fetching `config.json`, `release.json`, `model.json` (or a rollout's `challenger.json`) and
//! quotes from `/api/score`, with the browser's `fetch` through web-sys (gloo-net's request
//! builder cost the first load 1.7 KB; see the README's budgets).

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};

use crate::quote::{first_quote, score_request};
use crate::release::{read_release, shown_file, LoadError, LoadedModel, SiteConfig};
use model_core::release::{CHALLENGER_FILE, CONFIG_FILE, MODEL_FILE, RELEASE_FILE};
use model_core::{CarDescription, Quote};

/// What a failed `fetch` or body read says (`TypeError: Failed to fetch`).
fn js_error(error: JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.to_string()),
        None => "the request failed".to_string(),
    }
}

/// Sends one request with the browser's `fetch`.
async fn send(url: &str, init: &RequestInit) -> Result<Response, String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let response = JsFuture::from(window.fetch_with_str_and_init(url, init)).await;
    Ok(response.map_err(js_error)?.unchecked_into())
}

/// Awaits a body read (`array_buffer()`, `text()`).
async fn body(read: Result<js_sys::Promise, JsValue>) -> Result<JsValue, String> {
    JsFuture::from(read.map_err(js_error)?)
        .await
        .map_err(js_error)
}

/// Fetches one file's bytes. Same-origin files use the default cache mode: the site serves them
/// with `cache-control: no-cache` (so they are revalidated) and `index.html` preloads them, which
/// only a default-mode request can reuse. Files from another origin (a model CDN) are always
/// revalidated, whatever headers that origin sends.
async fn fetch(url: &str) -> Result<Vec<u8>, LoadError> {
    let network = |message: String| LoadError::Network {
        url: url.to_string(),
        message,
    };
    let init = RequestInit::new();
    if url.starts_with("http://") || url.starts_with("https://") {
        init.set_cache(RequestCache::NoCache);
    }
    let response = send(url, &init).await.map_err(network)?;
    if !response.ok() {
        return Err(LoadError::Http {
            url: url.to_string(),
            status: response.status(),
        });
    }
    let bytes = body(response.array_buffer()).await.map_err(network)?;
    Ok(Uint8Array::new(&bytes).to_vec())
}

/// Reads the site's `config.json`; a site without one uses the defaults.
///
/// # Errors
/// [`LoadError::Config`] when the file exists but is not valid, network errors otherwise.
pub async fn config() -> Result<SiteConfig, LoadError> {
    match fetch(CONFIG_FILE).await {
        Ok(bytes) => SiteConfig::from_json(&utf8(bytes).map_err(LoadError::Config)?),
        Err(LoadError::Http { status: 404, .. }) => Ok(SiteConfig::default()),
        Err(error) => Err(error),
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
}

/// Fetches the published release and the model this device shows under it
/// ([`shown_file`]: the champion's, or the challenger's on a canary device), and verifies them.
///
/// The manifest and `model.json` are fetched at once (a canary device then fetches
/// `challenger.json`). A deployment writes the models before the manifest, so a hash mismatch
/// may only mean the fetches straddled one: that case is retried once in order (manifest
/// first) before it is reported.
///
/// # Errors
/// Network and HTTP errors when the site cannot be reached, [`LoadError`]s of verification when
/// what it serves cannot be trusted.
pub async fn latest(config: &SiteConfig, device: &str) -> Result<LoadedModel, LoadError> {
    let release_url = config.model_url(RELEASE_FILE);
    let model = || fetch_file(config, MODEL_FILE);
    let (release, champion) = futures::future::join(fetch(&release_url), model()).await;
    match shown(config, device, release_text(release?)?, champion).await {
        Err(LoadError::HashMismatch { .. }) => {
            let release = release_text(fetch(&release_url).await?)?;
            shown(config, device, release, model().await).await
        }
        verified => verified,
    }
}

async fn fetch_file(config: &SiteConfig, file: &str) -> Result<Vec<u8>, LoadError> {
    fetch(&config.model_url(file)).await
}

/// Verifies the model this device shows under `release`: the challenger, fetched now, on a
/// canary device; otherwise `champion` (`model.json` as fetched). A challenger that the site
/// does not serve, whose bytes are not the ones `release.json` names, or which is not a valid
/// model of the named version, leaves the device on the champion (the device's safety net: the
/// deploy's smoke check reports such a site); offline, the device keeps its last good model as
/// for any release check.
async fn shown(
    config: &SiteConfig,
    device: &str,
    release: String,
    champion: Result<Vec<u8>, LoadError>,
) -> Result<LoadedModel, LoadError> {
    let manifest = read_release(&release)?;
    let bytes = match (
        &manifest.challenger,
        shown_file(&manifest, device, config.pricing),
    ) {
        (Some(named), CHALLENGER_FILE) => match fetch_file(config, CHALLENGER_FILE).await {
            Ok(bytes) if named.names_bytes(&bytes) => match LoadedModel::verify(&release, &bytes) {
                Err(LoadError::Model(_) | LoadError::VersionMismatch { .. }) => champion?,
                verified => return verified,
            },
            Err(error @ LoadError::Network { .. }) => return Err(error),
            _ => champion?,
        },
        _ => champion?,
    };
    LoadedModel::verify(&release, &bytes)
}

fn release_text(bytes: Vec<u8>) -> Result<String, LoadError> {
    utf8(bytes).map_err(LoadError::Release)
}

/// Prices one car with the scoring endpoint.
///
/// # Errors
/// A sentence saying why the endpoint gave no quote.
pub async fn score(config: &SiteConfig, car: &CarDescription) -> Result<Quote<'static>, String> {
    let url = config.score_url();
    let init = RequestInit::new();
    init.set_method("POST");
    let header = Array::of2(&"content-type".into(), &"application/json".into());
    init.set_headers(&Array::of1(&header));
    init.set_body(&score_request(car).into());
    let response = send(&url, &init)
        .await
        .map_err(|e| format!("could not reach the pricing service: {e}"))?;
    if !response.ok() {
        return Err(format!(
            "the pricing service answered HTTP {}",
            response.status()
        ));
    }
    let answer = body(response.text())
        .await
        .map_err(|e| format!("could not read the pricing service's answer: {e}"))?
        .as_string()
        .unwrap_or_default();
    first_quote(&answer)
        .map_err(|e| format!("the pricing service sent an unreadable answer: {e}"))?
        .ok_or_else(|| "the pricing service returned no quote".to_string())
}
