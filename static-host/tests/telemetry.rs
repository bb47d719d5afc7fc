//! `POST /api/telemetry`: valid batches are stored once, whatever is refused leaves the store as it
//! was, and refusals are JSON with the server's headers (413, 415, 400, 429 with `Retry-After`).

mod common;

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use axum::Router;
use carprice_registry::telemetry::{Batch, TelemetryStore, MAX_BATCH_BYTES};
use carprice_registry::AuthChoice;
use common::{
    fixture_site, model_path, send, telemetry_batch, telemetry_post, RawResponse, SECURITY_HEADERS,
};
use serde_json::{json, Value};
use static_host::{app, Limits, LiveModel, Site, Telemetry};

/// The API (and the fixture site, for its headers) storing telemetry in `dir`, `per_minute`
/// batches a minute per client.
fn router_storing_in(dir: &Path, site: &Path, per_minute: u32) -> Router {
    app(
        LiveModel::load(&model_path()).unwrap(),
        Some(Site::open(site).unwrap()),
        Telemetry::new(
            TelemetryStore::folder(dir),
            NonZeroU32::new(per_minute).unwrap(),
        ),
        &Limits::default(),
    )
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(
                    path.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    found.sort();
    found
}

async fn post(router: &Router, body: impl Into<axum::body::Body>) -> (StatusCode, Value) {
    post_from(router, body, &[]).await
}

async fn post_from(
    router: &Router,
    body: impl Into<axum::body::Body>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let (response, bytes) = send(router, telemetry_post(body, headers)).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    (response.status(), serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn a_valid_batch_is_stored_under_its_day_and_id() {
    let (store, site) = (tempfile::tempdir().unwrap(), fixture_site());
    let router = router_storing_in(store.path(), site.path(), 60);
    let body = telemetry_batch("first-batch_1", 3);
    let (status, answer) = post(&router, body.to_string()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(answer, json!({"accepted": 3}));
    assert_eq!(files_under(store.path()), ["2026-11-30/first-batch_1.json"]);
    let stored = std::fs::read(store.path().join("2026-11-30/first-batch_1.json")).unwrap();
    assert_eq!(
        Batch::from_json(&stored).unwrap(),
        Batch::from_json(body.to_string().as_bytes()).unwrap()
    );
}

#[tokio::test]
async fn a_resent_batch_is_stored_once() {
    let (store, site) = (tempfile::tempdir().unwrap(), fixture_site());
    let router = router_storing_in(store.path(), site.path(), 60);
    let body = telemetry_batch("resent", 2).to_string();
    for _ in 0..3 {
        let (status, answer) = post(&router, body.clone()).await;
        assert_eq!(
            (status, answer),
            (StatusCode::ACCEPTED, json!({"accepted": 2}))
        );
    }
    assert_eq!(files_under(store.path()), ["2026-11-30/resent.json"]);
    let stored = TelemetryStore::folder(store.path()).read(None).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].quotes.len(), 2);
}

#[tokio::test]
async fn a_batch_id_resent_with_other_quotes_answered_202_and_kept_the_first() {
    let (store, site) = (tempfile::tempdir().unwrap(), fixture_site());
    let router = router_storing_in(store.path(), site.path(), 60);
    let (status, _) = post(&router, telemetry_batch("reused", 2).to_string()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, answer) = post(&router, telemetry_batch("reused", 3).to_string()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["code"], "batch_conflict");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("send new quotes under a new batch id"),
        "{answer}"
    );
    let stored = TelemetryStore::folder(store.path()).read(None).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].quotes.len(), 2);
}

#[tokio::test]
async fn refused_batches_lose_none_of_the_valid_ones() {
    let (store, site) = (tempfile::tempdir().unwrap(), fixture_site());
    let router = router_storing_in(store.path(), site.path(), 60);
    assert_eq!(
        post(&router, telemetry_batch("before", 1).to_string())
            .await
            .0,
        StatusCode::ACCEPTED
    );

    // Malformed JSON, a cut-off body, an unknown field, a free-text value, a NaN-like price and
    // an oversized batch: each refused, nothing stored.
    let mut unknown = telemetry_batch("unknown", 1);
    unknown["quotes"][0]["customer"] = json!("Jo Bloggs");
    let mut free_text = telemetry_batch("free-text", 1);
    free_text["quotes"][0]["car"]["notes"] = json!("x".repeat(101));
    let mut no_price = telemetry_batch("no-price", 1);
    no_price["quotes"][0]["champion_price"] = json!(0);
    let valid = telemetry_batch("cut", 1).to_string();
    for (body, code, field) in [
        ("{\"batch\": ".to_string(), "malformed_json", None),
        (valid[..valid.len() / 2].to_string(), "malformed_json", None),
        (
            unknown.to_string(),
            "invalid_batch",
            Some("quotes[0].customer"),
        ),
        (
            free_text.to_string(),
            "invalid_batch",
            Some("quotes[0].car.notes"),
        ),
        (
            no_price.to_string(),
            "invalid_batch",
            Some("quotes[0].champion_price"),
        ),
    ] {
        let (status, answer) = post(&router, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
        if let Some(field) = field {
            assert_eq!(answer["error"]["field"], field, "{answer}");
        }
    }
    // 200 quotes of 24 attributes each: within the quote bound, over the byte bound.
    let mut oversized = telemetry_batch("oversized", 200);
    for quote in oversized["quotes"].as_array_mut().unwrap() {
        for i in 0..20 {
            quote["car"][format!("attribute-{i}")] = json!(1234.5);
        }
    }
    let oversized = oversized.to_string();
    assert!(oversized.len() > MAX_BATCH_BYTES);
    let (status, answer) = post(&router, oversized).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer["error"]["code"], "body_too_large");
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&MAX_BATCH_BYTES.to_string()));

    assert_eq!(
        post(&router, telemetry_batch("after", 1).to_string())
            .await
            .0,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        files_under(store.path()),
        ["2026-11-30/after.json", "2026-11-30/before.json"]
    );
}

