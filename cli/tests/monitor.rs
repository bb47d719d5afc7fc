//! `carprice monitor` and `carprice rollout --check` on generated telemetry in a folder, with
//! figures checked against values computed by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use carprice_registry::telemetry::{Batch, TelemetryStore};
use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[path = "support/closed_pipe.rs"]
mod closed_pipe;

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carprice"));
    command
        .args(args)
        .env_remove("CARPRICE_TELEMETRY")
        .env_remove("CARPRICE_CONTAINER_URL");
    command
}

fn carprice(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The packaged model (champion 1.0.0) and a challenger 1.1.0 with the same training
/// distribution, written into `dir`.
fn models(dir: &Path) -> (PathBuf, PathBuf) {
    let text = std::fs::read_to_string(repo().join("assets/model.json")).unwrap();
    let mut challenger: Value = serde_json::from_str(&text).unwrap();
    challenger["version"] = json!("1.1.0");
    let (champion_path, challenger_path) = (dir.join("champion.json"), dir.join("challenger.json"));
    std::fs::write(&champion_path, &text).unwrap();
    std::fs::write(&challenger_path, challenger.to_string()).unwrap();
    (champion_path, challenger_path)
}

/// The model's training shares of `fuel-type` (`[diesel, gas]`).
fn fuel_frequencies() -> (f64, f64) {
    let text = std::fs::read_to_string(repo().join("assets/model.json")).unwrap();
    let model: Value = serde_json::from_str(&text).unwrap();
    let fuel = model["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "fuel-type")
        .unwrap();
    assert_eq!(fuel["categories"], json!(["diesel", "gas"]));
    let f = fuel["frequencies"].as_array().unwrap();
    (f[0].as_f64().unwrap(), f[1].as_f64().unwrap())
}

/// Price ratios of the ten quotes of 1.0.0 → 1.1.0 (sorted): median 1.01, 10th percentile 0.94,
/// 90th 1.128 (linear interpolation), 3 of 10 beyond ±10% (0.85, 1.12, 1.20).
const RATIOS: [f64; 10] = [0.85, 0.95, 0.98, 1.0, 1.0, 1.02, 1.05, 1.08, 1.12, 1.20];

fn quote(i: usize, ratio: f64) -> Value {
    // Widths: five below the first training decile (63.8), five above the last (68.86).
    let width = if i < 5 { 62.0 } else { 70.0 };
    let fuel = if i.is_multiple_of(2) { "diesel" } else { "gas" };
    let (mode, shown) = match i {
        0..=5 => ("shadow", "champion"),
        6 | 7 => ("canary", "champion"),
        _ => ("canary", "challenger"),
    };
    json!({"at": format!("2026-11-30T08:{i:02}:00Z"), "champion": "1.0.0", "challenger": "1.1.0",
        "mode": mode, "shown": shown, "champion_price": 10000.0,
        "challenger_price": 10000.0 * ratio,
        "extrapolated": if i < 2 { json!(["width"]) } else { json!([]) },
        "car": {"make": "audi", "width": width, "fuel-type": fuel}})
}

/// Ten quotes of 1.0.0 → 1.1.0 on 2026-11-30 in two batches, one of another pair of models, and
/// one on the next day.
fn telemetry(dir: &Path) {
    let store = TelemetryStore::folder(dir);
    let quotes: Vec<Value> = RATIOS
        .iter()
        .enumerate()
        .map(|(i, &r)| quote(i, r))
        .collect();
    let mut other = quote(0, 1.0);
    other["champion"] = json!("0.9.0");
    let mut later = quote(0, 3.0);
    later["at"] = json!("2026-12-01T09:00:00Z");
    for (id, quotes) in [
        ("first", json!(quotes[..4])),
        ("second", json!(quotes[4..])),
        ("other", json!([other])),
        ("later", json!([later])),
    ] {
        let batch = Batch::from_json(
            json!({"batch": id, "quotes": quotes})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        store.store(&batch).unwrap();
    }
}

fn close(found: &Value, expected: f64) {
    let found = found
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {found}"));
    assert!((found - expected).abs() < 1e-9, "{found} != {expected}");
}

/// Models and telemetry in a temporary folder.
struct Fixture {
    dir: tempfile::TempDir,
    champion: String,
    challenger: String,
    telemetry: String,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let (champion, challenger) = models(dir.path());
        let store = dir.path().join("telemetry");
        telemetry(&store);
        let text = |p: &Path| p.to_str().unwrap().to_string();
        Fixture {
            champion: text(&champion),
            challenger: text(&challenger),
            telemetry: text(&store),
            dir,
        }
    }

    /// `carprice <command> --telemetry … --champion … --challenger … <more>`.
    fn run(&self, command: &[&str], more: &[&str]) -> Output {
        self.command(command, more).output().unwrap()
    }

    /// The command [`Fixture::run`] runs.
    fn command(&self, subcommand: &[&str], more: &[&str]) -> Command {
        let mut args: Vec<&str> = subcommand.to_vec();
        args.extend([
            "--telemetry",
            &self.telemetry,
            "--champion",
            &self.champion,
            "--challenger",
            &self.challenger,
        ]);
        args.extend_from_slice(more);
        command(&args)
    }

    fn config(&self, text: &str) -> String {
        let path = self.dir.path().join("thresholds.toml");
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }
}

#[test]
fn monitor_reports_hand_computed_figures_for_the_period() {
    let fixture = Fixture::new();
    let output = fixture.run(
        &["monitor"],
        &[
            "--since",
            "2026-11-30",
            "--until",
            "2026-12-01",
            "--min-quotes",
            "10",
            "--json",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["champion"], "1.0.0");
    assert_eq!(report["challenger"], "1.1.0");
    assert_eq!(report["since"], "2026-11-30T00:00:00Z");
    assert_eq!(report["quotes"], 10);
    assert_eq!(report["other_models"], 1);
    assert_eq!(report["meaningful"], true);
    assert_eq!(
        (&report["shadow_quotes"], &report["canary_quotes"]),
        (&json!(6), &json!(4))
    );
    assert_eq!(
        (&report["shown_champion"], &report["shown_challenger"]),
        (&json!(8), &json!(2))
    );
    close(&report["ratio"]["median"], 1.01);
    close(&report["ratio"]["p10"], 0.94);
    close(&report["ratio"]["p90"], 1.128);
    close(&report["ratio"]["beyond_10_percent"], 0.3);
    close(&report["extrapolated_share"], 0.2);

    let drift = |name: &str| -> Value {
        report["drift"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["attribute"] == name)
            .unwrap()
            .clone()
    };
    // width: half the quotes in the first decile bin, half in the last, none in the 8 between.
    let e = 1e-4f64;
    let width_psi = 2.0 * (0.5 - 0.1) * (0.5f64 / 0.1).ln() + 8.0 * (e - 0.1) * (e / 0.1).ln();
    let width = drift("width");
    assert_eq!(
        (&width["values"], &width["unreadable"]),
        (&json!(10), &json!(0))
    );
    close(&width["psi"], width_psi);
    assert_eq!(width["meaningful"], true);
    // fuel-type: half diesel, half gas, against the training shares.
    let (diesel, gas) = fuel_frequencies();
    let fuel_psi = (0.5 - diesel) * (0.5 / diesel).ln() + (0.5 - gas) * (0.5 / gas).ln();
    close(&drift("fuel-type")["psi"], fuel_psi);
    // An attribute no quote had: no values, no index.
    let height = drift("height");
    assert_eq!(height["values"], 0);
    assert_eq!(height["psi"], Value::Null);
    assert_eq!(height["meaningful"], false);
}

#[test]
fn monitor_marks_too_few_quotes_as_not_meaningful_in_its_table() {
    let fixture = Fixture::new();
    let output = fixture.run(&["monitor"], &["--until", "2026-12-01"]);
    assert!(output.status.success(), "{output:?}");
    let table = stdout(&output);
    assert!(
        table.contains("NOT MEANINGFUL: 10 quotes, fewer than 100"),
        "{table}"
    );
    assert!(
        table.contains(
            "median 1.010, 10th percentile 0.940, 90th percentile 1.128; beyond ±10%: 30.0%"
        ),
        "{table}"
    );
    assert!(table.contains("20.0% of quotes flagged"), "{table}");
    assert!(table.contains("(not meaningful)"), "{table}");
    // The whole store: the quote of the next day counts too.
    let all = fixture.run(&["monitor"], &["--json"]);
    let report: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(report["quotes"], 11);
    assert_eq!(report["meaningful"], false);
}

#[test]
fn monitor_explains_what_is_missing() {
    let fixture = Fixture::new();
    let no_telemetry = carprice(&["monitor"]);
    assert_eq!(no_telemetry.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_telemetry.stderr).contains("--telemetry"));
    // Without model files the versions of the latest quote are needed from a registry.
    let no_models = carprice(&["monitor", "--telemetry", &fixture.telemetry]);
    let message = String::from_utf8_lossy(&no_models.stderr);
    assert!(
        message.contains("1.0.0 and 1.1.0") && message.contains("--container"),
        "{message}"
    );
    let bad_time = fixture.run(&["monitor"], &["--since", "yesterday"]);
    assert!(String::from_utf8_lossy(&bad_time.stderr).contains("--since \"yesterday\""));
}

const WITHIN: &str = "min_quotes = 10\nmax_share_beyond_10_percent = 0.3\nmax_median_deviation = 0.02\nmax_psi = 10.0\nmax_extrapolation_share = 0.2\n";

/// `carprice rollout --check` with `config` as its thresholds file, over the fixture's period.
fn check_with(fixture: &Fixture, config: &str) -> Output {
    let config = fixture.config(config);
    fixture.run(
        &["rollout", "--check", "--config", &config],
        &["--until", "2026-12-01"],
    )
}

#[test]
fn rollout_check_exit_codes_follow_the_thresholds() {
    let fixture = Fixture::new();
    let check = |config: &str| check_with(&fixture, config);
    // Every figure exactly at its threshold: within.
    let within = check(WITHIN);
    assert_eq!(within.status.code(), Some(0), "{within:?}");
    assert!(stdout(&within).contains("within the thresholds"));

    let crossed = check(&WITHIN.replace("beyond_10_percent = 0.3", "beyond_10_percent = 0.25"));
    assert_eq!(crossed.status.code(), Some(4), "{crossed:?}");
    assert!(stdout(&crossed).contains("30.0% of quotes are priced more than 10% apart"));

    let drift = check(&WITHIN.replace("max_psi = 10.0", "max_psi = 0.25"));
    assert_eq!(drift.status.code(), Some(4));
    assert!(
        stdout(&drift).contains("input drift of width"),
        "{}",
        stdout(&drift)
    );

    let median = check(&WITHIN.replace("deviation = 0.02", "deviation = 0.005"));
    assert_eq!(median.status.code(), Some(4));
    assert!(stdout(&median).contains("median price ratio is 1.010"));

    let extrapolation =
        check(&WITHIN.replace("extrapolation_share = 0.2", "extrapolation_share = 0.1"));
    assert_eq!(extrapolation.status.code(), Some(4));

    let too_few = check(&WITHIN.replace("min_quotes = 10", "min_quotes = 11"));
    assert_eq!(too_few.status.code(), Some(3), "{too_few:?}");
    assert!(stdout(&too_few).contains("10 quotes, fewer than the 11 needed"));

    let unknown = check(&format!("{WITHIN}max_price = 3\n"));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("max_price"));
    let missing = check("min_quotes = 10\n");
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn rollout_check_into_a_closed_pipe_panicked() {
    let fixture = Fixture::new();
    let config = fixture.config(WITHIN);
    let check = |config: &str| {
        fixture.command(
            &["rollout", "--check", "--config", config],
            &["--until", "2026-12-01"],
        )
    };
    closed_pipe::assert_quiet_exit(&mut check(&config));
    // The verdict outlives the report: a crossed threshold still exits 4.
    let crossed = fixture.config(&WITHIN.replace("max_psi = 10.0", "max_psi = 0.25"));
    let output = closed_pipe::run_with_stdout_closed(&mut check(&crossed));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("rollout check failed"), "{stderr}");
    closed_pipe::assert_quiet_exit(&mut fixture.command(&["monitor"], &[]));
}

#[test]
fn a_mistyped_telemetry_folder_read_as_too_few_quotes() {
    let fixture = Fixture::new();
    let config = fixture.config(WITHIN);
    let mistyped = format!("{}-typo", fixture.telemetry);
    let output = carprice(&[
        "rollout",
        "--check",
        "--config",
        &config,
        "--telemetry",
        &mistyped,
        "--champion",
        &fixture.champion,
        "--challenger",
        &fixture.challenger,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("telemetry folder {mistyped} does not exist")),
        "{stderr}"
    );
}

/// `carprice monitor` on `telemetry` with the fixture's models: its one line on stderr.
fn monitor_error(fixture: &Fixture, telemetry: &str) -> String {
    let output = carprice(&[
        "monitor",
        "--telemetry",
        telemetry,
        "--champion",
        &fixture.champion,
        "--challenger",
        &fixture.challenger,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn monitor_said_a_telemetry_file_can_be_created_and_is_writable() {
    let fixture = Fixture::new();
    let file = fixture.dir.path().join("telemetry.json");
    std::fs::write(&file, "{}").unwrap();
    let stderr = monitor_error(&fixture, file.to_str().unwrap());
    assert_eq!(
        stderr.trim_end(),
        format!(
            "carprice: error: {} is a file, not a telemetry folder: name the folder the server \
             stores batches in (carprice monitor --telemetry, static-host --telemetry-dir)",
            file.display()
        )
    );
}

#[test]
fn monitor_repeated_the_cause_of_a_corrupt_stored_batch() {
    let fixture = Fixture::new();
    let corrupt = Path::new(&fixture.telemetry).join("2026-11-30/corrupt.json");
    std::fs::write(&corrupt, "{\"batch\": \"corrupt\", \"quotes\": []}").unwrap();
    let stderr = monitor_error(&fixture, &fixture.telemetry);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "carprice: error: stored telemetry {} is not a valid batch (quotes: 0 quotes; a batch \
             holds 1 to 200): move it out of the telemetry store",
            corrupt.display()
        )
    );
}

#[test]
fn the_shipped_thresholds_are_a_valid_config() {
    let fixture = Fixture::new();
    let config = repo().join("infra/rollout-check.toml");
    let output = fixture.run(
        &["rollout", "--check", "--config", config.to_str().unwrap()],
        &["--until", "2026-12-01"],
    );
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(stdout(&output).contains("10 quotes, fewer than the 100 needed"));
}

#[test]
fn a_mistyped_rollout_check_option_exited_2_as_a_crossed_threshold() {
    // The deploy workflow halts the canary on a crossed threshold: a wrong command line must exit
    // with another code.
    let fixture = Fixture::new();
    let config = fixture.config(WITHIN);
    let mistyped = fixture.run(
        &["rollout", "--check", "--config", &config],
        &["--min-quotes", "1"],
    );
    assert_eq!(mistyped.status.code(), Some(2), "{mistyped:?}");
    let crossed = fixture.config(&WITHIN.replace("max_psi = 10.0", "max_psi = 0.25"));
    let crossed = fixture.run(
        &["rollout", "--check", "--config", &crossed],
        &["--until", "2026-12-01"],
    );
    assert_eq!(crossed.status.code(), Some(4), "{crossed:?}");
}

#[test]
fn a_share_threshold_written_as_a_percent_never_tripped() {
    let fixture = Fixture::new();
    let check = |config: &str| check_with(&fixture, config);
    let percent = check(&WITHIN.replace("beyond_10_percent = 0.3", "beyond_10_percent = 10"));
    let stderr = String::from_utf8_lossy(&percent.stderr);
    assert_eq!(percent.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("max_share_beyond_10_percent is a fraction from 0 to 1 (0.10 = 10%), got 10: did you mean 0.1?"),
        "{stderr}"
    );
    // A value of the wrong type: one line naming the file's line.
    let typed = check(&WITHIN.replace("min_quotes = 10", "min_quotes = \"ten\""));
    let stderr = String::from_utf8_lossy(&typed.stderr);
    assert_eq!(typed.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("thresholds.toml, line "), "{stderr}");
}

#[test]
fn an_empty_telemetry_variable_was_read_as_a_folder_named_nothing() {
    let output = command(&["monitor", "--champion", "assets", "--challenger", "assets"])
        .env("CARPRICE_TELEMETRY", "")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("a value is required for '--telemetry <TELEMETRY>'"),
        "{stderr}"
    );
    assert!(!stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn an_empty_registry_variable_refused_a_monitor_of_model_files() {
    // A workflow's unset secret is an empty variable: with both models given, it is not needed.
    let fixture = Fixture::new();
    let output = fixture
        .command(&["monitor"], &[])
        .env("CARPRICE_CONTAINER_URL", "")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}
