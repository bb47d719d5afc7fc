//! The release commands against Blob storage (Azurite on 127.0.0.1): publish, fetch, promote,
//! rollback and status through the real `carprice` binary, with storage failures and bad
//! credentials. Each test runs its own emulator, stopped when the test ends.

mod support;

use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use support::{
    account_sas, carprice, carprice_command, closed_pipe, fails, ok, signature_of, status_fields,
    Azurite, LossyProxy, Workspace,
};

const CONTAINER: &str = "models";

/// What a test works with: its own emulator with one container, a workspace, and the
/// administrator's SAS (what the deploy holds). A test may stop `azurite` (a storage outage).
struct Store {
    azurite: Azurite,
    work: Workspace,
    sas: String,
    url: String,
    container: &'static str,
}

impl Store {
    /// A store with a private container.
    fn private() -> Store {
        Store::new(CONTAINER, false)
    }

    /// A store with `container`, private or with public read access.
    fn new(container: &'static str, public: bool) -> Store {
        let azurite = Azurite::start();
        azurite.create_container(container, public);
        Store {
            url: azurite.container_url(container),
            azurite,
            work: Workspace::new(),
            sas: account_sas(),
            container,
        }
    }

    /// A store where 1.0.0 is live and 1.1.0 is published.
    fn with_candidate() -> Store {
        let store = Store::private();
        store.live_through(&["1.0.0"]);
        store.publish("1.1.0");
        store
    }

    /// A store where 1.0.0 is live and 1.1.0 is its challenger, rolled out with `how` (e.g.
    /// `["--mode", "shadow"]`).
    fn rolled_out(how: &[&str]) -> Store {
        let store = Store::with_candidate();
        ok(store.rollout("1.1.0", how));
        store
    }

    /// The workspace folder.
    fn path(&self) -> &Path {
        self.work.path()
    }

    /// The `carprice` command in the workspace with the administrator's SAS, not started yet.
    fn command(&self, args: &[&str]) -> Command {
        carprice_command(&self.url, Some(&self.sas), args, self.path())
    }

    /// Runs `carprice` in the workspace with the administrator's SAS.
    fn run(&self, args: &[&str]) -> Output {
        self.run_with(Some(&self.sas), args)
    }

    /// Runs `carprice` in the workspace with other credentials (`None`: none at all).
    fn run_with(&self, sas: Option<&str>, args: &[&str]) -> Output {
        carprice(&self.url, sas, args, self.path())
    }

    /// Runs `carprice` in the workspace with the administrator's SAS, through `proxy`.
    fn run_via(&self, proxy: &LossyProxy, args: &[&str]) -> Output {
        carprice(
            &proxy.container_url(self.container),
            Some(&self.sas),
            args,
            self.path(),
        )
    }

    /// Runs `carprice rollout --version <version>` with the administrator's SAS and `how` (e.g.
    /// `["--mode", "canary", "--percent", "20"]`).
    fn rollout(&self, version: &str, how: &[&str]) -> Output {
        let args: Vec<&str> = ["rollout", "--version", version]
            .into_iter()
            .chain(how.iter().copied())
            .collect();
        self.run(&args)
    }

    /// Publishes the packaged model as `version` and returns what `carprice` said.
    fn publish(&self, version: &str) -> String {
        self.publish_as(&self.sas, version)
    }

    /// Publishes the packaged model as `version` with another SAS.
    fn publish_as(&self, sas: &str, version: &str) -> String {
        let model = self.work.model(version, 0.0);
        ok(self.run_with(Some(sas), &publish_args(&model)))
    }

    /// Publishes `version` with its intercept shifted by `shift` (0.3: clearly worse).
    fn publish_shifted(&self, version: &str, shift: f64) {
        let model = self.work.model(version, shift);
        ok(self.run(&publish_args(&model)));
    }

    /// Publishes each version and promotes them in order.
    fn live_through(&self, versions: &[&str]) {
        for version in versions {
            self.publish(version);
            ok(self.run(&["promote", "--version", version, "--commit", "c1"]));
        }
    }