#[tokio::test]
async fn errors_are_json_with_the_servers_headers() {
    let (store, site) = (tempfile::tempdir().unwrap(), fixture_site());
    let router = router_storing_in(store.path(), site.path(), 60);
    let request = axum::http::Request::post("/api/telemetry")
        .header("content-type", "text/plain")
        .body(axum::body::Body::from(
            telemetry_batch("plain", 1).to_string(),
        ))
        .unwrap();
    let (response, bytes) = send(&router, request).await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(answer["error"]["code"], "unsupported_media_type");
    assert_eq!(response.headers()["cache-control"], "public, max-age=0");
    for header in SECURITY_HEADERS {
        assert!(response.headers().contains_key(*header), "{header}");
    }
    let (response, _) = send(
        &router,
        axum::http::Request::get("/api/telemetry")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    assert!(files_under(store.path()).is_empty());
}

#[tokio::test]
async fn a_client_over_its_allowance_gets_429_with_retry_after_and_others_do_not() {
    let (store, site) = (tempfile::tempdir().unwrap(), fixture_site());
    let router = router_storing_in(store.path(), site.path(), 2);
    // In-process requests have no peer address: the forwarded address names the client, as the
    // Functions host's does.
    let client_a = [("x-forwarded-for", "203.0.113.7")];
    let client_b = [("x-forwarded-for", "198.51.100.1, 203.0.113.9:51234")];
    for id in ["a1", "a2"] {
        let (status, _) = post_from(&router, telemetry_batch(id, 1).to_string(), &client_a).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let (response, bytes) = send(
        &router,
        telemetry_post(telemetry_batch("a3", 1).to_string(), &client_a),
    )
    .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "retry-after {retry}");
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "public, max-age=0");
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(answer["error"]["code"], "rate_limited");
    // Another client (the last forwarded address counts) is not held up.
    let (status, _) = post_from(&router, telemetry_batch("b1", 1).to_string(), &client_b).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(
        files_under(store.path()),
        [
            "2026-11-30/a1.json",
            "2026-11-30/a2.json",
            "2026-11-30/b1.json"
        ]
    );
}

#[test]
fn over_a_socket_the_peer_address_is_the_client() {
    // One batch a minute: a second request from the same peer is refused before its body is
    // read, so empty bodies suffice.
    let store = tempfile::tempdir().unwrap();
    let site = fixture_site();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let router = router_storing_in(store.path(), site.path(), 1);
    let address = runtime.block_on(common::serve(router));
    let post = |headers: &[(&str, &str)]| -> RawResponse {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        common::raw_request(address, "POST", "/api/telemetry", &all).unwrap()
    };
    assert_eq!(post(&[]).status, 400, "an empty body is malformed");
    let limited = post(&[]);
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
    // The peer is this machine, so a forwarding front end's address is trusted.
    assert_eq!(post(&[("x-forwarded-for", "192.0.2.44")]).status, 400);
    drop(runtime);
}

#[tokio::test]
async fn a_store_that_cannot_be_written_answers_503_with_retry_after() {
    // The folder's place is taken by a file: nothing can be created there.
    let (dir, site) = (tempfile::tempdir().unwrap(), fixture_site());
    let blocked = dir.path().join("telemetry");
    std::fs::write(&blocked, "not a folder").unwrap();
    let router = router_storing_in(&blocked, site.path(), 60);
    let (response, bytes) = send(
        &router,
        telemetry_post(telemetry_batch("blocked", 1).to_string(), &[]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(answer["error"]["code"], "storage_unavailable");
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "not a folder");
}

#[tokio::test]
async fn an_unreachable_container_answers_503_without_holding_up_the_server() {
    // Nothing listens on the port: the Blob client's bounded retries give up, on the blocking
    // pool, and the batch is refused for the device to send again.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/devstoreaccount1/telemetry");
    let store = TelemetryStore::container(&url, None, AuthChoice::Anonymous).unwrap();
    let router = app(
        LiveModel::load(&model_path()).unwrap(),
        None,
        Telemetry::new(store, NonZeroU32::new(60).unwrap()),
        &Limits::default(),
    );
    let storing = tokio::spawn({
        let router = router.clone();
        async move {
            send(
                &router,
                telemetry_post(telemetry_batch("far", 1).to_string(), &[]),
            )
            .await
        }
    });
    let (health, _) = send(
        &router,
        axum::http::Request::get("/api/health")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(health.status(), StatusCode::OK);
    let (response, bytes) = storing.await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(answer["error"]["code"], "storage_unavailable");
}

#[tokio::test]
async fn a_container_store_dropped_in_async_code_does_not_panic() {
    // A server holding a Blob telemetry store drops it inside async code when it shuts down; the
    // store's own network runtime used to panic there ("Cannot drop a runtime in a context where
    // blocking is not allowed").
    let store = TelemetryStore::container(
        "http://127.0.0.1:9/devstoreaccount1/telemetry",
        None,
        AuthChoice::Anonymous,
    )
    .unwrap();
    let telemetry = Telemetry::new(store, NonZeroU32::new(60).unwrap());
    drop(telemetry);
}
