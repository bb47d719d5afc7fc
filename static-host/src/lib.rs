//! # static-host
//!
//! A native server for the carprice site that behaves like Azure Static Web Apps in production, and
//! the scoring API that serves the same model over HTTP.
//!
//! - [`site`]: files of a built site, with the routing, fallback, headers, MIME types, caching and
//!   compression that the site's `staticwebapp.config.json` asks for;
//! - [`api`]: `POST /api/score`, `GET /api/model` and `GET /api/health`, priced by `model-core`;
//! - [`live_model`]: the model being served, swapped atomically when its file changes.
//!
//! [`app`] builds the whole router, so tests drive it in-process with `tower::ServiceExt::oneshot`.

pub mod api;
pub mod live_model;
pub mod settings;
pub mod site;

use axum::Router;

pub use live_model::LiveModel;
pub use settings::Settings;
pub use site::Site;

/// The server: the scoring API under `/api`, and the site (when there is one) everywhere else.
pub fn app(model: LiveModel, site: Option<Site>) -> Router {
    let router = Router::new().nest("/api", api::router(model));
    match site {
        Some(site) => router.fallback_service(site.service()),
        None => router.fallback(api::not_found),
    }
}
