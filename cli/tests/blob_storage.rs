//! The release commands against Blob storage (Azurite on 127.0.0.1): publish, fetch, promote,
//! rollback and status through the real `carprice` binary, with storage failures and bad
//! credentials. Each test runs its own emulator, stopped when the test ends.

mod support;

use std::fs;
use std::time::{Duration, Instant};

use support::{
    account_sas, carprice, carprice_command, closed_pipe, fails, ok, signature_of, status_fields,
    Azurite, LossyProxy, Workspace,
};

const CONTAINER: &str = "models";

/// An emulator with a private container, a workspace and a SAS for it.
fn private_store() -> (Azurite, Workspace, String) {
    let azurite = Azurite::start();
    azurite.create_container(CONTAINER, false);
    (azurite, Workspace::new(), account_sas())
}

fn publish(azurite: &Azurite, work: &Workspace, sas: &str, version: &str) -> String {
    let model = work.model(version, 0.0);
    ok(carprice(
        &azurite.container_url(CONTAINER),
        Some(sas),
        &["publish", "--model", &model, "--test-data", "test-data.csv"],
        work.path(),
    ))
}

#[test]
fn publish_then_fetch_gives_back_the_exact_files() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    let said = publish(&azurite, &work, &sas, "1.0.0");
    assert!(said.contains("published car-price/1.0.0"), "{said}");

    ok(run(&["fetch", "--out", "candidate"]));
    let fetched = work.path().join("candidate");
    assert_eq!(
        fs::read(fetched.join("model.json")).unwrap(),
        fs::read(work.path().join("model-1.0.0.json")).unwrap()
    );
    assert_eq!(
        fs::read(fetched.join("test-data.csv")).unwrap(),
        support::test_data()
    );

    // Fetching again replaces the folder; a folder with foreign files is refused, never emptied.
    ok(run(&["fetch", "--out", "candidate"]));
    fs::write(fetched.join("notes.txt"), "mine").unwrap();
    let error = fails(run(&["fetch", "--out", "candidate"]));
    assert!(error.contains("notes.txt"), "{error}");
    assert!(fetched.join("notes.txt").exists());

    let status = ok(run(&["status"]));
    assert_eq!(
        status,
        "latest=1.0.0\nlive=\nrecord=none\nchallenger=\nmode=\npercent=\n"
    );
}

#[test]
fn latest_is_the_highest_version_whatever_the_upload_order() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    for version in ["1.9.0", "1.10.0", "1.2.0"] {
        publish(&azurite, &work, &sas, version);
    }
    ok(run(&["fetch", "--out", "latest"]));
    let model = fs::read_to_string(work.path().join("latest/model.json")).unwrap();
    assert!(
        model.contains("\"version\": \"1.10.0\""),
        "fetched the wrong version"
    );

    ok(run(&["fetch", "--version", "1.9.0", "--out", "old"]));
    let error = fails(run(&["fetch", "--version", "3.0", "--out", "x"]));
    assert!(
        error.contains("3.0 is not published") && error.contains("1.2.0, 1.9.0, 1.10.0"),
        "{error}"
    );
}

#[test]
fn a_published_version_is_never_overwritten() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    publish(&azurite, &work, &sas, "1.0.0");
    // Same version, different content.
    fs::write(
        work.path().join("model-1.0.0.json"),
        support::model_json("1.0.0", 0.3),
    )
    .unwrap();
    let error = fails(run(&[
        "publish",
        "--model",
        "model-1.0.0.json",
        "--test-data",
        "test-data.csv",
    ]));
    assert!(error.contains("1.0.0 is already published"), "{error}");
    ok(run(&["fetch", "--out", "got"]));
    assert_eq!(
        fs::read_to_string(work.path().join("got/model.json")).unwrap(),
        support::model_json("1.0.0", 0.0)
    );
}

#[test]
fn a_publication_interrupted_after_the_test_data_can_be_completed() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    publish(&azurite, &work, &sas, "1.0.0");
    // As if the upload had stopped between test-data.csv and model.json.
    azurite.delete(CONTAINER, "car-price/1.0.0/model.json");
    publish(&azurite, &work, &sas, "1.0.0");
    ok(run(&["fetch", "--out", "got"]));

    // Other test data under the same version is not a resumption.
    azurite.delete(CONTAINER, "car-price/1.0.0/model.json");
    fs::write(work.path().join("other.csv"), &support::test_data()[..2000]).unwrap();
    let other = fs::read_to_string(work.path().join("other.csv")).unwrap();
    let complete_lines = other.rfind('\n').unwrap() + 1;
    fs::write(work.path().join("other.csv"), &other[..complete_lines]).unwrap();
    let error = fails(run(&[
        "publish",
        "--model",
        "model-1.0.0.json",
        "--test-data",
        "other.csv",
    ]));
    assert!(error.contains("1.0.0 is already published"), "{error}");
}

