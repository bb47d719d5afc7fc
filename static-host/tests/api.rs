//! The scoring API contract: both request forms, the model card, health, limits and errors.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{api_router, model_text, score, send};
use model_core::{CarDescription, Model};
use serde_json::{json, Value};
use static_host::api::{MAX_CARS, PUBLISHED_COLUMNS};

/// The first car of the data set, in the published column order.
fn first_row() -> Value {
    json!([
        3,
        "alfa-romero",
        "gas",
        "std",
        "two",
        "convertible",
        "rwd",
        "front",
        88.6,
        168.8,
        64.1,
        48.8,
        2548,
        "dohc",
        "four",
        130,
        "mpfi",
        3.47,
        2.68,
        9,
        111,
        5000,
        21,
        27
    ])
}

fn named(row: &Value) -> Value {
    Value::Object(
        PUBLISHED_COLUMNS
            .iter()
            .zip(row.as_array().unwrap())
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect(),
    )
}

/// A value as it reads after going through JSON text, as the server's answers do. (serde_json
/// parses floats fast rather than exactly, so compare text-borne values with text-borne values.)
fn reparsed(value: &impl serde::Serialize) -> Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

/// The first numeric attribute the served model uses, and its place in a `data` row.
fn numeric_attribute() -> (String, usize) {
    let model = model();
    let name = model
        .attributes()
        .find(|a| matches!(a.kind, model_core::AttributeKind::Numeric { .. }))
        .expect("a numeric attribute")
        .name
        .clone();
    let column = PUBLISHED_COLUMNS
        .iter()
        .position(|c| *c == name)
        .expect("a published column");
    (name, column)
}

fn model() -> Model {
    Model::from_json(&model_text()).unwrap()
}