    /// The record state that `carprice status` reads (what a deploy passes to `--expect-record`).
    fn record_state(&self) -> String {
        let (_, _, record) = status_fields(&ok(self.run(&["status"])));
        record
    }

    /// A proxy in front of the emulator that loses the answer to the first `PUT` of a blob whose
    /// name contains `blob` (the write is done; the client does not hear of it).
    fn losing_an_answer_to(&self, blob: &str) -> LossyProxy {
        LossyProxy::start(self.azurite.port(), "PUT", blob, 1)
    }

    /// Replaces a blob's bytes in storage and keeps its metadata (corruption at rest).
    fn corrupt(&self, blob: &str, bytes: &[u8]) {
        self.azurite
            .overwrite_keeping_metadata(self.container, blob, bytes);
    }

    /// Replaces the model of a published `version` in storage by a worse one under the same
    /// version, keeping the blob's metadata (so its recorded sha256 no longer matches).
    fn corrupt_model(&self, version: &str) {
        let blob = format!("car-price/{version}/model.json");
        self.corrupt(&blob, support::model_json(version, 0.3).as_bytes());
    }

    /// The production record as stored.
    fn record(&self) -> serde_json::Value {
        let bytes = self
            .azurite
            .read(self.container, "car-price/production.json");
        serde_json::from_slice(&bytes).unwrap()
    }
}

/// The names of what a folder holds.
fn file_names(dir: &Path) -> Vec<OsString> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect()
}

/// The arguments that publish the model file `model` with the workspace's test data.
fn publish_args(model: &str) -> [&str; 5] {
    ["publish", "--model", model, "--test-data", "test-data.csv"]
}

#[test]
fn publish_then_fetch_gives_back_the_exact_files() {
    let store = Store::private();
    let said = store.publish("1.0.0");
    assert!(said.contains("published car-price/1.0.0"), "{said}");

    ok(store.run(&["fetch", "--out", "candidate"]));
    let fetched = store.path().join("candidate");
    assert_eq!(
        fs::read(fetched.join("model.json")).unwrap(),
        fs::read(store.path().join("model-1.0.0.json")).unwrap()
    );
    assert_eq!(
        fs::read(fetched.join("test-data.csv")).unwrap(),
        support::test_data()
    );

    // Fetching again replaces the folder; a folder with foreign files is refused, never emptied.
    ok(store.run(&["fetch", "--out", "candidate"]));
    fs::write(fetched.join("notes.txt"), "mine").unwrap();
    let error = fails(store.run(&["fetch", "--out", "candidate"]));
    assert!(error.contains("notes.txt"), "{error}");
    assert!(fetched.join("notes.txt").exists());

    let status = ok(store.run(&["status"]));
    assert_eq!(
        status,
        "latest=1.0.0\nlive=\nrecord=none\nchallenger=\nmode=\npercent=\n"
    );
}

#[test]
fn latest_is_the_highest_version_whatever_the_upload_order() {
    let store = Store::private();
    for version in ["1.9.0", "1.10.0", "1.2.0"] {
        store.publish(version);
    }
    ok(store.run(&["fetch", "--out", "latest"]));
    let model = fs::read_to_string(store.path().join("latest/model.json")).unwrap();
    assert!(
        model.contains("\"version\": \"1.10.0\""),
        "fetched the wrong version"
    );

    ok(store.run(&["fetch", "--version", "1.9.0", "--out", "old"]));
    let error = fails(store.run(&["fetch", "--version", "3.0", "--out", "x"]));
    assert!(
        error.contains("3.0 is not published") && error.contains("1.2.0, 1.9.0, 1.10.0"),
        "{error}"
    );
}

#[test]
fn a_published_version_is_never_overwritten() {
    let store = Store::private();
    store.publish("1.0.0");
    // Same version, different content.
    fs::write(
        store.path().join("model-1.0.0.json"),
        support::model_json("1.0.0", 0.3),
    )
    .unwrap();
    let error = fails(store.run(&publish_args("model-1.0.0.json")));
    assert!(error.contains("1.0.0 is already published"), "{error}");
    ok(store.run(&["fetch", "--out", "got"]));
    assert_eq!(
        fs::read_to_string(store.path().join("got/model.json")).unwrap(),
        support::model_json("1.0.0", 0.0)
    );
}