#[test]
fn an_invalid_model_is_not_published() {
    let (azurite, work, sas) = private_store();
    fs::write(
        work.path().join("bad.json"),
        "{\"format\": \"something-else\"}",
    )
    .unwrap();
    let error = fails(carprice(
        &azurite.container_url(CONTAINER),
        Some(&sas),
        &[
            "publish",
            "--model",
            "bad.json",
            "--test-data",
            "test-data.csv",
        ],
        work.path(),
    ));
    assert!(error.contains("invalid model bad.json"), "{error}");
    let status = ok(carprice(
        &azurite.container_url(CONTAINER),
        Some(&sas),
        &["status"],
        work.path(),
    ));
    assert_eq!(
        status,
        "latest=\nlive=\nrecord=none\nchallenger=\nmode=\npercent=\n"
    );
}

#[test]
fn a_corrupted_blob_is_refused_and_nothing_is_written() {
    let (azurite, work, sas) = private_store();
    publish(&azurite, &work, &sas, "1.0.0");
    azurite.overwrite_keeping_metadata(
        CONTAINER,
        "car-price/1.0.0/model.json",
        support::model_json("1.0.0", 0.3).as_bytes(),
    );
    let error = fails(carprice(
        &azurite.container_url(CONTAINER),
        Some(&sas),
        &["fetch", "--out", "candidate"],
        work.path(),
    ));
    assert!(
        error.contains("car-price/1.0.0/model.json does not match the sha256"),
        "{error}"
    );
    assert!(!work.path().join("candidate").exists());
    let leftovers: Vec<_> = fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "only the inputs remain: {leftovers:?}");
}

