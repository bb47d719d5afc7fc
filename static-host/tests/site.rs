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

/// Headers whose values may differ between two answers to the same request.
const VARYING: &[&str] = &["date"];

#[tokio::test]
async fn error_answers_are_not_cached_for_a_year() {
    // A hashed asset of an earlier deploy: the route gives hashed assets a year of immutability,
    // which must not apply to the 404.
    let site = fixture_site();
    let router = router(site.path());
    let requests = [
        get("/frontend-0123456789abcdef_bg.wasm", &[]),
        get(
            "/frontend-0123456789abcdef.js",
            &[("accept-encoding", "br")],
        ),
        get("/admin/users", &[]),
        get("/%2e%2e/secret", &[]),
        get("/api/nothing", &[]),
        Request::post("/api/score").body(Body::empty()).unwrap(),
        Request::head("/frontend-0123456789abcdef_bg.wasm")
            .body(Body::empty())
            .unwrap(),
    ];
    for request in requests {
        let label = format!("{} {}", request.method(), request.uri());
        let (response, _) = send(&router, request).await;
        assert!(response.status().is_client_error(), "{label}");
        let cache_control = response.headers()["cache-control"].to_str().unwrap();
        assert_eq!(
            cache_control,
            static_host::site::ERROR_CACHE_CONTROL,
            "{label}"
        );
        assert!(!cache_control.contains("immutable"), "{label}");
    }
    // Successful answers keep what the routes say.
    let (response, _) = send(&router, get(&format!("/{}", wasm_name()), &[])).await;
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn the_navigation_fallback_is_never_immutable() {
    // A config whose fallback does not exclude hashed scripts: the page served in their place
    // must keep the page's caching, not a year under the script's name.
    let site = fixture_site();
    let config = common::CONFIG.replace(
        "\"/*.{js,wasm,css,json,webmanifest,png,svg,ico,txt,map}\", ",
        "",
    );
    std::fs::write(site.path().join("staticwebapp.config.json"), config).unwrap();
    let router = router(site.path());
    let (response, body) = send(&router, get("/frontend-0123456789abcdef.js", &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(String::from_utf8(body).unwrap().contains("carprice"));
    assert_eq!(response.headers()["cache-control"], "no-cache");
}

/// A body with its content coding undone.
fn decoded(response: &axum::http::Response<()>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match response
        .headers()
        .get("content-encoding")
        .map(|v| v.as_bytes())
    {
        Some(b"br") => {
            std::io::Read::read_to_end(&mut brotli::Decompressor::new(body, 4096), &mut out)
                .unwrap();
        }
        Some(b"gzip") => {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body), &mut out).unwrap();
        }
        None => out = body.to_vec(),
        Some(other) => panic!("unexpected coding {other:?}"),
    }
    out
}

/// Sets a file's modification time to `seconds` before now.
fn age(path: &std::path::Path, seconds: u64) {
    let time = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[tokio::test]
async fn a_stale_precompressed_file_is_not_served() {
    let site = fixture_site();
    let model = site.path().join("model.json");
    let old = std::fs::read(&model).unwrap();
    std::fs::write(
        site.path().join("model.json.br"),
        common::brotli_bytes(&old),
    )
    .unwrap();
    age(&site.path().join("model.json.br"), 60);
    // The model is replaced (as `carprice stage` does); its old brotli copy stays behind.
    let new = String::from_utf8(old.clone())
        .unwrap()
        .replacen('{', "{ ", 1);
    std::fs::write(&model, &new).unwrap();
    let router = router(site.path());
    let (brotli, brotli_body) =
        send(&router, get("/model.json", &[("accept-encoding", "br")])).await;
    let (plain, plain_body) = send(&router, get("/model.json", &[])).await;
    assert_eq!(plain_body, new.as_bytes());
    // The stale copy is ignored: the new model is sent (compressed on the fly), under the plain
    // file's (weak) validator.
    assert_eq!(decoded(&brotli, &brotli_body), new.as_bytes());
    assert_eq!(brotli.headers()["etag"], plain.headers()["etag"]);

    // A copy at least as new as its file is used, under its own validator.
    std::fs::write(
        site.path().join("model.json.br"),
        common::brotli_bytes(new.as_bytes()),
    )
    .unwrap();
    let (brotli, _) = send(&router, get("/model.json", &[("accept-encoding", "br")])).await;
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_ne!(brotli.headers()["etag"], plain.headers()["etag"]);
    let etag = brotli.headers()["etag"].to_str().unwrap().to_string();
    let (again, _) = send(
        &router,
        get(
            "/model.json",
            &[("accept-encoding", "br"), ("if-none-match", &etag)],
        ),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let (other, _) = send(&router, get("/model.json", &[("if-none-match", &etag)])).await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "the plain file is another version"
    );
}

#[tokio::test]
async fn etags_follow_the_bytes_not_the_clock() {
    let site = fixture_site();
    let router = router(site.path());
    let (before, _) = send(&router, get("/index.html", &[])).await;
    age(&site.path().join("index.html"), 3600);
    let (same, _) = send(&router, get("/index.html", &[])).await;
    assert_eq!(before.headers()["etag"], same.headers()["etag"]);
    std::fs::write(site.path().join("index.html"), "<p>changed</p>").unwrap();
    let (changed, _) = send(&router, get("/index.html", &[])).await;
    assert_ne!(before.headers()["etag"], changed.headers()["etag"]);
}

#[tokio::test]
async fn head_answers_carry_the_same_headers_as_get() {
    let site = fixture_site();
    let router = router(site.path());
    let wasm = format!("/{}", wasm_name());
    let script = format!("/frontend-{HASH}.js");
    for path in [
        "/",
        "/index.html",
        "/cars/42",
        "/missing.js",
        "/model.json",
        &wasm,
        &script,
    ] {
        for accept in ["", "br", "gzip", "br, gzip"] {
            let headers: &[(&str, &str)] = if accept.is_empty() {
                &[]
            } else {
                &[("accept-encoding", accept)]
            };
            let (got, _) = send(&router, get(path, headers)).await;
            let mut head = Request::head(path);
            for (name, value) in headers {
                head = head.header(*name, *value);
            }
            let (headed, _) = send(&router, head.body(Body::empty()).unwrap()).await;
            assert_eq!(got.status(), headed.status(), "{path} {accept}");
            let strip = |response: &axum::http::Response<()>| {
                let mut headers = response.headers().clone();
                for name in VARYING {
                    headers.remove(*name);
                }
                headers
            };
            assert_eq!(strip(&got), strip(&headed), "{path} {accept:?}");
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn files_and_rules_do_not_escape_their_bounds_through_a_precompressed_symlink() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "top secret").unwrap();
    let site = fixture_site();
    std::fs::write(
        site.path().join("boot.js"),
        "console.log('boot');\n".repeat(10),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path().join("boot.js.br"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        site.path().join("plain.txt"),
    )
    .unwrap();
    let router = router(site.path());
    let (response, body) = send(&router, get("/boot.js", &[("accept-encoding", "br")])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        decoded(&response, &body),
        std::fs::read(site.path().join("boot.js")).unwrap()
    );
    let (response, _) = send(&router, get("/plain.txt", &[])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // The link itself is not a file of the site (its name is not excluded from the fallback).
    for path in ["/plain.txt", "/boot.js.br"] {
        let (_, body) = send(&router, get(path, &[])).await;
        assert!(!String::from_utf8_lossy(&body).contains("secret"), "{path}");
    }
}

#[tokio::test]
async fn files_and_rules_do_not_escape_their_bounds_through_odd_path_forms() {
    let site = fixture_site();
    std::fs::create_dir_all(site.path().join("admin")).unwrap();
    std::fs::write(site.path().join("admin/secret.html"), "<p>admin only</p>").unwrap();
    let router = router(site.path());
    let (response, _) = send(&router, get("/admin/secret.html", &[])).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Other spellings of the path are that path, for the rules as for the files.
    for path in [
        "//admin/secret.html",
        "/admin//secret.html",
        "/./admin/secret.html",
        "/admin/./secret.html",
        "/%2e/admin/secret.html",
        "//%61dmin/secret.html",
        "/%61dmin/secret.html",
    ] {
        let (response, body) = send(&router, get(path, &[])).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            !String::from_utf8_lossy(&body).contains("admin only"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn files_and_rules_do_not_escape_their_bounds_api_answers_carry_the_security_headers() {
    let site = fixture_site();
    let router = router(site.path());
    let requests = [
        get("/api/health", &[]),
        get("/api/model", &[]),
        get("/api/nothing", &[]),
        common::score(r#"{"cars": []}"#),
        common::score("{"),
        Request::post("/api/score").body(Body::empty()).unwrap(),
    ];
    for request in requests {
        let label = format!("{} {}", request.method(), request.uri());
        let (response, _) = send(&router, request).await;
        for name in SECURITY_HEADERS {
            assert!(
                response.headers().contains_key(*name),
                "{label} lacks {name}"
            );
        }
    }
}
