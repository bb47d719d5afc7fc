//! The `carprice` binary end to end: the default model, the seed-split accuracy, and one-line errors
//! for bad input. Needs the sample data set (`$CARPRICE_DATA` or `../shared/data`).

// The commands' own lookup of the data set (the tests use `resolve_in` only).
#[allow(dead_code)]
#[path = "../src/data_path.rs"]
mod data_path;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The folder of the sample data set, found by the commands' own lookup.
fn data_dir() -> PathBuf {
    let csv = data_path::resolve_in(None, &repo()).unwrap_or_else(|e| panic!("{e}"));
    csv.parent().unwrap().to_path_buf()
}

fn carprice(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carprice"))
        .args(args)
        .current_dir(repo())
        .env("CARPRICE_DATA", data_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("carprice-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `carprice`, asserts success and returns its standard output.
fn succeeds(args: &[&str], stdin: &str) -> Vec<u8> {
    let output = carprice(args, stdin);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Asserts a failure with exactly one line on stderr, mentioning `needle`, and no panic.
fn fails_with(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "expected failure, stderr: {stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn committed_default_model_is_exactly_what_training_produces() {
    let out = temp_dir("default").join("model.json");
    let status = Command::new("bash")
        .arg(repo().join("scripts/default-model.sh"))
        .arg(&out)
        .env("CARPRICE_DATA", data_dir())
        .env("CARPRICE_BIN", env!("CARGO_BIN_EXE_carprice"))
        .status()
        .unwrap();
    assert!(status.success());
    let trained = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(repo().join("assets/model.json")).unwrap();
    assert!(
        trained == committed,
        "assets/model.json differs from what training produces: run scripts/default-model.sh and commit"
    );
}

#[test]
fn default_model_beats_production_on_the_seed_split() {
    let rows = data_dir().join("seed-split-test-rows.txt");
    let stdout = succeeds(
        &[
            "evaluate",
            "--model",
            "assets/model.json",
            "--rows",
            rows.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    let metrics: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(metrics["rows"], 58);
    let (r2, mae, mape) = (
        metrics["r2"].as_f64().unwrap(),
        metrics["mae"].as_f64().unwrap(),
        metrics["mape"].as_f64().unwrap(),
    );
    assert!(mae <= 1300.0, "MAE {mae}");
    assert!(mape <= 9.5, "MAPE {mape}");
    assert!(r2 >= 0.92, "R² {r2}");

    let text = succeeds(
        &[
            "evaluate",
            "--model",
            "assets/model.json",
            "--rows",
            rows.to_str().unwrap(),
        ],
        "",
    );
    let text = String::from_utf8_lossy(&text);
    assert!(
        text.contains("MAE   $1,108.31") && text.contains("on 58 rows"),
        "{text}"
    );
}

#[test]
fn predict_prices_a_json_car_and_a_csv_of_cars() {
    let car = r#"{"make": "audi", "fuel-type": "gas", "aspiration": "std", "num-of-doors": "four",
        "body-style": "sedan", "drive-wheels": "fwd", "engine-location": "front", "wheel-base": 99.8,
        "length": 176.6, "width": 66.2, "height": 54.3, "curb-weight": 2337, "engine-type": "ohc",
        "num-of-cylinders": "four", "engine-size": 109, "fuel-system": "mpfi", "bore": 3.19,
        "stroke": 3.4, "compression-ratio": 10, "horsepower": 102, "peak-rpm": 5500, "city-mpg": 24,
        "highway-mpg": 30, "symboling": 2}"#;
    let stdout = succeeds(&["predict", "--model", "assets/model.json", "--json"], car);
    let quote: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    let price = quote["price"].as_f64().unwrap();
    assert!(price > 5000.0 && price < 50000.0, "{price}");
    assert!(quote["interval"]["low"].as_f64().unwrap() < price);

    let cars = data_dir().join("car-prices.csv");
    let stdout = succeeds(
        &[
            "predict",
            "--model",
            "assets/model.json",
            "--cars",
            cars.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    assert_eq!(String::from_utf8_lossy(&stdout).lines().count(), 193);
}

#[test]
fn bad_input_gives_one_clear_line_and_exit_code_1() {
    let dir = temp_dir("errors");
    let model = std::fs::read_to_string(repo().join("assets/model.json")).unwrap();
    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, &model[..model.len() / 3]).unwrap();
    fails_with(
        &carprice(&["validate", "--model", truncated.to_str().unwrap()], ""),
        "malformed at line",
    );

    let future = dir.join("future.json");
    std::fs::write(
        &future,
        model.replace("\"format_version\": \"1.0\"", "\"format_version\": \"2.0\""),
    )
    .unwrap();
    fails_with(
        &carprice(&["validate", "--model", future.to_str().unwrap()], ""),
        "upgrade carprice",
    );

    fails_with(
        &carprice(
            &["predict", "--model", "assets/model.json"],
            r#"{"make": "tesla"}"#,
        ),
        "`make` is \"tesla\", which the model does not know",
    );
    fails_with(
        &carprice(&["predict", "--model", "assets/model.json"], "{not json"),
        "not a JSON object",
    );
    fails_with(
        &carprice(&["predict", "--model", "assets/model.json"], ""),
        "no car on stdin",
    );

    for (name, contents, problem) in [
        ("empty.csv", "", "no data rows"),
        (
            "no-price.csv",
            "make,horsepower\naudi,102\n",
            "no `price` column",
        ),
    ] {
        let table = dir.join(name);
        std::fs::write(&table, contents).unwrap();
        let evaluate = [
            "evaluate",
            "--model",
            "assets/model.json",
            "--data",
            table.to_str().unwrap(),
        ];
        fails_with(&carprice(&evaluate, ""), problem);
    }
    fails_with(
        &carprice(
            &[
                "train",
                "--data",
                "/nonexistent/cars.csv",
                "--out",
                "/tmp/never.json",
            ],
            "",
        ),
        "car data set not found",
    );
    let out = dir.join("never-written.json");
    let bad_created = carprice(
        &[
            "train",
            "--out",
            out.to_str().unwrap(),
            "--created",
            "yesterday",
        ],
        "",
    );
    fails_with(&bad_created, "RFC 3339");
    assert!(!out.exists(), "nothing is written when training fails");
}

#[test]
fn validate_summarises_a_good_model() {
    let stdout = succeeds(&["validate", "--model", "assets/model.json"], "");
    assert!(String::from_utf8_lossy(&stdout).contains("valid car-price 1.0.0"));
}

#[test]
fn predict_into_a_closed_pipe_exits_0_instead_of_panicking() {
    // `carprice predict --cars … | head -0`: the reader is gone before the first line.
    let cars = data_dir().join("car-prices.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_carprice"))
        .args(["predict", "--model", "assets/model.json", "--cars"])
        .arg(&cars)
        .current_dir(repo())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "stderr: {stderr}");
}
