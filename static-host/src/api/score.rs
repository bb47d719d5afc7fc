//! `POST /api/score`: prices cars given as the old endpoint's rows or as named attributes.
//!
//! - `{"data": [[24 values in PUBLISHED_COLUMNS order], ...]}` → `[price, ...]` (the old contract);
//! - `{"cars": [{"make": "audi", ...}, ...]}` → `{"model_version": ..., "quotes": [...]}`.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody, JsonRejection};
use axum::extract::{FromRequest, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use headers::{ContentType, HeaderMapExt};
use mime::Mime;
use model_core::{AttributeValue, Car, CarDescription, Model, Quote};
use serde::Serialize;
use serde_json::Value;

use super::{ApiError, ApiState};
use crate::LiveModel;

/// Largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most cars one request may price.
pub const MAX_CARS: usize = 10_000;

/// Columns of a `data` row, in the order the old scoring endpoint published.
pub const PUBLISHED_COLUMNS: &[&str] = &[
    "symboling",
    "make",
    "fuel-type",
    "aspiration",
    "num-of-doors",
    "body-style",
    "drive-wheels",
    "engine-location",
    "wheel-base",
    "length",
    "width",
    "height",
    "curb-weight",
    "engine-type",
    "num-of-cylinders",
    "engine-size",
    "fuel-system",
    "bore",
    "stroke",
    "compression-ratio",
    "horsepower",
    "peak-rpm",
    "city-mpg",
    "highway-mpg",
];

/// A checked scoring request: which form it came in, and the cars, described by name.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreRequest {
    /// The old endpoint's rows, answered with bare prices.
    Rows(Vec<CarDescription>),
    /// Named cars, answered with quotes.
    Cars(Vec<CarDescription>),
}

#[derive(Serialize)]
struct Quotes<'m> {
    model_version: &'m str,
    quotes: Vec<Quote<'m>>,
}

/// Bodies up to this size are priced on the async workers; larger ones on the blocking pool, so
/// that a heavy request never holds up the others.
const INLINE_BODY_BYTES: usize = 16 * 1024;

/// A JSON request body: a JSON content type, at most `DefaultBodyLimit` bytes arriving within the
/// body timeout, read by axum's
/// [`Bytes`] extractor and parsed by its [`Json`] extractor, with refusals turned into
/// [`ApiError`]s. Parsing waits for [`JsonBody::value`], so that a large body is parsed off the
/// async workers.
pub(super) struct JsonBody {
    bytes: Bytes,
}

impl FromRequest<ApiState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &ApiState) -> Result<Self, ApiError> {
        JsonBody::read(request, state, MAX_BODY_BYTES).await
    }
}

impl JsonBody {
    /// Reads a JSON body of at most `limit` bytes (the route's `DefaultBodyLimit`) within the
    /// body timeout.
    ///
    /// # Errors
    /// [`ApiError::UnsupportedMediaType`], [`ApiError::Timeout`], [`ApiError::BodyTooLarge`] or
    /// [`ApiError::UnreadableBody`].
    pub(super) async fn read(
        request: Request,
        state: &ApiState,
        limit: usize,
    ) -> Result<Self, ApiError> {
        let content_type = request.headers().typed_get::<ContentType>().map(Mime::from);
        let json = content_type.as_ref().is_some_and(|mime| {
            mime.type_() == mime::APPLICATION
                && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
        });
        if !json {
            let found = request
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            return Err(ApiError::UnsupportedMediaType { found });
        }
        let bytes = tokio::time::timeout(state.body_timeout, Bytes::from_request(request, state))
            .await
            .map_err(|_| ApiError::Timeout {
                what: "received",
                seconds: state.body_timeout.as_secs(),
            })?
            .map_err(|rejection| refusal(rejection.into(), limit))?;
        Ok(JsonBody { bytes })
    }

    /// The body's bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body as a JSON value.
    fn value(&self) -> Result<Value, ApiError> {
        Json::<Value>::from_bytes(&self.bytes)
            .map(|Json(value)| value)
            .map_err(|rejection| refusal(rejection, MAX_BODY_BYTES))
    }

