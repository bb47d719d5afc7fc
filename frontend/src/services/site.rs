//! Fetching `config.json`, `release.json`, `model.json` and quotes from `/api/score` (gloo-net).

use gloo_net::http::{Request, Response};
use web_sys::RequestCache;

use crate::quote::{first_quote, score_request, QuoteView};
use crate::release::{LoadError, LoadedModel, Release, SiteConfig};
use model_core::CarDescription;

/// Fetches one file. Same-origin files use the default cache mode: the site serves them with
/// `cache-control: no-cache` (so they are revalidated) and `index.html` preloads them, which only
/// a default-mode request can reuse. Files from another origin (a model CDN) are always
/// revalidated, whatever headers that origin sends.
async fn get(url: &str) -> Result<Response, LoadError> {
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    let request = Request::get(url);
    let request = if absolute {
        request.cache(RequestCache::NoCache)
    } else {
        request
    };
    let response = request.send().await.map_err(|e| LoadError::Network {
        url: url.to_string(),
        message: e.to_string(),
    })?;
    if response.ok() {
        Ok(response)
    } else {
        Err(LoadError::Http {
            url: url.to_string(),
            status: response.status(),
        })
    }
}

async fn text(url: &str) -> Result<String, LoadError> {
    get(url)
        .await?
        .text()
        .await
        .map_err(|e| LoadError::Network {
            url: url.to_string(),
            message: e.to_string(),
        })
}

/// Reads the site's `config.json`; a site without one uses the defaults.
///
/// # Errors
/// [`LoadError::Config`] when the file exists but is not valid, network errors otherwise.
pub async fn config() -> Result<SiteConfig, LoadError> {
    match text("config.json").await {
        Ok(text) => SiteConfig::from_json(&text),
        Err(LoadError::Http { status: 404, .. }) => Ok(SiteConfig::default()),
        Err(error) => Err(error),
    }
}

async fn release(config: &SiteConfig) -> Result<Release, LoadError> {
    Release::from_json(&text(&config.model_url("release.json")).await?)
}

async fn model_bytes(config: &SiteConfig) -> Result<Vec<u8>, LoadError> {
    let url = config.model_url("model.json");
    get(&url)
        .await?
        .binary()
        .await
        .map_err(|e| LoadError::Network {
            url,
            message: e.to_string(),
        })
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
    let (release_result, bytes) = futures::future::join(release(config), model_bytes(config)).await;
    match LoadedModel::verify(release_result?, &bytes?) {
        Err(LoadError::HashMismatch { .. }) => {
            let release = release(config).await?;
            LoadedModel::verify(release, &model_bytes(config).await?)
        }
        verified => verified,
    }
}

/// Prices one car with the scoring endpoint.
///
/// # Errors
/// A sentence saying why the endpoint gave no quote.
pub async fn score(config: &SiteConfig, car: &CarDescription) -> Result<QuoteView, String> {
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
