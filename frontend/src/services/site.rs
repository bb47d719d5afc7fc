//! Fetching `config.json`, `release.json`, `model.json` and quotes from `/api/score` (gloo-net).

use gloo_net::http::Request;
use web_sys::RequestCache;

use crate::quote::{first_quote, score_request};
use crate::release::{LoadError, LoadedModel, SiteConfig};
use model_core::release::{CONFIG_FILE, MODEL_FILE, RELEASE_FILE};
use model_core::{CarDescription, Quote};

/// Fetches one file's bytes. Same-origin files use the default cache mode: the site serves them
/// with `cache-control: no-cache` (so they are revalidated) and `index.html` preloads them, which
/// only a default-mode request can reuse. Files from another origin (a model CDN) are always
/// revalidated, whatever headers that origin sends.
pub(crate) async fn fetch(url: &str) -> Result<Vec<u8>, LoadError> {
    let network = |e: gloo_net::Error| LoadError::Network {
        url: url.to_string(),
        message: e.to_string(),
    };
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    let request = Request::get(url);
    let request = if absolute {
        request.cache(RequestCache::NoCache)
    } else {
        request
    };
    let response = request.send().await.map_err(network)?;
    if !response.ok() {
        return Err(LoadError::Http {
            url: url.to_string(),
            status: response.status(),
        });
    }
    response.binary().await.map_err(network)
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

/// Fetches the published release and its model, and verifies them.
///
/// Both files are fetched at once. A deployment writes the model before the manifest, so a
/// hash mismatch may only mean the two fetches straddled one: that case is retried once in
/// order (manifest first) before it is reported.
///
/// # Errors
/// Network and HTTP errors when the site cannot be reached, [`LoadError`]s of verification when
/// what it serves cannot be trusted.
pub async fn latest(config: &SiteConfig) -> Result<LoadedModel, LoadError> {
    let (release_url, model_url) = (config.model_url(RELEASE_FILE), config.model_url(MODEL_FILE));
    let (release, model) = futures::future::join(fetch(&release_url), fetch(&model_url)).await;
    match LoadedModel::verify(&release_text(release?)?, &model?) {
        Err(LoadError::HashMismatch { .. }) => {
            let release = release_text(fetch(&release_url).await?)?;
            LoadedModel::verify(&release, &fetch(&model_url).await?)
        }
        verified => verified,
    }
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
    let request = Request::post(&url)
        .header("content-type", "application/json")
        .body(score_request(car))
        .map_err(|e| e.to_string())?;
    let response = request
        .send()
        .await
        .map_err(|e| format!("could not reach the pricing service: {e}"))?;
    if !response.ok() {
        return Err(format!(
            "the pricing service answered HTTP {}",
            response.status()
        ));
    }
    let answer = response
        .text()
        .await
        .map_err(|e| format!("could not read the pricing service's answer: {e}"))?;
    first_quote(&answer)
        .map_err(|e| format!("the pricing service sent an unreadable answer: {e}"))?
        .ok_or_else(|| "the pricing service returned no quote".to_string())
}