    /// Whether the body is small enough to parse and price on the async workers.
    fn is_small(&self) -> bool {
        self.bytes.len() <= INLINE_BODY_BYTES
    }
}

/// What a refused body means for the caller, given the route's body limit.
fn refusal(rejection: JsonRejection, limit: usize) -> ApiError {
    match rejection {
        JsonRejection::BytesRejection(BytesRejection::FailedToBufferBody(
            FailedToBufferBody::LengthLimitError(_),
        )) => ApiError::BodyTooLarge { limit },
        JsonRejection::JsonSyntaxError(_) | JsonRejection::JsonDataError(_) => {
            match json_error(&rejection) {
                Some(error) => ApiError::MalformedJson {
                    line: error.line(),
                    column: error.column(),
                    message: without_position(error),
                },
                None => ApiError::UnreadableBody(rejection.body_text()),
            }
        }
        other => ApiError::UnreadableBody(other.body_text()),
    }
}

/// serde_json's error behind a rejection (directly, or under the field path axum adds).
fn json_error(rejection: &JsonRejection) -> Option<&serde_json::Error> {
    let mut cause = std::error::Error::source(rejection);
    while let Some(error) = cause {
        if let Some(found) = error.downcast_ref::<serde_json::Error>() {
            return Some(found);
        }
        if let Some(found) = error.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            return Some(found.inner());
        }
        cause = error.source();
    }
    None
}

/// The handler: prices with one model snapshot, large bodies on the blocking pool.
pub(super) async fn score(
    State(model): State<LiveModel>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let model = model.current();
    let small = body.is_small();
    let work = move || ScoreRequest::parse(body.value()?, &model)?.answer(&model);
    if small {
        return work();
    }
    match tokio::task::spawn_blocking(work).await {
        Ok(answer) => answer,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // The runtime is shutting down.
        Err(_) => Err(ApiError::ShuttingDown),
    }
}

impl ScoreRequest {
    /// Reads a JSON body and names each car's values after the model's attributes.
    ///
    /// # Errors
    /// [`ApiError::TooManyCars`] past [`MAX_CARS`], and [`ApiError::BadShape`] naming the JSON
    /// path of anything else wrong.
    pub fn parse(value: Value, model: &Model) -> Result<Self, ApiError> {
        let Value::Object(mut object) = value else {
            return Err(shape(
                "the body must be a JSON object with `data` or `cars`",
                None,
                None,
            ));
        };
        if let Some(unknown) = object.keys().find(|k| *k != "data" && *k != "cars") {
            return Err(shape(
                format!("unknown field `{unknown}`; the body has either `data` or `cars`"),
                Some(unknown.clone()),
                None,
            ));
        }
        match (object.remove("data"), object.remove("cars")) {
            (Some(data), None) => Ok(ScoreRequest::Rows(
                list("data", data)?
                    .into_iter()
                    .enumerate()
                    .map(|(row, values)| row_description(row, values, model))
                    .collect::<Result<_, _>>()?,
            )),
            (None, Some(cars)) => Ok(ScoreRequest::Cars(
                list("cars", cars)?
                    .into_iter()
                    .enumerate()
                    .map(|(row, car)| car_description(row, car))
                    .collect::<Result<_, _>>()?,
            )),
            _ => Err(shape(
                "the body must have exactly one of `data` and `cars`",
                None,
                None,
            )),
        }
    }

    /// Prices the cars with one model and answers in the request's form.
    ///
    /// # Errors
    /// [`ApiError::Car`] for the first car the model cannot price, naming its row and attribute.
    pub fn answer(&self, model: &Model) -> Result<Response, ApiError> {
        match self {
            ScoreRequest::Rows(cars) => {
                let prices = cars
                    .iter()
                    .enumerate()
                    .map(|(row, car)| {
                        check(model, row, car).and_then(|car| priced(row, model.price(&car)))
                    })
                    .collect::<Result<Vec<f64>, _>>()?;
                Ok(Json(prices).into_response())
            }
            ScoreRequest::Cars(cars) => {
                let quotes = cars
                    .iter()
                    .enumerate()
                    .map(|(row, car)| {
                        check(model, row, car).and_then(|car| priced(row, model.quote(&car)))
                    })
                    .collect::<Result<Vec<Quote<'_>>, _>>()?;
                Ok(Json(Quotes {
                    model_version: model.version(),
                    quotes,
                })
                .into_response())
            }
        }
    }
}

