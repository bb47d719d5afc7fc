//! API errors: each one a status code and a JSON body `{"error": {"code", "message", ...}}`
//! (and `Retry-After` on 429 and storage 503 answers).

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use model_core::CarError;
use serde::Serialize;
use thiserror::Error;

/// Everything the API can refuse, with what the caller needs to fix it.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum ApiError {
    /// The body is larger than the limit.
    #[error("the request body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// More cars than one request may price.
    #[error("{count} cars in one request; the limit is {limit}")]
    TooManyCars {
        /// Cars sent.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not declared as JSON.
    #[error("content type must be application/json, got {found:?}")]
    UnsupportedMediaType {
        /// The `Content-Type` sent (empty when absent).
        found: String,
    },
    /// The body could not be read or is not JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    MalformedJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// The body could not be read.
    #[error("the request body could not be read: {0}")]
    UnreadableBody(String),
    /// The server stopped before the answer was ready.
    #[error("the server is shutting down; send the request again")]
    ShuttingDown,
    /// The body did not arrive, or the request could not be answered, in time.
    #[error("the request was not {what} within {seconds} s; send the body at once, or fewer cars")]
    Timeout {
        /// What took too long: `"received"` (the body) or `"answered"`.
        what: &'static str,
        /// The limit, in seconds.
        seconds: u64,
    },
    /// JSON of the wrong shape (not `{"data": ...}` or `{"cars": ...}`).
    #[error("{message}")]
    BadShape {
        /// What is wrong, naming the JSON path.
        message: String,
        /// The JSON path of the problem, e.g. `data[2][5]`.
        field: Option<String>,
        /// 0-based index of the car concerned, if one is.
        row: Option<usize>,
    },
    /// A car that the model cannot price.
    #[error("car {row}: {source}")]
    Car {
        /// 0-based index of the car in the request.
        row: usize,
        /// The model's complaint, naming the attribute.
        source: CarError,
    },
    /// A telemetry batch that breaks the format (see `carprice_registry::telemetry`).
    #[error("invalid telemetry batch: {field}: {message}")]
    BadBatch {
        /// The JSON path of the problem, e.g. `quotes[2].car.make`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A telemetry batch whose id is stored with other quotes: the id of a batch is reused only
    /// to resend the very same batch.
    #[error("telemetry batch {batch} is already stored with other quotes; send new quotes under a new batch id")]
    BatchConflict {
        /// The batch id.
        batch: String,
    },
    /// The client sent more requests than its allowance.
    #[error("too many requests from this client; send again in {seconds} s")]
    RateLimited {
        /// Seconds until the next request is allowed (also in `Retry-After`).
        seconds: u64,
    },
    /// Telemetry could not be stored (the store is down or full); the batch was not kept.
    #[error("telemetry cannot be stored right now; send the batch again later")]
    StorageUnavailable,
    /// No such API route.
    #[error("no API route {path}")]
    NotFound {
        /// The path requested.
        path: String,
    },
    /// The route exists but not for this method.
    #[error("{method} is not allowed here; use {allowed}")]
    MethodNotAllowed {
        /// The method used.
        method: Method,
        /// The method to use.
        allowed: Method,
    },
}

/// `Retry-After` of a [`ApiError::StorageUnavailable`] answer.
const STORAGE_RETRY_SECONDS: u64 = 60;

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BodyTooLarge { .. } | ApiError::TooManyCars { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MalformedJson { .. }
            | ApiError::UnreadableBody(_)
            | ApiError::BadBatch { .. } => StatusCode::BAD_REQUEST,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::BatchConflict { .. } => StatusCode::CONFLICT,
            ApiError::BadShape { .. } | ApiError::Car { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Timeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::ShuttingDown | ApiError::StorageUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    /// A stable, machine-readable name for the error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BodyTooLarge { .. } => "body_too_large",
            ApiError::TooManyCars { .. } => "too_many_cars",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::MalformedJson { .. } => "malformed_json",
            ApiError::UnreadableBody(_) => "unreadable_body",
            ApiError::BadShape { .. } => "bad_shape",
            ApiError::Car { source, .. } => car_error_code(source),
            ApiError::NotFound { .. } => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Timeout { .. } => "timeout",
            ApiError::ShuttingDown => "shutting_down",
            ApiError::BadBatch { .. } => "invalid_batch",
            ApiError::BatchConflict { .. } => "batch_conflict",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::StorageUnavailable => "storage_unavailable",
        }
    }

    fn detail(&self) -> Detail<'_> {
        let mut detail = Detail {
            code: self.code(),
            message: self.to_string(),
            row: None,
            field: None,
            line: None,
            column: None,
        };
        match self {
            ApiError::MalformedJson { line, column, .. } => {
                detail.line = Some(*line);
                detail.column = Some(*column);
            }
            ApiError::BadShape { field, row, .. } => {
                detail.field = field.as_deref();
                detail.row = *row;
            }
            ApiError::BadBatch { field, .. } if !field.is_empty() => {
                detail.field = Some(field);
            }
            ApiError::Car { row, source } => {
                detail.row = Some(*row);
                detail.field = Some(source.attribute());
            }
            _ => {}
        }
        detail
    }
}

fn car_error_code(error: &CarError) -> &'static str {
    match error {
        CarError::Missing { .. } => "missing_attribute",
        CarError::UnknownAttribute { .. } => "unknown_attribute",
        CarError::UnknownCategory { .. } => "unknown_category",
        CarError::NotANumber { .. } => "not_a_number",
        CarError::NotACategory { .. } => "not_a_category",
        CarError::NotPositive { .. } => "not_positive",
        CarError::OutOfBounds { .. } => "out_of_bounds",
        _ => "invalid_car",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status(),
            Json(Body {
                error: self.detail(),
            }),
        )
            .into_response();
        match &self {
            ApiError::MethodNotAllowed { allowed, .. } => {
                if let Ok(value) = HeaderValue::from_str(allowed.as_str()) {
                    response.headers_mut().insert(header::ALLOW, value);
                }
            }
            ApiError::RateLimited { seconds } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            ApiError::StorageUnavailable => {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(STORAGE_RETRY_SECONDS),
                );
            }
            _ => {}
        }
        response
    }
}
