//! The Azure Functions custom-handler package: `host.json` forwards HTTP requests to static-host,
//! and every function definition is a route the API answers with the method it declares.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use common::{api_router, send, telemetry_batch};
use serde_json::Value;

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn each_function_is_an_api_route_with_its_method() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("azure-functions");
    let host = read_json(&root.join("host.json"));
    assert_eq!(host["customHandler"]["enableForwardingHttpRequest"], true);
    assert_eq!(
        host["customHandler"]["description"]["defaultExecutablePath"],
        "static-host"
    );
    assert_eq!(host["extensions"]["http"]["routePrefix"], "api");
    let mut functions = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let definition = entry.unwrap().path().join("function.json");
        if !definition.exists() {
            continue;
        }
        functions += 1;
        let binding = &read_json(&definition)["bindings"][0];
        assert_eq!(binding["type"], "httpTrigger");
        let route = binding["route"].as_str().unwrap();
        for method in binding["methods"].as_array().unwrap() {
            let method = method.as_str().unwrap().to_ascii_uppercase();
            let body = match route {
                "telemetry" => telemetry_batch("functions-package", 1).to_string(),
                _ => r#"{"data": []}"#.to_string(),
            };
            let request = Request::builder()
                .method(method.as_str())
                .uri(format!("/api/{route}"))
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap();
            let (response, _) = send(&api_router(), request).await;
            assert!(
                response.status().is_success(),
                "{method} /api/{route}: {}",
                response.status()
            );
        }
    }
    assert_eq!(functions, 4, "score, model, health and telemetry");
}
