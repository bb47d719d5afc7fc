//! The site as Azure Static Web Apps serves it: routes, fallback, headers, types, caching,
//! compression, validators and refusals. Driven in-process against a fixture site.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{fixture_site, get, router, send, wasm_name, HASH, SECURITY_HEADERS};

#[tokio::test]
async fn serves_the_index_with_revalidation_and_security_headers() {
    let site = fixture_site();
    let router = router(site.path());
    for path in ["/", "/index.html"] {
        let (response, body) = send(&router, get(path, &[])).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-type"], "text/html");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(String::from_utf8(body).unwrap().contains("carprice"));
        for name in SECURITY_HEADERS {
            assert!(
                response.headers().contains_key(*name),
                "{path} lacks {name}"
            );
        }
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_wasm_has_its_type() {
    let site = fixture_site();
    let router = router(site.path());
    let (response, _) = send(&router, get(&format!("/{}", wasm_name()), &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let (response, _) = send(&router, get(&format!("/styles-{HASH}.css"), &[])).await;
    assert_eq!(response.headers()["content-type"], "text/css");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let (response, _) = send(&router, get("/manifest.webmanifest", &[])).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/manifest+json"
    );
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let (response, _) = send(&router, get("/model.json", &[])).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn precompressed_copies_are_served_by_preference() {
    let site = fixture_site();
    let router = router(site.path());
    let wasm = std::fs::read(site.path().join(wasm_name())).unwrap();
    let path = format!("/{}", wasm_name());
    let (response, body) = send(&router, get(&path, &[("accept-encoding", "gzip, br")])).await;
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["vary"], "Accept-Encoding");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(
        &mut brotli::Decompressor::new(&body[..], 4096),
        &mut decoded,
    )
    .unwrap();
    assert_eq!(decoded, wasm);
    let (response, body) = send(&router, get(&path, &[("accept-encoding", "gzip")])).await;
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut decoded).unwrap();
    assert_eq!(decoded, wasm);
    let (response, body) = send(&router, get(&path, &[])).await;
    assert!(!response.headers().contains_key("content-encoding"));
    assert_eq!(body, wasm);
}

#[tokio::test]
async fn files_without_a_precompressed_copy_are_compressed_on_the_fly() {
    let site = fixture_site();
    let router = router(site.path());
    let script = std::fs::read(site.path().join(format!("frontend-{HASH}.js"))).unwrap();
    let (response, body) = send(
        &router,
        get(
            &format!("/frontend-{HASH}.js"),
            &[("accept-encoding", "gzip")],
        ),
    )
    .await;
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert!(response.headers()["vary"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut decoded).unwrap();
    assert_eq!(decoded, script);
}

#[tokio::test]
async fn etags_answer_304_when_the_copy_is_current() {
    let site = fixture_site();
    let router = router(site.path());
    let (response, _) = send(&router, get("/index.html", &[])).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let (response, body) = send(&router, get("/index.html", &[("if-none-match", &etag)])).await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(response.headers()["etag"], etag.as_str());
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let (response, _) = send(
        &router,
        get("/index.html", &[("if-none-match", "\"other\"")]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn deep_links_fall_back_to_the_app_but_excluded_files_are_404() {
    let site = fixture_site();
    let router = router(site.path());
    let (response, body) = send(&router, get("/cars/42", &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(String::from_utf8(body).unwrap().contains("carprice"));
    let (response, body) = send(&router, get("/frontend-missing.js", &[])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert!(
        String::from_utf8(body).unwrap().contains("No such page"),
        "responseOverrides 404 page"
    );
    assert!(response.headers().contains_key("content-security-policy"));
}

#[tokio::test]
async fn directories_serve_their_index() {
    let site = fixture_site();
    let router = router(site.path());
    for path in ["/help", "/help/", "/help/index.html"] {
        let (response, body) = send(&router, get(path, &[])).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(String::from_utf8(body).unwrap().contains("Help"), "{path}");
    }
}

#[tokio::test]
async fn routes_redirect_and_protect_in_order() {
    let site = fixture_site();
    let router = router(site.path());
    let (response, _) = send(&router, get("/old-pricing", &[])).await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(response.headers()["location"], "/");
    let (response, _) = send(&router, get("/admin/users", &[])).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_configuration_file_is_never_served() {
    let site = fixture_site();
    let router = router(site.path());
    let (response, _) = send(&router, get("/staticwebapp.config.json", &[])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn traversal_and_odd_encodings_are_refused() {
    let site = fixture_site();
    std::fs::write(site.path().join("../secret.txt"), "secret").ok();
    let router = router(site.path());
    for path in [
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/a%5c..%5c..%5csecret.txt",
        "/%ff.html",
        "/index.html%00",
    ] {
        let (response, body) = send(&router, get(path, &[])).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(!String::from_utf8_lossy(&body).contains("secret"), "{path}");
    }
}

#[tokio::test]
async fn only_get_and_head_reach_files() {
    let site = fixture_site();
    let router = router(site.path());
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let request = Request::builder()
            .method(method)
            .uri("/index.html")
            .body(Body::empty())
            .unwrap();
        let (response, _) = send(&router, request).await;
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert_eq!(response.headers()["allow"], "GET, HEAD");
    }
    let request = Request::head("/index.html").body(Body::empty()).unwrap();
    let (response, body) = send(&router, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.is_empty());
    assert_eq!(response.headers()["content-type"], "text/html");
}

#[tokio::test]
async fn api_paths_are_not_swallowed_by_the_fallback() {
    let site = fixture_site();
    let router = router(site.path());
    let (response, body) = send(&router, get("/api/nothing", &[])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_site_without_configuration_serves_plain_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<p>plain</p>").unwrap();
    let router = common::router(dir.path());
    let (response, _) = send(&router, get("/", &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (response, _) = send(&router, get("/missing", &[])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
