//! Robustness: random, mutated and malformed bodies never panic or answer 5xx; a bad model file
//! replacing a good one while requests run fails no request; heavy, slow and silent clients
//! leave the server answering others; a stop signal lets requests in flight finish.

mod common;

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use carprice_registry::telemetry::TelemetryStore;
use common::{api_router, model_path, send};
use proptest::prelude::*;
use serde_json::{json, Value};
use static_host::live_model::Reload;
use static_host::{app, Limits, LiveModel, Telemetry};

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

/// A valid request body in either form, as text.
fn valid_body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(
            json!({"data": [[3, "alfa-romero", "gas", "std", "two", "convertible", "rwd", "front",
                88.6, 168.8, 64.1, 48.8, 2548, "dohc", "four", 130, "mpfi", 3.47, 2.68, 9, 111,
                5000, 21, 27]]})
            .to_string()
        ),
        Just({
            let model = LiveModel::load(&model_path()).unwrap().current();
            json!({ "cars": [model.default_description()] }).to_string()
        }),
    ]
}

/// One edit of a body's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    /// Copies the bytes `[from, from + length)` to `to` (duplicated keys, nested values, ...).
    Copy {
        from: usize,
        length: usize,
        to: usize,
    },
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[]\",:0123456789.eE+-\\ntfu".to_vec()),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), byte.clone()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), byte).prop_map(|(at, b)| Mutation::Replace(at, b)),
        (any::<usize>(), 1usize..200, any::<usize>())
            .prop_map(|(from, length, to)| Mutation::Copy { from, length, to }),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len().max(1);
        match *mutation {
            Mutation::Delete(at) if !bytes.is_empty() => {
                bytes.remove(at % bytes.len());
            }
            Mutation::Insert(at, byte) => bytes.insert(at % (bytes.len() + 1), byte),
            Mutation::Replace(at, byte) if !bytes.is_empty() => bytes[at % len] = byte,
            Mutation::Copy { from, length, to } if !bytes.is_empty() => {
                let from = from % bytes.len();
                let piece = bytes[from..(from + length).min(bytes.len())].to_vec();
                let to = to % (bytes.len() + 1);
                bytes.splice(to..to, piece);
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_score_bodies_never_panic(
        body in valid_body(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let router = api_router();
        let bytes = mutate(body.into_bytes(), &mutations);
        let (response, answer) = runtime().block_on(send(&router, common::score(bytes)));
        assert_client_answer(response.status().as_u16(), &answer)?;
    }

    #[test]
    fn mutated_telemetry_batches_are_stored_whole_or_refused(
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        // Every answer is 202 or a JSON 4xx, and whatever is stored is a valid batch.
        let store = tempfile::tempdir().unwrap();
        let router = app(
            LiveModel::load(&model_path()).unwrap(),
            None,
            Telemetry::new(TelemetryStore::folder(store.path()), NonZeroU32::MAX),
            &Limits::default(),
        );
        let body = common::telemetry_batch("mutated", 3).to_string();
        let bytes = mutate(body.into_bytes(), &mutations);
        let (response, answer) =
            runtime().block_on(send(&router, common::telemetry_post(bytes, &[])));
        let status = response.status().as_u16();
        prop_assert!(status == 202 || (400..500).contains(&status), "status {status}");
        prop_assert!(serde_json::from_slice::<Value>(&answer).is_ok());
        let stored = TelemetryStore::folder(store.path()).read(None);
        prop_assert!(stored.is_ok(), "{stored:?}");
        prop_assert_eq!(stored.unwrap().len(), usize::from(status == 202));
    }

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
    let router = app(
        live.clone(),
        None,
        common::scratch_telemetry(),
        &Limits::default(),
    );

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
fn files_and_rules_do_not_escape_their_bounds_a_model_that_is_not_utf8_is_refused() {
    // The CLI refuses a model file that is not UTF-8; the server read it lossily and served it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let good = std::fs::read(model_path()).unwrap();
    // A byte inside the trainer's name: read lossily, the document is still a valid model.
    let trainer = good
        .windows(12)
        .position(|w| w == b"\"trainer\": \"")
        .map(|at| at + 12)
        .expect("the model names its trainer");
    let mut bad = good.clone();
    bad[trainer] = 0xff;
    std::fs::write(&path, &bad).unwrap();
    let error = LiveModel::load(&path).unwrap_err();
    assert!(
        matches!(
            error,
            static_host::live_model::LoadError::Invalid {
                source: model_core::ModelError::NotUtf8 { .. },
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("not UTF-8"), "{error}");
    std::fs::write(&path, &good).unwrap();
    let live = LiveModel::load(&path).unwrap();
    std::fs::write(&path, &bad).unwrap();
    assert!(matches!(
        live.reload(),
        Err(static_host::live_model::LoadError::Invalid {
            source: model_core::ModelError::NotUtf8 { .. },
            ..
        })
    ));
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

/// A 1 MB `/api/score` body holding one car with 130,000 distinct keys.
fn wide_car_body() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut body = String::from("{\"cars\": [{");
    for index in 0..130_000usize {
        let key: String = [index / 3844, index / 62 % 62, index % 62]
            .iter()
            .map(|&digit| ALPHABET[digit] as char)
            .collect();
        if index > 0 {
            body.push(',');
        }
        body.push_str(&format!("\"{key}\":0"));
    }
    body.push_str("}]}");
    assert!(
        body.len() <= static_host::api::MAX_BODY_BYTES,
        "{}",
        body.len()
    );
    body
}

/// Sends a request's bytes and reads the whole answer; `None` if the server closes without one.
fn exchange(address: std::net::SocketAddr, request: &[u8], limit: Duration) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(limit)).unwrap();
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    (!answer.is_empty()).then(|| String::from_utf8_lossy(&answer).into_owned())
}

/// Writes `bytes` one at a time, `pause` apart, then waits for the server to answer or close;
/// returns what it sent back and how long after the first byte.
fn trickle(address: std::net::SocketAddr, bytes: Vec<u8>, pause: Duration) -> (String, Duration) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let start = std::time::Instant::now();
    for byte in bytes {
        if stream.write_all(&[byte]).is_err() {
            break;
        }
        std::thread::sleep(pause);
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (
        String::from_utf8_lossy(&answer).into_owned(),
        start.elapsed(),
    )
}

fn status_of(answer: &str) -> Option<u16> {
    answer.split(' ').nth(1)?.parse().ok()
}

/// A runtime that, when dropped, leaves its blocking tasks behind instead of waiting for them.
struct Background(Option<tokio::runtime::Runtime>);

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// The API with the packaged model, served with `limits` on a runtime of two workers (as on the
/// 2-core machines it runs on), and its address.
fn serve_api(limits: Limits) -> (Background, std::net::SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let router = app(
        LiveModel::load(&model_path()).unwrap(),
        None,
        common::scratch_telemetry(),
        &limits,
    );
    let address = runtime.block_on(common::serve_with(router, limits));
    (Background(Some(runtime)), address)
}

#[test]
fn one_request_cannot_stall_the_server() {
    // Four wide-car bodies at once, a client trickling its request head, one trickling its body
    // and one saying nothing: /api/health keeps answering others within a second, and every
    // slow client is cut off by its timeout.
    // Short head and body timeouts; a request timeout long enough for a wide car priced in time
    // linear in its keys on a slow, busy machine, far too short for a quadratic one.
    let (_runtime, address) = serve_api(Limits {
        max_connections: 64,
        header_timeout: Duration::from_secs(2),
        body_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(60),
    });

    let wide = wide_car_body();
    let wide_cars: Vec<_> = (0..4)
        .map(|_| {
            let request = format!(
                "POST /api/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{wide}",
                wide.len()
            );
            std::thread::spawn(move || exchange(address, request.as_bytes(), Duration::from_secs(90)))
        })
        .collect();
    let slow_head = std::thread::spawn(move || {
        trickle(
            address,
            b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
                .iter()
                .copied()
                .chain(std::iter::repeat_n(b'a', 100))
                .collect(),
            Duration::from_millis(100),
        )
    });
    let slow_body = std::thread::spawn(move || {
        let mut bytes = b"POST /api/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n".to_vec();
        let head = bytes.len();
        bytes.extend(std::iter::repeat_n(b' ', 100));
        // The head at once, then the body a byte every 100 ms: 10 s in all.
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream.write_all(&bytes[..head]).unwrap();
        let start = std::time::Instant::now();
        for byte in &bytes[head..] {
            if stream.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            if start.elapsed() > Duration::from_secs(8) {
                break;
            }
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        (
            String::from_utf8_lossy(&answer).into_owned(),
            start.elapsed(),
        )
    });
    let silent = std::thread::spawn(move || {
        use std::io::Read;
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let start = std::time::Instant::now();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        start.elapsed()
    });

    // Meanwhile, others are answered.
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(6) {
        let asked = std::time::Instant::now();
        let answer = exchange(
            address,
            b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            Duration::from_secs(1),
        );
        assert_eq!(
            answer.as_deref().and_then(status_of),
            Some(200),
            "/api/health unanswered within a second, {:?} into the test",
            start.elapsed()
        );
        assert!(asked.elapsed() < Duration::from_secs(1));
        std::thread::sleep(Duration::from_millis(100));
    }

    let (answer, took) = slow_head.join().unwrap();
    assert!(
        answer.is_empty() || status_of(&answer) == Some(408),
        "{answer}"
    );
    assert!(
        took < Duration::from_secs(8),
        "a trickled head is cut off ({took:?})"
    );
    let (answer, took) = slow_body.join().unwrap();
    assert_eq!(status_of(&answer), Some(408), "{answer}");
    assert!(answer.contains("\"timeout\""), "{answer}");
    assert!(
        took < Duration::from_secs(8),
        "a trickled body is cut off ({took:?})"
    );
    let took = silent.join().unwrap();
    assert!(
        took < Duration::from_secs(8),
        "a silent connection is closed ({took:?})"
    );
    // The wide cars themselves get their answer (an unknown attribute) within the request
    // timeout: this needs a car description that costs time linear in its keys.
    for client in wide_cars {
        let answer = client.join().unwrap().expect("an answer");
        assert_eq!(
            status_of(&answer),
            Some(422),
            "{}",
            &answer[..answer.len().min(300)]
        );
    }
}

/// A free port on 127.0.0.1 (bound, then released for the server to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    use std::io::{BufRead, Read, Write};
    let port = free_port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_static-host"))
        .args([
            "--model",
            model_path().to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .env("RUST_LOG", "static_host=info,tower_http=debug")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.contains("serving on"), "{ready}");
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));

    // A request whose body is half sent when the signal comes.
    let body = br#"{"cars": []}"#;
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /api/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..5]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body[5..]).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status_of(&answer), Some(200), "{answer}");
    assert!(answer.contains("\"quotes\":[]"), "{answer}");

    let status = server.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "no new connections after the stop"
    );
    let mut log = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains("finished processing request"),
        "request logs: {log}"
    );
    assert!(log.contains("/api/score"), "request logs: {log}");
}

#[test]
fn connections_beyond_the_bound_wait_their_turn() {
    // Two silent clients hold both connections the server allows: a third is answered only
    // once the header timeout has closed one of them.
    let (_runtime, address) = serve_api(Limits {
        max_connections: 2,
        header_timeout: Duration::from_secs(1),
        ..Limits::default()
    });
    let silent: Vec<_> = (0..2)
        .map(|_| std::net::TcpStream::connect(address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let start = std::time::Instant::now();
    let answer = exchange(
        address,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    );
    assert_eq!(answer.as_deref().and_then(status_of), Some(200));
    assert!(
        start.elapsed() >= Duration::from_millis(500),
        "answered while both connections were taken ({:?})",
        start.elapsed()
    );
    drop(silent);
}
