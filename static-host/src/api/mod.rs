//! The API: `POST /api/score`, `GET /api/model`, `GET /api/health`, and `POST /api/telemetry`
//! for rollout telemetry.
//!
//! Every answer is JSON, errors included ([`ApiError`]).

mod card;
mod error;
mod score;
mod telemetry;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use tower_http::timeout::TimeoutLayer;

pub use card::ModelCard;
pub use error::ApiError;
pub use score::{ScoreRequest, MAX_BODY_BYTES, MAX_CARS, PUBLISHED_COLUMNS};
pub use telemetry::{client_address, Telemetry, DEFAULT_BATCHES_PER_MINUTE};

use crate::{Limits, LiveModel};

/// What the API's handlers share: the served model, where telemetry goes, and how long a body
/// may take to arrive.
#[derive(Debug, Clone)]
struct ApiState {
    model: LiveModel,
    telemetry: Telemetry,
    body_timeout: Duration,
}

impl FromRef<ApiState> for LiveModel {
    fn from_ref(state: &ApiState) -> Self {
        state.model.clone()
    }
}

/// The API routes, to be nested under `/api`. A body of at most [`MAX_BODY_BYTES`] (a telemetry
/// batch: 64 KiB) must arrive within the limits' body timeout, and the request be answered
/// within their request timeout (else a JSON 408).
pub fn router(model: LiveModel, telemetry: Telemetry, limits: &Limits) -> Router {
    let timeout = limits.request_timeout;
    let state = ApiState {
        model,
        telemetry,
        body_timeout: limits.body_timeout,
    };
    Router::new()
        .route("/score", only(Method::POST, post(score::score)))
        .route(
            "/telemetry",
            only(Method::POST, post(telemetry::telemetry)).layer(DefaultBodyLimit::max(
                carprice_registry::telemetry::MAX_BATCH_BYTES,
            )),
        )
        .route("/model", only(Method::GET, get(model_card)))
        .route("/health", only(Method::GET, get(health)))
        .fallback(not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::map_response(
            move |response: Response| async move { timeout_as_json(response, timeout) },
        ))
}

/// The timeout layer's bare 408, as the API's JSON error.
fn timeout_as_json(response: Response, timeout: Duration) -> Response {
    if response.status() == StatusCode::REQUEST_TIMEOUT
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        ApiError::Timeout {
            what: "answered",
            seconds: timeout.as_secs(),
        }
        .into_response()
    } else {
        response
    }
}

/// A JSON 404 for paths that are not part of the API.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound {
        path: uri.path().to_string(),
    }
}

/// Answers other methods with a JSON 405 naming the allowed one.
fn only(allowed: Method, route: MethodRouter<ApiState>) -> MethodRouter<ApiState> {
    route.fallback(move |method: Method| {
        let allowed = allowed.clone();
        async move { ApiError::MethodNotAllowed { method, allowed } }
    })
}

async fn model_card(State(model): State<LiveModel>) -> Response {
    let model = model.current();
    Json(ModelCard::of(&model)).into_response()
}

async fn health(State(model): State<LiveModel>) -> Json<Value> {
    Json(json!({ "status": "ok", "model_version": model.current().version() }))
}
