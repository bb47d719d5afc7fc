//! Telemetry in Blob storage (Azurite on 127.0.0.1): batches stored create-only, once per id, read
//! back in order; `carprice monitor` reading a container and fetching the models of the latest
//! quote from the registry.

#[allow(dead_code)] // Shared with the other Blob storage tests, which use more of it.
mod support;

use carprice_registry::telemetry::{Batch, Stored, TelemetryStore, TELEMETRY_PREFIX};
use carprice_registry::AuthChoice;
use serde_json::{json, Value};
use support::{account_sas, carprice, container_sas, ok, Azurite, Workspace};

fn batch(id: &str, at: &str, ratio: f64) -> Batch {
    let body = json!({"batch": id, "quotes": [{"at": at, "champion": "1.0.0",
        "challenger": "1.1.0", "mode": "shadow", "shown": "champion",
        "champion_price": 10000.0, "challenger_price": 10000.0 * ratio,
        "extrapolated": [], "car": {"make": "audi", "width": 64.1}}]});
    Batch::from_json(body.to_string().as_bytes()).unwrap()
}

#[test]
fn a_container_stores_each_batch_once_and_never_overwrites() {
    let azurite = Azurite::start();
    azurite.create_container("telemetry", false);
    let url = azurite.container_url("telemetry");
    // What the Functions app holds: create and write on this container only, no read.
    let writer = TelemetryStore::container(
        &url,
        Some(&container_sas("telemetry", "cw")),
        AuthChoice::Auto,
    )
    .unwrap();
    let first = batch("b1", "2026-11-30T07:00:00Z", 1.0);
    assert_eq!(writer.store(&first).unwrap(), Stored::Created);
    // A resend, even with other content under the same day and id, changes nothing.
    let resend = batch("b1", "2026-11-30T07:30:00Z", 1.5);
    assert_eq!(writer.store(&resend).unwrap(), Stored::AlreadyStored);
    assert_eq!(
        writer
            .store(&batch("b2", "2026-12-01T09:00:00Z", 1.1))
            .unwrap(),
        Stored::Created
    );
    assert_eq!(
        azurite.read(
            "telemetry",
            &format!("{TELEMETRY_PREFIX}2026-11-30/b1.json")
        ),
        first.to_json()
    );

    let reader = TelemetryStore::container(
        &url,
        Some(&container_sas("telemetry", "rl")),
        AuthChoice::Auto,
    )
    .unwrap();
    let all = reader.read(None).unwrap();
    assert_eq!(
        all.iter().map(|b| b.batch.as_str()).collect::<Vec<_>>(),
        ["b1", "b2"]
    );
    assert_eq!(all[0], first);
    let until = humantime::parse_rfc3339("2026-11-30T12:00:00Z").unwrap();
    assert_eq!(reader.read(Some(until)).unwrap(), vec![first]);

    // A corrupt blob is named with its container, and its cause given once.
    let b2 = format!("{TELEMETRY_PREFIX}2026-12-01/b2.json");
    azurite.overwrite_keeping_metadata("telemetry", &b2, br#"{"batch": "b2", "quotes": []}"#);
    let error = reader.read(None).unwrap_err();
    assert!(std::error::Error::source(&error).is_none());
    assert_eq!(
        error.to_string(),
        format!("stored telemetry {b2} in {url} is not a valid batch (quotes: 0 quotes; a batch holds 1 to 200): move it out of the telemetry store")
    );

    // The writer cannot read, a missing container is named, and a storage outage is an error,
    // not an empty report.
    assert!(writer.read(None).is_err());
    let missing = azurite.container_url("no-such-container");
    let error = TelemetryStore::container(&missing, Some(&account_sas()), AuthChoice::Auto)
        .unwrap()
        .read(None)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("telemetry container") && error.contains("--telemetry"),
        "{error}"
    );
    let mut azurite = azurite;
    azurite.stop();
    let error = reader.read(None).unwrap_err().to_string();
    assert!(error.contains("cannot reach"), "{error}");
}

#[test]
fn monitor_reads_a_container_and_fetches_the_models_from_the_registry() {
    let azurite = Azurite::start();
    azurite.create_container("models", false);
    azurite.create_container("telemetry", false);
    let sas = account_sas();
    let models = azurite.container_url("models");
    let work = Workspace::new();
    for version in ["1.0.0", "1.1.0"] {
        let model = work.model(version, 0.0);
        ok(carprice(
            &models,
            Some(&sas),
            &["publish", "--model", &model, "--test-data", "test-data.csv"],
            work.path(),
        ));
    }
    let telemetry = azurite.container_url("telemetry");
    let store = TelemetryStore::container(&telemetry, Some(&sas), AuthChoice::Auto).unwrap();
    for (i, ratio) in [0.9, 1.0, 1.3].iter().enumerate() {
        store
            .store(&batch(
                &format!("b{i}"),
                &format!("2026-11-30T07:0{i}:00Z"),
                *ratio,
            ))
            .unwrap();
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_carprice"))
        .args([
            "monitor",
            "--telemetry",
            &telemetry,
            "--min-quotes",
            "3",
            "--json",
        ])
        .env("CARPRICE_CONTAINER_URL", &models)
        .env("CARPRICE_SAS", &sas)
        .env("CARPRICE_TELEMETRY_SAS", &sas)
        .env_remove("CARPRICE_AUTH")
        .env_remove("CARPRICE_TELEMETRY")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (&report["champion"], &report["challenger"]),
        (&json!("1.0.0"), &json!("1.1.0"))
    );
    assert_eq!(report["quotes"], 3);
    assert_eq!(report["meaningful"], true);
    let median = report["ratio"]["median"].as_f64().unwrap();
    assert!((median - 1.0).abs() < 1e-12, "{median}");
    let beyond = report["ratio"]["beyond_10_percent"].as_f64().unwrap();
    assert!((beyond - 1.0 / 3.0).abs() < 1e-12, "{beyond}");
}
