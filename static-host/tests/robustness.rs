//! Robustness: random and malformed bodies never panic or answer 5xx, and a bad model file
//! replacing a good one while requests run fails no request.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use common::{api_router, model_path, send};
use proptest::prelude::*;
use serde_json::{json, Value};
use static_host::live_model::Reload;
use static_host::{app, Limits, LiveModel};

/// A JSON scalar, biased towards values a car could have.
fn leaf_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        any::<i64>().prop_map(|i| json!(i)),
        "[a-z-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("audi"),
            Just("gas"),
            Just("four"),
            Just("-1e308"),
            Just("NaN")
        ]
        .prop_map(|s| json!(s)),
    ]
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = leaf_value();
    leaf.prop_recursive(3, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map("[a-z-]{1,12}|make|horsepower|data|cars", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bodies shaped like requests, with random values in them.
fn request_like() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::collection::vec(prop::collection::vec(leaf_value(), 22..26), 0..4)
            .prop_map(|rows| json!({ "data": rows })),
        prop::collection::vec(
            prop::collection::btree_map(
                "make|horsepower|body-style|[a-z-]{1,10}",
                leaf_value(),
                0..26
            ),
            0..4
        )
        .prop_map(|cars| json!({ "cars": cars })),
        json_value(),
    ]
}

fn assert_client_answer(status: u16, body: &[u8]) -> Result<(), TestCaseError> {
    prop_assert!(
        status == 200 || (400..500).contains(&status),
        "status {status}"
    );
    let parsed: Result<Value, _> = serde_json::from_slice(body);
    prop_assert!(
        parsed.is_ok(),
        "non-JSON body: {}",
        String::from_utf8_lossy(body)
    );
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_json_bodies_get_json_answers_and_no_5xx(body in request_like()) {
        let router = api_router();
        let (response, bytes) = runtime().block_on(send(&router, common::score(body.to_string())));
        assert_client_answer(response.status().as_u16(), &bytes)?;
    }

    #[test]
    fn random_bytes_get_json_4xx(bytes in prop::collection::vec(any::<u8>(), 0..512), content_type in "[ -~]{0,40}") {
        let router = api_router();
        let mut builder = Request::post("/api/score");
        if let Ok(value) = axum::http::HeaderValue::from_str(&content_type) {
            builder = builder.header("content-type", value);
        }
        let request = builder.body(Body::from(bytes)).unwrap();
        let (response, body) = runtime().block_on(send(&router, request));
        prop_assert!(response.status().is_client_error(), "status {}", response.status());
        assert_client_answer(response.status().as_u16(), &body)?;
    }

    #[test]
    fn truncated_requests_get_json_4xx(cut in 0usize..200) {
        let text = json!({"cars": [{"make": "audi", "horsepower": 102}]}).to_string();
        let cut = cut.min(text.len() - 1);
        let router = api_router();
        let (response, body) = runtime().block_on(send(&router, common::score(text[..cut].to_string())));
        prop_assert!(response.status().is_client_error());
        assert_client_answer(response.status().as_u16(), &body)?;
    }
}

/// A version after the served one.
fn next_version(live: &LiveModel) -> String {
    format!("{}.1", live.current().version())
}

/// The model text with another version (the first `"version"` field is the model's).
fn with_version(text: &str, version: &str) -> String {
    let mut document: Value = serde_json::from_str(text).unwrap();
    document["version"] = json!(version);
    document.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_model_replacing_a_good_one_fails_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let good = std::fs::read_to_string(model_path()).unwrap();
    std::fs::write(&path, &good).unwrap();
    let live = LiveModel::load(&path).unwrap();
    let watcher = live.watch(Duration::from_millis(20));
    let router = app(live.clone(), None, &Limits::default());

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let router = router.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut answered = 0;
                while !stop.load(Ordering::Relaxed) {
                    let (response, body) = send(&router, common::score(r#"{"cars": [{}]}"#)).await;
                    // An empty car is refused by every model (422); anything else is a failure.
                    assert_eq!(response.status(), 422, "{}", String::from_utf8_lossy(&body));
                    let (response, _) = send(&router, common::get("/api/health", &[])).await;
                    assert_eq!(response.status(), 200);
                    answered += 1;
                    // In-process requests never wait, so give the writer and the watcher a turn.
                    tokio::task::yield_now().await;
                }
                answered
            })
        })
        .collect();

    // Broken replacements of several kinds, each written in place, while the clients run.
    let (old_version, new_version) = (live.current().version().to_string(), next_version(&live));
    let newer = with_version(&good, &new_version);
    for bad in [
        &good[..good.len() / 2],
        "",
        "{\"format\": \"something-else\"}",
        &good.replacen("\"intercept\"", "\"intercept_\"", 1),
    ] {
        std::fs::write(&path, bad).unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(
            live.current().version(),
            old_version,
            "a bad file must not replace the model"
        );
    }
    std::fs::write(&path, &newer).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while live.current().version() != new_version && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        live.current().version(),
        new_version,
        "a good replacement is served"
    );

    stop.store(true, Ordering::Relaxed);
    for client in clients {
        assert!(client.await.expect("no request failed") > 0);
    }
    watcher.abort();
}

#[test]
fn reload_reports_unchanged_replaced_and_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let good = std::fs::read_to_string(model_path()).unwrap();
    std::fs::write(&path, &good).unwrap();
    let live = LiveModel::load(&path).unwrap();
    assert_eq!(live.reload().unwrap(), Reload::Unchanged);
    std::fs::write(&path, "{").unwrap();
    assert!(live.reload().is_err());
    assert_eq!(
        live.reload().unwrap(),
        Reload::Unchanged,
        "a bad file is reported once"
    );
    let next = next_version(&live);
    std::fs::write(&path, with_version(&good, &next)).unwrap();
    assert_eq!(
        live.reload().unwrap(),
        Reload::Replaced {
            version: next.clone()
        }
    );
    assert_eq!(live.current().version(), next);
}