#[test]
fn storage_going_down_mid_run_stops_the_release_with_nothing_staged() {
    let (mut azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    publish(&azurite, &work, &sas, "1.0.0");
    fs::create_dir(work.path().join("site")).unwrap();
    fs::write(work.path().join("site/index.html"), "<!doctype html>").unwrap();

    azurite.stop();
    let started = Instant::now();
    let output = run(&["fetch", "--out", "candidate"]);
    let error = fails(output);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(error.contains("cannot reach http://127.0.0.1:"), "{error}");
    assert!(error.lines().count() == 1, "one line: {error}");
    assert!(
        !error.contains(&signature_of(&sas)),
        "the SAS leaked: {error}"
    );
    // The deploy stops at the failed fetch: there is nothing to stage, and the site is untouched.
    assert!(!work.path().join("candidate").exists());
    let stage = fails(carprice(
        &url,
        None,
        &["stage", "--model", "candidate", "--site", "site"],
        work.path(),
    ));
    assert!(stage.contains("candidate/model.json"), "{stage}");
    let site: Vec<_> = fs::read_dir(work.path().join("site"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(site, ["index.html"]);
}

#[test]
fn a_sas_with_a_wrong_signature_is_refused_on_a_private_container() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    publish(&azurite, &work, &sas, "1.0.0");
    let good = signature_of(&sas);
    let forged = sas.replace(&good, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D");
    for args in [
        &["fetch", "--out", "x"][..],
        &["status"],
        &[
            "publish",
            "--model",
            "model-1.0.0.json",
            "--test-data",
            "test-data.csv",
        ],
    ] {
        let error = fails(carprice(&url, Some(&forged), args, work.path()));
        assert!(
            error.contains("access to http://127.0.0.1:") && error.contains("denied"),
            "{error}"
        );
        assert!(!error.contains("AAAAAAAA"), "the SAS leaked: {error}");
    }
    // Without any credentials a private container is refused too.
    let error = fails(carprice(&url, None, &["fetch", "--out", "x"], work.path()));
    assert!(error.contains("denied"), "{error}");
    assert!(!work.path().join("x").exists());
}

#[test]
fn a_data_scientists_sas_can_publish_but_not_overwrite_or_promote() {
    let (azurite, work, _) = private_store();
    let url = azurite.container_url(CONTAINER);
    // Read, create, list: no write, so no blob can ever be replaced with this SAS.
    let publisher = support::container_sas(CONTAINER, "rcl");
    publish(&azurite, &work, &publisher, "1.0.0");
    ok(carprice(
        &url,
        Some(&publisher),
        &["fetch", "--out", "got"],
        work.path(),
    ));
    // The same files again (a retry): recognised; another model under that version: refused.
    let said = ok(carprice(
        &url,
        Some(&publisher),
        &[
            "publish",
            "--model",
            "model-1.0.0.json",
            "--test-data",
            "test-data.csv",
        ],
        work.path(),
    ));
    assert!(
        said.contains("already published (exactly these files)"),
        "{said}"
    );
    fs::write(
        work.path().join("other-1.0.0.json"),
        support::model_json("1.0.0", 0.1),
    )
    .unwrap();
    let error = fails(carprice(
        &url,
        Some(&publisher),
        &[
            "publish",
            "--model",
            "other-1.0.0.json",
            "--test-data",
            "test-data.csv",
        ],
        work.path(),
    ));
    assert!(error.contains("already published"), "{error}");
    // The deploy records production; the publisher cannot change that record.
    let admin = account_sas();
    ok(carprice(
        &url,
        Some(&admin),
        &["promote", "--version", "1.0.0"],
        work.path(),
    ));
    publish(&azurite, &work, &publisher, "1.1.0");
    let error = fails(carprice(
        &url,
        Some(&publisher),
        &["promote", "--version", "1.1.0"],
        work.path(),
    ));
    assert!(error.contains("denied"), "{error}");
    let error = fails(carprice(
        &url,
        Some(&publisher),
        &["rollback", "--from", "1.0.0", "--to", "1.1.0"],
        work.path(),
    ));
    assert!(error.contains("denied"), "{error}");
}

#[test]
fn anyone_can_read_a_public_container_without_credentials() {
    let azurite = Azurite::start();
    azurite.create_container("public", true);
    let work = Workspace::new();
    let url = azurite.container_url("public");
    let sas = account_sas();
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    let model = work.model("2.0.0", 0.0);
    ok(run(&[
        "publish",
        "--model",
        &model,
        "--test-data",
        "test-data.csv",
    ]));

    ok(carprice(
        &url,
        None,
        &["fetch", "--out", "anonymous"],
        work.path(),
    ));
    assert!(work.path().join("anonymous/model.json").exists());
    // Reading is public, writing is not.
    let other = work.model("2.1.0", 0.0);
    let error = fails(carprice(
        &url,
        None,
        &["publish", "--model", &other, "--test-data", "test-data.csv"],
        work.path(),
    ));
    assert!(
        error.contains("denied") || error.contains("failed"),
        "{error}"
    );
}

#[test]
fn promote_then_rollback_changes_what_ships_next() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    for version in ["1.0.0", "1.1.0"] {
        publish(&azurite, &work, &sas, version);
        ok(run(&[
            "promote",
            "--version",
            version,
            "--commit",
            "abc123",
        ]));
    }
    assert_eq!(latest_live(&ok(run(&["status"]))), ("1.1.0", "1.1.0"));

    let said = ok(run(&["rollback", "--from", "1.1.0", "--commit", "def456"]));
    assert!(said.contains("to 1.0.0"), "{said}");
    // The withdrawn version is no longer "latest", so a scheduled deploy does not bring it back.
    assert_eq!(latest_live(&ok(run(&["status"]))), ("1.0.0", "1.0.0"));
    ok(run(&["fetch", "--version", "live", "--out", "live"]));
    assert!(fs::read_to_string(work.path().join("live/model.json"))
        .unwrap()
        .contains("\"version\": \"1.0.0\""));

    // A newer publication is the next candidate again.
    publish(&azurite, &work, &sas, "1.2.0");
    assert_eq!(latest_live(&ok(run(&["status"]))), ("1.2.0", "1.0.0"));
    let error = fails(run(&["promote", "--version", "9.9.9"]));
    assert!(error.contains("9.9.9 is not published"), "{error}");
}

fn latest_live(status: &str) -> (&str, &str) {
    let mut lines = status.lines();
    let mut value = |key: &str| {
        lines
            .next()
            .and_then(|line| line.strip_prefix(key))
            .unwrap_or_else(|| panic!("{key} in {status:?}"))
    };
    (value("latest="), value("live="))
}

/// The production record as stored.
fn record(azurite: &Azurite) -> serde_json::Value {
    serde_json::from_slice(&azurite.read(CONTAINER, "car-price/production.json")).unwrap()
}

/// Publishes each version and promotes them in order.
fn live_through(azurite: &Azurite, work: &Workspace, sas: &str, versions: &[&str]) {
    let url = azurite.container_url(CONTAINER);
    for version in versions {
        publish(azurite, work, sas, version);
        ok(carprice(
            &url,
            Some(sas),
            &["promote", "--version", version, "--commit", "c1"],
            work.path(),
        ));
    }
}

fn rollbacks(record: &serde_json::Value) -> usize {
    record["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "rollback")
        .count()
}

#[test]
fn a_promote_that_lands_after_a_rollback_does_not_undo_it() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    live_through(&azurite, &work, &sas, &["1.0.0", "1.1.0"]);
    // A deploy of 1.1.0 starts (a code change) and reads the record …
    let (_, _, started) = status_fields(&ok(run(&["status"])));
    // … someone rolls back while it runs …
    ok(run(&["rollback", "--from", "1.1.0"]));
    // … and the deploy's promote comes last.
    let error = fails(run(&[
        "promote",
        "--version",
        "1.1.0",
        "--expect-record",
        &started,
    ]));
    assert!(
        error.contains("production record changed since this deploy read it")
            && error.contains("live is now 1.0.0"),
        "{error}"
    );
    // Without the deploy's record state, a withdrawn version is still never promoted.
    let error = fails(run(&["promote", "--version", "1.1.0"]));
    assert!(error.contains("1.1.0 was withdrawn"), "{error}");
    let record = record(&azurite);
    assert_eq!(record["live"], "1.0.0");
    assert_eq!(record["withdrawn"], serde_json::json!(["1.1.0"]));
}

#[test]
fn a_rollback_run_again_after_its_answer_was_lost_rolls_back_only_once() {
    let (azurite, work, sas) = private_store();
    live_through(&azurite, &work, &sas, &["1.0.0", "1.1.0", "1.2.0"]);
    let proxy = LossyProxy::start(azurite.port(), "PUT", "production.json", 1);
    let url = proxy.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    // The answer to the record's write is lost; the command may or may not notice (the SDK
    // retries), and its message says to run it again.
    let first = run(&["rollback", "--from", "1.2.0"]);
    assert_eq!(proxy.dropped(), 1, "{}", support::text(&first));
    if !first.status.success() {
        let error = String::from_utf8_lossy(&first.stderr);
        assert!(error.contains("run the command again"), "{error}");
    }
    let said = ok(run(&["rollback", "--from", "1.2.0"]));
    assert!(said.contains("already recorded"), "{said}");
    let record = record(&azurite);
    assert_eq!(record["live"], "1.1.0");
    assert_eq!(record["withdrawn"], serde_json::json!(["1.2.0"]));
    assert_eq!(rollbacks(&record), 1);
}

#[test]
fn a_promote_run_again_after_its_answer_was_lost_succeeds() {
    let (azurite, work, sas) = private_store();
    live_through(&azurite, &work, &sas, &["1.0.0"]);
    publish(&azurite, &work, &sas, "1.1.0");
    let direct = azurite.container_url(CONTAINER);
    let (_, _, started) =
        status_fields(&ok(carprice(&direct, Some(&sas), &["status"], work.path())));
    let proxy = LossyProxy::start(azurite.port(), "PUT", "production.json", 1);
    let url = proxy.container_url(CONTAINER);
    let promote = || {
        carprice(
            &url,
            Some(&sas),
            &[
                "promote",
                "--version",
                "1.1.0",
                "--commit",
                "c2",
                "--expect-record",
                &started,
            ],
            work.path(),
        )
    };
    let _ = promote();
    assert_eq!(proxy.dropped(), 1);
    ok(promote());
    let record = record(&azurite);
    assert_eq!(record["live"], "1.1.0");
    assert_eq!(record["history"].as_array().unwrap().len(), 2);
}

#[test]
fn a_publish_run_again_after_its_answer_was_lost_succeeds() {
    let (azurite, work, sas) = private_store();
    let proxy = LossyProxy::start(azurite.port(), "PUT", "model.json", 1);
    let url = proxy.container_url(CONTAINER);
    let model = work.model("1.0.0", 0.0);
    let publish = |model: &str| {
        carprice(
            &url,
            Some(&sas),
            &["publish", "--model", model, "--test-data", "test-data.csv"],
            work.path(),
        )
    };
    let _ = publish(&model);
    assert_eq!(proxy.dropped(), 1);
    let said = ok(publish(&model));
    assert!(said.contains("car-price/1.0.0"), "{said}");
    ok(carprice(
        &url,
        Some(&sas),
        &["fetch", "--out", "got"],
        work.path(),
    ));
    // A different model under the same version is still refused.
    fs::write(
        work.path().join("other.json"),
        support::model_json("1.0.0", 0.2),
    )
    .unwrap();
    let error = fails(publish("other.json"));
    assert!(error.contains("1.0.0 is already published"), "{error}");
}

#[test]
fn a_rollback_to_a_version_whose_blobs_no_longer_verify_is_refused() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    live_through(&azurite, &work, &sas, &["1.0.0", "1.1.0"]);
    azurite.overwrite_keeping_metadata(
        CONTAINER,
        "car-price/1.0.0/test-data.csv",
        b"make,price\naudi,1\n",
    );
    let error = fails(run(&["rollback", "--from", "1.1.0", "--to", "1.0.0"]));
    assert!(
        error.contains("car-price/1.0.0/test-data.csv does not match the sha256"),
        "{error}"
    );
    let error = fails(run(&["rollback", "--from", "1.1.0"]));
    assert!(error.contains("does not match the sha256"), "{error}");
    // Production is untouched, so the next deploy still fetches what is live.
    assert_eq!(latest_live(&ok(run(&["status"]))), ("1.1.0", "1.1.0"));
    ok(run(&["fetch", "--version", "live", "--out", "live"]));
}

#[test]
fn a_promote_of_a_version_whose_blobs_no_longer_verify_is_refused() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    publish(&azurite, &work, &sas, "1.0.0");
    azurite.overwrite_keeping_metadata(
        CONTAINER,
        "car-price/1.0.0/model.json",
        support::model_json("1.0.0", 0.3).as_bytes(),
    );
    let error = fails(run(&["promote", "--version", "1.0.0"]));
    assert!(error.contains("does not match the sha256"), "{error}");
    assert_eq!(latest_live(&ok(run(&["status"]))), ("1.0.0", ""));
}

