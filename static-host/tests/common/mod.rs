//! Shared test helpers: a realistic built site in a temporary folder, the packaged model, an
//! in-process router and a raw HTTP/1.1 client for real sockets.

#![allow(dead_code)] // Each test binary uses a different part of these helpers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use axum::Router;
use carprice_registry::telemetry::TelemetryStore;
use http_body_util::BodyExt;
use static_host::api::DEFAULT_BATCHES_PER_MINUTE;
use static_host::{app, Limits, LiveModel, Site, Telemetry};
use tower::ServiceExt;

/// Hash part of the fixture's asset names, shaped like trunk's.
pub const HASH: &str = "3f2a9c1d5e7b8a60";

/// The `staticwebapp.config.json` of the fixture site: the web app's settings plus a hashed-asset
/// cache rule and a 404 page. The hashed-asset patterns name their extensions
/// (`/frontend-*.{js,wasm}`) as the site's do: the emulator turns a bare `/frontend-*` into the
/// regular expression `^/frontend-*$` ("frontend" and any number of hyphens), so it would not
/// apply that rule and the conformance test would see different `cache-control`s.
pub const CONFIG: &str = r#"{
  "navigationFallback": {
    "rewrite": "/index.html",
    "exclude": ["/*.{js,wasm,css,json,webmanifest,png,svg,ico,txt,map}", "/api/*"]
  },
  "routes": [
    {"route": "/index.html", "headers": {"cache-control": "no-cache"}},
    {"route": "/model.json", "headers": {"cache-control": "no-cache"}},
    {"route": "/manifest.webmanifest", "headers": {"cache-control": "no-cache"}},
    {"route": "/frontend-*.{js,wasm}", "headers": {"cache-control": "public, max-age=31536000, immutable"}},
    {"route": "/styles-*.css", "headers": {"cache-control": "public, max-age=31536000, immutable"}},
    {"route": "/old-pricing", "redirect": "/", "statusCode": 301},
    {"route": "/admin/*", "allowedRoles": ["administrator"]}
  ],
  "responseOverrides": {"404": {"rewrite": "/404.html"}},
  "mimeTypes": {
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json"
  },
  "globalHeaders": {
    "content-security-policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin"
  }
}
"#;

/// Security headers the configuration sets on every response.
pub const SECURITY_HEADERS: &[&str] = &[
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "permissions-policy",
    "cross-origin-opener-policy",
];

/// The packaged model.
pub fn model_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/model.json")
}

/// The packaged model's text.
pub fn model_text() -> String {
    std::fs::read_to_string(model_path()).expect("assets/model.json")
}

/// The wasm file name of the fixture.
pub fn wasm_name() -> String {
    format!("frontend-{HASH}_bg.wasm")
}

/// Writes a built site like trunk's output (hashed names, precompressed wasm) into `dir`.
pub fn write_site(dir: &Path) {
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .cycle()
        .take(4096)
        .collect();
    let files: Vec<(String, Vec<u8>)> = vec![
        ("staticwebapp.config.json".into(), CONFIG.into()),
        (
            "index.html".into(),
            format!("<!doctype html><html><head><link rel=\"stylesheet\" href=\"/styles-{HASH}.css\"><script type=\"module\" src=\"/frontend-{HASH}.js\"></script></head><body>carprice</body></html>\n").into(),
        ),
        ("404.html".into(), b"<!doctype html><title>Not found</title><p>No such page.</p>\n".to_vec()),
        (format!("frontend-{HASH}.js"), "export default function init() { return 42; }\n".repeat(20).into()),
        (wasm_name(), wasm.clone()),
        (format!("styles-{HASH}.css"), "body { font-family: sans-serif; }\n".repeat(20).into()),
        ("manifest.webmanifest".into(), br#"{"name": "carprice", "start_url": "/"}"#.to_vec()),
        ("model.json".into(), model_text().into()),
        ("help/index.html".into(), b"<!doctype html><title>Help</title>\n".to_vec()),
    ];
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    std::fs::write(dir.join(format!("{}.br", wasm_name())), brotli_bytes(&wasm)).unwrap();
    std::fs::write(dir.join(format!("{}.gz", wasm_name())), gzip_bytes(&wasm)).unwrap();
}

/// Brotli-compresses bytes.
pub fn brotli_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
    writer.write_all(bytes).unwrap();
    drop(writer);
    out
}

/// Gzip-compresses bytes.
pub fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A fixture site in a fresh temporary folder (deleted when dropped).
pub fn fixture_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path());
    dir
}

/// The router serving `site` and the packaged model.
pub fn router(site: &Path) -> Router {
    app(
        LiveModel::load(&model_path()).unwrap(),
        Some(Site::open(site).unwrap()),
        scratch_telemetry(),
        &Limits::default(),
    )
}

/// The router serving only the API, with the packaged model.
pub fn api_router() -> Router {
    app(
        LiveModel::load(&model_path()).unwrap(),
        None,
        scratch_telemetry(),
        &Limits::default(),
    )
}

/// Telemetry for tests that do not look at it: a folder in the tests' scratch space.
pub fn scratch_telemetry() -> Telemetry {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("static-host-telemetry");
    Telemetry::new(
        TelemetryStore::folder(dir),
        NonZeroU32::new(DEFAULT_BATCHES_PER_MINUTE).unwrap(),
    )
}

/// A valid telemetry batch of `quotes` quotes (cars of the packaged model's attributes).
pub fn telemetry_batch(id: &str, quotes: usize) -> serde_json::Value {
    let quote = serde_json::json!({
        "at": "2026-11-30T07:07:43.120Z", "champion": "1.0.0", "challenger": "1.1.0",
        "mode": "canary", "shown": "challenger", "champion_price": 13495.0,
        "challenger_price": 13710.5, "extrapolated": ["horsepower"],
        "car": {"make": "audi", "horsepower": 302, "fuel-type": "gas", "turbo": false}
    });
    serde_json::json!({"batch": id, "quotes": vec![quote; quotes]})
}

/// A POST of JSON text to `/api/telemetry`, with extra headers.
pub fn telemetry_post(body: impl Into<Body>, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::post("/api/telemetry").header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

/// Sends one request in-process; returns the response head and the whole body.
pub async fn send(router: &Router, request: Request<Body>) -> (Response<()>, Vec<u8>) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (Response::from_parts(parts, ()), bytes)
}

/// A GET request with optional headers.
pub fn get(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::get(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

/// A POST of JSON text to `/api/score`.
pub fn score(body: impl Into<Body>) -> Request<Body> {
    Request::post("/api/score")
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

/// A response read off a socket: status, headers (lower-case names) and body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// Body bytes (not decoded).
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request on a new connection, path bytes verbatim, and reads the answer.
pub fn raw_request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<RawResponse> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" || method == "PUT" {
        request.push_str("Content-Length: 0\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(RawResponse {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    })
}

/// Serves `router` on a free 127.0.0.1 port in the background, with the default limits; the
/// task ends with the runtime.
pub async fn serve(router: Router) -> SocketAddr {
    serve_with(router, Limits::default()).await
}

/// Serves `router` on a free 127.0.0.1 port in the background with `limits`.
pub async fn serve_with(router: Router, limits: Limits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        static_host::server::serve(listener, router, &limits, std::future::pending()).await
    });
    address
}