#[test]
fn a_publication_interrupted_after_the_test_data_can_be_completed() {
    let store = Store::private();
    store.publish("1.0.0");
    // As if the upload had stopped between test-data.csv and model.json.
    store
        .azurite
        .delete(CONTAINER, "car-price/1.0.0/model.json");
    store.publish("1.0.0");
    ok(store.run(&["fetch", "--out", "got"]));

    // Other test data under the same version is not a resumption.
    store
        .azurite
        .delete(CONTAINER, "car-price/1.0.0/model.json");
    fs::write(
        store.path().join("other.csv"),
        &support::test_data()[..2000],
    )
    .unwrap();
    let other = fs::read_to_string(store.path().join("other.csv")).unwrap();
    let complete_lines = other.rfind('\n').unwrap() + 1;
    fs::write(store.path().join("other.csv"), &other[..complete_lines]).unwrap();
    let error = fails(store.run(&[
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
    let store = Store::private();
    fs::write(
        store.path().join("bad.json"),
        "{\"format\": \"something-else\"}",
    )
    .unwrap();
    let error = fails(store.run(&publish_args("bad.json")));
    assert!(error.contains("invalid model bad.json"), "{error}");
    let status = ok(store.run(&["status"]));
    assert_eq!(
        status,
        "latest=\nlive=\nrecord=none\nchallenger=\nmode=\npercent=\n"
    );
}

#[test]
fn a_model_of_another_family_was_published_as_a_car_price_model() {
    let store = Store::private();
    let model = store.work.model("2.0.0", 0.0);
    let json = fs::read_to_string(store.path().join(&model)).unwrap();
    let renamed = json.replacen(r#""name": "car-price""#, r#""name": "suv-price""#, 1);
    assert_ne!(renamed, json);
    fs::write(store.path().join("suv.json"), renamed).unwrap();
    let error = fails(store.run(&publish_args("suv.json")));
    assert!(
        error.contains("the model to publish is named `suv-price`, but this registry holds the `car-price` models"),
        "{error}"
    );
    let status = ok(store.run(&["status"]));
    assert!(status.starts_with("latest=\n"), "{status}");
}

#[test]
fn a_corrupted_blob_is_refused_and_nothing_is_written() {
    let store = Store::private();
    store.publish("1.0.0");
    store.corrupt_model("1.0.0");
    let error = fails(store.run(&["fetch", "--out", "candidate"]));
    assert!(
        error.contains("car-price/1.0.0/model.json does not match the sha256"),
        "{error}"
    );
    assert!(!store.path().join("candidate").exists());
    let leftovers = file_names(store.path());
    assert_eq!(leftovers.len(), 2, "only the inputs remain: {leftovers:?}");
}

#[test]
fn storage_going_down_mid_run_stops_the_release_with_nothing_staged() {
    let mut store = Store::private();
    store.publish("1.0.0");
    fs::create_dir(store.path().join("site")).unwrap();
    fs::write(store.path().join("site/index.html"), "<!doctype html>").unwrap();

    store.azurite.stop();
    let started = Instant::now();
    let output = store.run(&["fetch", "--out", "candidate"]);
    let error = fails(output);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(error.contains("cannot reach http://127.0.0.1:"), "{error}");
    assert!(error.lines().count() == 1, "one line: {error}");
    assert!(
        !error.contains(&signature_of(&store.sas)),
        "the SAS leaked: {error}"
    );
    // The deploy stops at the failed fetch: there is nothing to stage, and the site is untouched.
    assert!(!store.path().join("candidate").exists());
    let stage = fails(store.run_with(None, &["stage", "--model", "candidate", "--site", "site"]));
    assert!(stage.contains("candidate/model.json"), "{stage}");
    let site = file_names(&store.path().join("site"));
    assert_eq!(site, ["index.html"]);
}

#[test]
fn a_sas_with_a_wrong_signature_is_refused_on_a_private_container() {
    let store = Store::private();
    store.publish("1.0.0");
    let good = signature_of(&store.sas);
    let forged = store
        .sas
        .replace(&good, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D");
    for args in [
        &["fetch", "--out", "x"][..],
        &["status"],
        &publish_args("model-1.0.0.json"),
    ] {
        let error = fails(store.run_with(Some(&forged), args));
        assert!(
            error.contains("access to http://127.0.0.1:") && error.contains("denied"),
            "{error}"
        );
        assert!(!error.contains("AAAAAAAA"), "the SAS leaked: {error}");
    }
    // Without any credentials a private container is refused too.
    let error = fails(store.run_with(None, &["fetch", "--out", "x"]));
    assert!(error.contains("denied"), "{error}");
    assert!(!store.path().join("x").exists());
}

#[test]
fn a_data_scientists_sas_can_publish_but_not_overwrite_or_promote() {
    let store = Store::private();
    // Read, create, list: no write, so no blob can ever be replaced with this SAS.
    let publisher = support::container_sas(CONTAINER, "rcl");
    store.publish_as(&publisher, "1.0.0");
    ok(store.run_with(Some(&publisher), &["fetch", "--out", "got"]));
    // The same files again (a retry): recognised; another model under that version: refused.
    let said = ok(store.run_with(Some(&publisher), &publish_args("model-1.0.0.json")));
    assert!(
        said.contains("already published (exactly these files)"),
        "{said}"
    );
    fs::write(
        store.path().join("other-1.0.0.json"),
        support::model_json("1.0.0", 0.1),
    )
    .unwrap();
    let error = fails(store.run_with(Some(&publisher), &publish_args("other-1.0.0.json")));
    assert!(error.contains("already published"), "{error}");
    // The deploy records production; the publisher cannot change that record.
    ok(store.run(&["promote", "--version", "1.0.0"]));
    store.publish_as(&publisher, "1.1.0");
    let error = fails(store.run_with(Some(&publisher), &["promote", "--version", "1.1.0"]));
    assert!(error.contains("denied"), "{error}");
    let error = fails(store.run_with(
        Some(&publisher),
        &["rollback", "--from", "1.0.0", "--to", "1.1.0"],
    ));
    assert!(error.contains("denied"), "{error}");
}

#[test]
fn anyone_can_read_a_public_container_without_credentials() {
    let store = Store::new("public", true);
    store.publish("2.0.0");

    ok(store.run_with(None, &["fetch", "--out", "anonymous"]));
    assert!(store.path().join("anonymous/model.json").exists());
    // Reading is public, writing is not.
    let other = store.work.model("2.1.0", 0.0);
    let error = fails(store.run_with(None, &publish_args(&other)));
    assert!(
        error.contains("denied") || error.contains("failed"),
        "{error}"
    );
}

#[test]
fn promote_then_rollback_changes_what_ships_next() {
    let store = Store::private();
    for version in ["1.0.0", "1.1.0"] {
        store.publish(version);
        ok(store.run(&["promote", "--version", version, "--commit", "abc123"]));
    }
    assert_eq!(latest_live(&ok(store.run(&["status"]))), ("1.1.0", "1.1.0"));

    let said = ok(store.run(&["rollback", "--from", "1.1.0", "--commit", "def456"]));
    assert!(said.contains("to 1.0.0"), "{said}");
    // The withdrawn version is no longer "latest", so a scheduled deploy does not bring it back.
    assert_eq!(latest_live(&ok(store.run(&["status"]))), ("1.0.0", "1.0.0"));
    ok(store.run(&["fetch", "--version", "live", "--out", "live"]));
    assert!(fs::read_to_string(store.path().join("live/model.json"))
        .unwrap()
        .contains("\"version\": \"1.0.0\""));

    // A newer publication is the next candidate again.
    store.publish("1.2.0");
    assert_eq!(latest_live(&ok(store.run(&["status"]))), ("1.2.0", "1.0.0"));
    let error = fails(store.run(&["promote", "--version", "9.9.9"]));
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
    let store = Store::private();
    store.live_through(&["1.0.0", "1.1.0"]);
    // A deploy of 1.1.0 starts (a code change) and reads the record …
    let started = store.record_state();
    // … someone rolls back while it runs …
    ok(store.run(&["rollback", "--from", "1.1.0"]));
    // … and the deploy's promote comes last.
    let error = fails(store.run(&["promote", "--version", "1.1.0", "--expect-record", &started]));
    assert!(
        error.contains("production record changed since this deploy read it")
            && error.contains("live is now 1.0.0"),
        "{error}"
    );
    // Without the deploy's record state, a withdrawn version is still never promoted.
    let error = fails(store.run(&["promote", "--version", "1.1.0"]));
    assert!(error.contains("1.1.0 was withdrawn"), "{error}");
    let record = store.record();
    assert_eq!(record["live"], "1.0.0");
    assert_eq!(record["withdrawn"], serde_json::json!(["1.1.0"]));
}

#[test]
fn a_rollback_run_again_after_its_answer_was_lost_rolls_back_only_once() {
    let store = Store::private();
    store.live_through(&["1.0.0", "1.1.0", "1.2.0"]);
    let proxy = store.losing_an_answer_to("production.json");
    // The answer to the record's write is lost; the command may or may not notice (the SDK
    // retries), and its message says to run it again.
    let first = store.run_via(&proxy, &["rollback", "--from", "1.2.0"]);
    assert_eq!(proxy.dropped(), 1, "{}", support::text(&first));
    if !first.status.success() {
        let error = String::from_utf8_lossy(&first.stderr);
        assert!(error.contains("run the command again"), "{error}");
    }
    let said = ok(store.run_via(&proxy, &["rollback", "--from", "1.2.0"]));
    assert!(said.contains("already recorded"), "{said}");
    let record = store.record();
    assert_eq!(record["live"], "1.1.0");
    assert_eq!(record["withdrawn"], serde_json::json!(["1.2.0"]));
    assert_eq!(rollbacks(&record), 1);
}

#[test]
fn a_promote_run_again_after_its_answer_was_lost_succeeds() {
    let store = Store::with_candidate();
    let started = store.record_state();
    let proxy = store.losing_an_answer_to("production.json");
    let promote = || {
        store.run_via(
            &proxy,
            &[
                "promote",
                "--version",
                "1.1.0",
                "--commit",
                "c2",
                "--expect-record",
                &started,
            ],
        )
    };
    let _ = promote();
    assert_eq!(proxy.dropped(), 1);
    ok(promote());
    let record = store.record();
    assert_eq!(record["live"], "1.1.0");
    assert_eq!(record["history"].as_array().unwrap().len(), 2);
}

#[test]
fn a_publish_run_again_after_its_answer_was_lost_succeeds() {
    let store = Store::private();
    let proxy = store.losing_an_answer_to("model.json");
    let model = store.work.model("1.0.0", 0.0);
    let publish = |model: &str| store.run_via(&proxy, &publish_args(model));
    let _ = publish(&model);
    assert_eq!(proxy.dropped(), 1);
    let said = ok(publish(&model));
    assert!(said.contains("car-price/1.0.0"), "{said}");
    ok(store.run_via(&proxy, &["fetch", "--out", "got"]));
    // A different model under the same version is still refused.
    fs::write(
        store.path().join("other.json"),
        support::model_json("1.0.0", 0.2),
    )
    .unwrap();
    let error = fails(publish("other.json"));
    assert!(error.contains("1.0.0 is already published"), "{error}");
}

#[test]
fn a_rollback_to_a_version_whose_blobs_no_longer_verify_is_refused() {
    let store = Store::private();
    store.live_through(&["1.0.0", "1.1.0"]);
    store.corrupt("car-price/1.0.0/test-data.csv", b"make,price\naudi,1\n");
    let error = fails(store.run(&["rollback", "--from", "1.1.0", "--to", "1.0.0"]));
    assert!(
        error.contains("car-price/1.0.0/test-data.csv does not match the sha256"),
        "{error}"
    );
    let error = fails(store.run(&["rollback", "--from", "1.1.0"]));
    assert!(error.contains("does not match the sha256"), "{error}");
    // Production is untouched, so the next deploy still fetches what is live.
    assert_eq!(latest_live(&ok(store.run(&["status"]))), ("1.1.0", "1.1.0"));
    ok(store.run(&["fetch", "--version", "live", "--out", "live"]));
}

#[test]
fn a_promote_of_a_version_whose_blobs_no_longer_verify_is_refused() {
    let store = Store::private();
    store.publish("1.0.0");
    store.corrupt_model("1.0.0");
    let error = fails(store.run(&["promote", "--version", "1.0.0"]));
    assert!(error.contains("does not match the sha256"), "{error}");
    assert_eq!(latest_live(&ok(store.run(&["status"]))), ("1.0.0", ""));
}

#[test]
fn rollback_refuses_when_the_version_it_replaces_is_not_live() {
    let store = Store::private();
    store.live_through(&["1.0.0", "1.1.0", "1.2.0"]);
    let error = fails(store.run(&["rollback", "--from", "1.1.0"]));
    assert!(error.contains("1.1.0 is not live (live: 1.2.0)"), "{error}");
    assert_eq!(rollbacks(&store.record()), 0);
}

#[test]
fn concurrent_promotes_from_the_same_start_record_exactly_one_version() {
    let store = Store::private();
    for version in ["1.0.0", "1.1.0", "1.2.0"] {
        store.publish(version);
    }
    let started = store.record_state();
    let outputs: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["1.0.0", "1.1.0", "1.2.0"]
            .map(|version| {
                let (store, started) = (&store, &started);
                scope.spawn(move || {
                    let args = ["promote", "--version", version, "--expect-record", started];
                    (version, store.run(&args))
                })
            })
            .into_iter()
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<_> = outputs.iter().filter(|(_, o)| o.status.success()).collect();
    assert_eq!(winners.len(), 1, "{outputs:?}");
    let record = store.record();
    assert_eq!(record["live"], winners[0].0);
    assert_eq!(record["history"].as_array().unwrap().len(), 1);
}

#[test]
fn a_rollback_racing_a_promote_leaves_a_true_record() {
    for _ in 0..3 {
        let store = Store::private();
        store.live_through(&["1.0.0", "1.1.0"]);
        store.publish("1.2.0");
        let started = store.record_state();
        let (rollback, promote) = std::thread::scope(|scope| {
            let rollback = scope.spawn(|| store.run(&["rollback", "--from", "1.1.0"]));
            let promote = scope.spawn(|| {
                let args = ["promote", "--version", "1.2.0", "--expect-record", &started];
                store.run(&args)
            });
            (rollback.join().unwrap(), promote.join().unwrap())
        });
        let record = store.record();
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
    let store = Store::private();
    store.live_through(&["1.0.0", "1.1.0"]);
    // Azurite is killed as the record's write arrives.
    let proxy = LossyProxy::killing(&store.azurite, "PUT", "production.json");
    let started = Instant::now();
    let error = fails(store.run_via(&proxy, &["rollback", "--from", "1.1.0"]));
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
        !error.contains(&signature_of(&store.sas)),
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

#[test]
fn a_challenger_goes_from_shadow_to_canary_and_is_promoted() {
    let store = Store::private();
    store.live_through(&["1.0.0"]);
    store.publish_shifted("1.1.0", 0.005);

    let said = ok(store.rollout("1.1.0", &["--mode", "shadow", "--commit", "r1"]));
    assert!(
        said.contains("gate: challenger 1.1.0 against live 1.0.0"),
        "{said}"
    );
    assert!(
        said.contains("1.1.0 is the challenger of 1.0.0 in shadow mode"),
        "{said}"
    );
    let status = ok(store.run(&["status"]));
    assert_eq!(
        rollout_status(&status),
        ["challenger=1.1.0", "mode=shadow", "percent=0"]
    );
    assert_eq!(latest_live(&status), ("1.1.0", "1.0.0"));
    let stored = store.record();
    assert_eq!(stored["live"], "1.0.0");
    assert_eq!(stored["challenger"]["version"], "1.1.0");
    assert_eq!(stored["challenger"]["mode"], "shadow");
    assert_eq!(stored["challenger"]["commit"], "r1");

    ok(store.rollout("1.1.0", &["--mode", "canary", "--percent", "50"]));
    assert_eq!(
        rollout_status(&ok(store.run(&["status"]))),
        ["challenger=1.1.0", "mode=canary", "percent=50"]
    );

    let said = ok(store.run(&["promote", "--version", "1.1.0", "--commit", "p1"]));
    assert!(said.contains("model 1.1.0 is live"), "{said}");
    let stored = store.record();
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
        rollout_status(&ok(store.run(&["status"]))),
        ["challenger=", "mode=", "percent="]
    );
    // The champion it replaced is what a rollback goes back to.
    let said = ok(store.run(&["rollback", "--from", "1.1.0"]));
    assert!(said.contains("to 1.0.0"), "{said}");
}

#[test]
fn a_challenger_that_fails_the_gate_is_not_rolled_out() {
    let store = Store::private();
    store.live_through(&["1.0.0"]);
    store.publish_shifted("1.1.0", 0.3);
    let before = store.record();
    let error = fails(store.rollout("1.1.0", &["--mode", "shadow"]));
    assert!(
        error.contains("model 1.1.0 does not pass the gate against the live model 1.0.0")
            && error.contains("MAE"),
        "{error}"
    );
    assert_eq!(store.record(), before);
}

#[test]
fn a_rollout_refuses_what_cannot_be_a_challenger() {
    let store = Store::private();
    store.publish("1.0.0");
    let error = fails(store.rollout("1.0.0", &["--mode", "shadow"]));
    assert!(error.contains("no model version is live yet"), "{error}");

    ok(store.run(&["promote", "--version", "1.0.0"]));
    let error = fails(store.rollout("1.0.0", &["--mode", "shadow"]));
    assert!(error.contains("model 1.0.0 is already live"), "{error}");
    let error = fails(store.rollout("4.0.0", &["--mode", "shadow"]));
    assert!(error.contains("4.0.0 is not published"), "{error}");

    store.publish("1.1.0");
    let error = fails(store.rollout("1.1.0", &["--mode", "canary"]));
    assert!(error.contains("--mode canary needs --percent"), "{error}");
    let error = fails(store.rollout("1.1.0", &["--mode", "shadow", "--percent", "10"]));
    assert!(
        error.contains("takes no --percent (got 10)")
            && error.contains("--mode canary --percent 10"),
        "{error}"
    );
    let error = fails(store.rollout("1.1.0", &["--mode", "canary", "--percent", "101"]));
    assert!(error.contains("101"), "{error}");
    let error = fails(store.rollout("1.1.0", &["--mode", "blue"]));
    assert!(error.contains("use shadow or canary"), "{error}");
    let error = fails(store.rollout("1.1.0", &["--halt"]));
    assert!(error.contains("cannot be used with"), "{error}");

    ok(store.rollout("1.1.0", &["--mode", "shadow"]));
    store.publish("1.2.0");
    let error = fails(store.rollout("1.2.0", &["--mode", "shadow"]));
    assert!(
        error.contains("a rollout of model 1.1.0 is in progress"),
        "{error}"
    );
    // Only the challenger or the live version (a redeploy) is promoted during a rollout.
    let error = fails(store.run(&["promote", "--version", "1.2.0"]));
    assert!(
        error.contains("a rollout of model 1.1.0 is in progress"),
        "{error}"
    );
    ok(store.run(&["promote", "--version", "1.0.0", "--commit", "code-change"]));
    let stored = store.record();
    assert_eq!(stored["commit"], "code-change");
    assert_eq!(stored["challenger"]["version"], "1.1.0");
    assert_eq!(rollbacks(&stored), 0);
}

#[test]
fn a_halt_ends_the_rollout_and_withdraws_the_challenger() {
    let store = Store::rolled_out(&["--mode", "canary", "--percent", "20"]);
    let said = ok(store.run(&["rollout", "--halt", "--commit", "h1"]));
    assert!(
        said.contains("the rollout of model 1.1.0 is halted"),
        "{said}"
    );
    let stored = store.record();
    assert!(stored.get("challenger").is_none(), "{stored}");
    assert_eq!(stored["withdrawn"], serde_json::json!(["1.1.0"]));
    assert_eq!(
        stored["history"].as_array().unwrap().last().unwrap()["action"],
        "halt"
    );
    // The halted challenger is not the next deploy's candidate, and is not tried again.
    let status = ok(store.run(&["status"]));
    assert_eq!(latest_live(&status), ("1.0.0", "1.0.0"));
    assert_eq!(
        rollout_status(&status),
        ["challenger=", "mode=", "percent="]
    );
    let error = fails(store.rollout("1.1.0", &["--mode", "shadow"]));
    assert!(error.contains("1.1.0 was withdrawn"), "{error}");
    let error = fails(store.run(&["fetch", "--version", "challenger", "--out", "c"]));
    assert!(error.contains("no rollout is in progress"), "{error}");
    // Safe to repeat.
    let said = ok(store.run(&["rollout", "--halt"]));
    assert!(said.contains("nothing to halt"), "{said}");
    assert_eq!(store.record(), stored);
}

#[test]
fn fetch_and_stage_ship_the_challenger_with_its_mode_and_percent() {
    let store = Store::rolled_out(&["--mode", "canary", "--percent", "50"]);
    ok(store.run(&["fetch", "--version", "live", "--out", "live"]));
    ok(store.run(&["fetch", "--version", "challenger", "--out", "challenger"]));
    let rollout: serde_json::Value =
        serde_json::from_slice(&fs::read(store.path().join("challenger/rollout.json")).unwrap())
            .unwrap();
    assert_eq!(
        (&rollout["version"], &rollout["mode"], &rollout["percent"]),
        (&"1.1.0".into(), &"canary".into(), &50.into())
    );

    let site = store.path().join("site");
    fs::create_dir(&site).unwrap();
    let said = ok(store.run(&[
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
        fs::read(store.path().join("model-1.1.0.json")).unwrap()
    );

    // After a halt the next stage ships the champion alone.
    ok(store.run(&["rollout", "--halt"]));
    ok(store.run(&["stage", "--model", "live", "--site", "site"]));
    let manifest = fs::read_to_string(site.join("release.json")).unwrap();
    assert!(!manifest.contains("challenger"), "{manifest}");
    assert!(!site.join("challenger.json").exists());
}

#[test]
fn a_rollout_run_again_after_its_answer_was_lost_is_recorded_once() {
    let store = Store::with_candidate();
    let proxy = store.losing_an_answer_to("production.json");
    let rollout = || {
        store.run_via(
            &proxy,
            &["rollout", "--version", "1.1.0", "--mode", "shadow"],
        )
    };
    let _ = rollout();
    assert_eq!(proxy.dropped(), 1);
    let said = ok(rollout());
    assert!(said.contains("already said so"), "{said}");
    let stored = store.record();
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
    let store = Store::with_candidate();
    let read = store.record_state();
    ok(store.rollout("1.1.0", &["--mode", "shadow"]));
    let canary = [
        "--mode",
        "canary",
        "--percent",
        "5",
        "--expect-record",
        &read,
    ];
    let error = fails(store.rollout("1.1.0", &canary));
    assert!(
        error.contains("the production record changed since it was read"),
        "{error}"
    );
    let error = fails(store.run(&["rollout", "--halt", "--expect-record", &read]));
    assert!(error.contains("the halt was not recorded"), "{error}");
    assert_eq!(store.record()["challenger"]["mode"], "shadow");
}

#[test]
fn status_into_a_closed_pipe_exits_0_instead_of_panicking() {
    // `carprice status | grep -q live=` in the rehearsal: grep may be gone before the last line.
    let store = Store::private();
    store.live_through(&["1.0.0"]);
    closed_pipe::assert_quiet_exit(&mut store.command(&["status"]));
}