#[test]
fn rollback_refuses_when_the_version_it_replaces_is_not_live() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    live_through(&azurite, &work, &sas, &["1.0.0", "1.1.0", "1.2.0"]);
    let error = fails(run(&["rollback", "--from", "1.1.0"]));
    assert!(error.contains("1.1.0 is not live (live: 1.2.0)"), "{error}");
    assert_eq!(rollbacks(&record(&azurite)), 0);
}

#[test]
fn concurrent_promotes_from_the_same_start_record_exactly_one_version() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    for version in ["1.0.0", "1.1.0", "1.2.0"] {
        publish(&azurite, &work, &sas, version);
    }
    let (_, _, started) = status_fields(&ok(carprice(&url, Some(&sas), &["status"], work.path())));
    let outputs: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["1.0.0", "1.1.0", "1.2.0"]
            .map(|version| {
                let (url, sas, started, dir) = (&url, &sas, &started, work.path());
                scope.spawn(move || {
                    let args = ["promote", "--version", version, "--expect-record", started];
                    (version, carprice(url, Some(sas), &args, dir))
                })
            })
            .into_iter()
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<_> = outputs.iter().filter(|(_, o)| o.status.success()).collect();
    assert_eq!(winners.len(), 1, "{outputs:?}");
    let record = record(&azurite);
    assert_eq!(record["live"], winners[0].0);
    assert_eq!(record["history"].as_array().unwrap().len(), 1);
}

