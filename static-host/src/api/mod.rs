//! The scoring API: `POST /api/score`, `GET /api/model`, `GET /api/health`.
//!
//! Every answer is JSON, errors included ([`ApiError`]).

mod card;
mod error;
mod score;

use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde_json::{json, Value};

pub use card::ModelCard;
pub use error::ApiError;
pub use score::{ScoreRequest, MAX_BODY_BYTES, MAX_CARS, PUBLISHED_COLUMNS};

use crate::LiveModel;

/// The API routes, to be nested under `/api`.
pub fn router(model: LiveModel) -> Router {
    Router::new()
        .route("/score", only(Method::POST, post(score::score)))
        .route("/model", only(Method::GET, get(model_card)))
        .route("/health", only(Method::GET, get(health)))
        .fallback(not_found)
        .with_state(model)
}

/// A JSON 404 for paths that are not part of the API.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound {
        path: uri.path().to_string(),
    }
}

/// Answers other methods with a JSON 405 naming the allowed one.
fn only(allowed: Method, route: MethodRouter<LiveModel>) -> MethodRouter<LiveModel> {
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
