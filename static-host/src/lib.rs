//! # static-host
//!
//! A native server for the carprice site that behaves like Azure Static Web Apps in production, and
//! the scoring API that serves the same model over HTTP.
//!
//! - [`site`]: files of a built site, with the routing, fallback, headers, MIME types, caching and
//!   compression that the site's `staticwebapp.config.json` asks for;
//! - [`api`]: `POST /api/score`, `GET /api/model` and `GET /api/health`, priced by `model-core`,
//!   and `POST /api/telemetry`, stored by `carprice_registry::telemetry`;
//! - [`live_model`]: the model being served, swapped atomically when its file changes;
//! - [`server`]: connections, with bounded work per connection and a graceful shutdown.
//!
//! [`app`] builds the whole router, so tests drive it in-process with `tower::ServiceExt::oneshot`.

pub mod api;
pub mod live_model;
pub mod server;
pub mod settings;
pub mod site;

use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::{middleware, Router};
use tower_http::trace::TraceLayer;

pub use api::Telemetry;
pub use live_model::LiveModel;
pub use server::Limits;
pub use settings::Settings;
pub use site::Site;

/// The server: the API under `/api` (telemetry stored as `telemetry` says), and the site (when there is one) everywhere else.
/// Every answer carries the site's `globalHeaders` (API answers included), error answers are
/// never kept by caches, and each request is traced (`tower_http::trace`: a line per answer at
/// `debug` level, server errors at `error`).
pub fn app(model: LiveModel, site: Option<Site>, telemetry: Telemetry, limits: &Limits) -> Router {
    let global_headers = site
        .as_ref()
        .map(|site| site.config().global_headers.clone())
        .unwrap_or_default();
    let router = Router::new().nest("/api", api::router(model, telemetry, limits));
    let router = match site {
        Some(site) => router.fallback_service(site.service()),
        None => router.fallback(api::not_found),
    };
    router
        .layer(middleware::map_response(move |response: Response| {
            let global_headers = global_headers.clone();
            async move { with_global_headers(response, &global_headers) }
        }))
        .layer(TraceLayer::new_for_http())
}

/// Answers the site has not decorated (the API's, timeouts) get the global headers, and errors a
/// `Cache-Control` that no cache keeps.
fn with_global_headers(mut response: Response, global_headers: &site::config::Headers) -> Response {
    if response.extensions().get::<site::Decorated>().is_some() {
        return response;
    }
    let error = response.status().is_client_error() || response.status().is_server_error();
    let headers = response.headers_mut();
    site::config::apply(headers, global_headers);
    if error {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(site::ERROR_CACHE_CONTROL),
        );
    }
    response
}