#[test]
fn a_rollback_racing_a_promote_leaves_a_true_record() {
    for _ in 0..3 {
        let (azurite, work, sas) = private_store();
        let url = azurite.container_url(CONTAINER);
        live_through(&azurite, &work, &sas, &["1.0.0", "1.1.0"]);
        publish(&azurite, &work, &sas, "1.2.0");
        let (_, _, started) =
            status_fields(&ok(carprice(&url, Some(&sas), &["status"], work.path())));
        let (rollback, promote) = std::thread::scope(|scope| {
            let rollback = scope.spawn(|| {
                carprice(
                    &url,
                    Some(&sas),
                    &["rollback", "--from", "1.1.0"],
                    work.path(),
                )
            });
            let promote = scope.spawn(|| {
                let args = ["promote", "--version", "1.2.0", "--expect-record", &started];
                carprice(&url, Some(&sas), &args, work.path())
            });
            (rollback.join().unwrap(), promote.join().unwrap())
        });
        let record = record(&azurite);
        match (rollback.status.success(), promote.status.success()) {
            (true, false) => {
                assert_eq!(record["live"], "1.0.0");
                assert_eq!(record["withdrawn"], serde_json::json!(["1.1.0"]));
            }
            (false, true) => {
                assert_eq!(record["live"], "1.2.0");
                assert_eq!(rollbacks(&record), 0);
            }
            _ => panic!(
                "exactly one should win:\nrollback {}\npromote {}",
                support::text(&rollback),
                support::text(&promote)
            ),
        }
    }
}

