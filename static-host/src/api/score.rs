//! `POST /api/score`: prices cars given as the old endpoint's rows or as named attributes.
//!
//! - `{"data": [[24 values in PUBLISHED_COLUMNS order], ...]}` → `[price, ...]` (the old contract);
//! - `{"cars": [{"make": "audi", ...}, ...]}` → `{"model_version": ..., "quotes": [...]}`.

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use model_core::{AttributeValue, Car, CarDescription, Model, Quote};
use serde::Serialize;
use serde_json::Value;

use super::ApiError;
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

/// The handler: checks the content type and size, parses, prices with one model snapshot.
pub(super) async fn score(
    State(model): State<LiveModel>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    check_content_type(&headers)?;
    let bytes = read_body(&headers, body).await?;
    let model = model.current();
    let request = ScoreRequest::parse(&bytes, &model)?;
    request.answer(&model)
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let found = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let essence = found
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType { found })
    }
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, ApiError> {
    let too_large = ApiError::BodyTooLarge {
        limit: MAX_BODY_BYTES,
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large);
    }
    to_bytes(body, MAX_BODY_BYTES).await.map_err(|error| {
        let over_limit = std::error::Error::source(&error)
            .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
        if over_limit {
            too_large
        } else {
            ApiError::UnreadableBody(error.to_string())
        }
    })
}

impl ScoreRequest {
    /// Parses a body and names each car's values after the model's attributes.
    ///
    /// # Errors
    /// [`ApiError::MalformedJson`] for text that is not JSON, [`ApiError::TooManyCars`] past
    /// [`MAX_CARS`], and [`ApiError::BadShape`] naming the JSON path of anything else wrong.
    pub fn parse(body: &[u8], model: &Model) -> Result<Self, ApiError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson {
            line: e.line(),
            column: e.column(),
            message: without_position(&e),
        })?;
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