fn check(model: &Model, row: usize, car: &CarDescription) -> Result<Car, ApiError> {
    model
        .car(car)
        .map_err(|source| ApiError::Car { row, source })
}

fn priced<T>(row: usize, result: Result<T, model_core::CarError>) -> Result<T, ApiError> {
    result.map_err(|source| ApiError::Car { row, source })
}

fn shape(message: impl Into<String>, field: Option<String>, row: Option<usize>) -> ApiError {
    ApiError::BadShape {
        message: message.into(),
        field,
        row,
    }
}

/// The cars of a request: a JSON list of at most [`MAX_CARS`].
fn list(field: &str, value: Value) -> Result<Vec<Value>, ApiError> {
    match value {
        Value::Array(items) if items.len() > MAX_CARS => Err(ApiError::TooManyCars {
            count: items.len(),
            limit: MAX_CARS,
        }),
        Value::Array(items) => Ok(items),
        _ => Err(shape(
            format!("`{field}` must be a list"),
            Some(field.into()),
            None,
        )),
    }
}

/// One `data` row: the published columns, keeping those the model uses.
fn row_description(row: usize, values: Value, model: &Model) -> Result<CarDescription, ApiError> {
    let field = format!("data[{row}]");
    let Value::Array(values) = values else {
        return Err(shape(
            format!(
                "`{field}` must be a list of {} values",
                PUBLISHED_COLUMNS.len()
            ),
            Some(field),
            Some(row),
        ));
    };
    if values.len() != PUBLISHED_COLUMNS.len() {
        return Err(shape(
            format!(
                "`{field}` has {} values, expected {} ({})",
                values.len(),
                PUBLISHED_COLUMNS.len(),
                PUBLISHED_COLUMNS.join(", ")
            ),
            Some(field),
            Some(row),
        ));
    }
    let mut car = CarDescription::new();
    for (column, value) in PUBLISHED_COLUMNS.iter().zip(values) {
        // Every value must be a number or a name; only those the model uses are priced.
        let value = attribute_value(value, || format!("{field}.{column}"), row)?;
        if model.attributes().any(|a| a.name == *column) {
            car.set(*column, value);
        }
    }
    Ok(car)
}

/// One named car: an object of attribute values.
fn car_description(row: usize, car: Value) -> Result<CarDescription, ApiError> {
    let Value::Object(values) = car else {
        return Err(shape(
            format!("`cars[{row}]` must be an object of attribute values"),
            Some(format!("cars[{row}]")),
            Some(row),
        ));
    };
    values
        .into_iter()
        .map(|(name, value)| {
            let value = attribute_value(value, || format!("cars[{row}].{name}"), row)?;
            Ok((name, value))
        })
        .collect()
}

fn attribute_value(
    value: Value,
    field: impl Fn() -> String,
    row: usize,
) -> Result<AttributeValue, ApiError> {
    match value {
        Value::Number(n) => n.as_f64().map(AttributeValue::Number).ok_or_else(|| {
            shape(
                format!("`{}` is not a representable number", field()),
                Some(field()),
                Some(row),
            )
        }),
        Value::String(text) => Ok(AttributeValue::Text(text)),
        // As model-core reads car JSON: booleans answer yes/no attributes, null is missing.
        Value::Bool(flag) => Ok(AttributeValue::Text(flag.to_string())),
        Value::Null => Ok(AttributeValue::Text(String::new())),
        _ => Err(shape(
            format!(
                "`{}` must be a number, a string, true, false or null",
                field()
            ),
            Some(field()),
            Some(row),
        )),
    }
}

/// serde_json's message without its trailing " at line L column C" (carried separately).
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}