#[test]
fn a_rollback_cut_off_by_a_storage_outage_says_to_run_it_again() {
    let (azurite, work, sas) = private_store();
    live_through(&azurite, &work, &sas, &["1.0.0", "1.1.0"]);
    // Azurite is killed as the record's write arrives.
    let proxy = LossyProxy::killing(&azurite, "PUT", "production.json");
    let url = proxy.container_url(CONTAINER);
    let started = Instant::now();
    let error = fails(carprice(
        &url,
        Some(&sas),
        &["rollback", "--from", "1.1.0"],
        work.path(),
    ));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        error.contains("cannot reach") && error.contains("run the command again"),
        "{error}"
    );
    assert_eq!(error.lines().count(), 1, "one line: {error}");
    assert!(
        !error.contains(&signature_of(&sas)),
        "the SAS leaked: {error}"
    );
}

/// The `challenger=`, `mode=` and `percent=` lines of `carprice status`.
fn rollout_status(status: &str) -> Vec<&str> {
    status
        .lines()
        .filter(|line| {
            ["challenger=", "mode=", "percent="]
                .iter()
                .any(|k| line.starts_with(k))
        })
        .collect()
}

/// Publishes `version` with its intercept shifted by `shift` (0.3: clearly worse).
fn publish_shifted(azurite: &Azurite, work: &Workspace, sas: &str, version: &str, shift: f64) {
    let model = work.model(version, shift);
    ok(carprice(
        &azurite.container_url(CONTAINER),
        Some(sas),
        &["publish", "--model", &model, "--test-data", "test-data.csv"],
        work.path(),
    ));
}

/// A store where 1.0.0 is live and 1.1.0 is its challenger, rolled out with `how` (e.g.
/// `["--mode", "shadow"]`).
fn rolled_out(how: &[&str]) -> (Azurite, Workspace, String) {
    let (azurite, work, sas) = private_store();
    live_through(&azurite, &work, &sas, &["1.0.0"]);
    publish(&azurite, &work, &sas, "1.1.0");
    let args: Vec<&str> = ["rollout", "--version", "1.1.0"]
        .into_iter()
        .chain(how.iter().copied())
        .collect();
    let url = azurite.container_url(CONTAINER);
    ok(carprice(&url, Some(&sas), &args, work.path()));
    (azurite, work, sas)
}

#[test]
fn a_challenger_goes_from_shadow_to_canary_and_is_promoted() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    live_through(&azurite, &work, &sas, &["1.0.0"]);
    publish_shifted(&azurite, &work, &sas, "1.1.0", 0.005);

    let said = ok(run(&[
        "rollout",
        "--version",
        "1.1.0",
        "--mode",
        "shadow",
        "--commit",
        "r1",
    ]));
    assert!(
        said.contains("gate: challenger 1.1.0 against live 1.0.0"),
        "{said}"
    );
    assert!(
        said.contains("1.1.0 is the challenger of 1.0.0 in shadow mode"),
        "{said}"
    );
    let status = ok(run(&["status"]));
    assert_eq!(
        rollout_status(&status),
        ["challenger=1.1.0", "mode=shadow", "percent=0"]
    );
    assert_eq!(latest_live(&status), ("1.1.0", "1.0.0"));
    let stored = record(&azurite);
    assert_eq!(stored["live"], "1.0.0");
    assert_eq!(stored["challenger"]["version"], "1.1.0");
    assert_eq!(stored["challenger"]["mode"], "shadow");
    assert_eq!(stored["challenger"]["commit"], "r1");

    ok(run(&[
        "rollout",
        "--version",
        "1.1.0",
        "--mode",
        "canary",
        "--percent",
        "50",
    ]));
    assert_eq!(
        rollout_status(&ok(run(&["status"]))),
        ["challenger=1.1.0", "mode=canary", "percent=50"]
    );

    let said = ok(run(&["promote", "--version", "1.1.0", "--commit", "p1"]));
    assert!(said.contains("model 1.1.0 is live"), "{said}");
    let stored = record(&azurite);
    assert_eq!(stored["live"], "1.1.0");
    assert!(stored.get("challenger").is_none(), "{stored}");
    let actions: Vec<_> = stored["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["promote", "rollout", "rollout", "promote"]);
    assert_eq!(
        rollout_status(&ok(run(&["status"]))),
        ["challenger=", "mode=", "percent="]
    );
    // The champion it replaced is what a rollback goes back to.
    let said = ok(run(&["rollback", "--from", "1.1.0"]));
    assert!(said.contains("to 1.0.0"), "{said}");
}