async fn post(body: Value) -> (StatusCode, Value) {
    let (response, bytes) = send(&api_router(), score(body.to_string())).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    (response.status(), serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn data_rows_get_the_same_prices_as_model_core() {
    let mut second = first_row();
    second[1] = json!("audi");
    let (_, column) = numeric_attribute();
    second[column] = json!(second[column].to_string());
    let (status, body) = post(json!({"data": [first_row(), second.clone()]})).await;
    assert_eq!(status, StatusCode::OK);
    let model = model();
    let expected: Vec<f64> = [first_row(), second]
        .iter()
        .map(|row| {
            let car: CarDescription = serde_json::from_value(named(row)).unwrap();
            model.price(&model.car(&car).unwrap()).unwrap()
        })
        .collect();
    assert_eq!(body, reparsed(&expected));
}

#[tokio::test]
async fn named_cars_get_quotes_with_the_model_version() {
    let (status, body) = post(json!({"cars": [named(&first_row())]})).await;
    assert_eq!(status, StatusCode::OK);
    let model = model();
    assert_eq!(body["model_version"], model.version());
    let car: CarDescription = serde_json::from_value(named(&first_row())).unwrap();
    let quote = model.quote(&model.car(&car).unwrap()).unwrap();
    assert_eq!(body["quotes"][0], reparsed(&quote));
    assert!(body["quotes"][0]["interval"]["low"].as_f64() < body["quotes"][0]["price"].as_f64());
}

#[tokio::test]
async fn empty_lists_get_empty_answers() {
    assert_eq!(post(json!({"data": []})).await, (StatusCode::OK, json!([])));
    let (status, body) = post(json!({"cars": []})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["quotes"], json!([]));
}

#[tokio::test]
async fn unknown_categories_and_attributes_name_the_field_and_row() {
    let mut row = first_row();
    row[1] = json!("tesla");
    let (status, body) = post(json!({"data": [first_row(), row]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "unknown_category");
    assert_eq!(body["error"]["row"], 1);
    assert_eq!(body["error"]["field"], "make");
    assert!(body["error"]["message"].as_str().unwrap().contains("tesla"));

    let mut car = named(&first_row());
    car["colour"] = json!("red");
    let (status, body) = post(json!({"cars": [car]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "unknown_attribute");
    assert_eq!(body["error"]["row"], 0);
    assert_eq!(body["error"]["field"], "colour");

    let (numeric, _) = numeric_attribute();
    let mut car = named(&first_row());
    car.as_object_mut().unwrap().remove(&numeric);
    let (status, body) = post(json!({"cars": [car]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "missing_attribute");
    assert_eq!(body["error"]["field"], numeric.as_str());
}

#[tokio::test]
async fn wrong_counts_and_types_are_422_naming_the_row() {
    let mut short = first_row();
    short.as_array_mut().unwrap().pop();
    let (status, body) = post(json!({"data": [first_row(), first_row(), short]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["row"], 2);
    assert_eq!(body["error"]["field"], "data[2]");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("23 values, expected 24"));

    let mut row = first_row();
    row[20] = json!({"hp": 111}); // true/false (yes/no attributes) and null (missing) are values
    let (status, body) = post(json!({"data": [row]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["field"], "data[0].horsepower");

    let (numeric, column) = numeric_attribute();
    let mut row = first_row();
    row[column] = json!("lots");
    let (status, body) = post(json!({"data": [row]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "not_a_number");
    assert_eq!(body["error"]["field"], numeric.as_str());

    for bad in [
        json!([1, 2]),
        json!({"data": 3}),
        json!({"cars": [[1]]}),
        json!({}),
        json!({"data": [], "cars": []}),
        json!({"rows": []}),
    ] {
        let (status, body) = post(bad.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(body["error"]["code"], "bad_shape", "{bad}");
    }
}

#[tokio::test]
async fn malformed_json_is_400_with_line_and_column() {
    let (response, bytes) = send(&api_router(), score("{\"data\": [\n  [1, 2,, 3]\n]}")).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");
    assert_eq!(body["error"]["line"], 2);
    assert_eq!(body["error"]["column"], 9);
}

#[tokio::test]
async fn other_content_types_are_415() {
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut builder = Request::post("/api/score");
        if let Some(content_type) = content_type {
            builder = builder.header("content-type", content_type);
        }
        let (response, bytes) = send(
            &api_router(),
            builder.body(Body::from("{\"data\": []}")).unwrap(),
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"]["code"], "unsupported_media_type");
    }
    let request = Request::post("/api/score")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from("{\"data\": []}"))
        .unwrap();
    assert_eq!(
        send(&api_router(), request).await.0.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn bodies_over_one_megabyte_are_413() {
    let body = format!("{{\"data\": [{}]}}", " ".repeat(1024 * 1024));
    let (response, bytes) = send(&api_router(), score(body.clone())).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let error: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(error["error"]["code"], "body_too_large");
    // Without a Content-Length (streamed), the limit still holds.
    let stream = Body::from_stream(futures_lite_stream(body.into_bytes()));
    let (response, _) = send(&api_router(), score(stream)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

fn futures_lite_stream(
    bytes: Vec<u8>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    tokio_stream::iter(chunks)
}

#[tokio::test]
async fn more_than_ten_thousand_cars_is_413() {
    let body = format!("{{\"data\": [{}]}}", vec!["[]"; MAX_CARS + 1].join(","));
    assert!(body.len() < 1024 * 1024);
    let (status, body) = post(serde_json::from_str(&body).unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "too_many_cars");
}

#[tokio::test]
async fn model_card_and_health_describe_the_served_model() {
    let model = model();
    let (response, bytes) = send(&api_router(), common::get("/api/model", &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let card: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(card["version"], model.version());
    assert_eq!(
        card["attributes"].as_array().unwrap().len(),
        model.attributes().len()
    );
    assert!(
        card.get("terms").is_none(),
        "the card leaves the weights out"
    );
    assert_eq!(card["data_columns"].as_array().unwrap().len(), 24);
    let (response, bytes) = send(&api_router(), common::get("/api/health", &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let health: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        health,
        json!({"status": "ok", "model_version": model.version()})
    );
}

#[tokio::test]
async fn wrong_methods_are_json_405_with_allow() {
    let (response, bytes) = send(&api_router(), common::get("/api/score", &[])).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let request = Request::delete("/api/health").body(Body::empty()).unwrap();
    let (response, _) = send(&api_router(), request).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET");
}