#[test]
fn a_challenger_that_fails_the_gate_is_not_rolled_out() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    live_through(&azurite, &work, &sas, &["1.0.0"]);
    publish_shifted(&azurite, &work, &sas, "1.1.0", 0.3);
    let before = record(&azurite);
    let error = fails(run(&["rollout", "--version", "1.1.0", "--mode", "shadow"]));
    assert!(
        error.contains("model 1.1.0 does not pass the gate against the live model 1.0.0")
            && error.contains("MAE"),
        "{error}"
    );
    assert_eq!(record(&azurite), before);
}

#[test]
fn a_rollout_refuses_what_cannot_be_a_challenger() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    publish(&azurite, &work, &sas, "1.0.0");
    let error = fails(run(&["rollout", "--version", "1.0.0", "--mode", "shadow"]));
    assert!(error.contains("no model version is live yet"), "{error}");

    ok(run(&["promote", "--version", "1.0.0"]));
    let error = fails(run(&["rollout", "--version", "1.0.0", "--mode", "shadow"]));
    assert!(error.contains("model 1.0.0 is already live"), "{error}");
    let error = fails(run(&["rollout", "--version", "4.0.0", "--mode", "shadow"]));
    assert!(error.contains("4.0.0 is not published"), "{error}");

    publish(&azurite, &work, &sas, "1.1.0");
    let error = fails(run(&["rollout", "--version", "1.1.0", "--mode", "canary"]));
    assert!(error.contains("--mode canary needs --percent"), "{error}");
    let error = fails(run(&[
        "rollout",
        "--version",
        "1.1.0",
        "--mode",
        "shadow",
        "--percent",
        "10",
    ]));
    assert!(error.contains("its percent is 0 (got 10)"), "{error}");
    let error = fails(run(&[
        "rollout",
        "--version",
        "1.1.0",
        "--mode",
        "canary",
        "--percent",
        "101",
    ]));
    assert!(error.contains("101"), "{error}");
    let error = fails(run(&["rollout", "--version", "1.1.0", "--mode", "blue"]));
    assert!(error.contains("use shadow or canary"), "{error}");
    let error = fails(run(&["rollout", "--version", "1.1.0", "--halt"]));
    assert!(error.contains("cannot be used with"), "{error}");

    ok(run(&["rollout", "--version", "1.1.0", "--mode", "shadow"]));
    publish(&azurite, &work, &sas, "1.2.0");
    let error = fails(run(&["rollout", "--version", "1.2.0", "--mode", "shadow"]));
    assert!(
        error.contains("a rollout of model 1.1.0 is in progress"),
        "{error}"
    );
    // Only the challenger or the live version (a redeploy) is promoted during a rollout.
    let error = fails(run(&["promote", "--version", "1.2.0"]));
    assert!(
        error.contains("a rollout of model 1.1.0 is in progress"),
        "{error}"
    );
    ok(run(&[
        "promote",
        "--version",
        "1.0.0",
        "--commit",
        "code-change",
    ]));
    let stored = record(&azurite);
    assert_eq!(stored["commit"], "code-change");
    assert_eq!(stored["challenger"]["version"], "1.1.0");
    assert_eq!(rollbacks(&stored), 0);
}

#[test]
fn a_halt_ends_the_rollout_and_withdraws_the_challenger() {
    let (azurite, work, sas) = rolled_out(&["--mode", "canary", "--percent", "20"]);
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    let said = ok(run(&["rollout", "--halt", "--commit", "h1"]));
    assert!(
        said.contains("the rollout of model 1.1.0 is halted"),
        "{said}"
    );
    let stored = record(&azurite);
    assert!(stored.get("challenger").is_none(), "{stored}");
    assert_eq!(stored["withdrawn"], serde_json::json!(["1.1.0"]));
    assert_eq!(
        stored["history"].as_array().unwrap().last().unwrap()["action"],
        "halt"
    );
    // The halted challenger is not the next deploy's candidate, and is not tried again.
    let status = ok(run(&["status"]));
    assert_eq!(latest_live(&status), ("1.0.0", "1.0.0"));
    assert_eq!(
        rollout_status(&status),
        ["challenger=", "mode=", "percent="]
    );
    let error = fails(run(&["rollout", "--version", "1.1.0", "--mode", "shadow"]));
    assert!(error.contains("1.1.0 was withdrawn"), "{error}");
    let error = fails(run(&["fetch", "--version", "challenger", "--out", "c"]));
    assert!(error.contains("no rollout is in progress"), "{error}");
    // Safe to repeat.
    let said = ok(run(&["rollout", "--halt"]));
    assert!(said.contains("nothing to halt"), "{said}");
    assert_eq!(record(&azurite), stored);
}

#[test]
fn fetch_and_stage_ship_the_challenger_with_its_mode_and_percent() {
    let (azurite, work, sas) = rolled_out(&["--mode", "canary", "--percent", "50"]);
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    ok(run(&["fetch", "--version", "live", "--out", "live"]));
    ok(run(&[
        "fetch",
        "--version",
        "challenger",
        "--out",
        "challenger",
    ]));
    let rollout: serde_json::Value =
        serde_json::from_slice(&fs::read(work.path().join("challenger/rollout.json")).unwrap())
            .unwrap();
    assert_eq!(
        (&rollout["version"], &rollout["mode"], &rollout["percent"]),
        (&"1.1.0".into(), &"canary".into(), &50.into())
    );

    let site = work.path().join("site");
    fs::create_dir(&site).unwrap();
    let said = ok(run(&[
        "stage",
        "--model",
        "live",
        "--challenger",
        "challenger",
        "--site",
        "site",
    ]));
    assert!(said.contains("staged challenger 1.1.0"), "{said}");
    let manifest = fs::read_to_string(site.join("release.json")).unwrap();
    let release = model_core::release::Release::from_json(&manifest).unwrap();
    assert_eq!(release.model_version, "1.0.0");
    let challenger = release.challenger.unwrap();
    assert_eq!(
        (
            challenger.model_version.as_str(),
            challenger.mode,
            challenger.percent
        ),
        ("1.1.0", model_core::release::RolloutMode::Canary, 50)
    );
    let shipped = fs::read(site.join("challenger.json")).unwrap();
    assert!(challenger.names_bytes(&shipped));
    assert_eq!(
        shipped,
        fs::read(work.path().join("model-1.1.0.json")).unwrap()
    );

    // After a halt the next stage ships the champion alone.
    ok(run(&["rollout", "--halt"]));
    ok(run(&["stage", "--model", "live", "--site", "site"]));
    let manifest = fs::read_to_string(site.join("release.json")).unwrap();
    assert!(!manifest.contains("challenger"), "{manifest}");
    assert!(!site.join("challenger.json").exists());
}

#[test]
fn a_rollout_run_again_after_its_answer_was_lost_is_recorded_once() {
    let (azurite, work, sas) = private_store();
    live_through(&azurite, &work, &sas, &["1.0.0"]);
    publish(&azurite, &work, &sas, "1.1.0");
    let proxy = LossyProxy::start(azurite.port(), "PUT", "production.json", 1);
    let url = proxy.container_url(CONTAINER);
    let rollout = || {
        carprice(
            &url,
            Some(&sas),
            &["rollout", "--version", "1.1.0", "--mode", "shadow"],
            work.path(),
        )
    };
    let _ = rollout();
    assert_eq!(proxy.dropped(), 1);
    let said = ok(rollout());
    assert!(said.contains("already said so"), "{said}");
    let stored = record(&azurite);
    let rollouts = stored["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "rollout")
        .count();
    assert_eq!(rollouts, 1);
}

#[test]
fn a_rollout_or_halt_on_a_record_changed_since_it_was_read_is_refused() {
    let (azurite, work, sas) = private_store();
    let url = azurite.container_url(CONTAINER);
    let run = |args: &[&str]| carprice(&url, Some(&sas), args, work.path());
    live_through(&azurite, &work, &sas, &["1.0.0"]);
    publish(&azurite, &work, &sas, "1.1.0");
    let (_, _, read) = status_fields(&ok(run(&["status"])));
    ok(run(&["rollout", "--version", "1.1.0", "--mode", "shadow"]));
    let error = fails(run(&[
        "rollout",
        "--version",
        "1.1.0",
        "--mode",
        "canary",
        "--percent",
        "5",
        "--expect-record",
        &read,
    ]));
    assert!(
        error.contains("the production record changed since it was read"),
        "{error}"
    );
    let error = fails(run(&["rollout", "--halt", "--expect-record", &read]));
    assert!(error.contains("the halt was not recorded"), "{error}");
    assert_eq!(record(&azurite)["challenger"]["mode"], "shadow");
}

#[test]
fn status_into_a_closed_pipe_exits_0_instead_of_panicking() {
    // `carprice status | grep -q live=` in the rehearsal: grep may be gone before the last line.
    let (azurite, work, sas) = private_store();
    live_through(&azurite, &work, &sas, &["1.0.0"]);
    let url = azurite.container_url(CONTAINER);
    closed_pipe::assert_quiet_exit(&mut carprice_command(
        &url,
        Some(&sas),
        &["status"],
        work.path(),
    ));
}
